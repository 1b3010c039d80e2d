package daas_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// Batch waiting against the daastest fake: 100 concurrent waits on one
// client resolve with the right results, with one GET /Jobs per tick and no
// single reads.
func TestHundredConcurrentWaitsAgainstFake(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 100
		opts := []daastest.Option{daastest.WithoutListener(), daastest.WithJobDuration(time.Minute), daastest.WithProgress(daastest.ProgressNone)}
		for i := range n {
			opts = append(opts, daastest.WithCatalog(daastest.Catalog{
				Name: fmt.Sprintf("Pool-%03d", i), ProvisioningType: "MCS", SessionSupport: "MultiSession",
			}))
		}
		srv := daastest.NewServer(opts...)
		defer srv.Close()
		pol := daas.DefaultPollPolicy()
		pol.Jitter = 0
		c := srv.Client(daas.WithPollPolicy(pol))

		jobs := make([]*daas.Job[*daas.MachineCatalog], n)
		for i := range jobs {
			var err error
			jobs[i], err = c.MachineCatalogs.GetAsync(t.Context(), fmt.Sprintf("Pool-%03d", i))
			require.NoError(t, err)
		}
		srv.ResetStats()
		var wg sync.WaitGroup
		names := make([]string, n)
		for i, j := range jobs {
			wg.Go(func() {
				cat, err := j.Wait(t.Context())
				if assert.NoError(t, err) {
					names[i] = cat.Name
				}
			})
		}
		wg.Wait()
		for i := range n {
			assert.Equal(t, fmt.Sprintf("Pool-%03d", i), names[i])
		}
		// The jobs end at 60 s; polls at 1, 3, 7, 15, 31 and 61 s, each one
		// GET /Jobs for all 100.
		assert.Equal(t, 6, srv.Count("GET /Jobs"), "one list read per tick")
		assert.Zero(t, srv.Count("GET /Jobs/{id}"), "no single reads while the list shows every job")
		assert.Equal(t, n, srv.Count("GET /Jobs/{id}/Results"))
	})
}

// A canceled wait over real loopback connections leaves no goroutine behind.
func TestCanceledWaitLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := daastest.NewServer(daastest.WithJobDuration(time.Hour))
	defer srv.Close()
	hc := srv.HTTPClient()
	c := srv.Client(daas.WithHTTPClient(hc))
	defer hc.CloseIdleConnections()

	job, err := c.MachineCatalogs.ListAsync(t.Context())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	progressed := make(chan struct{}, 1)
	go func() {
		_, err := job.Wait(ctx, daas.PollInterval(time.Millisecond, 2*time.Millisecond),
			daas.OnProgress(func(daas.JobInfo) {
				select {
				case progressed <- struct{}{}:
				default:
				}
			}))
		errc <- err
	}()
	<-progressed // the wait is polling
	cancel()
	require.ErrorIs(t, <-errc, context.Canceled)
}
