package daas

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
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

const tokenPath = "/cctrustoauth2/cust1/tokens/clients"

// fakeCloud is a token endpoint and an API on one test server.
type fakeCloud struct {
	tokenFetches atomic.Int32
	apiCalls     atomic.Int32

	mu      sync.Mutex
	forms   []url.Values
	tokHdrs []http.Header
	apiAuth []string
	apiTx   []string

	// token answers fetch n (1-based); nil gives 200 with tok-n, 3600 s.
	token func(w http.ResponseWriter, n int32)
	// api answers API call n; nil gives 200 {}.
	api func(w http.ResponseWriter, r *http.Request, n int32)
}

func tokenJSON(tok string, expires any) string {
	b, _ := json.Marshal(map[string]any{"token_type": "bearer", "access_token": tok, "expires_in": expires})
	return string(b)
}

func (f *fakeCloud) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == tokenPath {
		_ = r.ParseForm()
		n := f.tokenFetches.Add(1)
		f.mu.Lock()
		f.forms = append(f.forms, r.PostForm)
		f.tokHdrs = append(f.tokHdrs, r.Header.Clone())
		f.mu.Unlock()
		if f.token != nil {
			f.token(w, n)
			return
		}
		writeJSON(w, 200, tokenJSON(fmt.Sprintf("tok-%d", n), "3600"))
		return
	}
	n := f.apiCalls.Add(1)
	f.mu.Lock()
	f.apiAuth = append(f.apiAuth, r.Header.Get("Authorization"))
	f.apiTx = append(f.apiTx, r.Header.Get("Citrix-TransactionId"))
	f.mu.Unlock()
	if f.api != nil {
		f.api(w, r, n)
		return
	}
	writeJSON(w, 200, `{}`)
}

func (f *fakeCloud) auths() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.apiAuth...)
}

func (f *fakeCloud) txids() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.apiTx...)
}

// start serves f on a loopback server and returns a client-credentials client.
func (f *fakeCloud) start(t *testing.T, opts ...Option) *Client {
	t.Helper()
	srv := newServer(t, f.ServeHTTP)
	return f.client(t, srv.URL, opts...)
}

func (f *fakeCloud) client(t *testing.T, base string, opts ...Option) *Client {
	t.Helper()
	return newTestClient(t, nil, append([]Option{
		WithBaseURL(base + "/cvad/manage"), WithTokenURL(base + tokenPath),
		WithClientCredentials(testClientID, testSecret), WithSiteID(testSite), WithRetryPolicy(fastRetry(3)),
	}, opts...)...)
}

// fakeClock makes a credentialsSource's clock settable.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) set(t time.Time)         { c.ns.Store(t.UnixNano()) }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

func withClock(t *testing.T, c *Client) *fakeClock {
	return installClock(t, c, &fakeClock{})
}

// waitRefresh waits for the refresh ahead of expiry in flight, if any.
func waitRefresh(cs *credentialsSource) {
	cs.mu.Lock()
	r := cs.bg
	cs.mu.Unlock()
	if r != nil {
		<-r.done
	}
}

// installClock makes clk the clock of c's token source; call it before the
// first request.
func installClock(t *testing.T, c *Client, clk *fakeClock) *fakeClock {
	t.Helper()
	cs, ok := c.ts.(*credentialsSource)
	require.True(t, ok)
	clk.set(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	cs.now = clk.now
	return clk
}

func TestTokenRequest(t *testing.T) {
	t.Parallel()
	const oddSecret = "a+b&c=d/é %"
	f := &fakeCloud{}
	srv := newServer(t, f.ServeHTTP)
	c := newTestClient(t, nil,
		WithRetryPolicy(DefaultRetryPolicy()), WithBaseURL(srv.URL+"/cvad/manage"),
		WithTokenURL(srv.URL+tokenPath), WithClientCredentials(testClientID, oddSecret),
		WithSiteID(testSite))
	_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	require.NoError(t, err)

	require.Equal(t, int32(1), f.tokenFetches.Load())
	f.mu.Lock()
	form, h := f.forms[0], f.tokHdrs[0]
	f.mu.Unlock()
	assert.Equal(t, url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {testClientID},
		"client_secret": {oddSecret},
	}, form)
	assert.Equal(t, []string{"application/x-www-form-urlencoded"}, h.Values("Content-Type"), "no charset parameter")
	assert.Equal(t, []string{"application/json"}, h.Values("Accept"))
	assert.Empty(t, h.Values("Authorization"))
	assert.Equal(t, []string{"CWSAuth bearer=tok-1"}, f.auths())
}

