package daas_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// recorder is a JobObserver that keeps every event as a line.
type recorder struct {
	mu     sync.Mutex
	events []string
	reads  []daas.ReadInfo
	ends   []daas.WaitEndInfo
	starts []daas.WaitStartInfo
	tries  []daas.RetryInfo
}

type spanKey struct{}

func (r *recorder) observer() daas.JobObserver {
	return daas.JobObserver{
		WaitStart: func(ctx context.Context, i daas.WaitStartInfo) context.Context {
			r.add(fmt.Sprintf("start %s", i.JobType), func() { r.starts = append(r.starts, i) })
			return context.WithValue(ctx, spanKey{}, i.JobID)
		},
		Read: func(ctx context.Context, i daas.ReadInfo) {
			if ctx.Value(spanKey{}) != i.JobID {
				panic("Read without the context WaitStart returned")
			}
			r.add(fmt.Sprintf("read %d %s %s %s", i.N, i.Via, i.Status, i.Cause), func() { r.reads = append(r.reads, i) })
		},
		Retry: func(_ context.Context, i daas.RetryInfo) {
			r.add(fmt.Sprintf("retry %d %d %s", i.Attempt, i.StatusCode, i.Cause), func() { r.tries = append(r.tries, i) })
		},
		WaitEnd: func(ctx context.Context, i daas.WaitEndInfo) {
			if ctx.Value(spanKey{}) != i.JobID {
				panic("WaitEnd without the context WaitStart returned")
			}
			r.add(fmt.Sprintf("end %s %s reads=%d", i.Outcome, i.Status, i.Reads), func() { r.ends = append(r.ends, i) })
		},
	}
}

func (r *recorder) add(line string, keep func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, line)
	keep()
}

func observedFake(t *testing.T, rec *recorder, d time.Duration, opts ...daastest.Option) (*daastest.Server, *daas.Client) {
	opts = append([]daastest.Option{daastest.WithoutListener(), daastest.WithJobDuration(d), daastest.WithProgress(daastest.ProgressNone)}, opts...)
	srv := daastest.NewServer(opts...)
	t.Cleanup(srv.Close)
	pol := daas.DefaultPollPolicy()
	pol.Jitter = 0
	return srv, srv.Client(daas.WithPollPolicy(pol), daas.WithObserver(rec.observer()))
}

// A job that ends after 5 s is read at 1, 3 and 7 s: the observer sees the
// start, three single reads and the end, with the detection delay exact.
func TestObserverThreeReads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		_, c := observedFake(t, rec, 5*time.Second)
		job, err := c.MachineCatalogs.ListAsync(t.Context())
		require.NoError(t, err)
		t0 := time.Now()
		_, err = job.Wait(t.Context())
		require.NoError(t, err)

		assert.Equal(t, []string{
			"start ",
			"read 1 single InProgress ",
			"read 2 single InProgress ",
			"read 3 single Complete ",
			"end complete Complete reads=3",
		}, rec.events)
		require.Len(t, rec.ends, 1)
		end := rec.ends[0]
		assert.Equal(t, job.ID(), end.JobID)
		assert.NotEmpty(t, end.JobType)
		assert.Equal(t, 7*time.Second, end.Duration)
		assert.True(t, end.HasDetection)
		assert.Equal(t, 2*time.Second, end.DetectionDelay, "ended at 5 s, seen at 7 s")
		assert.NotEmpty(t, end.StartTransactionID)
		assert.Equal(t, end.StartTransactionID, rec.starts[0].StartTransactionID)
		for i, at := range []time.Duration{time.Second, 3 * time.Second, 7 * time.Second} {
			assert.Equal(t, t0.Add(at), rec.reads[i].At)
			assert.Len(t, rec.reads[i].TransactionIDs, 1)
			assert.NotEqual(t, end.StartTransactionID, rec.reads[i].TransactionIDs[0])
			assert.False(t, rec.reads[i].Shared)
		}
		assert.Equal(t, end.JobType, rec.reads[2].JobType)
	})
}

// Five waits on one client read their jobs through one GET /Jobs per tick:
// one read per tick sends it, the others are delivered from it.
func TestObserverListBatchedWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		srv, c := observedFake(t, rec, 2*time.Second)
		var jobs []*daas.Job[[]daas.MachineCatalog]
		for range 5 {
			j, err := c.MachineCatalogs.ListAsync(t.Context())
			require.NoError(t, err)
			jobs = append(jobs, j)
		}
		var wg sync.WaitGroup
		for _, j := range jobs {
			wg.Go(func() {
				_, err := j.Wait(t.Context())
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		assert.Zero(t, srv.Count("GET /Jobs/{id}"))
		require.Len(t, rec.reads, 10, "reads at 1 and 3 s")
		sent := 0
		for _, r := range rec.reads {
			assert.Equal(t, daas.ReadList, r.Via)
			if !r.Shared {
				sent++
				assert.NotEmpty(t, r.TransactionIDs)
			}
		}
		assert.Equal(t, srv.Count("GET /Jobs"), sent, "one sender per list read")
		require.Len(t, rec.ends, 5)
		for _, e := range rec.ends {
			assert.Equal(t, daas.OutcomeComplete, e.Outcome)
			assert.Equal(t, 2, e.Reads)
			assert.Equal(t, time.Second, e.DetectionDelay)
		}
	})
}

