package daastest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

func TestTokenEndpoint(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithTokenLifetime(30*time.Minute))
	creds := url.Values{"grant_type": {"client_credentials"}, "client_id": {f.s.ClientID}, "client_secret": {f.s.ClientSecret}}

	resp, body := f.form(f.s.TokenURL, creds)
	eq(t, "status", resp.StatusCode, http.StatusOK)
	eq(t, "Cache-Control", resp.Header.Get("Cache-Control"), "no-store")
	eq(t, "Pragma", resp.Header.Get("Pragma"), "no-cache")
	eq(t, "Content-Type", resp.Header.Get("Content-Type"), "application/json; charset=utf-8")
	if resp.Header.Get("X-Cws-TransactionId") == "" {
		t.Error("no X-Cws-TransactionId")
	}
	m := object(t, body)
	eq(t, "keys", sortedKeys(m), []string{"access_token", "expires_in", "token_type"})
	eq(t, "token_type", m["token_type"], any("bearer"))
	eq(t, "expires_in", m["expires_in"], any("1800")) // a JSON string
	if tok, _ := m["access_token"].(string); len(tok) < 32 {
		t.Errorf("access_token %q is too short", tok)
	}

	// The path segment may be "root" instead of the customer id.
	rootURL := strings.Replace(f.s.TokenURL, "/"+f.s.CustomerID+"/", "/root/", 1)
	resp, _ = f.form(rootURL, creds)
	eq(t, "status with root", resp.StatusCode, http.StatusOK)

	for name, tc := range map[string]struct {
		url   string
		form  url.Values
		code  string
		ctype string
	}{
		"bad secret":     {f.s.TokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.s.ClientID}, "client_secret": {"nope"}}, "invalid_client", ""},
		"unknown client": {f.s.TokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {"x"}, "client_secret": {"y"}}, "invalid_client", ""},
		"other customer": {strings.Replace(f.s.TokenURL, f.s.CustomerID, "othercustomer", 1), creds, "invalid_client", ""},
		"grant type":     {f.s.TokenURL, url.Values{"grant_type": {"password"}, "client_id": {f.s.ClientID}, "client_secret": {f.s.ClientSecret}}, "unsupported_grant_type", ""},
		"no secret":      {f.s.TokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.s.ClientID}}, "invalid_request", ""},
		"charset":        {f.s.TokenURL, creds, "invalid_request", "application/x-www-form-urlencoded; charset=utf-8"},
		"json":           {f.s.TokenURL, creds, "invalid_request", "application/json"},
	} {
		req, _ := http.NewRequest(http.MethodPost, tc.url, strings.NewReader(tc.form.Encode()))
		ct := tc.ctype
		if ct == "" {
			ct = "application/x-www-form-urlencoded"
		}
		req.Header.Set("Content-Type", ct)
		resp, body := f.do(req)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, resp.StatusCode)
			continue
		}
		m := object(t, body)
		eq(t, name+": error", m["error"], any(tc.code))
		if tc.code == "invalid_client" {
			eq(t, name+": description", m["error_description"], any("Invalid client id or client secret."))
		}
	}

	req, _ := http.NewRequest(http.MethodGet, f.s.TokenURL, nil)
	resp, _ = f.do(req)
	eq(t, "GET token status", resp.StatusCode, http.StatusMethodNotAllowed)
	eq(t, "Allow", resp.Header.Get("Allow"), "POST")
}

func TestTokensExpireOnServiceTime(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithTokenLifetime(10*time.Minute))
	f.want(http.StatusOK, "GET", "/me", "")
	f.s.Advance(10*time.Minute - time.Second)
	f.want(http.StatusOK, "GET", "/me", "")
	f.s.Advance(time.Second)
	m := f.want(http.StatusUnauthorized, "GET", "/me", "")
	eq(t, "reason", errorBody(t, m, "authentication")["reason"], "invalid")

	// IssueToken mints a live token for the default client.
	f.token = f.s.IssueToken()
	f.want(http.StatusOK, "GET", "/MachineCatalogs", "")
	eq(t, "tokens issued", f.s.Stats().TokensIssued, 2)
}

