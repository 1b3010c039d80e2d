package daas

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hangingTransport answers nothing: every attempt waits for its context.
func hangingTransport(attempts *atomic.Int32) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		attempts.Add(1)
		<-r.Context().Done()
		return nil, r.Context().Err()
	})
}

// requireTimeout checks that err is a transport timeout, not the context's
// error.
func requireTimeout(t *testing.T, err error) {
	t.Helper()
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout(), "a timeout: %v", err)
	assert.NotErrorIs(t, err, context.Canceled)
}

// TestAttemptTimeoutRetried (defect 5): a hung connection with
// context.Background and the default client ends after the attempt timeout,
// is retried by the ordinary rules, and fails with a timeout.
func TestAttemptTimeoutRetried(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var attempts atomic.Int32
		pol := RetryPolicy{MaxRetries: 2, MinDelay: time.Second, MaxDelay: time.Second} // AttemptTimeout 0: the default
		c := newTestClient(t, nil,
			WithBaseURL(memBase), WithHTTPClient(&http.Client{Transport: hangingTransport(&attempts)}),
			WithRetryPolicy(pol))
		start := time.Now()
		_, err := call(context.Background(), c, http.MethodGet, "Jobs", nil, nil, nil)
		requireTimeout(t, err)
		assert.NotErrorIs(t, err, context.DeadlineExceeded, "not the caller's context error")
		assert.Equal(t, int32(3), attempts.Load())
		elapsed := time.Since(start) // three attempts and two jittered waits of 0.5–1 s
		assert.GreaterOrEqual(t, elapsed, 3*DefaultAttemptTimeout+time.Second)
		assert.LessOrEqual(t, elapsed, 3*DefaultAttemptTimeout+2*time.Second)
	})
}

// TestAttemptTimeoutNotRetriedForCreate: a POST that timed out may have
// been acted on: it is not repeated.
func TestAttemptTimeoutNotRetriedForCreate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var attempts atomic.Int32
		pol := RetryPolicy{MaxRetries: 2, MinDelay: time.Second, MaxDelay: time.Second, AttemptTimeout: 5 * time.Second}
		c := newTestClient(t, nil,
			WithBaseURL(memBase), WithHTTPClient(&http.Client{Transport: hangingTransport(&attempts)}),
			WithRetryPolicy(pol))
		start := time.Now()
		_, err := call(t.Context(), c, http.MethodPost, "MachineCatalogs", nil, map[string]string{"Name": "x"}, nil)
		requireTimeout(t, err)
		assert.Equal(t, int32(1), attempts.Load())
		assert.Equal(t, 5*time.Second, time.Since(start))
	})
}

// TestAttemptTimeoutCoversBody: an answer whose body never ends fails the
// attempt at its timeout too.
func TestAttemptTimeoutCoversBody(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			pr, pw := io.Pipe()
			go func() {
				_, _ = io.WriteString(pw, `{"Items":[`)
				<-r.Context().Done()
				pw.CloseWithError(r.Context().Err())
			}()
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: pr, Request: r}, nil
		})
		pol := RetryPolicy{MaxRetries: 1, MinDelay: time.Second, MaxDelay: time.Second, AttemptTimeout: 3 * time.Second}
		c := newTestClient(t, nil,
			WithBaseURL(memBase), WithHTTPClient(&http.Client{Transport: rt}), WithRetryPolicy(pol))
		start := time.Now()
		var v any
		_, err := call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, &v)
		requireTimeout(t, err)
		assert.Equal(t, 3*time.Second, time.Since(start))
	})
}

// TestClientTimeoutRetried (defect 1): net/http's own client timeout matches
// context.DeadlineExceeded; it is a transport failure all the same, retried,
// and the caller gets it, not a context error of its own.
func TestClientTimeoutRetried(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var attempts atomic.Int32
		hc := &http.Client{Transport: hangingTransport(&attempts), Timeout: 10 * time.Second}
		pol := RetryPolicy{MaxRetries: 3, MinDelay: time.Second, MaxDelay: time.Second}
		c := newTestClient(t, nil, WithBaseURL(memBase), WithHTTPClient(hc), WithRetryPolicy(pol))
		ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
		defer cancel()
		_, err := call(ctx, c, http.MethodGet, "Jobs", nil, nil, nil)
		requireTimeout(t, err)
		assert.NoError(t, ctx.Err())
		assert.Equal(t, int32(4), attempts.Load())
	})
}

