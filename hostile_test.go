package daas_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daaskit/daas"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHostileServers drives the client against servers that break the
// protocol or attack it: bad and foreign Locations, redirects to other
// origins, broken error bodies, odd job JSON, token endpoints that
// misbehave, servers that never answer. Each case names the typed error the
// call must give; none may panic, hang past its context or send anything to
// a decoy server.

// hxEnv is one case's world: the API server (which also serves the token
// endpoint at /token) and two decoys, one on the same host and another port,
// one on another host, that must never receive a request.
type hxEnv struct {
	api       *httptest.Server
	origin    string // http://127.0.0.1:port of the API server
	samePort  *hxDecoy
	otherHost *hxDecoy
	apiHits   atomic.Int32 // requests to /cvad/manage
	polls     atomic.Int32 // GET /Jobs/j1
	posts     atomic.Int32 // POST /cvad/manage/MachineCatalogs
	stop      chan struct{}
}

// hxDecoy is a server that counts what it receives.
type hxDecoy struct {
	srv  *httptest.Server
	url  string // origin as a Location would name it
	hits atomic.Int32
	auth atomic.Int32 // requests that carried an Authorization header
}

func (d *hxDecoy) check(t *testing.T) {
	t.Helper()
	assert.Zero(t, d.auth.Load(), "a decoy at %s received an Authorization header", d.url)
	assert.Zero(t, d.hits.Load(), "a decoy at %s received a request", d.url)
}

