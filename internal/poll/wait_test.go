package poll

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// One wait's schedule, end to end through the coordinator.

func TestWaitScheduleExponential(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		s.add(&fakeJob{id: "j1", dur: 100 * time.Second})
		got, err := waitOne(t.Context(), newCoordinator(s), s, "j1", expPolicy())
		require.NoError(t, err)
		assert.Equal(t, "Complete", got.Status)
		assert.Equal(t, seconds(1, 3, 7, 15, 31, 61, 91, 121), s.pollTimes("j1"), "first poll after MinInterval, doubling, capped at MaxInterval")
	})
}

// A wait describes each status it reads by itself once: the step that
// read it measures its size from the description the wait then judges.
func TestWaitDescribesEachReadOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		s.add(&fakeJob{id: "j1", dur: 100 * time.Second})
		_, err := waitOne(t.Context(), newCoordinator(s), s, "j1", expPolicy())
		require.NoError(t, err)
		assert.Equal(t, 8, s.singles())
		assert.Equal(t, int64(s.singles()), s.described.Load(), "one description a read")
	})
}

func TestWaitScheduleJitterBounds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		s.add(&fakeJob{id: "j1", dur: 10 * time.Minute})
		_, err := waitOne(t.Context(), newCoordinator(s), s, "j1", Policy{MinInterval: time.Second, MaxInterval: 30 * time.Second, Multiplier: 2, Jitter: 0.2})
		require.NoError(t, err)
		polls := s.pollTimes("j1")
		require.NotEmpty(t, polls)
		assert.GreaterOrEqual(t, polls[0], time.Second, "never below MinInterval")
		assert.LessOrEqual(t, polls[0], 1100*time.Millisecond)
		base := time.Second
		distinct := map[time.Duration]bool{}
		for i := 1; i < len(polls); i++ {
			base = min(30*time.Second, 2*base)
			gap := polls[i] - polls[i-1]
			distinct[gap] = true
			lo := max(time.Second, time.Duration(float64(base)*0.9))
			hi := min(30*time.Second, time.Duration(float64(base)*1.1))
			assert.True(t, gap >= lo && gap <= hi, "gap %d = %v outside [%v, %v]", i, gap, lo, hi)
		}
		assert.Greater(t, len(distinct), 3, "jitter spreads the intervals")
	})
}

// A refused read's Retry-After is the floor of the next read.
func TestWaitRetryAfterIsFloor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		s.add(&fakeJob{id: "j1", dur: time.Hour})
		n := 0
		s.getFail = func(string) error {
			if n++; n == 2 {
				return &fakeErr{code: 429, retryAfter: 20 * time.Second}
			}
			return nil
		}
		ctx, cancel := context.WithTimeout(t.Context(), 40*time.Second)
		defer cancel()
		_, err := waitOne(ctx, newCoordinator(s), s, "j1", expPolicy())
		require.ErrorIs(t, err, context.DeadlineExceeded)
		// Polls: 1 s (ok), 3 s (refused, wait 20 s), then not before 23 s.
		polls := s.pollTimes("j1")
		require.GreaterOrEqual(t, len(polls), 3)
		assert.Equal(t, seconds(1, 3, 23), polls[:3], "the server's wait is the floor of the next poll")
	})
}

func TestWaitProgressAimedPoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const dur = 20 * time.Minute
		s := newFake(t)
		s.add(&fakeJob{id: "j1", dur: dur, progress: true})
		_, err := waitOne(t.Context(), newCoordinator(s), s, "j1", exact(defaultPolicy()))
		require.NoError(t, err)
		polls := s.pollTimes("j1")
		last := polls[len(polls)-1]
		assert.GreaterOrEqual(t, last, dur)
		assert.LessOrEqual(t, last-dur, 5*time.Second, "the poll aimed at the estimated finish finds the job soon after it ends (the 30 s grid would be 15 s late)")
		// Without aiming the job is found on the 30 s grid.
		s2 := newFake(t)
		s2.add(&fakeJob{id: "j1", dur: dur, progress: true})
		pol := exact(defaultPolicy())
		pol.DisableProgressAim = true
		_, err = waitOne(t.Context(), newCoordinator(s2), s2, "j1", pol)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(polls), len(s2.pollTimes("j1"))+3, "aiming costs at most a few polls")
	})
}

