package daas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ---- helpers shared by client_test.go, auth_test.go and errors_test.go ----

const (
	testCustomer = "cust1"
	testSite     = "site-1"
	testToken    = "tok-STATIC-9f27c1e4" // never allowed in any output
	testClientID = "client-id-7a1b"
	testSecret   = "s3cr3t-CLIENT-SECRET-e8d2" // never allowed in any output
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// fastRetry retries n times with waits of a millisecond or two.
func fastRetry(n int) RetryPolicy {
	return RetryPolicy{MaxRetries: n, MinDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}
}

func newServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func newTestClient(t *testing.T, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(testCustomer, opts...)
	require.NoError(t, err)
	t.Cleanup(c.hc.CloseIdleConnections)
	return c
}

// staticClient is a client with a static bearer token, a fixed site and fast
// retries against base; opts come last and so override the defaults.
func staticClient(t *testing.T, base string, opts ...Option) *Client {
	t.Helper()
	return newTestClient(t, append([]Option{
		WithBaseURL(base), WithBearerToken(testToken), WithSiteID(testSite), WithRetryPolicy(fastRetry(3)),
	}, opts...)...)
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

const memBase = "http://127.0.0.1/cvad/manage"

// memClient is a static-token client served in memory by h.
func memClient(t *testing.T, h http.HandlerFunc, opts ...Option) *Client {
	t.Helper()
	return staticClient(t, memBase, append([]Option{WithHTTPClient(&http.Client{Transport: memTransport(h)})}, opts...)...)
}

// ---- NewClient ----

func TestNewClientValidation(t *testing.T) {
	t.Parallel()
	cred := WithBearerToken(testToken)
	tests := []struct {
		name     string
		customer string
		opts     []Option
		wantIs   error  // errors.Is target, if any
		wantText string // substring of the error
	}{
		{"empty customer id", "", []Option{cred}, nil, "empty customer id"},
		{"blank customer id", "  ", []Option{cred}, nil, "empty customer id"},
		{"customer id with slash", "a/b", []Option{cred}, nil, "malformed customer id"},
		{"no credentials", testCustomer, nil, ErrNoCredentials, ""},
		{"no credentials but other options", testCustomer, []Option{WithSiteID("s")}, ErrNoCredentials, ""},
		{"bearer and client credentials", testCustomer, []Option{cred, WithClientCredentials("id", "sec")}, ErrNoCredentials, ""},
		{"bearer twice", testCustomer, []Option{cred, WithBearerToken("other")}, ErrNoCredentials, ""},
		{"token source and bearer", testCustomer, []Option{cred, WithTokenSource(staticToken{})}, ErrNoCredentials, ""},
		{"empty bearer token", testCustomer, []Option{WithBearerToken(" ")}, nil, "empty token"},
		{"bearer token with line break", testCustomer, []Option{WithBearerToken("a\r\nX-Evil: 1")}, nil, "line break"},
		{"empty client id", testCustomer, []Option{WithClientCredentials("", "sec")}, nil, "empty client id"},
		{"empty client secret", testCustomer, []Option{WithClientCredentials("id", "")}, nil, "empty client secret"},
		{"nil token source", testCustomer, []Option{WithTokenSource(nil)}, nil, "nil token source"},
		{"empty site id", testCustomer, []Option{cred, WithSiteID(" ")}, nil, "WithSiteID"},
		{"site id with line break", testCustomer, []Option{cred, WithSiteID("a\nb")}, nil, "WithSiteID"},
		{"unknown region", testCustomer, []Option{cred, WithRegion("MARS")}, nil, "unknown region"},
		{"empty region", testCustomer, []Option{cred, WithRegion("")}, nil, "unknown region"},
		{"lower-case region", testCustomer, []Option{cred, WithRegion("us")}, nil, "unknown region"},
		{"plain http base URL", testCustomer, []Option{cred, WithBaseURL("http://example.com/cvad/manage")}, nil, "loopback"},
		{"plain http look-alike loopback", testCustomer, []Option{cred, WithBaseURL("http://localhost.example.com/cvad/manage")}, nil, "loopback"},
		{"plain http 127.0.0.1 look-alike", testCustomer, []Option{cred, WithBaseURL("http://127.0.0.1.nip.io/cvad/manage")}, nil, "loopback"},
		{"plain http token URL", testCustomer, []Option{WithClientCredentials("id", "sec"), WithTokenURL("http://example.com/cctrustoauth2/x/tokens/clients")}, nil, "loopback"},
		{"ftp base URL", testCustomer, []Option{cred, WithBaseURL("ftp://example.com/cvad/manage")}, nil, "scheme"},
		{"relative base URL", testCustomer, []Option{cred, WithBaseURL("cvad/manage")}, nil, "not absolute"},
		{"scheme-less URL with userinfo", testCustomer, []Option{cred, WithBaseURL("admin:pw-7788@ddc.example.com/cvad/manage")}, nil, "not absolute"},
		{"scheme-less token URL with userinfo", testCustomer, []Option{WithClientCredentials("id", "sec"), WithTokenURL("admin:pw-7788@trust.example.com/t")}, nil, "not absolute"},
		{"base URL with query", testCustomer, []Option{cred, WithBaseURL("https://example.com/cvad/manage?x=1")}, nil, "query"},
		{"base URL with empty query", testCustomer, []Option{cred, WithBaseURL("https://example.com/cvad/manage?")}, nil, "query"},
		{"base URL with fragment", testCustomer, []Option{cred, WithBaseURL("https://example.com/cvad/manage#f")}, nil, "fragment"},
		{"base URL with userinfo", testCustomer, []Option{cred, WithBaseURL("https://user:pw-7788@example.com/cvad/manage")}, nil, "credentials"},
		{"token URL with query", testCustomer, []Option{WithClientCredentials("id", "sec"), WithTokenURL("https://example.com/t?secret=1")}, nil, "query"},
		{"token URL with userinfo", testCustomer, []Option{WithClientCredentials("id", "sec"), WithTokenURL("https://u:pw-7788@example.com/t")}, nil, "credentials"},
		{"malformed base URL", testCustomer, []Option{cred, WithBaseURL("https://exa mple.com/%zz")}, nil, "WithBaseURL"},
		// Defect 7: the secret of an on-premises controller went to the
		// Citrix Cloud token host; a base URL off the API root failed later.
		{"client credentials, on-premises base URL, no token URL", testCustomer, []Option{WithClientCredentials("id", "sec"), WithBaseURL("https://ddc.example.com/cvad/manage")}, nil, "WithTokenURL"},
		{"client credentials, look-alike cloud host, no token URL", testCustomer, []Option{WithClientCredentials("id", "sec"), WithBaseURL("https://api.cloud.com.example.net/cvad/manage")}, nil, "WithTokenURL"},
		{"client credentials, cloud host on another port, no token URL", testCustomer, []Option{WithClientCredentials("id", "sec"), WithBaseURL("https://api.cloud.com:8443/cvad/manage")}, nil, "WithTokenURL"},
		{"base URL without the API root", testCustomer, []Option{cred, WithBaseURL("https://ddc.example.com")}, nil, "/cvad/manage"},
		{"base URL with another path", testCustomer, []Option{cred, WithBaseURL("https://ddc.example.com/cvad/manage/MachineCatalogs")}, nil, "/cvad/manage"},
		{"nil http client", testCustomer, []Option{cred, WithHTTPClient(nil)}, nil, "nil client"},
		{"nil logger", testCustomer, []Option{cred, WithLogger(nil)}, nil, "nil logger"},
		{"user agent with line break", testCustomer, []Option{cred, WithUserAgent("a\r\nb")}, nil, "line break"},
		{"retry: negative retries", testCustomer, []Option{cred, WithRetryPolicy(RetryPolicy{MaxRetries: -1, MinDelay: 1, MaxDelay: 1})}, nil, "MaxRetries"},
		{"retry: too many retries", testCustomer, []Option{cred, WithRetryPolicy(RetryPolicy{MaxRetries: 101, MinDelay: 1, MaxDelay: 1})}, nil, "MaxRetries"},
		{"retry: zero min delay", testCustomer, []Option{cred, WithRetryPolicy(RetryPolicy{MaxRetries: 1})}, nil, "MinDelay"},
		{"retry: max below min", testCustomer, []Option{cred, WithRetryPolicy(RetryPolicy{MaxRetries: 1, MinDelay: 2, MaxDelay: 1})}, nil, "MaxDelay"},
		{"poll: zero min", testCustomer, []Option{cred, WithPollPolicy(PollPolicy{MaxInterval: 1, Multiplier: 2})}, nil, "MinInterval"},
		{"poll: max below min", testCustomer, []Option{cred, WithPollPolicy(PollPolicy{MinInterval: 2, MaxInterval: 1, Multiplier: 2})}, nil, "MaxInterval"},
		{"poll: multiplier below 1", testCustomer, []Option{cred, WithPollPolicy(PollPolicy{MinInterval: 1, MaxInterval: 1, Multiplier: 0.5})}, nil, "Multiplier"},
		{"poll: jitter 1", testCustomer, []Option{cred, WithPollPolicy(PollPolicy{MinInterval: 1, MaxInterval: 1, Multiplier: 1, Jitter: 1})}, nil, "Jitter"},
		{"poll: negative batch threshold", testCustomer, []Option{cred, WithPollPolicy(PollPolicy{MinInterval: 1, MaxInterval: 1, Multiplier: 1, BatchThreshold: -1})}, nil, "BatchThreshold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tt.customer, tt.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			}
			assert.Contains(t, err.Error(), tt.wantText)
			assert.NotContains(t, err.Error(), "pw-7788", "userinfo password leaked into the error")
			assert.NotContains(t, err.Error(), testToken)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

// TestOptionsReusable: an Option is a value; one slice of them may configure
// many clients, concurrently (this caught options that rewrote their own
// captured arguments).
func TestOptionsReusable(t *testing.T) {
	t.Parallel()
	opts := []Option{
		WithBearerToken("  " + testToken + " "), WithSiteID(" " + testSite + " "), WithRegion(RegionEU),
		WithBaseURL(" https://ddc.example.com/cvad/manage/ "), WithUserAgent(" app/1 "), WithLogger(slog.New(slog.DiscardHandler)),
		WithRetryPolicy(fastRetry(1)), WithPollPolicy(DefaultPollPolicy()), WithHTTPClient(&http.Client{}), nil,
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			c, err := NewClient(" "+testCustomer+" ", opts...)
			if !assert.NoError(t, err) {
				return
			}
			assert.Equal(t, testCustomer, c.customerID)
			assert.Equal(t, testSite, c.siteID)
			assert.Equal(t, "https://ddc.example.com/cvad/manage", c.base.String())
			assert.True(t, strings.HasSuffix(c.userAgent, ") app/1"), c.userAgent)
			tok, err := c.ts.Token(t.Context())
			assert.NoError(t, err)
			assert.Equal(t, testToken, tok.Value)
		})
	}
	wg.Wait()
}

func TestNewClientAcceptsEndpoints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, url, wantBase string
	}{
		{"https", "https://ddc.example.com/cvad/manage", "https://ddc.example.com/cvad/manage"},
		{"https trailing slash", "https://ddc.example.com/cvad/manage/", "https://ddc.example.com/cvad/manage"},
		{"http 127.0.0.1", "http://127.0.0.1:8080/cvad/manage", "http://127.0.0.1:8080/cvad/manage"},
		{"http 127.0.0.2", "http://127.0.0.2/cvad/manage", "http://127.0.0.2/cvad/manage"},
		{"http localhost", "http://localhost:9/cvad/manage", "http://localhost:9/cvad/manage"},
		{"http LOCALHOST", "HTTP://LOCALHOST/cvad/manage", "http://localhost/cvad/manage"},
		{"http ::1", "http://[::1]:8080/cvad/manage", "http://[::1]:8080/cvad/manage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(testCustomer, WithClientCredentials("id", "sec"), WithBaseURL(tt.url), WithTokenURL(tt.url+"/token"))
			require.NoError(t, err)
			assert.Equal(t, tt.wantBase, c.base.String())
			assert.Equal(t, tt.wantBase, c.BaseURL())
			assert.Equal(t, c.base.Scheme+"://"+c.base.Host, c.tokenURL.Scheme+"://"+c.tokenURL.Host)
		})
	}
}

