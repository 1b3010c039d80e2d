package daas

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The poll schedule and batch waiting, asserted exactly inside
// testing/synctest bubbles against the scripted job server of jobs_test.go.

func TestWaitScheduleExponential(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: 100 * time.Second, result: `{"ok":true}`})
		c := jobClient(t, s, exact(PollPolicy{MinInterval: time.Second, MaxInterval: 30 * time.Second, Multiplier: 2}))
		got, err := newTestJob[map[string]bool](c, "j1").Wait(t.Context())
		require.NoError(t, err)
		assert.Equal(t, map[string]bool{"ok": true}, got)
		want := []time.Duration{1, 3, 7, 15, 31, 61, 91, 121}
		for i := range want {
			want[i] *= time.Second
		}
		assert.Equal(t, want, s.pollTimes("j1"), "first poll after MinInterval, doubling, capped at MaxInterval")
		assert.Equal(t, 1, s.count("GET Jobs/{id}/Results"))
	})
}

func TestWaitScheduleJitterBounds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: 10 * time.Minute, result: `{}`})
		c := jobClient(t, s, WithPollPolicy(PollPolicy{MinInterval: time.Second, MaxInterval: 30 * time.Second, Multiplier: 2, Jitter: 0.2}))
		_, err := newTestJob[json.RawMessage](c, "j1").Wait(t.Context())
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

