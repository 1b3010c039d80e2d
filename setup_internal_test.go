package daas

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The setup of this package's internal tests: newTestClient makes every
// client, served by a handler in memory or by a listener of the test's own
// (newServer); the rest are small fixtures for handlers.

const (
	testCustomer = "cust1"
	testSite     = "site-1"
	testToken    = "tok-STATIC-9f27c1e4" // never allowed in any output
	testClientID = "client-id-7a1b"
	testSecret   = "s3cr3t-CLIENT-SECRET-e8d2" // never allowed in any output

	// testOrigin is the origin of a client served in memory.
	testOrigin = "http://127.0.0.1:8443"
	// memBase is the API root of a client served in memory.
	memBase = testOrigin + "/cvad/manage"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// newTestClient is the one way these tests make a client: customer
// testCustomer, site testSite, fast retries (fastRetry(3)) and, unless opts
// bring a credential of their own, the static token testToken. With h, the
// client reaches h in memory at memBase, without sockets, so that it works
// inside a testing/synctest bubble; with h nil, opts name the base URL
// (WithBaseURL). opts come last and so override every default; withoutSite
// and withoutRetries take one away.
func newTestClient(t testing.TB, h http.HandlerFunc, opts ...Option) *Client {
	t.Helper()
	defaults := []Option{WithSiteID(testSite), WithRetryPolicy(fastRetry(3))}
	if h != nil {
		defaults = append(defaults, WithBaseURL(memBase), WithHTTPClient(&http.Client{Transport: memTransport(h)}))
	}
	var probe config
	for _, opt := range opts {
		if opt != nil {
			_ = opt(&probe)
		}
	}
	if probe.creds == 0 {
		defaults = append(defaults, WithBearerToken(testToken))
	}
	c, err := NewClient(testCustomer, append(defaults, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.hc.CloseIdleConnections)
	return c
}

// withoutSite leaves the client without a site id, so that it discovers
// its site from GET /me.
func withoutSite() Option {
	return func(c *config) error {
		c.siteID = ""
		return nil
	}
}

// withoutRetries makes every failed attempt final.
func withoutRetries() Option {
	return WithRetryPolicy(RetryPolicy{MaxRetries: 0, MinDelay: time.Millisecond, MaxDelay: time.Millisecond})
}

// fastRetry retries n times with waits of a millisecond or two.
func fastRetry(n int) RetryPolicy {
	return RetryPolicy{MaxRetries: n, MinDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}
}

// newServer serves h on a loopback listener for the test's duration, for
// tests that need real connections (TLS, dropped connections, dial errors).
func newServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// call makes one logical call through the client's single request path.
func call(ctx context.Context, c *Client, method, ref string, query url.Values, body, v any) (*http.Response, error) {
	r, err := c.newRequest(method, ref, query, body)
	if err != nil {
		return nil, err
	}
	// Any success or a 303, as the raw path accepts.
	return c.call(ctx, r, v, 200, 201, 202, 203, 204, 205, 206, 303)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// hijackClose drops the connection without answering.
func hijackClose(t *testing.T, w http.ResponseWriter, reset bool) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0) // RST instead of FIN
	}
	_ = conn.Close()
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// memTransport serves requests in memory with h, without sockets, so that it
// works inside a testing/synctest bubble (where waits are exact).
func memTransport(h http.HandlerFunc) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
			_ = req.Body.Close()
		}
		sreq := req.Clone(req.Context())
		sreq.Body = io.NopCloser(bytes.NewReader(body))
		sreq.RequestURI = req.URL.RequestURI()
		sreq.Host = req.URL.Host
		rec := httptest.NewRecorder()
		h(rec, sreq)
		resp := rec.Result()
		resp.Request = req
		return resp, nil
	})
}