func TestNewClientRegions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      []Option
		wantBase  string
		wantToken string
	}{
		{"default is US", nil, "https://api.cloud.com/cvad/manage", "https://api-us.cloud.com/cctrustoauth2/cust1/tokens/clients"},
		{"US", []Option{WithRegion(RegionUS)}, "https://api.cloud.com/cvad/manage", "https://api-us.cloud.com/cctrustoauth2/cust1/tokens/clients"},
		{"EU", []Option{WithRegion(RegionEU)}, "https://api.cloud.com/cvad/manage", "https://api-eu.cloud.com/cctrustoauth2/cust1/tokens/clients"},
		{"APS", []Option{WithRegion(RegionAPS)}, "https://api.cloud.com/cvad/manage", "https://api-ap-s.cloud.com/cctrustoauth2/cust1/tokens/clients"},
		{"JP", []Option{WithRegion(RegionJP)}, "https://api.citrixcloud.jp/cvad/manage", "https://api.citrixcloud.jp/cctrustoauth2/cust1/tokens/clients"},
		{"EU with base override on a Citrix Cloud host", []Option{WithRegion(RegionEU), WithBaseURL("https://API.cloud.com/cvad/manage/")},
			"https://api.cloud.com/cvad/manage", "https://api-eu.cloud.com/cctrustoauth2/cust1/tokens/clients"},
		{"base and token override", []Option{WithRegion(RegionEU), WithBaseURL("https://ddc.example.com/cvad/manage"), WithTokenURL("https://ddc.example.com/token")},
			"https://ddc.example.com/cvad/manage", "https://ddc.example.com/token"},
		{"JP with token override", []Option{WithRegion(RegionJP), WithTokenURL("https://trust.example.com/t")},
			"https://api.citrixcloud.jp/cvad/manage", "https://trust.example.com/t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(testCustomer, append([]Option{WithClientCredentials(testClientID, testSecret)}, tt.opts...)...)
			require.NoError(t, err)
			assert.Equal(t, tt.wantBase, c.base.String())
			assert.Equal(t, tt.wantToken, c.tokenURL.String())
			cs, ok := c.ts.(*credentialsSource)
			require.True(t, ok, "client credentials give a *credentialsSource, got %T", c.ts)
			assert.Equal(t, tt.wantToken, cs.tokenURL)
			assert.Equal(t, testCustomer, c.CustomerID())
		})
	}
}