func hxNewDecoy(t *testing.T, ip, hostName string) *hxDecoy {
	t.Helper()
	d := &hxDecoy{}
	l, err := net.Listen("tcp", ip+":0")
	if err != nil {
		return nil
	}
	d.srv = &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.hits.Add(1)
		if r.Header.Get("Authorization") != "" {
			d.auth.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"Id":"stolen","Name":"stolen","Status":"Complete"}`)
	})}}
	d.srv.Start()
	t.Cleanup(d.srv.Close)
	_, port, _ := net.SplitHostPort(l.Addr().String())
	d.url = "http://" + net.JoinHostPort(hostName, port)
	return d
}

// hxHandler serves one case; it returns false to fall back to the standard
// job flow (hxEnv.standard).
type hxHandler func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool

func hxNewEnv(t *testing.T, h hxHandler) *hxEnv {
	t.Helper()
	e := &hxEnv{stop: make(chan struct{})}
	e.api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/cvad/manage") {
			e.apiHits.Add(1)
		}
		if r.Method == http.MethodGet && r.URL.Path == "/cvad/manage/Jobs/j1" {
			e.polls.Add(1)
		}
		if r.Method == http.MethodPost && r.URL.Path == "/cvad/manage/MachineCatalogs" {
			e.posts.Add(1)
		}
		if h != nil && h(e, w, r) {
			return
		}
		e.standard(w, r)
	}))
	e.origin = e.api.URL
	e.samePort = hxNewDecoy(t, "127.0.0.1", "127.0.0.1")
	// Another host: a second loopback address where the system has one,
	// else the name localhost (another host name for the client).
	e.otherHost = hxNewDecoy(t, "127.0.0.2", "127.0.0.2")
	if e.otherHost == nil {
		e.otherHost = hxNewDecoy(t, "127.0.0.1", "localhost")
	}
	t.Cleanup(func() {
		close(e.stop)
		e.api.CloseClientConnections()
		e.api.Close()
	})
	return e
}

func hxJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func hxJob(status string) string {
	return `{"Id":"j1","Type":"CreateMachineCatalog","Status":"` + status + `","OverallProgressPercent":50,` +
		`"ErrorCode":"Unknown","CreationTime":"2026-03-01T12:00:00.000+00:00","StartTime":"0001-01-01T00:00:00+00:00"}`
}

const hxCatalog = `{"Id":"c1","Name":"Cat1","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`

// standard is a well-behaved job flow: any async call answers 202 with the
// job j1, which is Complete, and whose results are hxCatalog (or a list of
// it for an async list).
func (e *hxEnv) standard(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/token":
		hxJSON(w, 200, `{"token_type":"bearer","access_token":"tok-hx","expires_in":"3600"}`)
	case r.URL.Query().Get("async") == "true":
		w.Header().Set("Location", e.origin+"/cvad/manage/Jobs/j1")
		w.WriteHeader(http.StatusAccepted)
	case r.URL.Path == "/cvad/manage/Jobs/j1":
		hxJSON(w, 200, hxJob("Complete"))
	case r.URL.Path == "/cvad/manage/Jobs":
		hxJSON(w, 200, `{"Items":[`+hxJob("Complete")+`],"ContinuationToken":null}`)
	case r.URL.Path == "/cvad/manage/Jobs/j1/Results":
		hxJSON(w, 200, hxCatalog)
	case r.URL.Path == "/cvad/manage/MachineCatalogs":
		hxJSON(w, 200, `{"Items":[`+hxCatalog+`]}`)
	case strings.HasPrefix(r.URL.Path, "/cvad/manage/MachineCatalogs/"):
		hxJSON(w, 200, hxCatalog)
	default:
		hxJSON(w, 404, `{"type":"https://errors-api.cloud.com/common/notFound","detail":"no such path"}`)
	}
}

// client builds the case's client: a static token unless creds, in which
// case client credentials against /token; fast retries and polls.
func (e *hxEnv) client(t *testing.T, creds bool) *daas.Client {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	opts := []daas.Option{
		daas.WithBaseURL(e.origin + "/cvad/manage"),
		daas.WithSiteID("site-hx"),
		daas.WithHTTPClient(&http.Client{Transport: tr}),
		daas.WithRetryPolicy(daas.RetryPolicy{MaxRetries: 2, MinDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}),
		daas.WithPollPolicy(daas.PollPolicy{MinInterval: 2 * time.Millisecond, MaxInterval: 20 * time.Millisecond, Multiplier: 2}),
	}
	if creds {
		opts = append(opts, daas.WithClientCredentials("hx-client", "hx-secret-do-not-leak"), daas.WithTokenURL(e.origin+"/token"))
	} else {
		opts = append(opts, daas.WithBearerToken("hx-static-token"))
	}
	c, err := daas.NewClient("cust-hx", opts...)
	require.NoError(t, err)
	return c
}

// Calls the cases make.
var hxCreate = daas.CreateMachineCatalogRequest{Name: "Cat1", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportSingleSession}

func hxCreateAsync(ctx context.Context, c *daas.Client) error {
	_, err := c.MachineCatalogs.CreateAsync(ctx, hxCreate)
	return err
}

func hxCreateWait(ctx context.Context, c *daas.Client) error {
	job, err := c.MachineCatalogs.CreateAsync(ctx, hxCreate)
	if err != nil {
		return err
	}
	cat, err := job.Wait(ctx)
	if err == nil && (cat == nil || cat.ID != "c1") {
		return fmt.Errorf("wrong result %+v", cat)
	}
	return err
}

func hxListWait(ctx context.Context, c *daas.Client) error {
	job, err := c.MachineCatalogs.ListAsync(ctx)
	if err != nil {
		return err
	}
	_, err = job.Wait(ctx)
	return err
}

func hxGet(ctx context.Context, c *daas.Client) error {
	_, err := c.MachineCatalogs.Get(ctx, "Cat1")
	return err
}

func hxList(ctx context.Context, c *daas.Client) error {
	_, err := c.MachineCatalogs.List(ctx)
	return err
}

// Checks on the error.
type hxCheck func(t *testing.T, e *hxEnv, err error)

func hxIs(target error) hxCheck {
	return func(t *testing.T, _ *hxEnv, err error) {
		t.Helper()
		require.ErrorIs(t, err, target)
	}
}

func hxAPIError(status int, more ...func(t *testing.T, ae *daas.APIError)) hxCheck {
	return func(t *testing.T, _ *hxEnv, err error) {
		t.Helper()
		var ae *daas.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, status, ae.StatusCode)
		for _, m := range more {
			m(t, ae)
		}
	}
}

func hxAuthError(status int) hxCheck {
	return func(t *testing.T, e *hxEnv, err error) {
		t.Helper()
		var ae *daas.AuthError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, status, ae.StatusCode)
		assert.Zero(t, e.apiHits.Load(), "no API call without a token")
		assert.NotContains(t, err.Error(), "hx-secret-do-not-leak")
	}
}

func hxNoError(t *testing.T, _ *hxEnv, err error) {
	t.Helper()
	require.NoError(t, err)
}

func hxAll(checks ...hxCheck) hxCheck {
	return func(t *testing.T, e *hxEnv, err error) {
		t.Helper()
		for _, c := range checks {
			c(t, e, err)
		}
	}
}

func hxNoPolls(t *testing.T, e *hxEnv, _ error) {
	t.Helper()
	assert.Zero(t, e.polls.Load(), "a job whose start failed is not polled")
}

// hxBlock holds a request until the client gives up or the case ends.
func hxBlock(e *hxEnv, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-e.stop:
	}
}

// hxReset drops the connection with a TCP RST, without an answer.
func hxReset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// hxEndless is a body that never ends: a JSON prefix, then an endless
// string; it counts what was read.
type hxEndless struct {
	prefix []byte
	read   atomic.Int64
}