func TestTokenRequestMethodAndPath(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Method + " " + r.URL.RequestURI())
		writeJSON(w, 200, tokenJSON("tok-x", 60))
	})
	c := newTestClient(t, nil,
		withoutSite(), WithRetryPolicy(DefaultRetryPolicy()),
		WithClientCredentials(testClientID, testSecret), WithTokenURL(srv.URL+tokenPath))
	tok, err := c.ts.Token(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "tok-x", tok.Value)
	assert.Equal(t, "POST "+tokenPath, got.Load())
}

func TestTokenExpiresIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		wantTTL time.Duration // 0: an *AuthError
	}{
		{"string", tokenJSON("tok", "3600"), time.Hour},
		{"number", tokenJSON("tok", 3600), time.Hour},
		{"other string", tokenJSON("tok", "7200"), 2 * time.Hour},
		{"missing", `{"token_type":"bearer","access_token":"tok"}`, 0},
		{"null", tokenJSON("tok", nil), 0},
		{"empty string", tokenJSON("tok", ""), 0},
		{"not a number", tokenJSON("tok", "soon"), 0},
		{"negative number", tokenJSON("tok", -5), 0},
		{"negative string", tokenJSON("tok", "-5"), 0},
		{"zero", tokenJSON("tok", 0), 0},
		{"fraction", tokenJSON("tok", 3600.5), 0},
		{"boolean", tokenJSON("tok", true), 0},
		{"object", tokenJSON("tok", map[string]int{"s": 1}), 0},
		{"absurdly long", tokenJSON("tok", "99999999999"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeCloud{token: func(w http.ResponseWriter, _ int32) { writeJSON(w, 200, tt.body) }}
			c := f.start(t)
			clk := withClock(t, c)
			sent := clk.now()
			tok, err := c.ts.Token(t.Context())
			if tt.wantTTL == 0 {
				var ae *AuthError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, 200, ae.StatusCode)
				assert.Contains(t, ae.Error(), "expires_in")
				assert.NotErrorIs(t, err, ErrUnauthorized)
				assert.Zero(t, tok)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "tok", tok.Value)
			assert.Equal(t, sent.Add(tt.wantTTL), tok.Expiry)
		})
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	t.Parallel()
	big := `{"access_token":"` + strings.Repeat("x", 70<<10) + `","expires_in":"3600"}`
	tests := []struct {
		name        string
		status      int
		body        string
		wantCode    string
		wantDesc    string
		wantUnauth  bool
		wantFetches int32
	}{
		{"invalid_client", 400, `{"error":"invalid_client","error_description":"Invalid client id or client secret."}`,
			"invalid_client", "Invalid client id or client secret.", true, 1},
		{"401 without body", 401, ``, "", "", true, 1},
		{"403 html", 403, `<html>denied</html>`, "", "", true, 1},
		{"500 garbage", 500, `<html><body>oops</body></html>`, "", "", false, 1},
		{"503 retried", 503, `{"message":"busy"}`, "", "", false, 4},
		{"200 garbage", 200, `not json {`, "", "not valid JSON", false, 1},
		{"200 without access_token", 200, `{"token_type":"bearer","expires_in":"3600"}`, "", "no access_token", false, 1},
		{"200 with an error", 200, `{"error":"invalid_grant","error_description":"nope"}`, "invalid_grant", "nope", true, 1},
		{"200 larger than 64 KiB", 200, big, "", "64 KiB", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeCloud{token: func(w http.ResponseWriter, _ int32) {
				w.Header().Set("X-Cws-TransactionId", "cws-tx-1")
				writeJSON(w, tt.status, tt.body)
			}}
			c := f.start(t)
			_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
			var ae *AuthError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, tt.wantCode, ae.Code)
			if tt.wantDesc != "" {
				assert.Contains(t, ae.Description, tt.wantDesc)
			}
			assert.Equal(t, "cws-tx-1", ae.TransactionID)
			assert.Equal(t, tt.wantUnauth, errors.Is(err, ErrUnauthorized))
			assert.Contains(t, err.Error(), "cws-tx-1")
			assert.NotContains(t, err.Error(), "\n")
			assert.NotContains(t, err.Error(), testSecret)
			assert.Equal(t, tt.wantFetches, f.tokenFetches.Load())
			assert.Zero(t, f.apiCalls.Load(), "no API call without a token")
			f.mu.Lock()
			defer f.mu.Unlock()
			for _, form := range f.forms { // retried fetches resend the whole form
				assert.Equal(t, testSecret, form.Get("client_secret"))
				assert.Equal(t, "client_credentials", form.Get("grant_type"))
			}
		})
	}
}

