package daas_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// A wait of 90 minutes, longer than the on-premises token's hour, against
// the on-premises fake: the token is fetched once and refreshed once,
// however many reads the wait makes, and no call meets a 401.
func TestOnPremisesWaitOutlivesToken(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithOnPremises(), daastest.WithCatalogs(3),
			daastest.WithJobDuration(90*time.Minute), daastest.WithProgress(daastest.ProgressNone))
		defer srv.Close()
		c := srv.Client()
		assert.Equal(t, daas.OnPremisesCustomerID, c.CustomerID())
		job, err := c.MachineCatalogs.ListAsync(t.Context())
		require.NoError(t, err)
		cats, err := job.Wait(t.Context(), daas.PollInterval(time.Minute, time.Minute))
		require.NoError(t, err)
		assert.Len(t, cats, 3)
		assert.Equal(t, 2, srv.Count("POST /Tokens"), "one token, refreshed once")
		assert.Greater(t, srv.Count("GET /Jobs/{id}"), 60, "a read a minute")
		assert.Zero(t, srv.Stats().ByStatus[http.StatusUnauthorized])
		for _, r := range srv.Requests() {
			if r.Route == "POST /Tokens" {
				assert.Equal(t, "Basic REDACTED", r.Header.Get("Authorization"))
				continue
			}
			assert.Equal(t, daas.OnPremisesCustomerID, r.Header.Get("Citrix-CustomerId"))
			assert.Equal(t, "CWSAuth bearer=REDACTED", r.Header.Get("Authorization"))
		}
	})
}

// A 401 in the middle of a wait (a token the controller revoked): the
// client fetches a new token and replays the read once; the wait goes on.
func TestOnPremisesReplayAfter401(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithOnPremises(),
			daastest.WithJobDuration(10*time.Minute), daastest.WithProgress(daastest.ProgressNone))
		defer srv.Close()
		c := srv.Client()
		job, err := c.MachineCatalogs.ListAsync(t.Context())
		require.NoError(t, err)
		time.Sleep(5 * time.Minute)
		srv.InjectFault(daastest.Fault{Route: "GET /Jobs/{id}", Status: http.StatusUnauthorized, Count: 1})
		_, err = job.Wait(t.Context(), daas.PollInterval(time.Minute, time.Minute))
		require.NoError(t, err)
		assert.Equal(t, 1, srv.Stats().ByStatus[http.StatusUnauthorized])
		assert.Equal(t, 2, srv.Count("POST /Tokens"), "the first token, and one after the 401")
	})
}

// A wrong password gets the controller's 401 as an *AuthError matching
// ErrUnauthorized, at once (no retry), without the password.
func TestOnPremisesWrongPassword(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithOnPremises())
		defer srv.Close()
		const wrong = "n0t-the-Passw0rd"
		c := srv.Client(daas.WithOnPremisesCredentials(srv.Username, wrong))
		_, err := c.MachineCatalogs.List(t.Context())
		var ae *daas.AuthError
		require.ErrorAs(t, err, &ae)
		assert.ErrorIs(t, err, daas.ErrUnauthorized)
		assert.Equal(t, http.StatusUnauthorized, ae.StatusCode)
		assert.Equal(t, "authentication", ae.Code)
		assert.NotContains(t, fmt.Sprintf("%v %+v %#v", err, err, *ae), wrong)
		assert.Equal(t, 1, srv.Count("POST /Tokens"))
	})
}

// The password reaches no error, debug log line, formatted client, request
// log of the fake or observer report; the fake logs the Basic header as
// "Basic REDACTED".
func TestOnPremisesPasswordNeverLeaks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithOnPremises(), daastest.WithJobDuration(time.Minute))
		defer srv.Close()
		var mu sync.Mutex
		var seen bytes.Buffer
		note := func(v any) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(&seen, "%v %+v %#v\n", v, v, v)
		}
		obs := daas.JobObserver{
			JobStarted: func(_ context.Context, i daas.JobStartInfo) { note(i) },
			WaitStart:  func(ctx context.Context, i daas.WaitStartInfo) context.Context { note(i); return ctx },
			Read:       func(_ context.Context, i daas.ReadInfo) { note(i) },
			Retry:      func(_ context.Context, i daas.RetryInfo) { note(i) },
			WaitEnd:    func(_ context.Context, i daas.WaitEndInfo) { note(i) },
		}
		var logs bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		opt := daas.WithOnPremisesCredentials(srv.Username, srv.Password)
		c := srv.Client(opt, daas.WithLogger(logger), daas.WithObserver(obs), daas.WithRetryPolicy(daas.RetryPolicy{
			MaxRetries: 1, MinDelay: time.Second, MaxDelay: time.Second, AttemptTimeout: time.Minute}))
		srv.InjectFault(daastest.Fault{Route: "POST /Tokens", Status: http.StatusServiceUnavailable, Count: 1})
		job, err := c.MachineCatalogs.ListAsync(t.Context())
		require.NoError(t, err)
		_, err = job.Wait(t.Context())
		require.NoError(t, err)
		bad := srv.Client(daas.WithOnPremisesCredentials(srv.Username, srv.Password+"x"), daas.WithLogger(logger))
		_, err = bad.MachineCatalogs.List(t.Context())
		require.Error(t, err)

		all := seen.String() + logs.String() + fmt.Sprintf("%v %+v %#v %s %v %+v %#v %v", c, c, c, c, *c, *c, opt, err)
		for _, r := range srv.Requests() {
			all += fmt.Sprintf("%+v\n", r)
		}
		assert.Contains(t, logs.String(), "Tokens", "the debug log shows the token requests")
		assert.Contains(t, all, "Basic REDACTED")
		assert.NotContains(t, all, srv.Password)
		assert.NotContains(t, all, basic(srv.Username, srv.Password))
		assert.NotContains(t, all, basic(srv.Username, srv.Password+"x"))
	})
}

