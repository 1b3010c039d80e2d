package daas

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
	c := newTestClient(t, nil, WithBaseURL(srv.URL+"/cvad/manage"), WithUserAgent("myapp/1.2 (+https://example.com)"))
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
	c := newTestClient(t, nil, WithBaseURL(srv.URL+"/cvad/manage"))
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
	c := newTestClient(t, nil, WithBaseURL(srv.URL+"/cvad/manage"))
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
	c := newTestClient(t, nil, WithBaseURL(srv.URL+"/cvad/manage"), WithLogger(debugLogger(&logs)))
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
	c = newTestClient(t, nil,
		WithBaseURL(busy.URL+"/cvad/manage"), WithLogger(debugLogger(&logs2)), WithRetryPolicy(fastRetry(3)))
	_, err = call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	require.Error(t, err)
	out = logs2.String()
	assert.Equal(t, 3, strings.Count(out, "retrying request"))
	assert.Contains(t, out, "attempts=4")
	assert.NotContains(t, out, "attempts=5")
	// Quiet above debug level.
	var quiet logBuffer
	c = newTestClient(t, nil,
		WithBaseURL(srv.URL+"/cvad/manage"), WithLogger(slog.New(slog.NewTextHandler(&quiet, nil))))
	_, err = call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	require.NoError(t, err)
	assert.Empty(t, quiet.String())
}
