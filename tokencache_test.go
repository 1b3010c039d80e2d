package daas

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestNoRefreshOutlivesTheCalls: a refresh ahead of expiry that a call
// starts against a hung token endpoint ends before the last call in flight
// returns; no goroutine is left behind (it used to run on, detached, until
// the retry policy gave up).
func TestNoRefreshOutlivesTheCalls(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	f := &fakeCloud{}
	api := memTransport(f.ServeHTTP)
	hung := make(chan struct{})
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == tokenPath && f.tokenFetches.Load() > 0 {
			f.tokenFetches.Add(1)
			close(hung)
			<-r.Context().Done()
			return nil, r.Context().Err()
		}
		return api.RoundTrip(r)
	})
	c := f.client(t, "http://127.0.0.1", WithHTTPClient(&http.Client{Transport: rt}))
	clk := withClock(t, c)
	cs := c.ts.(*credentialsSource)
	cs.grace = time.Millisecond

	_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	require.NoError(t, err)
	clk.advance(time.Hour - 30*time.Second) // inside the refresh window
	_, err = call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	require.NoError(t, err)
	<-hung // the refresh did start
	assert.Equal(t, int32(2), f.tokenFetches.Load())
	cs.mu.Lock()
	defer cs.mu.Unlock()
	assert.Nil(t, cs.bg, "the refresh ended with the last call")
	assert.Equal(t, 0, cs.calls, fmt.Sprint("holds left: ", cs.calls))
}