// Progress that moves in steps of 25: the step is learnt from the values
// seen, so coarse progress narrows the estimate instead of resetting it.
func TestWaitProgressSteps(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const dur = 20*time.Minute + 13*time.Second
		delay := func(aim bool) (time.Duration, int) {
			s := newFake(t)
			s.add(&fakeJob{id: "j1", dur: dur, progress: true, step: 25})
			pol := exact(defaultPolicy())
			pol.DisableProgressAim = !aim
			_, err := waitOne(t.Context(), newCoordinator(s), s, "j1", pol)
			require.NoError(t, err)
			polls := s.pollTimes("j1")
			return polls[len(polls)-1] - dur, len(polls)
		}
		aimed, n := delay(true)
		grid, nGrid := delay(false)
		t.Logf("aimed: %v late after %d polls; 30 s grid: %v late after %d", aimed, n, grid, nGrid)
		// With reads 30 s apart, the step crossings are known to ±15 s only:
		// aiming cannot beat the grid by much here, but it must not lose to
		// it, nor spend more than a few extra reads.
		assert.LessOrEqual(t, aimed, grid)
		assert.LessOrEqual(t, aimed, 30*time.Second)
		assert.LessOrEqual(t, n, nGrid+3)
	})
}

// A wait whose context ends returns at once, says why, and leaves no
// registration behind.
func TestWaitStoppedByContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		s.add(&fakeJob{id: "j1", dur: time.Hour})
		n := 0
		s.getFail = func(string) error {
			if n++; n > 1 {
				return &fakeErr{code: 503}
			}
			return nil
		}
		c := newCoordinator(s)
		ctx, cancel := context.WithCancel(t.Context())
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, err = waitOne(ctx, c, s, "j1", expPolicy())
		}()
		time.Sleep(10 * time.Minute)
		start := time.Now()
		cancel()
		<-done
		assert.Zero(t, time.Since(start), "Wait returns as soon as the context ends")
		var st *Stopped
		require.ErrorAs(t, err, &st)
		assert.ErrorIs(t, err, context.Canceled)
		var fe *fakeErr
		require.ErrorAs(t, err, &fe, "the last read's error is kept")
		assert.Equal(t, 503, fe.code)
		assert.Zero(t, c.Waiters())

		_, err = waitOne(canceledCtx(t), c, s, "j1", expPolicy())
		require.ErrorAs(t, err, &st)
		assert.Nil(t, st.LastErr)
	})
}

func canceledCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx
}

// A failure that cannot pass ends the wait at once, after one read.
func TestWaitEndsOnPermanentError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		s.add(&fakeJob{id: "j1", dur: time.Hour})
		s.getFail = func(string) error { return &fakeErr{code: 400} }
		_, err := waitOne(t.Context(), newCoordinator(s), s, "j1", expPolicy())
		var fe *fakeErr
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, 400, fe.code)
		assert.Equal(t, 1, s.singles())
	})
}

func TestRetryAfterOnSuccessIsFloor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		s.add(&fakeJob{id: "j1", dur: 30 * time.Second})
		s.getFloor = 10 * time.Second
		_, err := waitOne(t.Context(), newCoordinator(s), s, "j1", expPolicy())
		require.NoError(t, err)
		assert.Equal(t, seconds(1, 11, 21, 31), s.pollTimes("j1"))
	})
}

// Batch waits: many waits of one coordinator share one list read per tick.

func TestBatchWaitsShareOneListPerTick(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		const n = 100
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("j%03d", i)
			s.add(&fakeJob{id: ids[i], dur: time.Duration(50+i%20) * time.Second})
		}
		c := newCoordinator(s)
		var wg sync.WaitGroup
		got := make([]*fakeStatus, n)
		errs := make([]error, n)
		for i, id := range ids {
			wg.Go(func() { got[i], errs[i] = waitOne(t.Context(), c, s, id, expPolicy()) })
		}
		wg.Wait()
		for i := range n {
			require.NoError(t, errs[i])
			assert.Equal(t, ids[i], got[i].ID)
			assert.Equal(t, "Complete", got[i].Status)
		}
		// Every waiter is on the same exact schedule, so each tick is one
		// list read: 1, 3, 7, 15, 31, 61, 91 s.
		assert.Len(t, s.listTimes(), 7, "one list read per tick")
		assert.Zero(t, s.singles(), "no single reads while the list shows every job")
		assert.Zero(t, c.Waiters())
	})
}

func TestBatchFallsBackToSingleReads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		s.hideLists = true
		ids := addJobs(s, 10, "j%d", 10*time.Second)
		requireAllDone(t, waitAll(t.Context(), newCoordinator(s), s, ids, defaultPolicy()))
		assert.NotEmpty(t, s.listTimes())
		assert.GreaterOrEqual(t, s.singles(), 10, "jobs the list does not show are read one by one")
	})
}

func TestFewWaitersReadSingly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		ids := addJobs(s, 4, "j%d", 10*time.Second)
		requireAllDone(t, waitAll(t.Context(), newCoordinator(s), s, ids, defaultPolicy()))
		assert.Empty(t, s.listTimes())
		assert.Positive(t, s.singles())
	})
}

