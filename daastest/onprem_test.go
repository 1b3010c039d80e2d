package daastest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

// The on-premises token endpoint: Basic authentication, the spec's answer
// and 401, the controller's Date, and no Citrix Cloud token endpoint.
func TestOnPremisesTokenEndpoint(t *testing.T) {
	t.Parallel()
	s := daastest.NewServer(daastest.WithoutListener(), daastest.WithOnPremises(), daastest.WithClock(epoch))
	defer s.Close()
	eq(t, "CustomerID", s.CustomerID, daastest.OnPremisesCustomerID)
	eq(t, "URL", s.URL, "https://127.0.0.1:1/cvad/manage")
	eq(t, "TokenURL", s.TokenURL, s.URL+"/Tokens")
	hc := s.HTTPClient()
	post := func(user, pass string) (*http.Response, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/tokens", nil)
		req.Header.Set("Accept", "application/json")
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
			t.Fatal(err)
		}
		return resp, m
	}
	resp, m := post(strings.ToLower(s.Username), s.Password)
	eq(t, "status", resp.StatusCode, http.StatusOK)
	for _, k := range []string{"Token", "Principal", "UserId", "CustomerId", "ExpiresAt"} {
		if _, ok := m[k].(string); !ok {
			t.Errorf("answer lacks %s: %v", k, m)
		}
	}
	eq(t, "CustomerId", m["CustomerId"], any(daastest.OnPremisesCustomerID))
	at, err := time.Parse(time.RFC3339, m["ExpiresAt"].(string))
	if err != nil {
		t.Fatal(err)
	}
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "ExpiresAt - Date", at.Sub(date), daastest.DefaultTokenLifetime)
	eq(t, "Citrix-TransactionId", resp.Header.Get("Citrix-TransactionId") != "", true)

	for _, pass := range []string{"", s.Password + "x"} {
		resp, m = post(s.Username, pass)
		eq(t, "status", resp.StatusCode, http.StatusUnauthorized)
		eq(t, "type", m["type"], any("https://errors-api.cloud.com/common/authentication"))
	}
	resp, _ = post("", "")
	eq(t, "status without Authorization", resp.StatusCode, http.StatusUnauthorized)
	eq(t, "Count", s.Count("POST /Tokens"), 4)
	eq(t, "TokensIssued", s.Stats().TokensIssued, 1)

	cloud, err := hc.Post(strings.Replace(s.URL, "/cvad/manage", "/cctrustoauth2/root/tokens/clients", 1), "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	cloud.Body.Close()
	eq(t, "Citrix Cloud token endpoint", cloud.StatusCode, http.StatusNotFound)
}

// The request log keeps the Basic scheme and nothing of the credentials,
// even when their base64 ends in '=' (the log used to keep all up to the
// last '=').
func TestOnPremisesBasicRedacted(t *testing.T) {
	t.Parallel()
	s := daastest.NewServer(daastest.WithoutListener(), daastest.WithOnPremises())
	defer s.Close()
	for _, pass := range []string{"p", "pw", "pwd"} { // every padding
		req, _ := http.NewRequest(http.MethodPost, s.TokenURL, nil)
		req.SetBasicAuth("u", pass)
		resp, err := s.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for _, r := range s.Requests() {
		eq(t, "Authorization", r.Header.Get("Authorization"), "Basic REDACTED")
	}
}
