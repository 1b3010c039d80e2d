package poll

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkHeap checks that h is a min-heap by due time and that every
// waiter knows its place.
func checkHeap[T any](t *testing.T, h wakeHeap[T]) {
	t.Helper()
	for i, w := range h {
		require.Equal(t, int32(i), w.idx, "waiter %d knows its place", i)
		if i > 0 {
			require.GreaterOrEqual(t, w.due, h[(i-1)/2].due, "waiter %d is not before its parent", i)
		}
	}
}

// The heap stays ordered, and its waiters' places right, through any mix
// of pushes, moves and removals.
func TestWakeHeapOrder(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	var h wakeHeap[int]
	ws := make([]*waiter[int], 200)
	for i := range ws {
		ws[i] = &waiter[int]{idx: -1}
	}
	for range 5000 {
		w := ws[rnd.IntN(len(ws))]
		if rnd.IntN(4) == 0 {
			h.remove(w)
			require.Equal(t, int32(-1), w.idx)
		} else {
			w.due = instant(rnd.IntN(1000))
			h.fix(w)
		}
		checkHeap(t, h)
	}
	for len(h) > 0 {
		top := h[0]
		h.remove(top)
		for _, w := range h {
			require.GreaterOrEqual(t, w.due, top.due, "removed in order")
		}
		checkHeap(t, h)
	}
}

// One timer wakes every waiter at its own due time, to the instant; it is
// set to the soonest and dropped once nobody is parked.
func TestWakeAtDueTimes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCoordinator(newFake(t))
		start := time.Now()
		dues := []time.Duration{5 * time.Second, time.Second, 3 * time.Second, time.Second, 2 * time.Second}
		got := make([]time.Duration, len(dues))
		var wg sync.WaitGroup
		for i, d := range dues {
			w := c.register(Params{ID: fmt.Sprint("j", i), Policy: expPolicy()})
			s := c.setDue(t.Context(), w, d)
			wg.Go(func() {
				defer c.unregister(w, fmt.Sprint("j", i))
				require.True(t, w.park(t.Context(), s))
				got[i] = time.Since(start)
			})
		}
		synctest.Wait()
		c.mu.Lock()
		assert.NotNil(t, c.timer, "one timer serves the parked waiters")
		assert.Equal(t, start.Add(time.Second), c.clock.time(c.timerAt), "set to the soonest")
		c.mu.Unlock()
		wg.Wait()
		assert.Equal(t, dues, got)
		c.mu.Lock()
		defer c.mu.Unlock()
		assert.Nil(t, c.timer, "no timer outlives the waits")
		assert.Empty(t, c.wakes)
	})
}

// A wait that leaves moves the timer only when it was the soonest: the
// timer stays set to the soonest due time of those left, and goes with the
// last.
func TestWakeTimerFollowsLeavingWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCoordinator(newFake(t))
		start := time.Now()
		ws := make([]*waiter[*fakeStatus], 3)
		for i := range ws {
			ws[i] = c.register(Params{ID: fmt.Sprint("j", i), Policy: expPolicy()})
			c.setDue(t.Context(), ws[i], time.Duration(i+1)*time.Second)
		}
		timerAt := func() (*time.Timer, time.Duration) {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.timer == nil {
				return nil, 0
			}
			assert.Equal(t, c.wakes[0].due, c.timerAt, "set to the soonest")
			return c.timer, c.clock.time(c.timerAt).Sub(start)
		}
		timer, at := timerAt()
		require.NotNil(t, timer)
		assert.Equal(t, time.Second, at)
		c.unregister(ws[1], "j1") // not the soonest
		got, at := timerAt()
		assert.Same(t, timer, got)
		assert.Equal(t, time.Second, at, "left as it was")
		c.unregister(ws[0], "j0") // the soonest
		got, at = timerAt()
		assert.Same(t, timer, got)
		assert.Equal(t, 3*time.Second, at, "moved to the next soonest")
		c.unregister(ws[2], "j2")
		got, _ = timerAt()
		assert.Nil(t, got, "no timer outlives the waits")
	})
}