// failingTransport fails the test on any request: NewClient must do no I/O.
func failingTransport(t *testing.T) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("unexpected I/O: %s %s", r.Method, r.URL)
		return nil, errors.New("no I/O allowed")
	})
}

func TestNewClientDoesNoIO(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Transport: failingTransport(t)}
	for _, opts := range [][]Option{
		{WithClientCredentials(testClientID, testSecret)}, // no token fetch
		{WithBearerToken(testToken)},                      // no site discovery
		{WithTokenSource(staticToken{tok: Token{Value: testToken}}), WithRegion(RegionJP)},
	} {
		c, err := NewClient(testCustomer, append(opts, WithHTTPClient(hc))...)
		require.NoError(t, err)
		require.NotNil(t, c.MachineCatalogs)
		require.NotNil(t, c.Jobs)
	}
}

// ---- headers ----

type seenRequest struct {
	Method     string
	RequestURI string
	Header     http.Header
	Body       []byte
}

func recordingServer(t *testing.T, status int, body string) (*httptest.Server, chan seenRequest) {
	ch := make(chan seenRequest, 100)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ch <- seenRequest{r.Method, r.RequestURI, r.Header.Clone(), b}
		writeJSON(w, status, body)
	})
	return srv, ch
}

func TestRequestHeaders(t *testing.T) {
	t.Parallel()
	srv, seen := recordingServer(t, 200, `{"Id":"x"}`)
	c := staticClient(t, srv.URL+"/cvad/manage", WithUserAgent("myapp/1.2 (+https://example.com)"))
	ctx := t.Context()

	tests := []struct {
		name     string
		method   string
		body     any
		wantBody string
	}{
		{"GET without body", http.MethodGet, nil, ""},
		{"DELETE without body", http.MethodDelete, nil, ""},
		{"POST with body", http.MethodPost, map[string]string{"Name": "a<b>&c"}, `{"Name":"a<b>&c"}`},
		{"PATCH with body", http.MethodPatch, struct {
			Description string `json:"Description"`
		}{"é"}, `{"Description":"é"}`},
	}
	txids := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out map[string]any
			resp, err := call(ctx, c, tt.method, "MachineCatalogs", nil, tt.body, &out)
			require.NoError(t, err)
			assert.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, "x", out["Id"])
			r := <-seen
			assert.Equal(t, tt.method, r.Method)
			h := r.Header
			assert.Equal(t, []string{"application/json"}, h.Values("Accept"))
			assert.Equal(t, []string{"CWSAuth bearer=" + testToken}, h.Values("Authorization"))
			assert.Equal(t, []string{testCustomer}, h.Values("Citrix-CustomerId"))
			assert.Equal(t, []string{testSite}, h.Values("Citrix-InstanceId"))
			require.Len(t, h.Values("Citrix-TransactionId"), 1)
			txid := h.Get("Citrix-TransactionId")
			assert.Regexp(t, uuidRE, txid)
			assert.False(t, txids[txid], "transaction id reused across logical calls")
			txids[txid] = true
			ua := h.Get("User-Agent")
			assert.True(t, strings.HasPrefix(ua, "daas-go/"+Version+" "), "User-Agent %q", ua)
			assert.True(t, strings.HasSuffix(ua, " myapp/1.2 (+https://example.com)"), "User-Agent %q", ua)
			if tt.wantBody == "" {
				assert.Empty(t, h.Values("Content-Type"))
				assert.Empty(t, r.Body)
			} else {
				assert.Equal(t, []string{"application/json; charset=utf-8"}, h.Values("Content-Type"))
				assert.Equal(t, tt.wantBody, string(r.Body))
				assert.Equal(t, fmt.Sprint(len(tt.wantBody)), h.Get("Content-Length"))
			}
		})
	}
}

func TestUserAgentDefault(t *testing.T) {
	t.Parallel()
	srv, seen := recordingServer(t, 204, "")
	c := staticClient(t, srv.URL+"/cvad/manage")
	_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	require.NoError(t, err)
	ua := (<-seen).Header.Get("User-Agent")
	assert.Regexp(t, `^daas-go/`+regexp.QuoteMeta(Version)+` \(go[^;]+; [a-z0-9]+/[a-z0-9]+\)$`, ua)
}

func TestTransactionIDKeptAcrossRetries(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var txids []string
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		txids = append(txids, r.Header.Get("Citrix-TransactionId"))
		n := len(txids)
		mu.Unlock()
		if n <= 2 || n == 4 {
			writeJSON(w, 503, `{"type":"https://errors-api.cloud.com/common/serviceUnavailable","detail":"try again"}`)
			return
		}
		writeJSON(w, 200, `{}`)
	})
	c := staticClient(t, srv.URL+"/cvad/manage")
	_, err := call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
	require.NoError(t, err)
	_, err = call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
	require.NoError(t, err)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, txids, 5, "503, 503, 200 then 503, 200")
	assert.Regexp(t, uuidRE, txids[0])
	assert.Equal(t, txids[0], txids[1])
	assert.Equal(t, txids[0], txids[2])
	assert.NotEqual(t, txids[0], txids[3], "a new logical call has a new transaction id")
	assert.Equal(t, txids[3], txids[4])
}

// ---- paths ----