// A service (or gateway) that cannot list jobs does not stop batch waits:
// after a failed list read the waiters read their jobs one by one, and try
// the list again only after a pause.
func TestBatchSurvivesBrokenList(t *testing.T) {
	for _, code := range []int{404, 403, 500} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newFake(t)
				s.listFail = func() error { return &fakeErr{code: code} }
				ids := addJobs(s, 10, "j%d", 100*time.Second)
				requireAllDone(t, waitAll(t.Context(), newCoordinator(s), s, ids, expPolicy()))
				lists := s.listTimes()
				// Ticks at 1, 3, 7, 15, 31, 61, 91, 121 s: the list is tried at
				// 1 s, and again only when the minute's pause is over (61 and
				// 121 s); at every tick each job is read by itself.
				require.Len(t, lists, 3, "%v", lists)
				assert.Equal(t, 60*time.Second, lists[1].Sub(lists[0]))
				assert.Equal(t, 60*time.Second, lists[2].Sub(lists[1]))
				assert.Equal(t, 10*8, s.singles(), "every job read by itself at every tick")
			})
		})
	}
}

// batchPolicy is expPolicy with the given batch threshold.
func batchPolicy(threshold int) Policy {
	p := expPolicy()
	p.BatchThreshold = threshold
	return p
}

// When a list read delivers every waiter's job and the waiter count falls
// to the threshold right after it (a job ended), the waiters whose wake
// came with the delivery take it: no single reads.
func TestBatchDeliveryServesWaitersBelowThreshold(t *testing.T) {
	for round := range 5 {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newFake(t)
				const n = 40
				// Every job ends by the first tick: the first list read
				// delivers all of them, and as waiters return the count
				// falls below the threshold while others have yet to run.
				ids := addJobs(s, n, "j%02d", time.Second)
				requireAllDone(t, waitAll(t.Context(), newCoordinator(s), s, ids, batchPolicy(n/2)))
				assert.Zero(t, s.singles(), "every waiter took what the shared list read delivered")
			})
		})
	}
}

// A list status goes to each wait of its job; it is marked shared only
// when the job has more than one wait, so that a lone wait keeps it
// without a copy.
func TestBatchDeliveryMarksSharedStatuses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		ids := addJobs(s, 8, "j%02d", 10*time.Second)
		c := newCoordinator(s)
		hs := make([]*handle, 0, len(ids)+1)
		for _, id := range append([]string{ids[0]}, ids...) {
			hs = append(hs, &handle{s: s, id: id})
		}
		var wg sync.WaitGroup
		for _, h := range hs {
			wg.Go(func() {
				_, err := c.Wait(t.Context(), h, Params{ID: h.id, Policy: batchPolicy(4), Started: time.Now()})
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		require.Positive(t, len(s.listTimes()))
		for i, h := range hs {
			require.NotEmpty(t, h.shared, "wait %d took no list status", i)
			for _, shared := range h.shared {
				assert.Equal(t, h.id == ids[0], shared, "wait %d of %s", i, h.id)
			}
		}
	})
}

// A rate-limited list holds every batched waiter off for its Retry-After
// instead of turning into a burst of single reads.
func TestBatchListRateLimitHoldsWaiters(t *testing.T) {
	for _, code := range []int{429, 503} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newFake(t)
				refused := 0
				s.listFail = func() error {
					if refused++; refused > 2 {
						return nil
					}
					return &fakeErr{code: code, retryAfter: 20 * time.Second}
				}
				ids := addJobs(s, 20, "j%02d", 50*time.Second)
				requireAllDone(t, waitAll(t.Context(), newCoordinator(s), s, ids, batchPolicy(4)))
				assert.Zero(t, s.singles(), "no waiter read its job by itself")
				lists := s.listTimes()
				require.GreaterOrEqual(t, len(lists), 3)
				assert.Equal(t, 20*time.Second, lists[1].Sub(lists[0]), "the next list read waits the Retry-After")
				assert.Equal(t, 20*time.Second, lists[2].Sub(lists[1]))
			})
		})
	}
}

// The list may spell the ids in another case (they are GUIDs); and a job
// the list does not show is read by itself, without list reads.
func TestBatchCostsNoMoreThanSingle(t *testing.T) {
	run := func(t *testing.T, listID func(string) string) *fakeService {
		s := newFake(t)
		s.listID = listID
		ids := addJobs(s, 50, "81c05d9f-6ba4-4a3e-9b5c-%012dab", 100*time.Second)
		requireAllDone(t, waitAll(t.Context(), newCoordinator(s), s, ids, batchPolicy(4)))
		return s
	}
	t.Run("ids in another case", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := run(t, strings.ToUpper)
			assert.Zero(t, s.singles())
			assert.Len(t, s.listTimes(), 8, "one list read per tick: 1, 3, 7, 15, 31, 61, 91, 121 s")
		})
	})
	t.Run("jobs the list does not show", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := run(t, func(id string) string { return "other-" + id })
			assert.Len(t, s.listTimes(), 1, "after a list that does not show them, the jobs are read by themselves")
			assert.Equal(t, 50*8, s.singles(), "one single read per job per tick, as without batching")
		})
	})
}