func TestTokenCached(t *testing.T) {
	t.Parallel()
	f := &fakeCloud{}
	c := f.start(t)
	for range 3 {
		_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), f.tokenFetches.Load())
	assert.Equal(t, []string{"CWSAuth bearer=tok-1", "CWSAuth bearer=tok-1", "CWSAuth bearer=tok-1"}, f.auths())
}

func TestTokenRefreshAheadOfExpiry(t *testing.T) {
	t.Parallel()
	fail := atomic.Bool{}
	f := &fakeCloud{token: func(w http.ResponseWriter, n int32) {
		if fail.Load() {
			writeJSON(w, 400, `{"error":"invalid_client"}`)
			return
		}
		writeJSON(w, 200, tokenJSON(fmt.Sprintf("tok-%d", n), "3600"))
	}}
	c := f.start(t)
	clk := withClock(t, c)
	cs := c.ts.(*credentialsSource)
	ctx := t.Context()
	get := func() (string, error) {
		defer cs.hold(ctx)() // as an attempt does
		tok, err := c.ts.Token(ctx)
		return tok.Value, err
	}

	v, err := get()
	require.NoError(t, err)
	assert.Equal(t, "tok-1", v)

	clk.advance(59*time.Minute - time.Second) // more than a minute left: cached
	v, err = get()
	require.NoError(t, err)
	assert.Equal(t, "tok-1", v)
	assert.Equal(t, int32(1), f.tokenFetches.Load())

	// Less than a minute left: the still-valid token serves at once, and
	// one refresh runs in the background.
	clk.advance(2 * time.Second)
	v, err = get()
	require.NoError(t, err)
	assert.Equal(t, "tok-1", v)
	waitRefresh(cs)
	assert.Equal(t, int32(2), f.tokenFetches.Load())
	v, err = get()
	require.NoError(t, err)
	assert.Equal(t, "tok-2", v)
	assert.Equal(t, int32(2), f.tokenFetches.Load())

	// A failed refresh ahead of expiry keeps the still-valid token...
	clk.advance(59*time.Minute + 30*time.Second)
	fail.Store(true)
	v, err = get()
	require.NoError(t, err)
	assert.Equal(t, "tok-2", v)
	waitRefresh(cs)
	assert.Equal(t, int32(3), f.tokenFetches.Load())
	v, err = get() // ...and holds back the next refresh for a while
	require.NoError(t, err)
	assert.Equal(t, "tok-2", v)
	waitRefresh(cs)
	assert.Equal(t, int32(3), f.tokenFetches.Load())

	// ...but not once it has expired.
	clk.advance(time.Minute)
	_, err = get()
	var ae *AuthError
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, err, ErrUnauthorized)

	// And it recovers.
	fail.Store(false)
	v, err = get()
	require.NoError(t, err)
	assert.Equal(t, "tok-5", v)
}

// TestTokenRefreshedBeforeRetry: a retry after a wait carries a token that is
// valid then, not the one of the first attempt.
func TestTokenRefreshedBeforeRetry(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{}
	f := &fakeCloud{api: func(w http.ResponseWriter, r *http.Request, n int32) {
		if n == 1 {
			clk.advance(2 * time.Hour) // the token expired while waiting
			writeJSON(w, 503, `{}`)
			return
		}
		writeJSON(w, 200, `{}`)
	}}
	c := f.start(t)
	installClock(t, c, clk)
	_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"CWSAuth bearer=tok-1", "CWSAuth bearer=tok-2"}, f.auths())
	tx := f.txids()
	assert.Equal(t, tx[0], tx[1])
}