// basic is the base64 part of a Basic Authorization header.
func basic(user, pass string) string {
	h := http.Header{}
	r := &http.Request{Header: h}
	r.SetBasicAuth(user, pass)
	return strings.TrimPrefix(h.Get("Authorization"), "Basic ")
}

// NewClient checks what on-premises credentials need: a base URL, no token
// URL; and an empty customer id means CitrixOnPremises with them only.
func TestOnPremisesOptions(t *testing.T) {
	const base = "https://ddc.example.com/cvad/manage"
	c, err := daas.NewClient("", daas.WithBaseURL(base), daas.WithOnPremisesCredentials(`CORP\admin`, "pw"))
	require.NoError(t, err)
	assert.Equal(t, daas.OnPremisesCustomerID, c.CustomerID())
	c, err = daas.NewClient("site-customer", daas.WithBaseURL(base), daas.WithOnPremisesCredentials(`CORP\admin`, "pw"))
	require.NoError(t, err)
	assert.Equal(t, "site-customer", c.CustomerID())

	_, err = daas.NewClient("", daas.WithBearerToken("t"), daas.WithBaseURL(base))
	assert.EqualError(t, err, "daas: NewClient: empty customer id")

	var ie *daas.InputError
	_, err = daas.NewClient("", daas.WithOnPremisesCredentials(`CORP\admin`, "pw"))
	require.ErrorAs(t, err, &ie)
	assert.Contains(t, err.Error(), "WithBaseURL")
	_, err = daas.NewClient("", daas.WithBaseURL(base), daas.WithTokenURL("https://evil.example.com/t"), daas.WithOnPremisesCredentials(`CORP\admin`, "pw"))
	require.ErrorAs(t, err, &ie)
	assert.Contains(t, err.Error(), "WithTokenURL")
	for _, bad := range [][2]string{{"", "pw"}, {"  ", "pw"}, {"a:b", "pw"}, {"a\nb", "pw"}, {`CORP\admin`, ""}} {
		_, err = daas.NewClient("", daas.WithBaseURL(base), daas.WithOnPremisesCredentials(bad[0], bad[1]))
		require.ErrorAs(t, err, &ie, "%q", bad)
		assert.ErrorIs(t, err, daas.ErrInvalidInput)
		assert.Equal(t, "WithOnPremisesCredentials", ie.Op)
	}
	_, err = daas.NewClient("", daas.WithBaseURL(base), daas.WithOnPremisesCredentials("a", "pw"), daas.WithBearerToken("t"))
	assert.ErrorIs(t, err, daas.ErrNoCredentials)
}

// A base URL with http on a host that is not loopback, with user
// information, or without /cvad/manage is refused with an *InputError that
// names it, by scheme, host and path only.
func TestBaseURLRefused(t *testing.T) {
	for _, tt := range []struct{ url, echo, reason string }{
		{"http://ddc.example.com/cvad/manage", "http://ddc.example.com/cvad/manage", "plain http"},
		{"https://admin:s3cr3t@ddc.example.com/cvad/manage", "https://ddc.example.com/cvad/manage", "credentials"},
		{"https://ddc.example.com/citrix/orchestration/api", "https://ddc.example.com/citrix/orchestration/api", "/cvad/manage"},
		{"https://ddc.example.com/cvad/manage?token=s3cr3t", "https://ddc.example.com/cvad/manage", "query"},
	} {
		for _, creds := range []daas.Option{daas.WithOnPremisesCredentials("a", "pw"), daas.WithBearerToken("t")} {
			_, err := daas.NewClient("c", daas.WithBaseURL(tt.url), creds)
			var ie *daas.InputError
			require.ErrorAs(t, err, &ie, tt.url)
			assert.Equal(t, "WithBaseURL", ie.Op)
			assert.Contains(t, err.Error(), `"`+tt.echo+`"`)
			assert.Contains(t, err.Error(), tt.reason)
			assert.NotContains(t, err.Error(), "s3cr3t")
			assert.NotContains(t, err.Error(), "admin")
		}
	}
}

// The password goes to the base URL's origin only: a token endpoint that
// redirects elsewhere is not followed, and the other host gets nothing.
func TestOnPremisesPasswordStaysOnOrigin(t *testing.T) {
	other := daastest.NewServer(daastest.WithOnPremises())
	defer other.Close()
	srv := daastest.NewServer(daastest.WithOnPremises())
	defer srv.Close()
	c := srv.Client(daas.WithHTTPClient(&http.Client{Transport: redirectingTransport{to: other.TokenURL, base: srv.HTTPClient().Transport}}))
	_, err := c.MachineCatalogs.List(t.Context())
	var ae *daas.AuthError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusTemporaryRedirect, ae.StatusCode)
	assert.Zero(t, other.Stats().Requests, "the other host got nothing")
	assert.NotContains(t, err.Error(), srv.Password)
}

// redirectingTransport answers every token request with a 307 to another
// host, as a hostile or misconfigured controller would.
type redirectingTransport struct {
	to   string
	base http.RoundTripper
}

func (r redirectingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.URL.Path, "/Tokens") {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return &http.Response{StatusCode: http.StatusTemporaryRedirect, Header: http.Header{"Location": {r.to}},
			Body: http.NoBody, Request: req}, nil
	}
	return r.base.RoundTrip(req)
}
