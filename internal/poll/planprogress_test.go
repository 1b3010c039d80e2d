package poll

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// p95Delay returns the p95 relative delay with which the plan's reads see
// jobs of the durations ds.
func p95Delay(t *testing.T, plan, ds []time.Duration) float64 {
	t.Helper()
	delays := make([]float64, 0, len(ds))
	for _, d := range ds {
		i, _ := slices.BinarySearch(plan, d)
		require.Less(t, i, len(plan), "the plan sees every job")
		delays = append(delays, plan[i].Seconds()/d.Seconds()-1)
	}
	slices.Sort(delays)
	return delays[len(delays)*95/100]
}

// The plan of a job that reports progress sees its type's short jobs,
// which end before their progress shows, sooner than the plan of one that
// does not; the long ones it leaves to the reads progress aims. (From
// about 3 minutes the two plans of the short jobs are close: the budget,
// not the plan, spaces their reads.)
func TestPlanOfProgressServesShortJobs(t *testing.T) {
	s := NewSchedule(noJitter(), time.Now(), nil)
	for _, m := range []time.Duration{10 * time.Second, time.Minute} {
		hist := logNormalHistory(m, 0.3, statsSamples)
		jobs := logNormalHistory(m, 0.3, 4000)
		short := jobs[:int(float64(len(jobs))*planProgressShare)]
		with := p95Delay(t, planReads(hist, s.floorAt, 1, true), short)
		without := p95Delay(t, planReads(hist, s.floorAt, 1, false), short)
		assert.Less(t, with, 0.85*without, "m = %v: p95 of the shortest jobs", m)
	}
}

// A wait follows the plan for what the read that shows its type shows: a
// job that reports progress (0% included) gets the one for progress; each
// plan is computed once.
func TestPlanChosenByProgress(t *testing.T) {
	st := NewStats()
	hist := logNormalHistory(time.Minute, 0.3, statsSamples)
	st.Load([]TypeDurations{{Type: "T", Durations: hist}})
	start := time.Now()
	for _, pct := range []int{-1, 0, -1, 0} {
		s := NewSchedule(noJitter(), start, st)
		s.Next(start.Add(s.First()), &Status{Type: "T", Progress: pct})
		assert.Equal(t, planReads(hist, s.floorAt, 1, pct >= 0), s.plan, "progress %d", pct)
	}
	assert.Equal(t, 2, st.plans, "one plan of each kind")
}