func TestTokenSingleRefreshInFlight(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		f := &fakeCloud{token: func(w http.ResponseWriter, n int32) {
			<-release
			writeJSON(w, 200, tokenJSON(fmt.Sprintf("tok-%d", n), "3600"))
		}}
		c := f.client(t, "http://127.0.0.1", WithHTTPClient(&http.Client{Transport: memTransport(f.ServeHTTP)}))
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				_, err := call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
				assert.NoError(t, err)
			})
		}
		synctest.Wait() // all 50 are blocked: one in the token request, 49 waiting for it
		assert.Equal(t, int32(1), f.tokenFetches.Load())
		assert.Zero(t, f.apiCalls.Load())
		close(release)
		wg.Wait()
		assert.Equal(t, int32(1), f.tokenFetches.Load())
		assert.Equal(t, int32(50), f.apiCalls.Load())
		for _, a := range f.auths() {
			assert.Equal(t, "CWSAuth bearer=tok-1", a)
		}
	})
}

// TestTokenFetchOfCanceledCallerRetried: the caller whose context started the
// shared fetch gives up; the others are not failed by its cancellation.
func TestTokenFetchOfCanceledCallerRetried(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := &fakeCloud{}
		f.token = func(w http.ResponseWriter, n int32) {
			writeJSON(w, 200, tokenJSON(fmt.Sprintf("tok-%d", n), "3600"))
		}
		leaderIn := make(chan struct{})
		var first atomic.Bool
		rt := memTransport(f.ServeHTTP)
		ctxRT := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.URL.Path == tokenPath && first.CompareAndSwap(false, true) {
				close(leaderIn)
				<-r.Context().Done() // the first fetch hangs until its caller gives up
				return nil, r.Context().Err()
			}
			return rt.RoundTrip(r)
		})
		c := f.client(t, "http://127.0.0.1", WithHTTPClient(&http.Client{Transport: ctxRT}))
		leaderCtx, cancel := context.WithCancel(t.Context())
		var leaderErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, leaderErr = c.ts.Token(leaderCtx)
		}()
		<-leaderIn
		var followerTok Token
		var followerErr error
		fdone := make(chan struct{})
		go func() {
			defer close(fdone)
			followerTok, followerErr = c.ts.Token(t.Context())
		}()
		synctest.Wait()
		cancel()
		<-done
		<-fdone
		assert.ErrorIs(t, leaderErr, context.Canceled)
		require.NoError(t, followerErr)
		assert.Equal(t, "tok-1", followerTok.Value)
	})
}

func TestReplayOn401(t *testing.T) {
	t.Parallel()
	f := &fakeCloud{api: func(w http.ResponseWriter, r *http.Request, n int32) {
		if r.Header.Get("Authorization") == "CWSAuth bearer=tok-1" {
			writeJSON(w, 401, `{"type":"https://errors-api.cloud.com/common/authentication","detail":"Missing or invalid authentication details","parameters":{"reason":"invalid"}}`)
			return
		}
		writeJSON(w, 200, `{"Name":"ok"}`)
	}}
	c := f.start(t)
	for _, method := range []string{"POST", "GET"} {
		var out struct{ Name string }
		var body any
		if method == "POST" {
			body = map[string]string{"Name": "x"}
		}
		_, err := call(t.Context(), c, method, "MachineCatalogs", nil, body, &out)
		require.NoError(t, err)
		assert.Equal(t, "ok", out.Name)
	}
	assert.Equal(t, int32(2), f.tokenFetches.Load())
	assert.Equal(t, []string{"CWSAuth bearer=tok-1", "CWSAuth bearer=tok-2", "CWSAuth bearer=tok-2"}, f.auths())
	tx := f.txids()
	assert.Equal(t, tx[0], tx[1], "the replay is the same logical call")
	assert.NotEqual(t, tx[1], tx[2])
}

