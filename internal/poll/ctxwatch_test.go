package poll

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// waitAllCtx starts a wait for each id under ctxOf(i) and returns, once
// all have ended, their errors and when each ended (since the start).
func waitAllCtx(c *Coordinator[*fakeStatus], s *fakeService, ids []string, pol Policy, ctxOf func(i int) context.Context) ([]error, []time.Duration) {
	start := time.Now()
	errs := make([]error, len(ids))
	ended := make([]time.Duration, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			_, errs[i] = waitOne(ctxOf(i), c, s, id, pol)
			ended[i] = time.Since(start)
		})
	}
	wg.Wait()
	return errs, ended
}

// The waits of one context (or of contexts sharing its Done channel) are
// watched together: parked, they sleep on their semaphore; when the
// context ends every one of them returns at once, and the watch goes with
// them. A wait alone on its context is not watched.
func TestContextWatchSharedEndsAllAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		ids := addJobs(s, 4, "j%d", time.Hour)
		c := newCoordinator(s)
		ctx, cancel := context.WithCancel(t.Context())
		alone, cancelAlone := context.WithCancel(t.Context())
		defer cancelAlone()
		go func() {
			time.Sleep(10 * time.Second)
			c.mu.Lock()
			assert.NotNil(t, c.watches[ctx.Done()].stop, "a shared context is watched")
			assert.Equal(t, 3, c.watches[ctx.Done()].n)
			assert.Nil(t, c.watches[alone.Done()].stop, "a context of one wait is not")
			for _, w := range c.ids {
				want := onSem // on its semaphore alone
				if w.done == alone.Done() {
					want = onChan // in a select on its context too
				}
				assert.Equal(t, want, w.sleep)
			}
			c.mu.Unlock()
			cancel()
			cancelAlone()
		}()
		type key struct{}
		errs, ended := waitAllCtx(c, s, ids, expPolicy(), func(i int) context.Context {
			switch i {
			case 0:
				return alone
			case 1:
				return context.WithValue(ctx, key{}, i) // the same Done channel
			}
			return ctx
		})
		for i, err := range errs {
			var st *Stopped
			require.ErrorAs(t, err, &st, "wait %d", i)
			assert.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, 10*time.Second, ended[i], "wait %d returns as its context ends", i)
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		assert.Empty(t, c.watches, "no watch outlives its waits")
	})
}

// cancelingHandle is a handle whose n-th read ends a context, and lets
// everything the end sets off run, before it returns.
type cancelingHandle struct {
	handle
	n      int
	cancel context.CancelFunc
}

func (h *cancelingHandle) Read(ctx context.Context) (*fakeStatus, time.Duration, error) {
	v, floor, err := h.handle.Read(ctx)
	if h.n--; h.n == 0 {
		h.cancel()
		synctest.Wait() // the watch has woken the waits of ctx
	}
	return v, floor, err
}

// A context that ends while its wait is reading (not parked) ends the wait
// as the read returns: the wake the watch sent, and the drop of stale wakes
// before parking took back, is not needed to see it.
func TestContextWatchEndsDuringRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		ids := addJobs(s, 3, "j%d", time.Hour)
		c := newCoordinator(s)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		pol := expPolicy()
		pol.DisableBatch = true
		start := time.Now()
		var wg sync.WaitGroup
		for _, id := range ids[1:] {
			wg.Go(func() { _, _ = waitOne(ctx, c, s, id, pol) })
		}
		h := &cancelingHandle{handle: handle{s: s, id: "j0"}, n: 2, cancel: cancel}
		_, err := c.Wait(ctx, h, Params{ID: "j0", Policy: pol, Started: start})
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 3*time.Second, time.Since(start), "ended as the read returned")
		assert.Equal(t, seconds(1, 3), s.pollTimes("j0"), "no read after the context ended")
		wg.Wait()
	})
}

// Many waits on one context: all are woken by list reads and the one
// timer, none selects on the context, and all end with their jobs.
func TestContextWatchManyWaitsComplete(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		ids := make([]string, 30)
		for i := range ids {
			ids[i] = fmt.Sprintf("j%02d", i)
			s.add(&fakeJob{id: ids[i], dur: time.Duration(10+i) * time.Second})
		}
		c := newCoordinator(s)
		requireAllDone(t, waitAll(t.Context(), c, s, ids, defaultPolicy()))
		c.mu.Lock()
		defer c.mu.Unlock()
		assert.Empty(t, c.watches)
	})
}