func TestPathHandling(t *testing.T) {
	t.Parallel()
	srv, seen := recordingServer(t, 200, `{}`)
	c := staticClient(t, srv.URL+"/prefix/cvad/manage/")
	tests := []struct {
		name    string
		ref     string
		query   url.Values
		wantURI string
	}{
		{"relative", "MachineCatalogs", nil, "/prefix/cvad/manage/MachineCatalogs"},
		{"leading slash", "/MachineCatalogs", nil, "/prefix/cvad/manage/MachineCatalogs"},
		{"escaped pipe", "MachineCatalogs/" + url.PathEscape("A|B"), nil, "/prefix/cvad/manage/MachineCatalogs/A%7CB"},
		{"escaped slash", "MachineCatalogs/" + url.PathEscape("A/B"), nil, "/prefix/cvad/manage/MachineCatalogs/A%2FB"},
		{"escaped space", "MachineCatalogs/" + url.PathEscape("My Catalog"), nil, "/prefix/cvad/manage/MachineCatalogs/My%20Catalog"},
		{"nested", "Jobs/j-1/Results", nil, "/prefix/cvad/manage/Jobs/j-1/Results"},
		{"query", "MachineCatalogs", url.Values{"async": {"true"}, "limit": {"5"}}, "/prefix/cvad/manage/MachineCatalogs?async=true&limit=5"},
		{"query escaped", "MachineCatalogs", url.Values{"adminFolder": {"A|B C"}}, "/prefix/cvad/manage/MachineCatalogs?adminFolder=A%7CB+C"},
		{"absolute same origin", srv.URL + "/prefix/cvad/manage/Jobs/j-2", nil, "/prefix/cvad/manage/Jobs/j-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := call(t.Context(), c, http.MethodGet, tt.ref, tt.query, nil, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.wantURI, (<-seen).RequestURI)
		})
	}

	refused := []struct {
		name   string
		ref    string
		wantIs error
	}{
		{"dot dot", "../admin", nil},
		{"inner dot dot", "MachineCatalogs/../../x", nil},
		{"dot", "./MachineCatalogs", nil},
		{"other port", "http://127.0.0.1:1/prefix/cvad/manage/Jobs/1", ErrUntrustedLocation},
		{"other host", "https://evil.example.com/prefix/cvad/manage/Jobs/1", ErrUntrustedLocation},
		{"other scheme", strings.Replace(srv.URL, "http://", "https://", 1) + "/prefix/cvad/manage/Jobs/1", ErrUntrustedLocation},
		{"scheme-relative", "//evil.example.com/x", ErrUntrustedLocation},
	}
	for _, tt := range refused {
		t.Run("refused "+tt.name, func(t *testing.T) {
			_, err := call(t.Context(), c, http.MethodGet, tt.ref, nil, nil, nil)
			require.Error(t, err)
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			}
		})
	}
	select {
	case r := <-seen:
		t.Errorf("a refused path reached the server: %s", r.RequestURI)
	default:
	}
}

func TestResolveOrigin(t *testing.T) {
	t.Parallel()
	c := staticClient(t, "https://API.example.com/cvad/manage")
	tests := []struct {
		ref  string
		want string // "" when refused with ErrUntrustedLocation
	}{
		{"https://api.example.com/cvad/manage/Jobs/1", "https://api.example.com/cvad/manage/Jobs/1"},
		{"https://api.example.com:443/cvad/manage/Jobs/1", "https://api.example.com:443/cvad/manage/Jobs/1"},
		{"HTTPS://Api.Example.com/cvad/manage/Jobs/1", "https://Api.Example.com/cvad/manage/Jobs/1"},
		{"https://api.example.com:8443/cvad/manage/Jobs/1", ""},
		{"http://api.example.com/cvad/manage/Jobs/1", ""},
		{"http://api.example.com:443/cvad/manage/Jobs/1", ""},
		{"https://api.example.com.evil.com/cvad/manage/Jobs/1", ""},
		{"https://evil.com/cvad/manage/Jobs/1#https://api.example.com", ""},
	}
	for _, tt := range tests {
		u, err := c.resolve(tt.ref)
		if tt.want == "" {
			assert.ErrorIs(t, err, ErrUntrustedLocation, tt.ref)
			continue
		}
		require.NoError(t, err, tt.ref)
		assert.Equal(t, tt.want, u.String())
	}
}

func TestNoRetryOnBadCertificate(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	t.Cleanup(srv.Close)
	var dials atomic.Int32
	var d net.Dialer
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return d.DialContext(ctx, network, addr)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	// The client does not trust the test server's certificate.
	c := staticClient(t, srv.URL+"/cvad/manage", WithHTTPClient(&http.Client{Transport: tr}), WithRetryPolicy(fastRetry(3)))
	_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate")
	assert.Equal(t, int32(1), dials.Load(), "a bad certificate is not retried")
	assert.Zero(t, hits.Load())
}

// ---- http.Client handling and redirects ----

func TestHTTPClientCopiedNotMutated(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/cvad/manage/moved" {
			http.Redirect(w, r, "/cvad/manage/target", http.StatusFound)
			return
		}
		writeJSON(w, 200, `{}`)
	})
	var redirectCalls atomic.Int32
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	jar := &recordingJar{}
	checkRedirect := func(*http.Request, []*http.Request) error {
		redirectCalls.Add(1)
		return nil
	}
	orig := &http.Client{Transport: tr, Timeout: 7 * time.Second, Jar: jar, CheckRedirect: checkRedirect}
	crPtr := reflect.ValueOf(orig.CheckRedirect).Pointer()

	c := staticClient(t, srv.URL+"/cvad/manage", WithHTTPClient(orig))
	check := func() {
		t.Helper()
		assert.Same(t, tr, orig.Transport)
		assert.Equal(t, 7*time.Second, orig.Timeout)
		assert.Same(t, jar, orig.Jar)
		require.NotNil(t, orig.CheckRedirect)
		assert.Equal(t, crPtr, reflect.ValueOf(orig.CheckRedirect).Pointer())
	}
	check()
	assert.NotSame(t, orig, c.hc)
	assert.Same(t, tr, c.hc.Transport, "the caller's transport is used")
	assert.Equal(t, 7*time.Second, c.hc.Timeout)

	_, err := call(t.Context(), c, http.MethodGet, "moved", nil, nil, nil)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusFound, ae.StatusCode)
	assert.Equal(t, int32(1), hits.Load(), "the redirect was followed")
	assert.Zero(t, redirectCalls.Load(), "the caller's CheckRedirect is not used by the library")
	check()

	// The caller's own client still follows redirects with its own policy.
	resp, err := orig.Get(srv.URL + "/cvad/manage/moved")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, int32(1), redirectCalls.Load())
}

type recordingJar struct{}

func (*recordingJar) SetCookies(*url.URL, []*http.Cookie) {}
func (*recordingJar) Cookies(*url.URL) []*http.Cookie     { return nil }