func TestAlways401(t *testing.T) {
	t.Parallel()
	f := &fakeCloud{api: func(w http.ResponseWriter, r *http.Request, n int32) {
		writeJSON(w, 401, `{"Error":{"Message":"Missing or invalid CWSAuth header.","Type":"CWSAuthException"}}`)
	}}
	c := f.start(t)
	_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.Equal(t, 401, ae.StatusCode)
	assert.Equal(t, "Missing or invalid CWSAuth header.", ae.Detail)
	assert.Equal(t, int32(2), f.apiCalls.Load(), "one replay only")
	assert.Equal(t, int32(2), f.tokenFetches.Load())
	assert.Equal(t, []string{"CWSAuth bearer=tok-1", "CWSAuth bearer=tok-2"}, f.auths())
}

func TestNoReplayWithoutRefreshableToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  Option
	}{
		{"static bearer token", WithBearerToken(testToken)},
		{"caller's token source", WithTokenSource(tokenSourceFunc(func(context.Context) (Token, error) {
			return Token{Value: testToken}, nil
		}))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var attempts atomic.Int32
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				attempts.Add(1)
				assert.Equal(t, "CWSAuth bearer="+testToken, r.Header.Get("Authorization"))
				writeJSON(w, 401, `{}`)
			})
			c := newTestClient(t, nil,
				WithRetryPolicy(DefaultRetryPolicy()), tt.opt, WithBaseURL(srv.URL+"/cvad/manage"),
				WithSiteID(testSite))
			_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
			assert.ErrorIs(t, err, ErrUnauthorized)
			assert.Equal(t, int32(1), attempts.Load())
		})
	}
}

func TestTokenSourceErrorReturned(t *testing.T) {
	t.Parallel()
	errTS := errors.New("vault sealed")
	var attempts atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { attempts.Add(1) })
	c := newTestClient(t, nil,
		WithRetryPolicy(DefaultRetryPolicy()), WithBaseURL(srv.URL+"/cvad/manage"), WithSiteID(testSite),
		WithTokenSource(tokenSourceFunc(func(context.Context) (Token, error) { return Token{}, errTS })))
	_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	assert.ErrorIs(t, err, errTS)
	assert.Zero(t, attempts.Load())
}

func TestTokenFormatting(t *testing.T) {
	t.Parallel()
	exp := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, tok := range []Token{{Value: testToken}, {Value: testToken, Expiry: exp}} {
		s := fmt.Sprintf("%v|%+v|%#v|%s|%q", tok, tok, tok, tok, tok)
		s += fmt.Sprintf("|%v|%+v|%#v", &tok, struct{ T Token }{tok}, []Token{tok})
		assert.NotContains(t, s, testToken)
		assert.Contains(t, s, "REDACTED")
		if !tok.Expiry.IsZero() {
			assert.Contains(t, tok.String(), "2026-05-06T07:08:09Z")
		}
		var text, js logBuffer
		slog.New(slog.NewTextHandler(&text, nil)).Info("got", "token", tok, "nested", struct{ T Token }{tok})
		slog.New(slog.NewJSONHandler(&js, nil)).Info("got", "token", tok)
		assert.NotContains(t, text.String(), testToken)
		assert.NotContains(t, js.String(), testToken)
		assert.Contains(t, js.String(), "REDACTED")
	}
	cs := &credentialsSource{clientID: testClientID, secret: testSecret}
	s := fmt.Sprintf("%v|%+v|%#v|%s", cs, cs, cs, cs.secret)
	assert.NotContains(t, s, testSecret)
	assert.Contains(t, s, testClientID)
	st := staticToken{tok: Token{Value: testToken}}
	s = fmt.Sprintf("%v|%+v|%#v|%v", st, st, st, &st)
	assert.NotContains(t, s, testToken)
}

