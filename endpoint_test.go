package daas

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ---- paths ----

func TestPathHandling(t *testing.T) {
	t.Parallel()
	srv, seen := recordingServer(t, 200, `{}`)
	c := newTestClient(t, nil, WithBaseURL(srv.URL+"/prefix/cvad/manage/"))
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
	c := newTestClient(t, nil, WithBaseURL("https://API.example.com/cvad/manage"))
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
	c := newTestClient(t, nil,
		WithBaseURL(srv.URL+"/cvad/manage"), WithHTTPClient(&http.Client{Transport: tr}),
		WithRetryPolicy(fastRetry(3)))
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

	c := newTestClient(t, nil, WithBaseURL(srv.URL+"/cvad/manage"), WithHTTPClient(orig))
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
			c := newTestClient(t, nil, WithBaseURL(api.URL+"/cvad/manage"))
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