func TestRedirectsNotFollowed(t *testing.T) {
	t.Parallel()
	var targetHits atomic.Int32
	var leaked atomic.Value
	target := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		targetHits.Add(1)
		leaked.Store(r.Header.Get("Authorization"))
		writeJSON(w, 200, `{}`)
	})
	// Same host (127.0.0.1), another port: net/http would keep Authorization.
	require.Equal(t, "127.0.0.1", strings.Split(strings.TrimPrefix(target.URL, "http://"), ":")[0])

	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			var apiHits atomic.Int32
			api := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				apiHits.Add(1)
				w.Header().Set("Location", target.URL+"/cvad/manage/steal")
				w.WriteHeader(status)
			})
			c := staticClient(t, api.URL+"/cvad/manage")
			resp, err := call(t.Context(), c, http.MethodPost, "MachineCatalogs", nil, map[string]string{"Name": "x"}, nil)
			if status == http.StatusSeeOther {
				require.NoError(t, err, "a 303 is handed back for the caller to check and follow")
				assert.Equal(t, status, resp.StatusCode)
				assert.Equal(t, target.URL+"/cvad/manage/steal", resp.Header.Get("Location"))
			} else {
				var ae *APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, status, ae.StatusCode)
			}
			assert.Equal(t, int32(1), apiHits.Load())
		})
	}
	t.Cleanup(func() {
		assert.Zero(t, targetHits.Load(), "the redirect target received a request")
		assert.Nil(t, leaked.Load())
	})
}

// ---- site discovery ----

const meBody = `{"UserId":"u-1","DisplayName":null,"ExpiryTime":"5:19:11 AM","RefreshExpirationTime":"5:19:11 AM",
"VerifiedEmail":null,"IsCspCustomer":false,
"Customers":[{"Id":"cust1","Name":null,"Sites":[{"Id":"site-found","Name":"cloudxdsite"}]}]}`

func TestSiteDiscovery(t *testing.T) {
	t.Parallel()
	var meCalls, apiCalls atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cvad/manage/me" {
			meCalls.Add(1)
			if v := r.Header.Values("Citrix-InstanceId"); len(v) != 0 {
				t.Errorf("GET /me carries Citrix-InstanceId %q", v)
			}
			assert.Equal(t, testCustomer, r.Header.Get("Citrix-CustomerId"))
			assert.Equal(t, "CWSAuth bearer="+testToken, r.Header.Get("Authorization"))
			writeJSON(w, 200, meBody)
			return
		}
		apiCalls.Add(1)
		if got := r.Header.Get("Citrix-InstanceId"); got != "site-found" {
			t.Errorf("Citrix-InstanceId = %q", got)
		}
		writeJSON(w, 200, `{}`)
	})
	c := newTestClient(t, WithBaseURL(srv.URL+"/cvad/manage"), WithBearerToken(testToken), WithRetryPolicy(fastRetry(1)))
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, int32(1), meCalls.Load())
	assert.Equal(t, int32(21), apiCalls.Load())
}

// TestSiteDiscoverySharedInFlight proves the 20 callers really wait on the
// one /me request: inside a synctest bubble, /me answers only once every
// caller is blocked.
func TestSiteDiscoverySharedInFlight(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var meCalls, apiCalls atomic.Int32
		release := make(chan struct{})
		h := func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/cvad/manage/me" {
				meCalls.Add(1)
				<-release
				writeJSON(w, 200, meBody)
				return
			}
			apiCalls.Add(1)
			assert.Equal(t, "site-found", r.Header.Get("Citrix-InstanceId"))
			writeJSON(w, 200, `{}`)
		}
		c := newTestClient(t, WithBaseURL(memBase), WithBearerToken(testToken),
			WithHTTPClient(&http.Client{Transport: memTransport(h)}))
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				_, err := call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
				assert.NoError(t, err)
			})
		}
		synctest.Wait() // every caller is blocked: one in /me, the others waiting for it
		assert.Equal(t, int32(1), meCalls.Load())
		assert.Zero(t, apiCalls.Load())
		close(release)
		wg.Wait()
		assert.Equal(t, int32(1), meCalls.Load())
		assert.Equal(t, int32(20), apiCalls.Load())
	})
}

func TestSiteDiscoveryErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     string
		wantSite string
		wantErr  []string
	}{
		{"several sites", `{"Customers":[{"Id":"cust1","Sites":[{"Id":"s-a","Name":"Alpha"},{"Id":"s-b","Name":"Beta"}]}]}`,
			"", []string{"2 sites", "s-a (Alpha)", "s-b (Beta)", "WithSiteID"}},
		{"zero sites", `{"Customers":[{"Id":"cust1","Sites":[]}]}`, "", []string{"no site", testCustomer, "WithSiteID"}},
		{"no customers", `{"UserId":"u","Customers":[]}`, "", []string{"no site", "WithSiteID"}},
		{"site without id", `{"Customers":[{"Id":"cust1","Sites":[{"Name":"x"}]}]}`, "", []string{"without an id"}},
		{"picks the customer's own entry", `{"Customers":[{"Id":"other","Sites":[{"Id":"s-other"}]},{"Id":"CUST1","Sites":[{"Id":"s-mine"}]}]}`, "s-mine", nil},
		{"single foreign customer entry", `{"Customers":[{"Id":"alias","Name":null,"Sites":[{"Id":"s-1","Name":"x"}]}]}`, "s-1", nil},
		{"odd fields", meBody, "site-found", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var instance atomic.Value
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/cvad/manage/me" {
					writeJSON(w, 200, tt.body)
					return
				}
				instance.Store(r.Header.Get("Citrix-InstanceId"))
				writeJSON(w, 200, `{}`)
			})
			c := newTestClient(t, WithBaseURL(srv.URL+"/cvad/manage"), WithBearerToken(testToken))
			_, err := call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
			if tt.wantSite != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.wantSite, instance.Load())
				return
			}
			require.Error(t, err)
			for _, s := range tt.wantErr {
				assert.Contains(t, err.Error(), s)
			}
			assert.Nil(t, instance.Load(), "the call went out without a site")
		})
	}
}

func TestSiteDiscoveryFailureNotCached(t *testing.T) {
	t.Parallel()
	var meCalls atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cvad/manage/me" {
			if meCalls.Add(1) == 1 {
				writeJSON(w, 500, `{"message":"Internal server error"}`)
				return
			}
			writeJSON(w, 200, meBody)
			return
		}
		writeJSON(w, 200, `{}`)
	})
	c := newTestClient(t, WithBaseURL(srv.URL+"/cvad/manage"), WithBearerToken(testToken), WithRetryPolicy(fastRetry(2)))
	_, err := call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 500, ae.StatusCode)
	assert.Contains(t, err.Error(), "site")
	for range 2 {
		_, err = call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
		require.NoError(t, err)
	}
	assert.Equal(t, int32(2), meCalls.Load())
}

// ---- retries ----

