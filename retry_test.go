package daas

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
			c := newTestClient(t, nil, WithBaseURL(srv.URL+"/cvad/manage"), WithRetryPolicy(fastRetry(maxRetries)))
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
			c := newTestClient(t, nil, WithBaseURL(srv.URL+"/cvad/manage"))
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
			c := newTestClient(t, nil, WithBaseURL(srv.URL+"/cvad/manage"), WithRetryPolicy(fastRetry(3)))
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
			c := newTestClient(t, nil,
				WithBaseURL(srv.URL+"/cvad/manage"), WithHTTPClient(&http.Client{Transport: tr}),
				WithRetryPolicy(fastRetry(3)))
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
	c := newTestClient(t, nil, WithBaseURL(srv.URL+"/cvad/manage"), WithRetryPolicy(fastRetry(5)))
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
				c := newTestClient(t, h, WithRetryPolicy(pol))
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
		c := newTestClient(t, h, WithRetryPolicy(pol))
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
			c := newTestClient(t, h, WithRetryPolicy(DefaultRetryPolicy()))
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
			c := newTestClient(t, h, WithRetryPolicy(DefaultRetryPolicy()))
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
			c := newTestClient(t, nil,
				WithBaseURL(memBase), WithHTTPClient(&http.Client{Transport: rt}),
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
			c := newTestClient(t, h, WithRetryPolicy(DefaultRetryPolicy()))
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
	c := newTestClient(t, nil,
		WithBaseURL(srv.URL+"/cvad/manage"), WithTokenSource(ts), WithSiteID(testSite),
		WithRetryPolicy(fastRetry(3)))
	_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	assert.ErrorIs(t, err, errTokens)
	assert.Equal(t, int32(1), attempts.Load())
}

type tokenSourceFunc func(context.Context) (Token, error)

func (f tokenSourceFunc) Token(ctx context.Context) (Token, error) { return f(ctx) }