// TestRedaction drives every failing path of the auth flow with a debug
// logger and checks that neither the client secret nor any token leaks into
// errors or logs.
func TestRedaction(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	logger := debugLogger(&logs)
	var errs []string
	record := func(err error) {
		require.Error(t, err)
		errs = append(errs, fmt.Sprintf("%v|%+v|%#v|%s", err, err, err, err.Error()))
		var ae *APIError
		if errors.As(err, &ae) {
			errs = append(errs, fmt.Sprintf("%+v|%#v", *ae, *ae))
		}
		var au *AuthError
		if errors.As(err, &au) {
			errs = append(errs, fmt.Sprintf("%+v|%#v", *au, *au))
		}
	}
	run := func(f *fakeCloud) {
		c := f.start(t, WithLogger(logger), WithRetryPolicy(fastRetry(2)))
		_, err := call(t.Context(), c, http.MethodPost, "MachineCatalogs", url.Values{"q": {"v"}}, map[string]string{"Name": "n"}, nil)
		record(err)
		_, err = call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
		record(err)
		for _, s := range []string{fmt.Sprintf("%v %+v %#v", c, c, c), fmt.Sprintf("%+v", *c)} {
			assert.NotContains(t, s, testSecret)
			assert.NotContains(t, s, "tok-R")
		}
	}
	tokenReply := func(status int, body string) func(http.ResponseWriter, int32) {
		return func(w http.ResponseWriter, _ int32) { writeJSON(w, status, body) }
	}
	run(&fakeCloud{token: tokenReply(400, `{"error":"invalid_client","error_description":"Invalid client id or client secret."}`)})
	run(&fakeCloud{token: tokenReply(500, `<html>oops</html>`)})
	run(&fakeCloud{token: tokenReply(503, `{"message":"busy"}`)})
	run(&fakeCloud{token: tokenReply(200, `garbage`)})
	run(&fakeCloud{token: tokenReply(200, `{"access_token":"tok-R-noexp"}`)})
	// Tokens are fine; the API retries, refuses them, replays and still refuses.
	issued := func(w http.ResponseWriter, n int32) { writeJSON(w, 200, tokenJSON(fmt.Sprintf("tok-R-%d", n), "3600")) }
	run(&fakeCloud{token: issued, api: func(w http.ResponseWriter, r *http.Request, n int32) {
		if n%2 == 1 {
			writeJSON(w, 503, `{"detail":"busy","parameters":[{"name":"retryDelay","value":"0"}]}`)
			return
		}
		writeJSON(w, 401, `{"type":"https://errors-api.cloud.com/common/authentication","detail":"Missing or invalid authentication details"}`)
	}})
	run(&fakeCloud{token: issued, api: func(w http.ResponseWriter, r *http.Request, n int32) {
		hijackClose(t, w, true)
	}})

	out := logs.String()
	assert.Contains(t, out, "level=DEBUG", "the scenario logged something")
	assert.Contains(t, out, "token refused")
	all := strings.Join(errs, "\n") + "\n" + out
	for _, secret := range []string{testSecret, url.QueryEscape(testSecret), "tok-R", "bearer="} {
		assert.NotContains(t, all, secret)
	}
	assert.GreaterOrEqual(t, len(errs), 14) // 7 scenarios × 2 calls
}

func TestAuthErrorIs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    AuthError
		want bool
	}{
		{AuthError{StatusCode: 400, Code: "invalid_client"}, true},
		{AuthError{StatusCode: 400, Code: "unauthorized_client"}, true},
		{AuthError{StatusCode: 400, Code: "invalid_grant"}, true},
		{AuthError{StatusCode: 400, Code: "invalid_request"}, false},
		{AuthError{StatusCode: 401}, true},
		{AuthError{StatusCode: 403}, true},
		{AuthError{StatusCode: 500}, false},
		{AuthError{StatusCode: 200, Description: "no access_token"}, false},
	}
	for _, tt := range tests {
		e := tt.e
		err := fmt.Errorf("wrapped: %w", &e)
		assert.Equal(t, tt.want, errors.Is(err, ErrUnauthorized), "%+v", tt.e)
		assert.NotErrorIs(t, err, ErrForbidden)
	}
	e := &AuthError{StatusCode: 400, Code: "invalid_client", Description: "Invalid\nclient", TransactionID: "tx9"}
	assert.Equal(t, "daas: token request failed: 400 Bad Request: invalid_client: Invalid client (transaction tx9)", e.Error())
}