func TestRetryByStatus(t *testing.T) {
	t.Parallel()
	const maxRetries = 3
	all := maxRetries + 1
	tests := []struct {
		method       string
		query        url.Values
		status       int
		wantAttempts int
	}{
		{"GET", nil, 429, all},
		{"GET", nil, 502, all},
		{"GET", nil, 503, all},
		{"GET", nil, 504, all},
		{"GET", nil, 500, 1},
		{"GET", nil, 501, 1},
		{"GET", nil, 400, 1},
		{"GET", nil, 401, 1},
		{"GET", nil, 404, 1},
		{"GET", nil, 409, 1},
		{"GET", url.Values{"async": {"true"}}, 502, all}, // an async read may be repeated
		{"POST", nil, 500, 1},
		{"POST", nil, 502, 1},
		{"POST", nil, 504, 1},
		{"POST", nil, 400, 1},
		{"POST", nil, 503, all},
		{"POST", nil, 429, all},
		{"PATCH", nil, 502, all},
		{"PATCH", url.Values{"async": {"true"}}, 502, 1},
		{"PATCH", url.Values{"async": {"true"}}, 503, all},
		{"DELETE", nil, 504, all},
		{"DELETE", url.Values{"async": {"true"}}, 504, 1},
		{"DELETE", url.Values{"async": {"true"}}, 429, all},
		{"PUT", url.Values{"async": {"true"}}, 500, 1},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s %d", tt.method, tt.status)
		if tt.query != nil {
			name += " async"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var attempts atomic.Int32
			var lastTx atomic.Value
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				n := attempts.Add(1)
				lastTx.Store(r.Header.Get("Citrix-TransactionId"))
				w.Header().Set("Citrix-TransactionId", "server-side-id") // the client's own id wins
				writeJSON(w, tt.status, fmt.Sprintf(`{"type":"https://errors-api.cloud.com/common/x","detail":"attempt %d"}`, n))
			})
			c := staticClient(t, srv.URL+"/cvad/manage", WithRetryPolicy(fastRetry(maxRetries)))
			var body any
			if tt.method != "GET" && tt.method != "DELETE" {
				body = map[string]string{"Name": "c"}
			}
			_, err := call(t.Context(), c, tt.method, "MachineCatalogs", tt.query, body, nil)
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.wantAttempts, int(attempts.Load()), "attempts")
			// The final error keeps the last answer: status, body and transaction id.
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, fmt.Sprintf("attempt %d", tt.wantAttempts), ae.Detail)
			assert.Contains(t, string(ae.Body), fmt.Sprintf("attempt %d", tt.wantAttempts))
			assert.Equal(t, lastTx.Load(), ae.TransactionID)
			assert.Regexp(t, uuidRE, ae.TransactionID)
			assert.Contains(t, ae.Error(), ae.TransactionID)
			assert.Equal(t, tt.method, ae.Method)
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"GET", "POST"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			var attempts atomic.Int32
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				if method == "POST" {
					assert.Equal(t, `{"Name":"c"}`, string(b), "body replayed intact")
				}
				if attempts.Add(1) < 3 {
					writeJSON(w, 503, `{"detail":"busy"}`)
					return
				}
				writeJSON(w, 200, `{"Name":"ok"}`)
			})
			c := staticClient(t, srv.URL+"/cvad/manage")
			var body any
			if method == "POST" {
				body = map[string]string{"Name": "c"}
			}
			var out struct{ Name string }
			resp, err := call(t.Context(), c, method, "MachineCatalogs", nil, body, &out)
			require.NoError(t, err)
			assert.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, "ok", out.Name)
			assert.Equal(t, int32(3), attempts.Load())
		})
	}
}

func TestRetryConnectionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		method       string
		reset        bool
		warm         bool // a GET first, so that the write goes out on a reused connection
		wantAttempts int32
	}{
		{"GET closed connection", "GET", false, false, 4},
		{"GET reset connection", "GET", true, false, 4},
		{"DELETE closed connection", "DELETE", false, false, 4},
		// The server read the whole request before the connection broke: it
		// may have acted on it, so a write is never sent again.
		{"POST closed after read", "POST", false, false, 1},
		{"POST reset after read", "POST", true, false, 1},
		{"POST reset after read on a reused connection", "POST", true, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var attempts atomic.Int32
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.ReadAll(r.Body)
				if r.URL.Path == "/cvad/manage/warm" {
					writeJSON(w, 200, `{}`)
					return
				}
				attempts.Add(1)
				hijackClose(t, w, tt.reset)
			})
			c := staticClient(t, srv.URL+"/cvad/manage", WithRetryPolicy(fastRetry(3)))
			if tt.warm {
				_, err := call(t.Context(), c, http.MethodGet, "warm", nil, nil, nil)
				require.NoError(t, err)
			}
			var body any
			if tt.method == "POST" {
				body = map[string]string{"Name": "c"}
			}
			start := time.Now()
			_, err := call(t.Context(), c, tt.method, "MachineCatalogs", url.Values{"q": {"hidden"}}, body, nil)
			require.Error(t, err)
			var ae *APIError
			assert.False(t, errors.As(err, &ae), "no HTTP answer, no *APIError")
			assert.Equal(t, tt.wantAttempts, attempts.Load())
			assert.Contains(t, err.Error(), tt.method+" "+srv.URL+"/cvad/manage/MachineCatalogs")
			assert.Contains(t, err.Error(), "transaction ")
			assert.NotContains(t, err.Error(), "hidden", "query string in the error")
			assert.Less(t, time.Since(start), 5*time.Second)
		})
	}
}

// closedAddr returns the address of a port nobody listens on.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func TestRetryFailedDialForPOST(t *testing.T) {
	t.Parallel()
	dead := closedAddr(t)
	tests := []struct {
		name        string
		failDials   int32
		wantErr     bool
		wantDials   int32
		wantServers int32
	}{
		{"two failed dials then success", 2, false, 3, 1},
		{"every dial fails", 100, true, 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var served atomic.Int32
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				served.Add(1)
				writeJSON(w, 200, `{}`)
			})
			var dials atomic.Int32
			var d net.Dialer
			tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if dials.Add(1) <= tt.failDials {
					return d.DialContext(ctx, network, dead)
				}
				return d.DialContext(ctx, network, addr)
			}}
			t.Cleanup(tr.CloseIdleConnections)
			c := staticClient(t, srv.URL+"/cvad/manage", WithHTTPClient(&http.Client{Transport: tr}), WithRetryPolicy(fastRetry(3)))
			_, err := call(t.Context(), c, http.MethodPost, "MachineCatalogs", nil, map[string]string{"Name": "c"}, nil)
			if tt.wantErr {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "refused")
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.wantDials, dials.Load())
			assert.Equal(t, tt.wantServers, served.Load())
		})
	}
}

func TestNoRetryAfterContextCanceled(t *testing.T) {
	t.Parallel()
	var attempts atomic.Int32
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		cancel() // the caller gives up while the answer is on its way
		writeJSON(w, 503, `{"detail":"busy"}`)
	})
	c := staticClient(t, srv.URL+"/cvad/manage", WithRetryPolicy(fastRetry(5)))
	_, err := call(ctx, c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
	require.Error(t, err)
	assert.Equal(t, int32(1), attempts.Load())

	// A context that is already done sends nothing.
	_, err = call(ctx, c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, int32(1), attempts.Load())
}