func TestRequestChecks(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithCatalogs(1))
	body := `{"Name":"A","ProvisioningType":"Manual","SessionSupport":"SingleSession"}`
	cases := []struct {
		name   string
		method string
		path   string
		body   string
		mod    func(*http.Request)
		status int
		kind   string // common error type; "" for other bodies
		params map[string]string
	}{
		{"no authorization", "GET", "/MachineCatalogs", "", func(r *http.Request) { r.Header.Del("Authorization") },
			401, "authentication", map[string]string{"reason": "missing"}},
		{"bad token", "GET", "/MachineCatalogs", "", func(r *http.Request) { r.Header.Set("Authorization", "CWSAuth bearer=nope") },
			401, "authentication", map[string]string{"reason": "invalid"}},
		{"plain Bearer scheme", "GET", "/Jobs", "", func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+strings.TrimPrefix(r.Header.Get("Authorization"), "CWSAuth bearer="))
		}, 401, "authentication", map[string]string{"reason": "invalid"}},
		{"scheme case", "GET", "/MachineCatalogs", "", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "CWSAuth bearer=", "CwsAuth Bearer=", 1))
		}, 200, "", nil},
		{"no customer", "GET", "/MachineCatalogs", "", func(r *http.Request) { r.Header.Del("Citrix-CustomerId") },
			500, "", nil},
		{"other customer", "GET", "/me", "", func(r *http.Request) { r.Header.Set("Citrix-CustomerId", "someoneelse") },
			403, "authorization", map[string]string{}},
		{"no site", "GET", "/Jobs", "", func(r *http.Request) { r.Header.Del("Citrix-InstanceId") },
			400, "missing", map[string]string{"name": "Citrix-InstanceId"}},
		{"unknown site", "GET", "/MachineCatalogs", "", func(r *http.Request) { r.Header.Set("Citrix-InstanceId", "1b3e0f6c-0000-4000-8000-000000000000") },
			400, "invalidString", map[string]string{"name": "Citrix-InstanceId", "value": "1b3e0f6c-0000-4000-8000-000000000000"}},
		{"me without site", "GET", "/me", "", func(r *http.Request) { r.Header.Del("Citrix-InstanceId") }, 200, "", nil},
		{"no accept", "GET", "/MachineCatalogs", "", func(r *http.Request) { r.Header.Del("Accept") },
			406, "notAcceptable", map[string]string{"contentType": "application/json"}},
		{"accept any", "GET", "/MachineCatalogs", "", func(r *http.Request) { r.Header.Set("Accept", "*/*") }, 200, "", nil},
		{"accept charset", "GET", "/me", "", func(r *http.Request) { r.Header.Set("Accept", "application/json; charset=utf-8") }, 200, "", nil},
		{"accept list", "GET", "/me", "", func(r *http.Request) { r.Header.Set("Accept", "text/html, application/json;q=0.9") }, 200, "", nil},
		{"accept xml", "GET", "/me", "", func(r *http.Request) { r.Header.Set("Accept", "application/xml") },
			406, "notAcceptable", map[string]string{"contentType": "application/json"}},
		{"accept latin1", "GET", "/me", "", func(r *http.Request) { r.Header.Set("Accept", "application/json; charset=iso-8859-1") },
			406, "notAcceptable", map[string]string{"contentType": "application/json"}},
		{"no charset", "PATCH", "/MachineCatalogs/x", `{}`, func(r *http.Request) { r.Header.Set("Content-Type", "application/json") },
			404, "notFound", map[string]string{"entityType": "MachineCatalog", "id": "x"}},
		{"no content type", "POST", "/MachineCatalogs", body, func(r *http.Request) { r.Header.Del("Content-Type") },
			415, "unsupportedMediaType", map[string]string{}},
		{"latin1", "PATCH", "/MachineCatalogs/x", `{}`, func(r *http.Request) { r.Header.Set("Content-Type", "application/json; charset=iso-8859-1") },
			415, "unsupportedMediaType", map[string]string{}},
		{"content type case", "POST", "/MachineCatalogs", body, func(r *http.Request) { r.Header.Set("Content-Type", "Application/JSON; Charset=UTF-8") },
			200, "", nil},
	}
	for _, tc := range cases {
		req := f.request(tc.method, tc.path, tc.body)
		req.Header.Set("Citrix-TransactionId", "txn-"+strings.ReplaceAll(tc.name, " ", "-"))
		tc.mod(req)
		resp, b := f.do(req)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.name, resp.StatusCode, tc.status, b)
			continue
		}
		eq(t, tc.name+": transaction id echo", resp.Header.Get("Citrix-TransactionId"), "txn-"+strings.ReplaceAll(tc.name, " ", "-"))
		eq(t, tc.name+": content type", resp.Header.Get("Content-Type"), "application/json; charset=utf-8")
		if tc.kind != "" {
			eq(t, tc.name+": parameters", errorBody(t, object(t, b), tc.kind), tc.params)
		}
		if tc.status == 500 {
			m := object(t, b)
			eq(t, "500 keys", sortedKeys(m), []string{"activityId", "message", "statusCode"})
			eq(t, "500 message", m["message"], any("Internal server error"))
			eq(t, "500 statusCode", m["statusCode"], any(500.0))
		}
	}
	// Without Citrix-TransactionId, the response carries a new one.
	req := f.request("GET", "/me", "")
	resp, _ := f.do(req)
	if id := resp.Header.Get("Citrix-TransactionId"); len(id) != 36 {
		t.Errorf("generated transaction id %q is not a UUID", id)
	}
	if st := f.s.Stats(); st.CatalogsCreated != 1 {
		t.Errorf("CatalogsCreated = %d, want 1 (only the accepted POST)", st.CatalogsCreated)
	}
}

