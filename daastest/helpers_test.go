package daastest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

// epoch is the fixed clock of most tests: service time moves only with
// Server.Advance.
func epoch() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }

// fixture is a server without a listener, a client for it and a token of
// the default API client.
type fixture struct {
	t     *testing.T
	s     *daastest.Server
	hc    *http.Client
	token string
}

// newFixture starts an in-memory server with a frozen clock; opts come
// after the defaults, so they can override them.
func newFixture(t *testing.T, opts ...daastest.Option) *fixture {
	t.Helper()
	all := append([]daastest.Option{
		daastest.WithoutListener(),
		daastest.WithClock(epoch),
	}, opts...)
	s := daastest.NewServer(all...)
	t.Cleanup(s.Close)
	f := &fixture{t: t, s: s, hc: s.HTTPClient()}
	f.token = f.fetchToken(s.ClientID, s.ClientSecret)
	return f
}

// fetchToken gets a token from the token endpoint.
func (f *fixture) fetchToken(id, secret string) string {
	f.t.Helper()
	resp, body := f.form(f.s.TokenURL, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret},
	})
	if resp.StatusCode != http.StatusOK {
		f.t.Fatalf("token: %d %s", resp.StatusCode, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	mustUnmarshal(f.t, body, &tok)
	return tok.AccessToken
}

// form posts a token request.
func (f *fixture) form(tokenURL string, v url.Values) (*http.Response, []byte) {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader(v.Encode()))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return f.do(req)
}

// request builds an API request with every header the service wants. path
// is relative to the API root, with its query.
func (f *fixture) request(method, path, body string) *http.Request {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.s.URL+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Authorization", "CWSAuth bearer="+f.token)
	req.Header.Set("Citrix-CustomerId", f.s.CustomerID)
	req.Header.Set("Citrix-InstanceId", f.s.SiteID)
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	return req
}

// do sends req and reads the whole answer.
func (f *fixture) do(req *http.Request) (*http.Response, []byte) {
	f.t.Helper()
	resp, err := f.hc.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp, body
}

// call sends an API request with the standard headers.
func (f *fixture) call(method, path, body string) (*http.Response, []byte) {
	f.t.Helper()
	return f.do(f.request(method, path, body))
}

// want checks a status and returns the body decoded as a JSON object.
func (f *fixture) want(status int, method, path, body string) map[string]any {
	f.t.Helper()
	resp, b := f.call(method, path, body)
	if resp.StatusCode != status {
		f.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, resp.StatusCode, status, b)
	}
	if len(b) == 0 {
		return nil
	}
	return object(f.t, b)
}

// startJob makes an async call that must answer 202 and returns the job id.
func (f *fixture) startJob(method, path, body string) string {
	f.t.Helper()
	resp, b := f.call(method, path, body)
	if resp.StatusCode != http.StatusAccepted {
		f.t.Fatalf("%s %s: status %d, want 202; body %s", method, path, resp.StatusCode, b)
	}
	loc := resp.Header.Get("Location")
	prefix := f.s.URL + "/Jobs/"
	if !strings.HasPrefix(loc, prefix) {
		f.t.Fatalf("Location %q does not start with %q", loc, prefix)
	}
	return strings.TrimPrefix(loc, prefix)
}

// job reads GET /Jobs/{id}.
func (f *fixture) job(id string) map[string]any {
	f.t.Helper()
	return f.want(http.StatusOK, "GET", "/Jobs/"+id, "")
}

func object(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	mustUnmarshal(t, b, &m)
	return m
}

func mustUnmarshal(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
}

// sortedKeys returns the keys of a JSON object, sorted.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// items returns the Items of a collection body.
func items(t *testing.T, m map[string]any) []map[string]any {
	t.Helper()
	raw, ok := m["Items"].([]any)
	if !ok {
		t.Fatalf("no Items array in %v", m)
	}
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i] = it.(map[string]any)
	}
	return out
}

// eq fails the test when got != want.
func eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

// errorBody checks a common error body and returns its parameters as a map.
func errorBody(t *testing.T, m map[string]any, kind string) map[string]string {
	t.Helper()
	eq(t, "type", m["type"], any("https://errors-api.cloud.com/common/"+kind))
	if _, ok := m["detail"].(string); !ok {
		t.Errorf("error body %v has no detail", m)
	}
	params := map[string]string{}
	list, ok := m["parameters"].([]any)
	if !ok {
		t.Fatalf("error body %v: parameters is not an array", m)
	}
	for _, p := range list {
		pm := p.(map[string]any)
		params[pm["name"].(string)] = pm["value"].(string)
	}
	return params
}