// TestHungTokenEndpointEnds (defect 1): a token endpoint that never answers,
// with no deadline: the fetch ends after the retries (it ran forever, 8,641
// attempts in a day of fake time), and every caller sharing it gets the
// timeout, not a context error.
func TestHungTokenEndpointEnds(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var attempts atomic.Int32
		pol := RetryPolicy{MaxRetries: 2, MinDelay: time.Second, MaxDelay: time.Second, AttemptTimeout: 10 * time.Second}
		c := newTestClient(t, nil,
			WithBaseURL(memBase), WithTokenURL("http://127.0.0.1/token"),
			WithClientCredentials(testClientID, testSecret), WithSiteID(testSite),
			WithHTTPClient(&http.Client{Transport: hangingTransport(&attempts)}), WithRetryPolicy(pol))
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				_, err := call(context.Background(), c, http.MethodGet, "Jobs", nil, nil, nil)
				requireTimeout(t, err)
				assert.NotErrorIs(t, err, context.DeadlineExceeded)
			})
		}
		wg.Wait()
		// One shared fetch of three attempts per caller at most: no loop.
		assert.LessOrEqual(t, attempts.Load(), int32(9))
		assert.GreaterOrEqual(t, attempts.Load(), int32(3))
	})
}

// dialTimeout is what a dial that times out returns: it matches
// context.DeadlineExceeded, as net's timeouts do.
type dialTimeout struct{}

func (dialTimeout) Error() string   { return "i/o timeout" }
func (dialTimeout) Timeout() bool   { return true }
func (dialTimeout) Temporary() bool { return true }
func (dialTimeout) Is(target error) bool {
	return target == context.DeadlineExceeded
}

// TestDialTimeoutNotLooped (defect 1): a dial that times out at once gave
// 17,150 dials in 500 ms through the shared token fetch; now it is dialled
// on the retry schedule, and the caller gets the dial error.
func TestDialTimeoutNotLooped(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var dials atomic.Int32
		rt := roundTripFunc(func(*http.Request) (*http.Response, error) {
			if dials.Add(1) > 1000 {
				panic("dial loop")
			}
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: dialTimeout{}}
		})
		c := newTestClient(t, nil,
			WithBaseURL(memBase), WithTokenURL("http://127.0.0.1/token"),
			WithClientCredentials(testClientID, testSecret), WithSiteID(testSite),
			WithHTTPClient(&http.Client{Transport: rt}), WithRetryPolicy(fastRetry(3)))
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		_, err := call(ctx, c, http.MethodGet, "Jobs", nil, nil, nil)
		var op *net.OpError
		require.ErrorAs(t, err, &op)
		assert.Equal(t, "dial", op.Op)
		assert.NoError(t, ctx.Err())
		assert.Equal(t, int32(4), dials.Load())
	})
}

// TestFailedCallKeepsConnectionPool (defect 4): go-retryablehttp closes the
// idle connections of its HTTP client after every failed call; the stack
// must not pass that on to the caller's transport. Eight warm connections
// serve eight concurrent calls after a failed one, with no new connection.
func TestFailedCallKeepsConnectionPool(t *testing.T) {
	t.Parallel()
	var newConns atomic.Int32
	var barrier sync.WaitGroup
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("wait") == "1" {
			barrier.Done()
			barrier.Wait() // all eight at once: eight connections
		}
		writeJSON(w, 200, `{}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			newConns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	t.Cleanup(tr.CloseIdleConnections)
	c := newTestClient(t, nil, WithBaseURL(srv.URL+"/cvad/manage"), WithHTTPClient(&http.Client{Transport: tr}))
	burst := func() {
		barrier.Add(8)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				_, err := call(t.Context(), c, http.MethodGet, "Jobs", map[string][]string{"wait": {"1"}}, nil, nil)
				assert.NoError(t, err)
			})
		}
		wg.Wait()
	}
	burst()
	require.Equal(t, int32(8), newConns.Load())

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := call(ctx, c, http.MethodGet, "Jobs", nil, nil, nil)
	require.ErrorIs(t, err, context.Canceled)

	burst()
	assert.Equal(t, int32(8), newConns.Load(), "no new connection after a failed call")
}

// TestTimeoutErrorIsNetError: the attempt timeout's error is a net.Error.
func TestTimeoutErrorIsNetError(t *testing.T) {
	t.Parallel()
	var err error = fmt.Errorf("wrapped: %w", &timeoutError{limit: time.Second})
	var ne net.Error
	require.True(t, errors.As(err, &ne))
	assert.True(t, ne.Timeout())
	assert.NotErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "1s")
}

func TestRetryPolicyAttemptTimeout(t *testing.T) {
	t.Parallel()
	assert.Less(t, DefaultRetryPolicy().AttemptTimeout, 90*time.Second, "under the gateway's limit")
	assert.Positive(t, DefaultRetryPolicy().AttemptTimeout)
	_, err := NewClient(testCustomer, WithBearerToken(testToken), WithRetryPolicy(RetryPolicy{MaxRetries: 1, MinDelay: 1, MaxDelay: 1, AttemptTimeout: -1}))
	assert.ErrorContains(t, err, "AttemptTimeout")
}