func TestMe(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithSites("11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"))
	eq(t, "SiteID", f.s.SiteID, "11111111-1111-4111-8111-111111111111")
	req := f.request("GET", "/me", "")
	req.Header.Del("Citrix-InstanceId")
	resp, b := f.do(req)
	eq(t, "status", resp.StatusCode, 200)
	m := object(t, b)
	eq(t, "keys", sortedKeys(m), []string{"Customers", "DisplayName", "ExpiryTime", "IsCspCustomer", "RefreshExpirationTime", "UserId", "VerifiedEmail"})
	eq(t, "VerifiedEmail", m["VerifiedEmail"], nil)
	eq(t, "UserId", m["UserId"], any(f.s.ClientID))
	eq(t, "ExpiryTime", m["ExpiryTime"], any("1:00:00 PM")) // 12:00 + 1 h, the docs' odd format
	customers := m["Customers"].([]any)
	eq(t, "customers", len(customers), 1)
	c := customers[0].(map[string]any)
	eq(t, "customer keys", sortedKeys(c), []string{"Id", "Name", "Sites"})
	eq(t, "customer Id", c["Id"], any(f.s.CustomerID))
	eq(t, "customer Name", c["Name"], nil)
	sites := c["Sites"].([]any)
	eq(t, "sites", len(sites), 2)
	eq(t, "site 2", sites[1], any(map[string]any{"Id": "22222222-2222-4222-8222-222222222222", "Name": "cloudxdsite2"}))

	// The second site is usable too.
	req = f.request("GET", "/MachineCatalogs", "")
	req.Header.Set("Citrix-InstanceId", "22222222-2222-4222-8222-222222222222")
	resp, _ = f.do(req)
	eq(t, "second site status", resp.StatusCode, 200)
}

func TestPerClientVisibility(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithAPIClient("other-client", "other-secret"), daastest.WithJobDuration(time.Minute))
	mine := f.startJob("GET", "/MachineCatalogs?async=true", "")

	other := *f
	other.token = f.fetchToken("other-client", "other-secret")
	m := other.want(http.StatusNotFound, "GET", "/Jobs/"+mine, "")
	eq(t, "parameters", errorBody(t, m, "notFound"), map[string]string{"entityType": "Job", "id": mine})
	other.want(http.StatusNotFound, "GET", "/Jobs/"+mine+"/Results", "")
	other.want(http.StatusNotFound, "POST", "/Jobs/"+mine+"/$cancel", "")
	other.want(http.StatusNotFound, "DELETE", "/Jobs/"+mine, "")
	eq(t, "other's jobs", len(items(t, other.want(200, "GET", "/Jobs", ""))), 0)
	theirs := other.startJob("GET", "/MachineCatalogs?async=true", "")

	list := items(t, f.want(200, "GET", "/Jobs", ""))
	eq(t, "my jobs", len(list), 1)
	eq(t, "my job", list[0]["Id"], any(mine))
	snap, ok := f.s.Job(theirs)
	eq(t, "Job() sees every client", ok, true)
	eq(t, "owner", snap.ClientID, "other-client")
}