// TestRetryWaits checks the waits exactly, in a synctest bubble.
func TestRetryWaits(t *testing.T) {
	t.Parallel()
	pol := RetryPolicy{MaxRetries: 1, MinDelay: time.Millisecond, MaxDelay: 10 * time.Second}
	tests := []struct {
		name     string
		status   int
		header   func(now time.Time) string // Retry-After
		body     string
		wantWait time.Duration
	}{
		{"Retry-After seconds", 503, func(time.Time) string { return "3" }, `{}`, 3 * time.Second},
		{"Retry-After HTTP date", 429, func(now time.Time) string { return now.Add(4 * time.Second).UTC().Format(http.TimeFormat) }, `{}`, 4 * time.Second},
		{"retryDelay parameter", 429, nil, `{"type":"https://errors-api.cloud.com/common/rateLimitExceeded","detail":"Rate limit exceeded; try again in 5 seconds","parameters":[{"name":"retryDelay","value":"5"}]}`, 5 * time.Second},
		{"retryDelay as object", 503, nil, `{"detail":"x","parameters":{"retryDelay":"2"}}`, 2 * time.Second},
		{"longer of header and parameter", 503, func(time.Time) string { return "2" }, `{"parameters":[{"name":"retryDelay","value":"6"}]}`, 6 * time.Second},
		{"Retry-After capped at MaxDelay", 503, func(time.Time) string { return "3600" }, `{}`, 10 * time.Second},
		{"retryDelay capped at MaxDelay", 429, nil, `{"parameters":[{"name":"retryDelay","value":"86400"}]}`, 10 * time.Second},
		{"HTTP date capped at MaxDelay", 502, func(now time.Time) string { return now.Add(time.Hour).UTC().Format(http.TimeFormat) }, `{}`, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var times []time.Time
				h := func(w http.ResponseWriter, r *http.Request) {
					times = append(times, time.Now())
					if len(times) == 1 {
						if tt.header != nil {
							w.Header().Set("Retry-After", tt.header(time.Now()))
						}
						writeJSON(w, tt.status, tt.body)
						return
					}
					writeJSON(w, 200, `{}`)
				}
				c := memClient(t, h, WithRetryPolicy(pol))
				_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
				require.NoError(t, err)
				require.Len(t, times, 2)
				assert.Equal(t, tt.wantWait, times[1].Sub(times[0]))
			})
		})
	}
}

func TestRetryBackoffGrowsWithJitter(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var times []time.Time
		h := func(w http.ResponseWriter, r *http.Request) {
			times = append(times, time.Now())
			writeJSON(w, 502, `<html>Bad Gateway</html>`)
		}
		pol := RetryPolicy{MaxRetries: 5, MinDelay: 100 * time.Millisecond, MaxDelay: 300 * time.Millisecond}
		c := memClient(t, h, WithRetryPolicy(pol))
		_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 502, ae.StatusCode)
		require.Len(t, times, 6)
		// Equal jitter: between half and all of min(MaxDelay, MinDelay·2^n).
		caps := []time.Duration{100, 200, 300, 300, 300}
		for i, cp := range caps {
			cp *= time.Millisecond
			gap := times[i+1].Sub(times[i])
			assert.GreaterOrEqual(t, gap, cp/2, "wait %d", i)
			assert.LessOrEqual(t, gap, cp, "wait %d", i)
		}
	})
}

func TestRetryNotPastDeadline(t *testing.T) {
	t.Parallel()
	t.Run("server wait beyond deadline", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			var attempts int
			h := func(w http.ResponseWriter, r *http.Request) {
				attempts++
				writeJSON(w, 429, `{"type":"https://errors-api.cloud.com/common/rateLimitExceeded","detail":"Rate limit exceeded; try again in 30 seconds","parameters":[{"name":"retryDelay","value":"30"}]}`)
			}
			c := memClient(t, h, WithRetryPolicy(DefaultRetryPolicy()))
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			defer cancel()
			start := time.Now()
			_, err := call(ctx, c, http.MethodGet, "Jobs", nil, nil, nil)
			assert.Zero(t, time.Since(start), "returned at once, without sleeping")
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, 429, ae.StatusCode)
			assert.Equal(t, 30*time.Second, ae.RetryAfter)
			assert.ErrorIs(t, err, ErrRateLimited)
			assert.Contains(t, string(ae.Body), "retryDelay")
			assert.Equal(t, 1, attempts)
		})
	})
	t.Run("server wait within deadline", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			var attempts int
			h := func(w http.ResponseWriter, r *http.Request) {
				attempts++
				if attempts == 1 {
					w.Header().Set("Retry-After", "2")
					writeJSON(w, 503, `{}`)
					return
				}
				writeJSON(w, 200, `{}`)
			}
			c := memClient(t, h, WithRetryPolicy(DefaultRetryPolicy()))
			ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
			defer cancel()
			start := time.Now()
			_, err := call(ctx, c, http.MethodGet, "Jobs", nil, nil, nil)
			require.NoError(t, err)
			assert.Equal(t, 2*time.Second, time.Since(start))
			assert.Equal(t, 2, attempts)
		})
	})
	t.Run("connection error, backoff beyond deadline", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			var attempts int
			rt := roundTripFunc(func(*http.Request) (*http.Response, error) {
				attempts++
				return nil, io.ErrUnexpectedEOF
			})
			c := staticClient(t, memBase, WithHTTPClient(&http.Client{Transport: rt}),
				WithRetryPolicy(RetryPolicy{MaxRetries: 3, MinDelay: 4 * time.Second, MaxDelay: 8 * time.Second}))
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			defer cancel()
			start := time.Now()
			_, err := call(ctx, c, http.MethodGet, "Jobs", nil, nil, nil)
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			assert.Zero(t, time.Since(start))
			assert.Equal(t, 1, attempts)
		})
	})
	t.Run("canceled during the wait", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			var attempts int
			h := func(w http.ResponseWriter, r *http.Request) {
				attempts++
				w.Header().Set("Retry-After", "20")
				writeJSON(w, 503, `{}`)
			}
			c := memClient(t, h, WithRetryPolicy(DefaultRetryPolicy()))
			ctx, cancel := context.WithCancel(t.Context())
			time.AfterFunc(1500*time.Millisecond, cancel)
			start := time.Now()
			_, err := call(ctx, c, http.MethodGet, "Jobs", nil, nil, nil)
			assert.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, 1500*time.Millisecond, time.Since(start))
			assert.Equal(t, 1, attempts)
		})
	})
}