// TestRefreshAheadHoldsNobody (defect 2): with a hung token endpoint and 30 s
// of validity left, a call with a 20 s deadline succeeds with the cached
// token; one refresh runs beside the calls, however many calls come, and
// the last call to end stops it after the grace (no goroutine outlives the
// calls).
func TestRefreshAheadHoldsNobody(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var hang atomic.Bool
		f := &fakeCloud{}
		f.token = func(w http.ResponseWriter, n int32) {
			writeJSON(w, 200, tokenJSON(fmt.Sprintf("tok-%d", n), "3600"))
		}
		srv := memTransport(f.ServeHTTP)
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.URL.Path == tokenPath && hang.Load() {
				f.tokenFetches.Add(1)
				<-r.Context().Done()
				return nil, r.Context().Err()
			}
			return srv.RoundTrip(r)
		})
		pol := RetryPolicy{MaxRetries: 1, MinDelay: time.Second, MaxDelay: time.Second, AttemptTimeout: 40 * time.Second}
		c := f.client(t, "http://127.0.0.1", WithHTTPClient(&http.Client{Transport: rt}), WithRetryPolicy(pol))
		_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
		require.NoError(t, err)
		hang.Store(true)
		time.Sleep(time.Hour - 30*time.Second) // 30 s of validity left
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
				defer cancel()
				start := time.Now()
				_, err := call(ctx, c, http.MethodGet, "Jobs", nil, nil, nil)
				assert.NoError(t, err)
				// A call that ends with none other in flight waits the
				// grace for the refresh, no more.
				assert.LessOrEqual(t, time.Since(start), refreshGrace, "not held by the refresh")
			})
		}
		wg.Wait()
		assert.Equal(t, int32(2), f.tokenFetches.Load(), "one background refresh")
		cs := c.ts.(*credentialsSource)
		cs.mu.Lock()
		assert.Nil(t, cs.bg, "stopped with the last call")
		cs.mu.Unlock()
		for _, a := range f.auths() {
			assert.Equal(t, "CWSAuth bearer=tok-1", a)
		}
	})
}

// TestSecretRedactedInEveryForm (defect 6): a token endpoint that echoes the
// form body shows the secret URL-encoded; one that echoes it as JSON shows
// it escaped. No form reaches the error.
func TestSecretRedactedInEveryForm(t *testing.T) {
	t.Parallel()
	const secret = `Abc+def/ghi=jkl&mno<p>"q`
	lowerHex := regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(url.QueryEscape(secret), strings.ToLower)
	forms := []string{secret, url.QueryEscape(secret), lowerHex, url.PathEscape(secret)}
	for _, html := range []bool{false, true} {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		require.NoError(t, enc.Encode(secret))
		s := strings.Trim(strings.TrimSpace(b.String()), `"`)
		forms = append(forms, s, strings.ReplaceAll(s, "/", `\/`))
	}
	for i, form := range forms {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			f := &fakeCloud{token: func(w http.ResponseWriter, _ int32) {
				body, _ := json.Marshal(map[string]string{"error": "invalid_request", "error_description": "bad form: " + form})
				writeJSON(w, 400, string(body))
			}}
			srv := newServer(t, f.ServeHTTP)
			c := newTestClient(t, nil,
				WithBaseURL(srv.URL+"/cvad/manage"), WithTokenURL(srv.URL+tokenPath),
				WithClientCredentials(testClientID, secret), WithSiteID(testSite),
				WithRetryPolicy(fastRetry(1)))
			_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
			var ae *AuthError
			require.ErrorAs(t, err, &ae)
			all := fmt.Sprintf("%v %+v %#v %+v", err, err, err, *ae)
			assert.Contains(t, all, "REDACTED")
			for _, f := range forms {
				assert.NotContains(t, all, f)
			}
		})
	}
}

// TestTokenRedactedInEveryForm (defect 6): a gateway that echoes the
// request's Authorization, escaped, into its error body.
func TestTokenRedactedInEveryForm(t *testing.T) {
	t.Parallel()
	const tok = "tok/abc+def=ghi<x>"
	for _, echo := range []func(string) string{
		func(s string) string { return s },
		url.QueryEscape,
		func(s string) string { b, _ := json.Marshal(s); return strings.Trim(string(b), `"`) },
	} {
		h := func(w http.ResponseWriter, r *http.Request) {
			body, _ := json.Marshal(map[string]string{"detail": "refused " + echo(r.Header.Get("Authorization"))})
			writeJSON(w, 403, string(body))
		}
		c := newTestClient(t, h, WithRetryPolicy(DefaultRetryPolicy()), WithBearerToken(tok))
		_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		all := fmt.Sprintf("%v %+v %s", err, *ae, ae.Body)
		assert.Contains(t, all, "REDACTED")
		assert.NotContains(t, all, echo(tok))
	}
}