// Step by step: a waiter woken after a list read delivered its job, when
// the waiter count has fallen to the threshold meanwhile, takes what was
// delivered instead of reading its job by itself.
func TestReadStepTakesDeliveryBelowThreshold(t *testing.T) {
	s := newFake(t)
	for _, id := range []string{"j1", "j2", "j3"} {
		s.add(&fakeJob{id: id, dur: time.Hour})
	}
	c := newCoordinator(s)
	pol := defaultPolicy()
	pol.BatchThreshold = 2
	w := c.register(Params{ID: "J1", Policy: pol})
	others := []*waiter[*fakeStatus]{c.register(Params{ID: "j2", Policy: pol}), c.register(Params{ID: "j3", Policy: pol})}
	c.mu.Lock()
	list := List[*fakeStatus]{Items: []*fakeStatus{{ID: "j1", Status: "Complete"}, {ID: "j2", Status: "Complete"}, {ID: "j3", Status: "Complete"}}, Count: 3}
	c.deliver(&list, 0, time.Now(), c.registered)
	c.mu.Unlock()
	for i, o := range others { // their jobs ended: they stop waiting
		c.unregister(o, []string{"j2", "j3"}[i])
	}
	h := &handle{s: s, id: "j1"}
	v, st, _, _, err := c.step(t.Context(), w, h, "j1")
	require.NoError(t, err)
	assert.Equal(t, "Complete", v.Status)
	assert.True(t, st.Terminal, "the step describes what it took")
	assert.Equal(t, "Complete", h.last.Status, "the delivery is accepted")
	assert.Zero(t, s.singles(), "no single read")
	assert.Empty(t, s.listTimes(), "no list read")

	// With nothing delivered and few waiters, the step reads the job.
	v, st, _, _, err = c.step(t.Context(), w, h, "j1")
	require.NoError(t, err)
	assert.Equal(t, "InProgress", v.Status)
	assert.False(t, st.Terminal, "the step describes what it read")
	assert.Equal(t, 1, s.singles())
}

// A job started elsewhere (no start time) may have ended long ago: its
// first read comes at once. A job just started keeps its schedule: its
// first read MinInterval after it started, then the exponential ones.
func TestWaitFirstRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		s.add(&fakeJob{id: "old", dur: time.Second})
		s.add(&fakeJob{id: "running", dur: time.Hour})
		time.Sleep(time.Minute)
		c := newCoordinator(s)
		start := time.Now()
		got, err := c.Wait(t.Context(), &handle{s: s, id: "old"}, Params{ID: "old", Policy: expPolicy()})
		require.NoError(t, err)
		assert.Equal(t, "Complete", got.Status)
		assert.Zero(t, time.Since(start), "no wait before the first read")
		assert.Equal(t, seconds(60), s.pollTimes("old"))

		// Resumed while running: read at once, then on the schedule.
		ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
		defer cancel()
		_, err = c.Wait(ctx, &handle{s: s, id: "running"}, Params{ID: "running", Policy: expPolicy()})
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, seconds(60, 62, 66), s.pollTimes("running"))

		s.add(&fakeJob{id: "new", dur: 5 * time.Second})
		_, err = waitOne(t.Context(), c, s, "new", expPolicy())
		require.NoError(t, err)
		assert.Equal(t, seconds(1, 3, 7), s.pollTimes("new"), "a job just started is read after MinInterval")
	})
}

// Waits of one policy share one copy of it; a coordinator keeps at most
// maxPolicies to share, and a wait past them holds its own.
func TestWaitsShareTheirPolicy(t *testing.T) {
	c := newCoordinator(newFake(t))
	a := c.register(Params{ID: "a", Policy: batchPolicy(4)})
	b := c.register(Params{ID: "b", Policy: batchPolicy(4)})
	other := c.register(Params{ID: "c", Policy: batchPolicy(5)})
	assert.Same(t, a.pol(), b.pol())
	assert.NotSame(t, a.pol(), other.pol())
	assert.Equal(t, 5, other.pol().BatchThreshold)
	for i := range 2 * maxPolicies {
		c.register(Params{ID: fmt.Sprint("x", i), Policy: batchPolicy(10 + i)})
	}
	assert.Len(t, c.policies, maxPolicies)
	late := c.register(Params{ID: "late", Policy: batchPolicy(1000)})
	assert.Equal(t, 1000, late.pol().BatchThreshold)
	assert.Same(t, a.pol(), c.register(Params{ID: "d", Policy: batchPolicy(4)}).pol())
}