// TestRetryTokenFailure: when the token cannot be had for a retry, the call
// fails with that error, not with the previous attempt's (drained) answer.
func TestRetryTokenFailure(t *testing.T) {
	t.Parallel()
	errTokens := errors.New("token vault unreachable")
	var calls atomic.Int32
	ts := tokenSourceFunc(func(context.Context) (Token, error) {
		if calls.Add(1) == 1 {
			return Token{Value: "tok-first"}, nil
		}
		return Token{}, errTokens
	})
	var attempts atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		writeJSON(w, 503, `{"detail":"busy"}`)
	})
	c := newTestClient(t, WithBaseURL(srv.URL+"/cvad/manage"), WithTokenSource(ts), WithSiteID(testSite), WithRetryPolicy(fastRetry(3)))
	_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	assert.ErrorIs(t, err, errTokens)
	assert.Equal(t, int32(1), attempts.Load())
}

type tokenSourceFunc func(context.Context) (Token, error)

func (f tokenSourceFunc) Token(ctx context.Context) (Token, error) { return f(ctx) }

// ---- logging ----

// TestNoLoggingByDefault runs a noisy scenario (retries, connection errors,
// a 401, an error answer) in a child process and checks that nothing reached
// its stderr: the library has no default logger, and go-retryablehttp's
// default stderr logger is not in use.
func TestNoLoggingByDefault(t *testing.T) {
	if os.Getenv("DAAS_TEST_STDERR_CHILD") == "1" {
		noisyScenario(t)
		return
	}
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestNoLoggingByDefault$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "DAAS_TEST_STDERR_CHILD=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, err, "child: %s\n%s", stdout.String(), stderr.String())
	assert.Contains(t, stdout.String(), "--- PASS: TestNoLoggingByDefault")
	assert.Empty(t, stderr.String())
}

func noisyScenario(t *testing.T) {
	var n atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch k := n.Add(1); {
		case r.URL.Path == "/token":
			writeJSON(w, 200, `{"token_type":"bearer","access_token":"tok-`+fmt.Sprint(k)+`","expires_in":"3600"}`)
		case k%4 == 0:
			hijackClose(t, w, false)
		case k%4 == 1:
			writeJSON(w, 503, `{"detail":"busy"}`)
		case k%4 == 2:
			writeJSON(w, 401, `{"detail":"no"}`)
		default:
			writeJSON(w, 404, `{"detail":"gone"}`)
		}
	})
	c := newTestClient(t, WithBaseURL(srv.URL+"/cvad/manage"), WithClientCredentials(testClientID, testSecret),
		WithTokenURL(srv.URL+"/token"), WithSiteID(testSite), WithRetryPolicy(fastRetry(3)))
	require.Nil(t, c.logger)
	for range 5 {
		_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
		require.Error(t, err)
	}
}

// ---- formatting ----

func TestClientFormattingHasNoSecrets(t *testing.T) {
	t.Parallel()
	for _, opt := range []Option{WithBearerToken(testToken), WithClientCredentials(testClientID, testSecret),
		WithTokenSource(tokenSourceFunc(func(context.Context) (Token, error) { return Token{Value: testToken}, nil }))} {
		c, err := NewClient(testCustomer, opt, WithSiteID(testSite))
		require.NoError(t, err)
		for _, s := range []string{
			fmt.Sprintf("%v %+v %#v %s", c, c, c, c),
			fmt.Sprintf("%v %+v", *c, *c), // the struct itself, as a careless caller might print it
			fmt.Sprintf("%v %+v %#v", opt, opt, opt),
			fmt.Sprintf("%v %+v %#v", c.ts, c.ts, c.ts),
		} {
			assert.NotContains(t, s, testToken)
			assert.NotContains(t, s, testSecret)
		}
		assert.Contains(t, c.String(), testCustomer)
		assert.Contains(t, c.String(), testSite)
	}
	var nilClient *Client
	assert.Equal(t, "daas.Client(nil)", nilClient.String())
}

// logBuffer is a concurrency-safe buffer for slog output.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func debugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestLoggingThroughGivenLogger(t *testing.T) {
	t.Parallel()
	var attempts atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if attempts.Add(1) == 1 {
			writeJSON(w, 503, `{}`)
			return
		}
		writeJSON(w, 200, `{}`)
	})
	var logs logBuffer
	c := staticClient(t, srv.URL+"/cvad/manage", WithLogger(debugLogger(&logs)))
	_, err := call(t.Context(), c, http.MethodGet, "Jobs", url.Values{"q": {"hidden-query"}}, nil, nil)
	require.NoError(t, err)
	out := logs.String()
	assert.Contains(t, out, "retrying request")
	assert.Contains(t, out, "status=503")
	assert.Contains(t, out, "/cvad/manage/Jobs")
	assert.NotContains(t, out, "hidden-query")
	assert.NotContains(t, out, testToken)
	assert.Contains(t, out, "attempts=2")

	// Exhausted retries are counted right: 1 attempt + 3 retries.
	var logs2 logBuffer
	busy := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 503, `{}`) })
	c = staticClient(t, busy.URL+"/cvad/manage", WithLogger(debugLogger(&logs2)), WithRetryPolicy(fastRetry(3)))
	_, err = call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	require.Error(t, err)
	out = logs2.String()
	assert.Equal(t, 3, strings.Count(out, "retrying request"))
	assert.Contains(t, out, "attempts=4")
	assert.NotContains(t, out, "attempts=5")
	// Quiet above debug level.
	var quiet logBuffer
	c = staticClient(t, srv.URL+"/cvad/manage", WithLogger(slog.New(slog.NewTextHandler(&quiet, nil))))
	_, err = call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	require.NoError(t, err)
	assert.Empty(t, quiet.String())
}

// ---- decoding ----

func TestDecodeSuccessBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  int
		body    string
		wantErr bool
		want    string
	}{
		{"json", 200, `{"Name":"a"}`, false, "a"},
		{"empty 200", 200, ``, false, "keep"},
		{"204", 204, ``, false, "keep"},
		{"garbage 200", 200, `<html>`, true, "keep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, tt.status, tt.body) })
			c := staticClient(t, srv.URL+"/cvad/manage")
			out := struct{ Name string }{"keep"}
			_, err := call(t.Context(), c, http.MethodGet, "X", nil, nil, &out)
			if tt.wantErr {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "transaction ")
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.want, out.Name)
		})
	}
}

func TestNewRequestBodyEncoding(t *testing.T) {
	t.Parallel()
	c := staticClient(t, memBase)
	r, err := c.newRequest(http.MethodPost, "X", nil, json.RawMessage(`{"a":1}`))
	require.NoError(t, err)
	assert.Equal(t, `{"a":1}`, string(r.body))
	assert.True(t, r.mayCreate)
	_, err = c.newRequest(http.MethodPost, "X", nil, func() {})
	assert.Error(t, err)
	r, err = c.newRequest(http.MethodGet, "X", url.Values{"async": {"true"}}, nil)
	require.NoError(t, err)
	assert.False(t, r.mayCreate)
	assert.Nil(t, r.body)
}
