package daas_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Security guarantees: secrets stay out of logs, errors, panics and
// formatting; credentials go only to the configured API and token hosts;
// plain http only on loopback; every body is read through a cap.

// secRecorder wraps a transport and collects every credential that crosses
// it: bearer tokens sent in Authorization and tokens the token endpoint
// hands out.
type secRecorder struct {
	rt     http.RoundTripper
	mu     sync.Mutex
	tokens map[string]bool
}

func (r *secRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if a := req.Header.Get("Authorization"); a != "" {
		r.add(a[strings.IndexByte(a, '=')+1:])
	}
	resp, err := r.rt.RoundTrip(req)
	if err == nil && strings.HasSuffix(req.URL.Path, "/tokens/clients") && resp.StatusCode == http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		var tr struct {
			AccessToken string `json:"access_token"`
		}
		if json.Unmarshal(body, &tr) == nil && tr.AccessToken != "" {
			r.add(tr.AccessToken)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	return resp, err
}

func (r *secRecorder) add(tok string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tokens == nil {
		r.tokens = map[string]bool{}
	}
	r.tokens[tok] = true
}

func (r *secRecorder) secrets() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for t := range r.tokens {
		out = append(out, t)
	}
	return out
}

// secNoSecrets fails if any secret occurs in text.
func secNoSecrets(t *testing.T, where, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if len(s) >= 8 && strings.Contains(text, s) {
			t.Errorf("%s contains a secret (%.4s...)", where, s)
		}
	}
}

// secFormats is every way a program might print a value.
func secFormats(v any) string {
	return fmt.Sprintf("%v\n%+v\n%#v\n%s\n", v, v, v, v)
}