// A status a list read delivers wakes its waiter at once, and a later due
// time set before the waiter takes it does not put the wake off; a wake
// left from before a waiter parks is dropped, so it sleeps to its due time.
func TestWakeDeliveryNotOverwritten(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCoordinator(newFake(t))
		w := c.register(Params{ID: "j1", Policy: expPolicy()})
		defer c.unregister(w, "j1")
		ctx := t.Context()
		require.Equal(t, onChan, c.setDue(ctx, w, time.Minute))
		c.mu.Lock()
		w.delivered, w.has = &fakeStatus{ID: "j1"}, true
		w.wakeUp()
		c.mu.Unlock()
		s := c.setDue(ctx, w, time.Hour) // the step under way ends: due later, but a status waits
		assert.Equal(t, awake, s, "it does not sleep")
		start := time.Now()
		require.True(t, w.park(ctx, s))
		assert.Zero(t, time.Since(start), "woken at once")

		// Taken: the next park sleeps to its due time, though a wake was
		// sent while the waiter was awake.
		c.mu.Lock()
		w.has = false
		w.wakeUp()
		c.mu.Unlock()
		require.True(t, w.park(ctx, c.setDue(ctx, w, 10*time.Second)))
		assert.Equal(t, 10*time.Second, time.Since(start))
	})
}

// Many waits on one coordinator, woken by one timer and by list reads, all
// end, and leave neither heap nor timer behind.
func TestWakeManyWaitsLeaveNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		ids := addJobs(s, 50, "j%02d", 0)
		for i, id := range ids {
			s.jobs[id].dur = time.Duration(5+i) * time.Second
		}
		c := newCoordinator(s)
		requireAllDone(t, waitAll(t.Context(), c, s, ids, defaultPolicy()))
		c.mu.Lock()
		defer c.mu.Unlock()
		assert.Nil(t, c.timer)
		assert.Empty(t, c.wakes)
		assert.Zero(t, c.waiters)
		assert.Empty(t, c.ids)
	})
}

// A parked wait's waiter fits the allocator's 288-byte size class: a few
// bytes more would cost 32 bytes a wait.
func TestWaiterSize(t *testing.T) {
	assert.LessOrEqual(t, unsafe.Sizeof(waiter[*fakeStatus]{}), uintptr(288))
}

// The waits of one job are linked from the first; each leaves the chain
// from wherever it is, and the job's entry goes with the last.
func TestWaitsOfOneJobChained(t *testing.T) {
	c := newCoordinator(newFake(t))
	pol := defaultPolicy()
	ws := []*waiter[*fakeStatus]{
		c.register(Params{ID: "J1", Policy: pol}), c.register(Params{ID: "j1", Policy: pol}),
		c.register(Params{ID: "j1", Policy: pol}), c.register(Params{ID: "j2", Policy: pol}),
	}
	chain := func() (n int) {
		for w := c.lookup("J1"); w != nil; w = w.next {
			n++
		}
		return n
	}
	assert.Equal(t, 3, chain())
	assert.Equal(t, 4, c.Waiters())
	// The chain is ws[2], ws[1], ws[0]: the middle leaves, then the
	// first, then the last.
	for k, i := range []int{1, 2, 0} {
		c.unregister(ws[i], "j1")
		assert.Equal(t, 2-k, chain())
	}
	assert.Nil(t, c.lookup("j1"))
	assert.NotNil(t, c.lookup("J2"))
	c.unregister(ws[3], "j2")
	assert.Empty(t, c.ids)
	assert.Zero(t, c.Waiters())
}

// The count of registrations wraps: a wait registered by a list read's
// start is told from one registered after it across the wrap.
func TestRegisteredByWraps(t *testing.T) {
	for _, before := range []uint32{5, 0, 1<<32 - 1, 1 << 31} {
		assert.True(t, (&waiter[int]{seq: before}).registeredBy(before))
		assert.True(t, (&waiter[int]{seq: before - 3}).registeredBy(before))
		assert.False(t, (&waiter[int]{seq: before + 1}).registeredBy(before))
		assert.False(t, (&waiter[int]{seq: before + 1000}).registeredBy(before))
	}
}

// The waiters' clock starts again when every wait has left, so a
// coordinator serves waits years apart (or in another synctest bubble).
func TestClockEpochWhenIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCoordinator(newFake(t))
		w := c.register(Params{ID: "j1", Policy: defaultPolicy()})
		first := c.clock.epoch
		time.Sleep(time.Hour)
		w2 := c.register(Params{ID: "j2", Policy: defaultPolicy()})
		assert.Equal(t, first, c.clock.epoch, "kept while a wait runs")
		c.unregister(w, "j1")
		c.unregister(w2, "j2")
		c.register(Params{ID: "j3", Policy: defaultPolicy()})
		assert.Equal(t, first.Add(time.Hour), c.clock.epoch)
		now := time.Now()
		assert.Equal(t, now, c.clock.time(c.clock.instant(now)))
	})
}