func TestWaitRetryAfterIsFloor(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail func(w http.ResponseWriter)
	}{
		{"Retry-After header", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "20")
			w.WriteHeader(http.StatusTooManyRequests)
		}},
		{"retryDelay parameter", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"type":"https://errors-api.cloud.com/common/serviceUnavailable","detail":"try again in 20 seconds","parameters":[{"name":"retryDelay","value":"20"}]}`))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newJobServer(t)
				s.add(&fakeJob{id: "j1", dur: time.Hour, result: `{}`})
				n := 0
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/cvad/manage/Jobs/j1" {
						if n++; n == 2 {
							tc.fail(w)
							return
						}
					}
					s.ServeHTTP(w, r)
				})
				c := jobClient(t, h, exact(PollPolicy{MinInterval: time.Second, MaxInterval: 30 * time.Second, Multiplier: 2}))
				ctx, cancel := context.WithTimeout(t.Context(), 40*time.Second)
				defer cancel()
				_, err := newTestJob[json.RawMessage](c, "j1").Wait(ctx)
				require.ErrorIs(t, err, context.DeadlineExceeded)
				// Polls: 1 s (ok), 3 s (refused, wait 20 s), then not before 23 s.
				polls := s.pollTimes("j1")
				require.GreaterOrEqual(t, len(polls), 2)
				assert.Equal(t, time.Second, polls[0])
				assert.Equal(t, 23*time.Second, polls[1], "the server's wait is the floor of the next poll")
			})
		})
	}
}

func TestWaitProgressAimedPoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		const dur = 20 * time.Minute
		s.add(&fakeJob{id: "j1", dur: dur, progress: true, result: `{}`})
		c := jobClient(t, s, exact(DefaultPollPolicy()))
		_, err := newTestJob[json.RawMessage](c, "j1").Wait(t.Context())
		require.NoError(t, err)
		polls := s.pollTimes("j1")
		last := polls[len(polls)-1]
		assert.GreaterOrEqual(t, last, dur)
		assert.LessOrEqual(t, last-dur, 5*time.Second, "the poll aimed at the estimated finish finds the job soon after it ends (the 30 s grid would be 15 s late)")
		// Without aiming the job is found on the 30 s grid.
		s2 := newJobServer(t)
		s2.add(&fakeJob{id: "j1", dur: dur, progress: true, result: `{}`})
		pol := DefaultPollPolicy()
		pol.DisableProgressAim = true
		c2 := jobClient(t, s2, exact(pol))
		_, err = newTestJob[json.RawMessage](c2, "j1").Wait(t.Context())
		require.NoError(t, err)
		polls2 := s2.pollTimes("j1")
		assert.LessOrEqual(t, len(polls), len(polls2)+3, "aiming costs at most a few polls")
	})
}

func TestBatchWaitsShareOneListPerTick(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		const n = 100
		jobs := make([]*Job[map[string]int], n)
		c := jobClient(t, s, exact(PollPolicy{MinInterval: time.Second, MaxInterval: 30 * time.Second, Multiplier: 2}))
		for i := range jobs {
			id := fmt.Sprintf("j%03d", i)
			s.add(&fakeJob{id: id, dur: time.Duration(50+i%20) * time.Second, result: fmt.Sprintf(`{"n":%d}`, i)})
			jobs[i] = newTestJob[map[string]int](c, id)
		}
		var wg sync.WaitGroup
		results := make([]int, n)
		errs := make([]error, n)
		for i, j := range jobs {
			wg.Go(func() {
				got, err := j.Wait(t.Context())
				results[i], errs[i] = got["n"], err
			})
		}
		wg.Wait()
		for i := range n {
			require.NoError(t, errs[i])
			assert.Equal(t, i, results[i])
		}
		s.mu.Lock()
		lists := s.lists
		s.mu.Unlock()
		// Every waiter is on the same exact schedule, so each tick is one
		// list read: 1, 3, 7, 15, 31, 61, 91 s.
		assert.Len(t, lists, 7, "one GET /Jobs per tick")
		assert.Zero(t, s.count("GET Jobs/{id}"), "no single reads while the list shows every job")
		assert.Equal(t, n, s.count("GET Jobs/{id}/Results"))
		c.poller.mu.Lock()
		assert.Empty(t, c.poller.waiters)
		c.poller.mu.Unlock()
	})
}

func TestBatchFallsBackToSingleReads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.hideLists = true
		c := jobClient(t, s)
		waitForJobs(t, s, c, 10, 10*time.Second)
		assert.Positive(t, s.count("GET Jobs"))
		assert.GreaterOrEqual(t, s.count("GET Jobs/{id}"), 10, "jobs the list does not show are read one by one")
	})
}

func TestFewWaitersReadSingly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		c := jobClient(t, s)
		waitForJobs(t, s, c, 4, 10*time.Second)
		assert.Zero(t, s.count("GET Jobs"))
		assert.Positive(t, s.count("GET Jobs/{id}"))
	})
}

func TestWaitRejectsBadPollInterval(t *testing.T) {
	c := jobClient(t, http.NotFoundHandler())
	_, err := ResumeJob[struct{}](c, "j").Wait(t.Context(), PollInterval(0, time.Second))
	require.Error(t, err)
	_, err = ResumeJob[struct{}](c, "j").Wait(t.Context(), PollInterval(2*time.Second, time.Second))
	require.Error(t, err)
}

// Progress that moves in steps of 25: the step is learnt from the values
// seen, so coarse progress narrows the estimate instead of resetting it.
func TestWaitProgressSteps(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const dur = 20*time.Minute + 13*time.Second
		delay := func(aim bool) (time.Duration, int) {
			s := newJobServer(t)
			s.add(&fakeJob{id: "j1", dur: dur, progress: true, step: 25, result: `{}`})
			pol := DefaultPollPolicy()
			pol.DisableProgressAim = !aim
			_, err := newTestJob[json.RawMessage](jobClient(t, s, exact(pol)), "j1").Wait(t.Context())
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

func TestScheduleLearnsProgressStep(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newSchedule(DefaultPollPolicy(), t0, nil)
	const rate = 100.0 / 1200 // percent per second: a 20-minute job
	for _, sec := range []int{305, 335, 365, 605, 635, 665, 905, 935} {
		pct := int(rate*float64(sec)) / 25 * 25
		s.next(t0.Add(time.Duration(sec)*time.Second), &JobInfo{Status: JobInProgress, Progress: pct})
	}
	assert.Equal(t, 25, s.step)
	assert.True(t, s.rateLo <= rate && rate < s.rateHi, "the bounds [%v, %v) hold the true rate %v", s.rateLo, s.rateHi, rate)
	assert.Less(t, s.rateHi/s.rateLo, 1.3, "the reads together pin the rate tighter than the last one alone (4/3)")
}

// A service (or gateway) that cannot list jobs does not stop batch waits:
// after a failed list read the waiters read their jobs one by one, and try
// the list again only after a pause.
func TestBatchSurvivesBrokenList(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusForbidden, http.StatusInternalServerError} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newJobServer(t)
				s.listFails = status
				c := jobClient(t, s, exact(PollPolicy{MinInterval: time.Second, MaxInterval: 30 * time.Second, Multiplier: 2}))
				waitForJobs(t, s, c, 10, 100*time.Second)
				s.mu.Lock()
				lists := s.lists
				s.mu.Unlock()
				// Ticks at 1, 3, 7, 15, 31, 61, 91, 121 s: the list is tried at
				// 1 s, and again only when the minute's pause is over (61 and
				// 121 s); at every tick each job is read by itself.
				require.Len(t, lists, 3, "%v", lists)
				assert.Equal(t, 60*time.Second, lists[1].Sub(lists[0]))
				assert.Equal(t, 60*time.Second, lists[2].Sub(lists[1]))
				assert.Equal(t, 10*8, s.count("GET Jobs/{id}"), "every job read by itself at every tick")
			})
		})
	}
}

// waitForJobs starts n jobs of duration dur on s and waits for all of them
// concurrently through c.
func waitForJobs(t *testing.T, s *jobServer, c *Client, n int, dur time.Duration) {
	t.Helper()
	var wg sync.WaitGroup
	for i := range n {
		id := fmt.Sprintf("j%d", i)
		s.add(&fakeJob{id: id, dur: dur, result: `{}`})
		j := newTestJob[json.RawMessage](c, id)
		wg.Go(func() {
			_, err := j.Wait(t.Context())
			assert.NoError(t, err)
		})
	}
	wg.Wait()
}