// TestSecretsNeverLeak runs a client through retries, connection resets,
// 429s, token expiry with 401 replays, failed calls and jobs, bad
// credentials, and servers that echo credentials back in their error
// bodies, with a debug logger attached; then it checks that no token and no
// client secret appears in the log, in any error (however formatted), in
// any panic, or in the formatting of the client, its tokens and its jobs.
func TestSecretsNeverLeak(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs bytes.Buffer
		var logMu sync.Mutex
		logger := slog.New(slog.NewTextHandler(&secLockedWriter{w: &logs, mu: &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
		jsonLogger := slog.New(slog.NewJSONHandler(&secLockedWriter{w: &logs, mu: &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}))

		s := daastest.NewServer(daastest.WithoutListener(), daastest.WithCatalogs(5), daastest.WithTimeScale(20),
			daastest.WithTokenLifetime(20*time.Second), daastest.WithJobDuration(30*time.Second))
		defer s.Close()
		rec := &secRecorder{rt: s.Transport()}
		secrets := func() []string { return append(rec.secrets(), s.ClientSecret) }
		var errs []error
		var printed strings.Builder
		fast := daas.WithRetryPolicy(daas.RetryPolicy{MaxRetries: 6, MinDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond})
		poll := daas.WithPollPolicy(daas.PollPolicy{MinInterval: 100 * time.Millisecond, MaxInterval: time.Second, Multiplier: 2})

		func() {
			defer func() {
				if p := recover(); p != nil {
					secNoSecrets(t, "a panic", fmt.Sprint(p), secrets())
					t.Errorf("panic: %v", p)
				}
			}()
			for i, lg := range []*slog.Logger{logger, jsonLogger} {
				c, err := daas.NewClient(s.CustomerID, daas.WithBaseURL(s.URL), daas.WithTokenURL(s.TokenURL),
					daas.WithHTTPClient(&http.Client{Transport: rec}), daas.WithClientCredentials(s.ClientID, s.ClientSecret),
					daas.WithLogger(lg), fast, poll)
				require.NoError(t, err)
				s.InjectFault(daastest.Fault{Route: "GET /Jobs/{id}", Rate: 0.3, Status: 502})
				s.InjectFault(daastest.Fault{Route: "GET /Jobs/{id}/Results", Rate: 0.2, Reset: daastest.ResetBeforeHandler})
				s.InjectFault(daastest.Fault{Route: "GET /me", Count: 2, Reset: daastest.ResetAfterHandler})
				s.InjectFault(daastest.Fault{Status: 429, RetryDelay: 1, Count: 3})
				ctx := t.Context()
				// Jobs that outlive tokens: 30 s of service time, tokens 20 s.
				lj, err := c.MachineCatalogs.ListAsync(ctx)
				require.NoError(t, err)
				_, err = lj.Wait(ctx)
				require.NoError(t, err)
				s.NextJob(daastest.Outcome{Status: "Failed", ErrorCode: "DuplicateObject", ErrorString: "it exists"})
				cj, err := c.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{
					Name: fmt.Sprintf("sec-%d", i), ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportSingleSession})
				require.NoError(t, err)
				_, err = cj.Wait(ctx)
				require.ErrorIs(t, err, daas.ErrJobFailed)
				errs = append(errs, err)
				_, err = c.MachineCatalogs.Get(ctx, "no-such-catalog")
				require.ErrorIs(t, err, daas.ErrNotFound)
				errs = append(errs, err)
				// A request that fails for good on dropped connections.
				s.InjectFault(daastest.Fault{Route: "GET /MachineCatalogs", Reset: daastest.ResetBeforeHandler})
				_, err = c.MachineCatalogs.List(ctx)
				require.Error(t, err)
				errs = append(errs, err)
				s.ClearFaults()
				printed.WriteString(secFormats(c) + secFormats(*c) + secFormats(c.MachineCatalogs) + secFormats(*c.Jobs) + secFormats(cj) + secFormats(*lj) + secFormats(cj.Info()))
			}
			// Bad credentials.
			bad, err := daas.NewClient(s.CustomerID, daas.WithBaseURL(s.URL), daas.WithTokenURL(s.TokenURL),
				daas.WithHTTPClient(&http.Client{Transport: rec}), daas.WithClientCredentials(s.ClientID, s.ClientSecret+"x"),
				daas.WithLogger(logger), fast)
			require.NoError(t, err)
			_, err = bad.MachineCatalogs.List(t.Context())
			require.ErrorIs(t, err, daas.ErrUnauthorized)
			errs = append(errs, err)
			printed.WriteString(secFormats(bad))
			// A static token, formatted and logged.
			tok := s.IssueToken()
			rec.add(tok)
			st, err := daas.NewClient(s.CustomerID, daas.WithBaseURL(s.URL), daas.WithBearerToken(tok),
				daas.WithHTTPClient(&http.Client{Transport: rec}), daas.WithSiteID(s.SiteID), daas.WithLogger(logger))
			require.NoError(t, err)
			_, err = st.MachineCatalogs.List(t.Context())
			require.NoError(t, err)
			printed.WriteString(secFormats(st) + secFormats(*st) + secFormats(daas.Token{Value: tok, Expiry: time.Now()}))
			logger.Info("a token logged by the program", "token", daas.Token{Value: tok})
			jsonLogger.Info("a token logged by the program", "token", daas.Token{Value: tok})
		}()

		// Servers that echo credentials back: the API puts the request's
		// Authorization header in its error detail and body; the token
		// endpoint repeats the client secret in its error_description.
		echo := func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/token") {
				_ = r.ParseForm()
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprintf(w, `{"error":"invalid_client","error_description":"unknown secret %s for %s"}`, r.PostForm.Get("client_secret"), r.PostForm.Get("client_id"))
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"type":"x","detail":"header was %s","parameters":[{"name":"auth","value":%q}]}`, r.Header.Get("Authorization"), r.Header.Get("Authorization"))
		}
		echoRT := secHandlerTransport(echo)
		const echoToken, echoSecret = "echo-token-0123456789", "echo-secret-0123456789"
		ec, err := daas.NewClient("cust", daas.WithBaseURL("https://api.example/cvad/manage"), daas.WithSiteID("s"),
			daas.WithBearerToken(echoToken), daas.WithHTTPClient(&http.Client{Transport: echoRT}), daas.WithLogger(logger))
		require.NoError(t, err)
		_, err = ec.MachineCatalogs.Get(t.Context(), "x")
		var ae *daas.APIError
		require.ErrorAs(t, err, &ae)
		errs = append(errs, err)
		secNoSecrets(t, "APIError.Body", string(ae.Body), []string{echoToken})
		secNoSecrets(t, "APIError.Parameters", fmt.Sprint(ae.Parameters), []string{echoToken})
		tc, err := daas.NewClient("cust", daas.WithBaseURL("https://api.example/cvad/manage"), daas.WithSiteID("s"),
			daas.WithTokenURL("https://api.example/token"), daas.WithClientCredentials("id", echoSecret),
			daas.WithHTTPClient(&http.Client{Transport: echoRT}), daas.WithLogger(logger))
		require.NoError(t, err)
		_, err = tc.MachineCatalogs.Get(t.Context(), "x")
		var authErr *daas.AuthError
		require.ErrorAs(t, err, &authErr)
		errs = append(errs, err)

		all := append(secrets(), echoToken, echoSecret)
		require.Greater(t, len(rec.secrets()), 3, "several tokens were issued (expiry, replays)")
		assert.Positive(t, s.Stats().ByStatus[http.StatusUnauthorized], "an expired token was refused and replaced")
		for _, err := range errs {
			secNoSecrets(t, "an error", secFormats(err), all)
		}
		secNoSecrets(t, "formatted values", printed.String(), all)
		logMu.Lock()
		logText := logs.String()
		logMu.Unlock()
		assert.Contains(t, logText, "retrying request", "the log saw the retries")
		assert.Contains(t, logText, "replaying", "the log saw the 401 replay")
		secNoSecrets(t, "the debug log", logText, all)
		for _, r := range s.Requests() { // the fake's own log redacts too
			secNoSecrets(t, "the fake's request log", fmt.Sprint(r.Header, string(r.Body)), all)
		}
	})
}

type secLockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *secLockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// secHandlerTransport serves requests in memory with h.
func secHandlerTransport(h http.HandlerFunc) http.RoundTripper {
	return secRoundTripFunc(func(req *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		in := req.Clone(req.Context())
		if req.Body != nil {
			b, _ := io.ReadAll(req.Body)
			in.Body = io.NopCloser(bytes.NewReader(b))
		}
		h(rec, in)
		resp := rec.Result()
		resp.Request = req
		return resp, nil
	})
}

type secRoundTripFunc func(*http.Request) (*http.Response, error)

func (f secRoundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// secHost is a server that records what credentials reach it.
type secHost struct {
	srv        *httptest.Server
	requests   atomic.Int32
	withAuth   atomic.Int32 // requests with an Authorization header
	withSecret atomic.Int32 // requests whose body or URL holds the client secret
}

func secNewHost(t *testing.T, secret string, h http.HandlerFunc) *secHost {
	t.Helper()
	sh := &secHost{}
	sh.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sh.requests.Add(1)
		if r.Header.Get("Authorization") != "" {
			sh.withAuth.Add(1)
		}
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), url.QueryEscape(secret)) || strings.Contains(r.URL.String(), secret) {
			sh.withSecret.Add(1)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if h != nil {
			h(w, r)
		}
	}))
	t.Cleanup(sh.srv.Close)
	return sh
}

// TestCredentialsOnlyToConfiguredHosts runs an API host and a separate token
// host, and has the API point the client elsewhere in every way it can (a
// 202 Location, a 303, a 307 and 308, a Location naming the token host); the
// token host redirects too. The bearer token reaches only the API host, the
// client secret only the token host, and the decoys receive nothing.
func TestCredentialsOnlyToConfiguredHosts(t *testing.T) {
	const secret = "s3cret-for-the-token-host-only"
	decoy := secNewHost(t, secret, nil)
	var api, tok *secHost
	tok = secNewHost(t, secret, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("redirect") != "" || r.URL.Path == "/redirecting" {
			http.Redirect(w, r, decoy.srv.URL+"/token", http.StatusTemporaryRedirect)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"bearer-for-the-api-host-only","expires_in":"3600"}`)
	})
	api = secNewHost(t, secret, func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case r.URL.Query().Get("async") == "true" && p == "/cvad/manage/MachineCatalogs" && r.Method == http.MethodGet:
			w.Header().Set("Location", decoy.srv.URL+"/cvad/manage/Jobs/j1")
			w.WriteHeader(http.StatusAccepted)
		case r.URL.Query().Get("async") == "true" && r.Method == http.MethodPost:
			w.Header().Set("Location", tok.srv.URL+"/cvad/manage/Jobs/j1") // the token host is not the API
			w.WriteHeader(http.StatusAccepted)
		case r.URL.Query().Get("async") == "true":
			w.Header().Set("Location", api.srv.URL+"/cvad/manage/Jobs/j1")
			w.WriteHeader(http.StatusAccepted)
		case p == "/cvad/manage/Jobs/j1":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"Id":"j1","Status":"Complete"}`)
		case p == "/cvad/manage/Jobs/j1/Results":
			http.Redirect(w, r, decoy.srv.URL+"/cvad/manage/MachineCatalogs/c1", http.StatusSeeOther)
		case p == "/cvad/manage/MachineCatalogs/temp":
			http.Redirect(w, r, decoy.srv.URL+"/cvad/manage/MachineCatalogs/temp", http.StatusTemporaryRedirect)
		case p == "/cvad/manage/MachineCatalogs/perm":
			http.Redirect(w, r, strings.Replace(decoy.srv.URL, "127.0.0.1", "localhost", 1)+"/x", http.StatusPermanentRedirect)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	})
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	newClient := func(tokenPath string) *daas.Client {
		c, err := daas.NewClient("cust", daas.WithBaseURL(api.srv.URL+"/cvad/manage"), daas.WithSiteID("s"),
			daas.WithTokenURL(tok.srv.URL+tokenPath), daas.WithClientCredentials("id", secret),
			daas.WithHTTPClient(&http.Client{Transport: tr}),
			daas.WithPollPolicy(daas.PollPolicy{MinInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond, Multiplier: 2}))
		require.NoError(t, err)
		return c
	}
	ctx := t.Context()
	c := newClient("/token")

	_, err := c.MachineCatalogs.ListAsync(ctx)
	assert.ErrorIs(t, err, daas.ErrUntrustedLocation, "202 Location on a decoy")
	_, err = c.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{Name: "a", ProvisioningType: "MCS", SessionSupport: "SingleSession"})
	assert.ErrorIs(t, err, daas.ErrUntrustedLocation, "202 Location on the token host")
	job, err := c.MachineCatalogs.UpdateAsync(ctx, "c1", daas.UpdateMachineCatalogRequest{Description: daas.Ptr("d")})
	require.NoError(t, err)
	_, err = job.Wait(ctx)
	assert.ErrorIs(t, err, daas.ErrUntrustedLocation, "303 to a decoy")
	_, err = c.Jobs.Results(ctx, "j1")
	assert.ErrorIs(t, err, daas.ErrUntrustedLocation, "303 to a decoy, raw results")
	for _, name := range []string{"temp", "perm"} {
		_, err = c.MachineCatalogs.Get(ctx, name)
		var ae *daas.APIError
		if assert.ErrorAs(t, err, &ae, "a 307/308 is not followed") {
			assert.Contains(t, []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect}, ae.StatusCode)
		}
	}
	_, err = newClient("/redirecting").MachineCatalogs.Get(ctx, "c1")
	var authErr *daas.AuthError
	assert.ErrorAs(t, err, &authErr, "the token host's redirect is not followed")

	assert.Positive(t, api.requests.Load())
	assert.Equal(t, api.requests.Load(), api.withAuth.Load(), "every API request carries the token")
	assert.Zero(t, api.withSecret.Load(), "the client secret never goes to the API host")
	assert.Positive(t, tok.withSecret.Load())
	assert.Zero(t, tok.withAuth.Load(), "the bearer token never goes to the token host")
	assert.Zero(t, decoy.requests.Load(), "a decoy received a request")
	assert.Zero(t, decoy.withAuth.Load()+decoy.withSecret.Load(), "a decoy received credentials")
}

// TestPlainHTTPOnlyForLoopback: http:// base and token URLs are accepted only
// for loopback hosts, so that no token or secret crosses a network in clear.
func TestPlainHTTPOnlyForLoopback(t *testing.T) {
	refused := []string{
		"http://api.cloud.com/cvad/manage", "HTTP://API.CLOUD.COM/cvad/manage", "http://10.0.0.1/cvad/manage",
		"http://0.0.0.0/cvad/manage", "http://localhost.evil.example/cvad/manage", "http://127.0.0.1.nip.io/cvad/manage",
		"http://[::ffff:8.8.8.8]/cvad/manage", "http://[fe80::1]/cvad/manage", "ftp://127.0.0.1/cvad/manage",
		"ws://127.0.0.1/cvad/manage", "http://user:pw@127.0.0.1/cvad/manage", "//api.cloud.com/cvad/manage",
	}
	accepted := []string{
		"http://127.0.0.1:8080/cvad/manage", "http://localhost/cvad/manage", "http://[::1]:9/cvad/manage",
		"http://127.0.0.2/cvad/manage", "https://api.cloud.com/cvad/manage", "https://ddc.corp.example/cvad/manage",
	}
	for _, u := range refused {
		_, err := daas.NewClient("cust", daas.WithBearerToken("tok"), daas.WithBaseURL(u))
		assert.Error(t, err, "base URL %s", u)
		_, err = daas.NewClient("cust", daas.WithClientCredentials("id", "secret"), daas.WithTokenURL(u))
		assert.Error(t, err, "token URL %s", u)
	}
	for _, u := range accepted {
		_, err := daas.NewClient("cust", daas.WithBearerToken("tok"), daas.WithBaseURL(u))
		assert.NoError(t, err, "base URL %s", u)
		_, err = daas.NewClient("cust", daas.WithClientCredentials("id", "secret"), daas.WithTokenURL(u))
		assert.NoError(t, err, "token URL %s", u)
	}
}

// secEndless is an endless body that counts what the client read from it.
type secEndless struct {
	prefix string
	read   atomic.Int64
}

func (b *secEndless) Read(p []byte) (int, error) {
	off := b.read.Load()
	n := 0
	if off < int64(len(b.prefix)) {
		n = copy(p, b.prefix[off:])
	}
	for i := n; i < len(p); i++ {
		p[i] = 'a'
	}
	b.read.Add(int64(len(p)))
	return len(p), nil
}

func (b *secEndless) Close() error { return nil }

// TestBodiesReadThroughCaps serves endless bodies in memory and counts the
// bytes the client reads: an error body (also one the retry policy looks
// at), a token answer, and a success body for a small struct. Each read
// stops at its cap, promptly, with bounded memory.
func TestBodiesReadThroughCaps(t *testing.T) {
	const successCap = 1 << 20 // lowered from the real 256 MiB for the test

	var mu sync.Mutex
	bodies := map[string]*secEndless{}
	rt := secRoundTripFunc(func(req *http.Request) (*http.Response, error) {
		b := &secEndless{}
		status := http.StatusOK
		switch {
		case strings.HasSuffix(req.URL.Path, "/token"):
			b.prefix = `{"access_token":"`
		case strings.Contains(req.URL.Path, "/MachineCatalogs/error"):
			status, b.prefix = http.StatusInternalServerError, `{"detail":"`
		case strings.Contains(req.URL.Path, "/MachineCatalogs/busy"):
			status, b.prefix = http.StatusServiceUnavailable, `{"detail":"`
		default:
			b.prefix = `{"Id":"c1","Name":"`
		}
		mu.Lock()
		bodies[req.URL.Path] = b
		mu.Unlock()
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: b, Request: req}, nil
	})
	newClient := func(opts ...daas.Option) *daas.Client {
		c, err := daas.NewClient("cust", append([]daas.Option{daas.WithBaseURL("https://api.example/cvad/manage"), daas.WithSiteID("s"),
			daas.WithHTTPClient(&http.Client{Transport: rt}),
			daas.WithRetryPolicy(daas.RetryPolicy{MaxRetries: 2, MinDelay: time.Millisecond, MaxDelay: time.Millisecond})}, opts...)...)
		require.NoError(t, err)
		require.Equal(t, int64(256<<20), daas.MaxBody(c), "the real cap")
		daas.SetMaxBody(c, successCap)
		return c
	}
	c := newClient(daas.WithBearerToken("tok"))
	read := func(path string) int64 {
		mu.Lock()
		defer mu.Unlock()
		return bodies[path].read.Load()
	}
	measure := func(f func()) (alloc uint64, took time.Duration) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		f()
		took = time.Since(start)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc, took
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	t.Run("error body", func(t *testing.T) {
		var err error
		alloc, took := measure(func() { _, err = c.MachineCatalogs.Get(ctx, "error") })
		var ae *daas.APIError
		require.ErrorAs(t, err, &ae)
		assert.LessOrEqual(t, len(ae.Body), 64<<10)
		assert.LessOrEqual(t, read("/cvad/manage/MachineCatalogs/error"), int64(256<<10), "read through the 64 KiB cap")
		assert.Less(t, alloc, uint64(8<<20))
		assert.Less(t, took, 5*time.Second)
	})
	t.Run("retried error body", func(t *testing.T) {
		var err error
		alloc, _ := measure(func() { _, err = c.MachineCatalogs.Get(ctx, "busy") })
		var ae *daas.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
		assert.LessOrEqual(t, read("/cvad/manage/MachineCatalogs/busy"), int64(256<<10), "the last attempt's body, read through the cap")
		assert.Less(t, alloc, uint64(8<<20))
	})
	t.Run("token answer", func(t *testing.T) {
		tc := newClient(daas.WithClientCredentials("id", "secret"), daas.WithTokenURL("https://api.example/token"))
		var err error
		alloc, _ := measure(func() { _, err = tc.MachineCatalogs.Get(ctx, "x") })
		var ae *daas.AuthError
		require.ErrorAs(t, err, &ae)
		assert.LessOrEqual(t, read("/token"), int64(256<<10), "read through the 64 KiB cap")
		assert.Less(t, alloc, uint64(8<<20))
	})
	t.Run("success body for a small struct", func(t *testing.T) {
		var err error
		alloc, took := measure(func() { _, err = c.MachineCatalogs.Get(ctx, "huge") })
		require.Error(t, err)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "the body ends at the cap, mid-value")
		n := read("/cvad/manage/MachineCatalogs/huge")
		assert.LessOrEqual(t, n, int64(successCap+64<<10), "read through the cap")
		assert.GreaterOrEqual(t, n, int64(successCap))
		assert.Less(t, alloc, uint64(16*successCap), "memory bounded by the cap")
		assert.Less(t, took, 5*time.Second)
	})
	assert.NoError(t, ctx.Err())
}