// A job that fails ends its wait with OutcomeFailed; a 429 on a read is a
// retry of the request, reported with its cause, before the read.
func TestObserverFailedWaitAndRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		srv, c := observedFake(t, rec, 2*time.Second)
		srv.NextJob(daastest.Outcome{Status: "Failed"})
		job, err := c.MachineCatalogs.ListAsync(t.Context())
		require.NoError(t, err)
		srv.InjectFault(daastest.Fault{Route: "GET /Jobs/{id}", Status: http.StatusTooManyRequests, Count: 1})
		_, err = job.Wait(t.Context())
		require.ErrorIs(t, err, daas.ErrJobFailed)
		assert.Equal(t, []string{
			"start ",
			"retry 1 429 rate_limited",
			"read 1 single InProgress ",
			"read 2 single Failed ",
			"end failed Failed reads=2",
		}, rec.events)
		assert.Equal(t, rec.tries[0].TransactionID, rec.reads[0].TransactionIDs[0], "a retry keeps its request's transaction id")
		assert.Nil(t, rec.ends[0].Err)
	})
}

// A wait whose context ends reports OutcomeContextEnded with its
// *WaitError, and no detection delay.
func TestObserverContextEndedWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		_, c := observedFake(t, rec, time.Hour)
		job, err := c.MachineCatalogs.ListAsync(t.Context())
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, err = job.Wait(ctx)
		var we *daas.WaitError
		require.ErrorAs(t, err, &we)
		assert.Equal(t, []string{
			"start ",
			"read 1 single NotStarted ",
			"read 2 single NotStarted ",
			"end context_ended NotStarted reads=2",
		}, rec.events)
		end := rec.ends[0]
		assert.Equal(t, 5*time.Second, end.Duration)
		assert.False(t, end.HasDetection)
		assert.ErrorAs(t, end.Err, &we)
	})
}

// A failed read that ends the wait reports OutcomeError with its cause.
func TestObserverReadFailsForGood(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		srv, c := observedFake(t, rec, time.Hour)
		job, err := c.MachineCatalogs.ListAsync(t.Context())
		require.NoError(t, err)
		srv.InjectFault(daastest.Fault{Route: "GET /Jobs/{id}", Status: http.StatusForbidden})
		_, err = job.Wait(t.Context())
		require.Error(t, err)
		assert.Equal(t, []string{"start ", "read 1 single  client_error", "end error  reads=1"}, rec.events)
		assert.Equal(t, err, rec.ends[0].Err)
		assert.Equal(t, err, rec.reads[0].Err)
	})
}

// JobStarted is called once for each job a call starts, with that call's
// context, its id and the call that started it; not for a call that
// started none, nor for a job resumed by id.
func TestObserverJobStarted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		type callKey struct{}
		var (
			mu      sync.Mutex
			started []daas.JobStartInfo
			waits   []daas.WaitStartInfo
		)
		obs := daas.JobObserver{
			JobStarted: func(ctx context.Context, i daas.JobStartInfo) {
				if ctx.Value(callKey{}) != "caller" {
					panic("JobStarted without the context of the call")
				}
				mu.Lock()
				started = append(started, i)
				mu.Unlock()
			},
			WaitStart: func(ctx context.Context, i daas.WaitStartInfo) context.Context {
				mu.Lock()
				waits = append(waits, i)
				mu.Unlock()
				return ctx
			},
		}
		srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithJobDuration(2*time.Second), daastest.WithCatalogs(1))
		t.Cleanup(srv.Close)
		c := srv.Client(daas.WithObserver(obs))
		ctx := context.WithValue(t.Context(), callKey{}, "caller")

		t0 := time.Now()
		list, err := c.MachineCatalogs.ListAsync(ctx)
		require.NoError(t, err)
		raw, err := daas.StartJob[struct{}](ctx, c, http.MethodPost, "MachineCatalogs", daas.CreateMachineCatalogRequest{
			Name: "New", ProvisioningType: "MCS", SessionSupport: "MultiSession"})
		require.NoError(t, err)
		_, err = c.MachineCatalogs.DeleteAsync(ctx, "nope")
		require.Error(t, err, "refused: no job")
		_, err = c.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{})
		require.ErrorIs(t, err, daas.ErrInvalidInput, "nothing sent")

		require.Len(t, started, 2)
		assert.Equal(t, list.ID(), started[0].JobID)
		assert.Equal(t, http.MethodGet, started[0].Method)
		assert.Equal(t, raw.ID(), started[1].JobID)
		assert.Equal(t, http.MethodPost, started[1].Method)
		for _, s := range started {
			assert.Contains(t, s.Path, "/MachineCatalogs")
			assert.NotContains(t, s.Path, "async", "no query")
			assert.NotEmpty(t, s.TransactionID)
			assert.Equal(t, t0, s.StartedAt)
			assert.False(t, s.At.Before(s.StartedAt))
		}

		// The waits see the same start; the job type is known from the
		// first read on, not at the start.
		_, err = list.Wait(ctx)
		require.NoError(t, err)
		resumed := daas.ResumeJob[struct{}](c, raw.ID())
		_, err = resumed.Wait(ctx)
		require.NoError(t, err)
		_, err = resumed.Wait(ctx)
		require.NoError(t, err)
		assert.Len(t, started, 2, "waits and resumed jobs start nothing")
		require.Len(t, waits, 3)
		assert.Equal(t, started[0].TransactionID, waits[0].StartTransactionID)
		assert.Equal(t, "GetMachineCatalogs", list.Info().Type)
		assert.Equal(t, "CreateMachineCatalog", resumed.Info().Type)
	})
}
