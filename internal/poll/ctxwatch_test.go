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

// The end of a context costs in proportion to its waits, not to every
// wait of the coordinator: 10,000 waits in pairs on 5,000 contexts, or in
// four groups on four, and one context ending at a time.
func BenchmarkContextEnded(b *testing.B) {
	for _, perCtx := range []int{2, 2500} {
		b.Run(fmt.Sprintf("waits=10000/per-context=%d", perCtx), func(b *testing.B) {
			const n = 10000
			c := newCoordinator(newFake(b))
			dones := make([]<-chan struct{}, 0, n/perCtx)
			ws := make([]*waiter[*fakeStatus], n)
			var ctx context.Context
			for i := range ws {
				if i%perCtx == 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithCancel(b.Context())
					b.Cleanup(cancel)
					dones = append(dones, ctx.Done())
				}
				ws[i] = c.register(Params{ID: fmt.Sprintf("j%05d", i), Policy: expPolicy()})
				c.watch(ctx, ws[i])
			}
			i := 0
			for b.Loop() {
				c.ended(dones[i%len(dones)])
				i++
			}
			b.StopTimer()
			for i, w := range ws {
				c.unregister(w, fmt.Sprintf("j%05d", i))
			}
		})
	}
}

// The waits of one context are linked from its watch, and only they: each
// leaves the list from wherever it is, and the end of the context wakes
// the waits of that list, no other.
func TestContextWatchListsItsWaits(t *testing.T) {
	c := newCoordinator(newFake(t))
	ctxA, cancelA := context.WithCancel(t.Context())
	defer cancelA()
	ctxB, cancelB := context.WithCancel(t.Context())
	defer cancelB()
	var a, b []*waiter[*fakeStatus]
	for i := range 4 {
		w := c.register(Params{ID: fmt.Sprint("a", i), Policy: expPolicy()})
		c.watch(ctxA, w)
		a = append(a, w)
		w = c.register(Params{ID: fmt.Sprint("b", i), Policy: expPolicy()})
		c.watch(ctxB, w)
		b = append(b, w)
	}
	list := func(ctx context.Context) []*waiter[*fakeStatus] {
		c.mu.Lock()
		defer c.mu.Unlock()
		var ws []*waiter[*fakeStatus]
		var prev *waiter[*fakeStatus]
		for w := c.watches[ctx.Done()].first; w != nil; w = w.ctxNext {
			assert.Same(t, prev, w.ctxPrev, "linked both ways")
			ws, prev = append(ws, w), w
		}
		assert.Len(t, ws, c.watches[ctx.Done()].n)
		return ws
	}
	assert.ElementsMatch(t, a, list(ctxA))
	assert.ElementsMatch(t, b, list(ctxB))
	// The list is a[3], a[2], a[1], a[0]: the middle leaves, then the
	// first, then the last.
	for _, i := range []int{1, 3, 0} {
		c.unregister(a[i], fmt.Sprint("a", i))
	}
	assert.Equal(t, []*waiter[*fakeStatus]{a[2]}, list(ctxA))
	assert.ElementsMatch(t, b, list(ctxB))

	c.ended(ctxB.Done())
	c.mu.Lock()
	assert.False(t, a[2].woken, "a wait of another context is not woken")
	for _, w := range b {
		assert.True(t, w.woken)
	}
	c.mu.Unlock()
	c.unregister(a[2], "a2")
	for i, w := range b {
		c.unregister(w, fmt.Sprint("b", i))
	}
	assert.Empty(t, c.watches)
}