func (b *hxEndless) Read(p []byte) (int, error) {
	n := 0
	if off := b.read.Load(); off < int64(len(b.prefix)) {
		n = copy(p, b.prefix[off:])
	}
	for i := n; i < len(p); i++ {
		p[i] = 'a'
	}
	b.read.Add(int64(len(p)))
	return len(p), nil
}

// Big bodies, made once, before the cases are timed.
var (
	// hxGzipBomb is 4 MB of error detail in a few KB of gzip.
	hxGzipBomb = sync.OnceValue(func() []byte { return hxGzip(`{"detail":"` + strings.Repeat("z", 4<<20) + `"}`) })
	// hx10MB is an error body of 10 MB.
	hx10MB = sync.OnceValue(func() []byte { return append([]byte(`{"detail":"`), bytes.Repeat([]byte("x"), 10<<20)...) })
	// hxBigList is a valid catalog list of 4 MB.
	hxBigList = sync.OnceValue(func() []byte {
		var b bytes.Buffer
		b.WriteString(`{"Items":[`)
		for i := 0; b.Len() < 4<<20; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"Id":"c%d","Name":"Cat%d","Description":"%s"}`, i, i, strings.Repeat("d", 1000))
		}
		b.WriteString(`]}`)
		return b.Bytes()
	})
)

func hxGzip(s string) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = io.WriteString(zw, s)
	_ = zw.Close()
	return buf.Bytes()
}

type hxCase struct {
	name    string
	creds   bool          // client credentials against /token instead of a static token
	timeout time.Duration // of the call's context; 5 s when zero
	handler hxHandler
	run     func(ctx context.Context, c *daas.Client) error
	check   hxCheck
	// within bounds how long the call may take (deadline cases).
	within time.Duration
}

func hxCases() []hxCase {
	accept := func(loc func(e *hxEnv) string) hxHandler {
		return func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Query().Get("async") != "true" {
				return false
			}
			if l := loc(e); l != "" {
				w.Header().Set("Location", l)
			}
			w.WriteHeader(http.StatusAccepted)
			return true
		}
	}
	results := func(f func(e *hxEnv, w http.ResponseWriter, r *http.Request)) hxHandler {
		return func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != "/cvad/manage/Jobs/j1/Results" {
				return false
			}
			f(e, w, r)
			return true
		}
	}
	see := func(loc func(e *hxEnv) string) hxHandler {
		return results(func(e *hxEnv, w http.ResponseWriter, _ *http.Request) {
			if l := loc(e); l != "" {
				w.Header().Set("Location", l)
			}
			w.WriteHeader(http.StatusSeeOther)
		})
	}
	onGet := func(status int, contentType string, body func() []byte, hdr ...string) hxHandler {
		return func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/cvad/manage/MachineCatalogs") {
				return false
			}
			for i := 0; i+1 < len(hdr); i += 2 {
				w.Header().Set(hdr[i], hdr[i+1])
			}
			if contentType != "" {
				w.Header().Set("Content-Type", contentType)
			}
			w.WriteHeader(status)
			_, _ = w.Write(body())
			return true
		}
	}
	text := func(s string) func() []byte { return func() []byte { return []byte(s) } }
	polls := func(bodies ...string) hxHandler { // the n-th poll answers bodies[n] (the last one repeats)
		return func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != "/cvad/manage/Jobs/j1" {
				return false
			}
			n := int(e.polls.Load()) - 1
			hxJSON(w, 200, bodies[min(n, len(bodies)-1)])
			return true
		}
	}
	token := func(status int, contentType, body string, hdr ...string) hxHandler {
		return func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != "/token" {
				return false
			}
			for i := 0; i+1 < len(hdr); i += 2 {
				w.Header().Set(hdr[i], hdr[i+1])
			}
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
			return true
		}
	}
	decoysUntouched := func(t *testing.T, e *hxEnv, _ error) {
		t.Helper()
		e.samePort.check(t)
		e.otherHost.check(t)
	}

	return []hxCase{
		// ---- the 202 Location of an async call ----
		{name: "202 without Location", handler: accept(func(*hxEnv) string { return "" }),
			run: hxCreateAsync, check: hxAll(hxIs(daas.ErrBadLocation), hxNoPolls)},
		{name: "202 relative Location", handler: accept(func(*hxEnv) string { return "/cvad/manage/Jobs/j1" }),
			run: hxCreateAsync, check: hxAll(hxIs(daas.ErrBadLocation), hxNoPolls)},
		{name: "202 malformed Location", handler: accept(func(*hxEnv) string { return "http://[::1/cvad/manage/Jobs/j1" }),
			run: hxCreateAsync, check: hxAll(hxIs(daas.ErrBadLocation), hxNoPolls)},
		{name: "202 Location on another host", handler: accept(func(e *hxEnv) string { return e.otherHost.url + "/cvad/manage/Jobs/j1" }),
			run: hxCreateAsync, check: hxAll(hxIs(daas.ErrUntrustedLocation), hxNoPolls, decoysUntouched)},
		{name: "202 Location on another port of the same host", handler: accept(func(e *hxEnv) string { return e.samePort.url + "/cvad/manage/Jobs/j1" }),
			run: hxCreateAsync, check: hxAll(hxIs(daas.ErrUntrustedLocation), hxNoPolls, decoysUntouched)},
		{name: "202 Location with another scheme", handler: accept(func(e *hxEnv) string { return strings.Replace(e.origin, "http:", "https:", 1) + "/cvad/manage/Jobs/j1" }),
			run: hxCreateAsync, check: hxAll(hxIs(daas.ErrUntrustedLocation), hxNoPolls)},
		{name: "202 Location with a non-HTTP scheme", handler: accept(func(e *hxEnv) string { return "ftp://127.0.0.1/cvad/manage/Jobs/j1" }),
			run: hxCreateAsync, check: hxAll(hxIs(daas.ErrBadLocation), hxNoPolls)},
		{name: "202 Location naming the API host differently", handler: accept(func(e *hxEnv) string {
			return strings.Replace(e.origin, "127.0.0.1", "localhost", 1) + "/cvad/manage/Jobs/j1"
		}),
			run: hxCreateAsync, check: hxAll(hxIs(daas.ErrUntrustedLocation), hxNoPolls)},
		{name: "202 Location with userinfo", handler: accept(func(e *hxEnv) string {
			return strings.Replace(e.origin, "://", "://admin:pw@", 1) + "/cvad/manage/Jobs/j1"
		}),
			run: hxCreateAsync, check: hxAll(hxIs(daas.ErrBadLocation), hxNoPolls)},
		{name: "202 Location userinfo trick pointing elsewhere", handler: accept(func(e *hxEnv) string {
			return "http://" + strings.TrimPrefix(e.origin, "http://") + "@" + strings.TrimPrefix(e.samePort.url, "http://") + "/cvad/manage/Jobs/j1"
		}),
			run: hxCreateAsync, check: hxAll(hxIs(daas.ErrBadLocation), hxNoPolls, decoysUntouched)},
		{name: "202 Location with an escaped path traversal in the job id", handler: accept(func(e *hxEnv) string { return e.origin + "/cvad/manage/Jobs/..%2F..%2FMachineCatalogs%2FCat1" }),
			run: hxCreateAsync, check: hxAll(hxIs(daas.ErrBadLocation), hxNoPolls)},
		{name: "202 Location with dot segments", handler: accept(func(e *hxEnv) string { return e.origin + "/cvad/manage/Jobs/../../admin/j1" }),
			run: hxCreateAsync, check: hxAll(hxIs(daas.ErrBadLocation), hxNoPolls)},
		{name: "202 Location without a job id", handler: accept(func(e *hxEnv) string { return e.origin + "/" }),
			run: hxCreateAsync, check: hxAll(hxIs(daas.ErrBadLocation), hxNoPolls)},
		{name: "202 with a body is still a job", handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Query().Get("async") != "true" {
				return false
			}
			w.Header().Set("Location", e.origin+"/cvad/manage/Jobs/j1")
			hxJSON(w, http.StatusAccepted, `{"Id":"ignored","Status":"Failed","junk":[1,2`)
			return true
		}, run: hxCreateWait, check: hxNoError},
		{name: "200 instead of 202 to an async call", handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Query().Get("async") != "true" {
				return false
			}
			hxJSON(w, 200, hxCatalog)
			return true
		}, run: hxCreateAsync, check: hxAll(func(t *testing.T, _ *hxEnv, err error) {
			require.Error(t, err)
			assert.Contains(t, err.Error(), "expected 202")
			var ae *daas.APIError
			require.ErrorAs(t, err, &ae, "a status the call does not expect is an APIError, success or not")
			assert.Equal(t, http.StatusOK, ae.StatusCode)
		}, hxNoPolls)},
		{name: "202 with a Retry-After of years does not stall the wait", handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Query().Get("async") != "true" {
				return false
			}
			w.Header().Set("Retry-After", "999999999")
			w.Header().Set("Location", e.origin+"/cvad/manage/Jobs/j1")
			w.WriteHeader(http.StatusAccepted)
			return true
		}, run: hxCreateWait, check: hxNoError, within: 2 * time.Second},

		// ---- the 303 of GET /Jobs/{id}/Results ----
		{name: "303 to another host", handler: see(func(e *hxEnv) string { return e.otherHost.url + "/cvad/manage/MachineCatalogs/c1" }),
			run: hxCreateWait, check: hxAll(hxIs(daas.ErrUntrustedLocation), decoysUntouched)},
		{name: "303 to another port of the same host", handler: see(func(e *hxEnv) string { return e.samePort.url + "/cvad/manage/MachineCatalogs/c1" }),
			run: hxCreateWait, check: hxAll(hxIs(daas.ErrUntrustedLocation), decoysUntouched)},
		{name: "303 scheme-relative to another host", handler: see(func(e *hxEnv) string { return "//" + strings.TrimPrefix(e.otherHost.url, "http://") + "/x" }),
			run: hxCreateWait, check: hxAll(hxIs(daas.ErrUntrustedLocation), decoysUntouched)},
		{name: "303 without Location", handler: see(func(*hxEnv) string { return "" }),
			run: hxCreateWait, check: hxIs(daas.ErrBadLocation)},
		{name: "303 to an opaque URL", handler: see(func(*hxEnv) string { return "javascript:alert(1)" }),
			run: hxCreateWait, check: hxIs(daas.ErrBadLocation)},
		{name: "303 with userinfo", handler: see(func(e *hxEnv) string {
			return strings.Replace(e.origin, "://", "://u:p@", 1) + "/cvad/manage/MachineCatalogs/c1"
		}),
			run: hxCreateWait, check: hxIs(daas.ErrBadLocation)},
		{name: "303 whose target redirects again", handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != "/cvad/manage/Jobs/j1/Results" && r.URL.Path != "/cvad/manage/MachineCatalogs/c1" {
				return false
			}
			w.Header().Set("Location", e.origin+"/cvad/manage/Jobs/j1/Results")
			w.WriteHeader(http.StatusSeeOther)
			return true
		}, run: hxCreateWait, check: hxIs(daas.ErrBadLocation)},
		{name: "303 relative on the API origin is followed", handler: see(func(*hxEnv) string { return "../../MachineCatalogs/c1" }),
			run: hxCreateWait, check: hxNoError},

		// ---- error bodies ----
		{name: "502 with an HTML body", handler: onGet(502, "text/html", text("<html><body><h1>502 Bad Gateway</h1></body></html>")),
			run: hxGet, check: hxAPIError(502, func(t *testing.T, ae *daas.APIError) {
				assert.Empty(t, ae.Detail)
				assert.Contains(t, string(ae.Body), "<h1>")
			})},
		{name: "404 with an empty body", handler: onGet(404, "", text("")),
			run: hxGet, check: hxAll(hxIs(daas.ErrNotFound), hxAPIError(404))},
		{name: "400 with truncated JSON", handler: onGet(400, "application/json", text(`{"type":"https://errors-api.cloud.com/common/invalidString","detail":"bro`)),
			run: hxGet, check: hxAPIError(400, func(t *testing.T, ae *daas.APIError) { assert.Empty(t, ae.Detail) })},
		{name: "500 with a 10 MB body is capped", handler: onGet(500, "application/json", hx10MB), run: hxGet, within: 3 * time.Second, check: hxAPIError(500, func(t *testing.T, ae *daas.APIError) {
			assert.LessOrEqual(t, len(ae.Body), 64<<10)
			assert.LessOrEqual(t, len(ae.Error()), 2048)
		})},
		{name: "409 with an endless body is capped", handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/cvad/manage/MachineCatalogs") {
				return false
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(409)
			_, _ = io.Copy(w, &hxEndless{prefix: []byte(`{"detail":"`)}) // ends when the client hangs up
			return true
		}, run: hxGet, within: 3 * time.Second, check: hxAll(hxIs(daas.ErrConflict), hxAPIError(409, func(t *testing.T, ae *daas.APIError) {
			assert.LessOrEqual(t, len(ae.Body), 64<<10)
		}))},
		{name: "gzip bomb as an error body is capped", handler: onGet(503, "application/json", hxGzipBomb, "Content-Encoding", "gzip"), run: hxGet, within: 3 * time.Second, check: hxAPIError(503, func(t *testing.T, ae *daas.APIError) {
			assert.LessOrEqual(t, len(ae.Body), 64<<10)
		})},
		{name: "error detail with line breaks and escape sequences stays one line", handler: onGet(403, "application/json",
			text(`{"type":"x","detail":"Access\r\ndenied\u2028\u001b[2Jnow\u0085ok"}`)),
			run: hxGet, check: hxAll(hxIs(daas.ErrForbidden), func(t *testing.T, _ *hxEnv, err error) {
				assert.NotRegexp(t, "[\r\n\u2028\u0085\x1b]", err.Error())
			})},
		{name: "429 asking for a wait of years is capped and ends", handler: onGet(429, "application/json",
			text(`{"type":"https://errors-api.cloud.com/common/rateLimitExceeded","parameters":[{"name":"retryDelay","value":"999999999"}]}`),
			"Retry-After", "999999999"), run: hxGet, within: time.Second, check: hxAll(hxIs(daas.ErrRateLimited), func(t *testing.T, e *hxEnv, _ error) {
			assert.Equal(t, int32(3), e.apiHits.Load(), "the first attempt and MaxRetries retries, each after at most MaxDelay")
		})},

		// ---- success bodies ----
		{name: "gzip-encoded success body is decoded", handler: onGet(200, "application/json", func() []byte { return hxGzip(`{"Items":[` + hxCatalog + `]}`) },
			"Content-Encoding", "gzip"), run: func(ctx context.Context, c *daas.Client) error {
			p, err := c.MachineCatalogs.List(ctx)
			if err == nil && (len(p.Items) != 1 || p.Items[0].ID != "c1") {
				return fmt.Errorf("wrong page %+v", p)
			}
			return err
		}, check: hxNoError},
		{name: "huge valid success body (4 MB) decodes", handler: onGet(200, "application/json", hxBigList),
			run: hxList, check: hxNoError, within: 10 * time.Second},
		{name: "success body cut short", handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/cvad/manage/MachineCatalogs") {
				return false
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			_, _ = io.WriteString(w, `{"Items":[{"Id":"c1"`)
			return true
		}, run: hxList, check: func(t *testing.T, _ *hxEnv, err error) {
			require.ErrorIs(t, err, io.ErrUnexpectedEOF)
		}},
		{name: "HTML where JSON was expected", handler: onGet(200, "text/html", text("<html>maintenance</html>")),
			run: hxList, check: func(t *testing.T, _ *hxEnv, err error) {
				var se *json.SyntaxError
				require.ErrorAs(t, err, &se)
			}},

		// ---- jobs ----
		{name: "unknown job statuses keep the wait going", handler: polls(hxJob("Queued"), hxJob("Paused"), hxJob(""), hxJob("NonTerminatingError"), hxJob("Complete")),
			run: hxCreateWait, check: hxAll(hxNoError, func(t *testing.T, e *hxEnv, _ error) {
				assert.GreaterOrEqual(t, e.polls.Load(), int32(5))
			})},
		{name: "job JSON with wrong types is read leniently", handler: polls(
			`{"Id":1,"Status":"InProgress","OverallProgressPercent":"half","IsCancellable":"yes","Parameters":{"a":1},"SubJobs":[1,null],"CreationTime":42,"ErrorParameters":"x"}`,
			`{"Id":["j1"],"Status":"Complete","OverallProgressPercent":1e999,"EndTime":"5:19:11 AM"}`),
			run: hxCreateWait, check: hxNoError},
		{name: "job answer that is not JSON, then a good one", handler: polls(`<html>oops</html>`, `null`, hxJob("Complete")),
			run: hxCreateWait, check: hxNoError},
		{name: "job vanishes mid-wait", handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != "/cvad/manage/Jobs/j1" {
				return false
			}
			if e.polls.Load() <= 2 {
				hxJSON(w, 200, hxJob("InProgress"))
			} else {
				hxJSON(w, 404, `{"type":"https://errors-api.cloud.com/common/notFound","detail":"Job not found"}`)
			}
			return true
		}, run: hxCreateWait, check: hxAll(hxIs(daas.ErrNotFound), func(t *testing.T, _ *hxEnv, err error) {
			assert.Contains(t, err.Error(), "disappeared")
		})},
		{name: "job poll refused with 403 ends the wait", handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != "/cvad/manage/Jobs/j1" {
				return false
			}
			hxJSON(w, 403, `{"type":"https://errors-api.cloud.com/common/authorization","detail":"Access denied"}`)
			return true
		}, run: hxCreateWait, check: hxIs(daas.ErrForbidden)},
		{name: "job poll answered 401 even after a new token ends the wait", creds: true, handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != "/cvad/manage/Jobs/j1" {
				return false
			}
			hxJSON(w, 401, `{"type":"https://errors-api.cloud.com/common/authentication","detail":"Missing or invalid authentication details"}`)
			return true
		}, run: hxCreateWait, check: hxAll(hxIs(daas.ErrUnauthorized), func(t *testing.T, e *hxEnv, err error) {
			assert.Equal(t, int32(2), e.polls.Load(), "one replay with a new token, no more")
			assert.NotContains(t, err.Error(), "tok-hx")
		})},
		{name: "job poll answered 429 asking for a wait of years", handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != "/cvad/manage/Jobs/j1" || e.polls.Load() > 3 { // the first poll and its two retries
				return false
			}
			w.Header().Set("Retry-After", "999999999")
			hxJSON(w, 429, `{"type":"https://errors-api.cloud.com/common/rateLimitExceeded","parameters":[{"name":"retryDelay","value":"999999999"}]}`)
			return true
		}, run: hxCreateWait, check: hxNoError, within: 2 * time.Second},
		{name: "failed job with garbage error fields", handler: polls(`{"Id":"j1","Status":"Failed","ErrorCode":"Dup\nlicate","ErrorString":{"x":1},"ErrorParameters":[{"Name":"ErrorDetails","Value":7},3]}`),
			run: hxCreateWait, check: hxAll(hxIs(daas.ErrJobFailed), func(t *testing.T, _ *hxEnv, err error) {
				var je *daas.JobError
				require.ErrorAs(t, err, &je)
				assert.NotContains(t, err.Error(), "\n")
			})},
		{name: "job list with broken items in batch mode", handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != "/cvad/manage/Jobs" {
				return false
			}
			hxJSON(w, 200, `{"Items":[null,1,"x",[],`+hxJob("Complete")+`],"ContinuationToken":null}`)
			return true
		}, run: func(ctx context.Context, c *daas.Client) error {
			// More waiters than the batch threshold, so GET /Jobs is read:
			// the jobs are started first, and the waits' first read comes
			// 200 ms later, when all eight are waiting.
			jobs := make([]*daas.Job[*daas.MachineCatalog], 8)
			for i := range jobs {
				var err error
				if jobs[i], err = c.MachineCatalogs.CreateAsync(ctx, hxCreate); err != nil {
					return err
				}
			}
			var wg sync.WaitGroup
			errs := make([]error, len(jobs))
			for i, job := range jobs {
				wg.Go(func() {
					cat, err := job.Wait(ctx, daas.PollInterval(200*time.Millisecond, 400*time.Millisecond))
					if err == nil && (cat == nil || cat.ID != "c1") {
						err = fmt.Errorf("wrong result %+v", cat)
					}
					errs[i] = err
				})
			}
			wg.Wait()
			return errors.Join(errs...)
		}, check: hxAll(hxNoError, func(t *testing.T, e *hxEnv, _ error) {
			assert.Zero(t, e.polls.Load(), "every waiter read its job from the list")
		})},
		{name: "result that does not decode into T", handler: results(func(_ *hxEnv, w http.ResponseWriter, _ *http.Request) {
			hxJSON(w, 200, `{"Items":"not a list"}`)
		}), run: hxListWait, check: func(t *testing.T, _ *hxEnv, err error) {
			var te *json.UnmarshalTypeError
			require.ErrorAs(t, err, &te)
		}},
		{name: "result that is an array where a catalog is expected", handler: results(func(_ *hxEnv, w http.ResponseWriter, _ *http.Request) {
			hxJSON(w, 200, `[1,2,3]`)
		}), run: hxCreateWait, check: func(t *testing.T, _ *hxEnv, err error) {
			var te *json.UnmarshalTypeError
			require.ErrorAs(t, err, &te)
		}},
		{name: "empty result where a catalog is expected", handler: results(func(_ *hxEnv, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(200)
		}), run: hxCreateWait, check: func(t *testing.T, _ *hxEnv, err error) {
			require.ErrorContains(t, err, "empty result")
		}},

		// ---- servers that do not answer ----
		{name: "server that never answers", timeout: 150 * time.Millisecond, within: time.Second,
			handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool { hxBlock(e, r); return true },
			run:     hxGet, check: hxIs(context.DeadlineExceeded)},
		{name: "job poll that never answers", timeout: 150 * time.Millisecond, within: time.Second,
			handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/cvad/manage/Jobs/j1" {
					return false
				}
				hxBlock(e, r)
				return true
			}, run: hxCreateWait, check: hxIs(context.DeadlineExceeded)},
		{name: "server that sends headers and then stalls the body", timeout: 150 * time.Millisecond, within: time.Second,
			handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(200)
				_, _ = io.WriteString(w, `{"Items":[`)
				w.(http.Flusher).Flush()
				hxBlock(e, r)
				return true
			}, run: hxList, check: hxIs(context.DeadlineExceeded)},
		{name: "connection reset on every read", handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			hxReset(w)
			return true
		}, run: hxGet, check: func(t *testing.T, e *hxEnv, err error) {
			require.Error(t, err)
			var ae *daas.APIError
			assert.False(t, errors.As(err, &ae))
			assert.GreaterOrEqual(t, e.apiHits.Load(), int32(3), "reads are retried")
		}},
		{name: "connection reset after a POST is not replayed", handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodPost {
				return false
			}
			_, _ = io.Copy(io.Discard, r.Body) // the server acted on it
			hxReset(w)
			return true
		}, run: hxCreateAsync, check: func(t *testing.T, e *hxEnv, err error) {
			require.Error(t, err)
			assert.Equal(t, int32(1), e.posts.Load(), "a POST the server may have acted on is never sent twice")
		}},

		// ---- the token endpoint ----
		{name: "token without expires_in", creds: true, handler: token(200, "application/json", `{"access_token":"t1","token_type":"bearer"}`),
			run: hxGet, check: hxAuthError(200)},
		{name: "token with a negative expires_in", creds: true, handler: token(200, "application/json", `{"access_token":"t1","expires_in":"-60"}`),
			run: hxGet, check: hxAuthError(200)},
		{name: "token with a non-numeric expires_in", creds: true, handler: token(200, "application/json", `{"access_token":"t1","expires_in":"an hour"}`),
			run: hxGet, check: hxAuthError(200)},
		{name: "token with a fractional expires_in", creds: true, handler: token(200, "application/json", `{"access_token":"t1","expires_in":3599.5}`),
			run: hxGet, check: hxAuthError(200)},
		{name: "token with a line break in access_token", creds: true, handler: token(200, "application/json", `{"access_token":"t1\r\nX-Injected: 1","expires_in":"3600"}`),
			run: hxGet, check: hxAll(hxAuthError(200), func(t *testing.T, _ *hxEnv, err error) {
				assert.NotContains(t, err.Error(), "X-Injected")
			})},
		{name: "token endpoint redirects", creds: true, handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != "/token" {
				return false
			}
			http.Redirect(w, r, e.samePort.url+"/token", http.StatusFound)
			return true
		}, run: hxGet, check: hxAll(hxAuthError(302), decoysUntouched)},
		{name: "token endpoint redirects with 307 to another host", creds: true, handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != "/token" {
				return false
			}
			http.Redirect(w, r, e.otherHost.url+"/token", http.StatusTemporaryRedirect)
			return true
		}, run: hxGet, check: hxAll(hxAuthError(307), decoysUntouched)},
		{name: "token endpoint answers 500", creds: true, handler: token(500, "application/json", `{"activityId":"a","message":"Internal server error"}`),
			run: hxGet, check: hxAuthError(500)},
		{name: "token endpoint answers HTML", creds: true, handler: token(200, "text/html", `<html><form>Sign in</form></html>`),
			run: hxGet, check: hxAuthError(200)},
		{name: "token endpoint refuses the credentials", creds: true, handler: token(400, "application/json", `{"error":"invalid_client","error_description":"Invalid client id or client secret."}`),
			run: hxGet, check: hxAll(hxAuthError(400), hxIs(daas.ErrUnauthorized))},
		{name: "token endpoint that never answers", creds: true, timeout: 150 * time.Millisecond, within: time.Second,
			handler: func(e *hxEnv, w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/token" {
					return false
				}
				hxBlock(e, r)
				return true
			}, run: hxGet, check: hxAll(hxIs(context.DeadlineExceeded), func(t *testing.T, e *hxEnv, _ error) {
				assert.Zero(t, e.apiHits.Load())
			})},
	}
}

func TestHostileServers(t *testing.T) {
	cases := hxCases()
	require.GreaterOrEqual(t, len(cases), 30)
	_, _, _ = hxGzipBomb(), hx10MB(), hxBigList() // built before any case is timed
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := hxNewEnv(t, tc.handler)
			c := e.client(t, tc.creds)
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			ctx, cancel := context.WithTimeout(t.Context(), timeout)
			defer cancel()
			start := time.Now()
			err := func() (err error) {
				defer func() {
					if p := recover(); p != nil {
						err = fmt.Errorf("panic: %v", p)
						t.Errorf("the client panicked: %v", p)
					}
				}()
				return tc.run(ctx, c)
			}()
			elapsed := time.Since(start)
			if tc.within > 0 {
				assert.Less(t, elapsed, tc.within, "the call must end promptly")
			}
			tc.check(t, e, err)
			if err != nil {
				assert.NotContains(t, err.Error(), "\n", "errors are one line")
				assert.NotContains(t, err.Error(), "hx-static-token")
				assert.NotContains(t, err.Error(), "hx-secret-do-not-leak")
			}
			// Whatever the case, no decoy ever sees a request.
			e.samePort.check(t)
			e.otherHost.check(t)
		})
	}
}
