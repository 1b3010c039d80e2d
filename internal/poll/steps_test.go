package poll

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stepsProgress is what a job of duration d that reports in quarters (0,
// 25, 50, 75) shows at time at from its start.
func stepsProgress(d time.Duration) func(at time.Duration) int {
	return func(at time.Duration) int { return min(int(4*float64(at)/float64(d)), 3) * 25 }
}

// The rate bounds hold the true rate of every job the reads agree with,
// also when the progress step was learnt after the first bounds were
// taken: a read of 25 taken as "25 to 26 percent" (the step unknown)
// would pin the rate to a sliver that a job reporting in quarters leaves.
func TestStepRateBoundsHoldEveryConsistentJob(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// Jobs of 26.7 s to 40 s show 25 at 10 s and 50 at 20 s.
	for d := 27 * time.Second; d <= 40*time.Second; d += 500 * time.Millisecond {
		s := NewSchedule(noJitter(), t0, nil)
		for _, at := range []time.Duration{10 * time.Second, 20 * time.Second} {
			s.Next(t0.Add(at), &Status{Progress: stepsProgress(d)(at)})
		}
		rate := 100 / d.Seconds()
		require.Equal(t, int32(25), s.step)
		assert.True(t, s.rateLo <= rate && rate < s.rateHi, "job of %v: the bounds [%.3f, %.3f) leave its rate %.3f", d, s.rateLo, s.rateHi, rate)
	}
}

// A job with history that reports steps is read by the latest finish its
// progress allows: reads aimed inside the range never spend the budget a
// read at its end needs. Before, a 35 s job of a type around 30 s was read
// at 31, 34 and 35 s, then, the budget spent, not until 61 s.
func TestStepsJobReadByItsLatestFinish(t *testing.T) {
	pol := noJitter()
	for _, m := range []time.Duration{30 * time.Second, 2 * time.Minute} {
		st := NewStats()
		st.Load([]TypeDurations{{Type: "T", Durations: logNormalHistory(m, 0.3, 32)}})
		for d := m / 2; d <= 3*m; d += m / 50 {
			reads := readsWith(pol, st, d, stepsProgress(d))
			last := reads[len(reads)-1]
			// What the reads before the last allowed: every one showed the
			// job running, so it ends by the latest finish of the last
			// quarter seen, at most 4/3 of the time of the read that saw 75.
			var saw75 time.Duration
			for _, at := range reads[:len(reads)-1] {
				if stepsProgress(d)(at) == 75 {
					saw75 = at
					break
				}
			}
			if saw75 == 0 {
				continue
			}
			latest := saw75 * 4 / 3
			assert.LessOrEqual(t, last, max(latest, pol.MinInterval+reads[len(reads)-2])+pol.MaxInterval/10,
				"type around %v, job of %v: read at %v, after the latest finish %v (reads %v)", m, d, last, latest, reads)
		}
	}
}

// A value read again where progress by the percent would have moved on
// says the job reports in steps: the bounds of the earlier reads that hold
// whatever the step are kept. A 30 s job reporting quarters shows 25 at
// 7.6 s, so it ends by 30.4 s; read again at 12.8 s it shows 25 still.
// Taken as a contradiction, that second read restarted the bounds from
// itself alone and aimed the next read near 50 s, 20 s after the job
// ended.
func TestStepsValueReadAgainKeepsItsBounds(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const d = 30 * time.Second
	s := NewSchedule(noJitter(), t0, nil)
	var next time.Duration
	for _, at := range []time.Duration{7600 * time.Millisecond, 12800 * time.Millisecond} {
		next = at + s.Next(t0.Add(at), &Status{Progress: stepsProgress(d)(at)})
	}
	assert.Equal(t, int32(25), s.step)
	assert.InDelta(t, 25/7.6, s.rateLo, 1e-9, "the bound of the first read kept")
	assert.LessOrEqual(t, next, 30400*time.Millisecond, "read by the latest finish the first read allows")
}

// A read aimed at the middle of the range of finishes never lands in the
// past: once the middle has passed with the job still running, the aim is
// the middle of what is left. A job that showed 75 at 129.5 s and again at
// 137.5 s ends between then and 172.7 s (75% by 129.5 s); the middle of
// its rate range puts the finish at 120 s, and reads aimed there came
// every MinInterval, spending the budget while the job ran on.
func TestAimAfterItsMiddlePassed(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewSchedule(noJitter(), t0, nil)
	s.Next(t0.Add(129500*time.Millisecond), &Status{Progress: 75})
	now := 137500 * time.Millisecond
	next := s.Next(t0.Add(now), &Status{Progress: 75})
	latest := 129500 * time.Millisecond * 4 / 3
	assert.Greater(t, next, 10*time.Second, "not at MinInterval")
	assert.LessOrEqual(t, now+next, latest, "not past the latest finish")
}
