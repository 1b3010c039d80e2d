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

// JobsService against the fake: list, get, cancel, delete and raw results.
func TestJobsServiceAgainstFake(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithCatalogs(2), daastest.WithJobDuration(time.Minute))
		defer srv.Close()
		c := srv.Client()
		ctx := t.Context()

		list, err := c.MachineCatalogs.ListAsync(ctx)
		require.NoError(t, err)
		create, err := c.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{
			Name: "Dev", ProvisioningType: daas.ProvisioningTypeManual, SessionSupport: daas.SessionSupportSingleSession,
		})
		require.NoError(t, err)

		jobs, err := c.Jobs.List(ctx)
		require.NoError(t, err)
		ids := map[string]string{}
		for _, j := range jobs.Items {
			ids[j.ID] = j.Type
		}
		assert.Equal(t, map[string]string{list.ID(): "GetMachineCatalogs", create.ID(): "CreateMachineCatalog"}, ids)

		info, err := c.Jobs.Get(ctx, create.ID())
		require.NoError(t, err)
		assert.False(t, info.Status.Terminal())
		v, _ := info.Param("Name")
		assert.Equal(t, "Dev", v)

		err = c.Jobs.Delete(ctx, create.ID())
		require.ErrorIs(t, err, daas.ErrConflict, "a running job cannot be deleted")

		canceled, err := c.Jobs.Cancel(ctx, create.ID())
		require.NoError(t, err)
		assert.Equal(t, daas.JobStatusCanceled, canceled.Status)
		_, err = create.Wait(ctx)
		require.ErrorIs(t, err, daas.ErrJobCanceled)
		assert.Len(t, srv.Catalogs(), 2, "a canceled create creates nothing")

		time.Sleep(time.Minute)
		raw, err := c.Jobs.Results(ctx, list.ID())
		require.NoError(t, err)
		assert.Contains(t, string(raw), `"Items"`)

		require.NoError(t, c.Jobs.Delete(ctx, list.ID()))
		_, err = c.Jobs.Get(ctx, list.ID())
		require.ErrorIs(t, err, daas.ErrNotFound)
		_, err = list.Wait(ctx)
		require.ErrorIs(t, err, daas.ErrNotFound, "a deleted job ends the wait")
	})
}
