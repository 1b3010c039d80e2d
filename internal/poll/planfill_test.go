package poll

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logUniformHistory is n durations on the quantiles of a log-uniform
// distribution over [lo, hi].
func logUniformHistory(lo, hi time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(float64(lo) * math.Pow(float64(hi)/float64(lo), (float64(i)+0.5)/float64(n)))
	}
	return out
}

// medianDelay is the median relative delay of reads (times from the
// job's start, ascending) over jobs of the durations ds: the first read at
// or after a job's end sees it.
func medianDelay(reads, ds []time.Duration) float64 {
	var delays []float64
	for _, d := range ds {
		i, _ := slices.BinarySearch(reads, d)
		if i == len(reads) {
			delays = append(delays, math.Inf(1))
			continue
		}
		delays = append(delays, reads[i].Seconds()/d.Seconds()-1)
	}
	slices.Sort(delays)
	return delays[len(delays)/2]
}

// A history that does not predict: one type whose jobs take from 2 s to
// half an hour. The plan that sees 95% of them within the least delay
// spaces its reads that delay apart, far sparser than the budget allows
// after the first minute; filled from the budget it leaves, it waits no
// worse than the first-seen schedule (without the fill the median delay
// was 32% against the first-seen 14%). No read of the filled plan comes
// before its floor.
func TestPlanFilledWhereDurationsSpreadWide(t *testing.T) {
	s := NewSchedule(noJitter(), time.Now(), nil)
	key := planKey{ladder: ladder{min: time.Second, max: 30 * time.Second, mult: 2}, done: 1}
	st := NewStats()
	st.Load([]TypeDurations{{Type: "T", Durations: logUniformHistory(2*time.Second, 30*time.Minute, statsSamples)}})
	plan, ok := st.plan("T", key, s.floorAt)
	require.True(t, ok)
	for i, at := range plan {
		require.GreaterOrEqual(t, at, s.floorAt(key.done+i+1), "read %d", key.done+i+1)
	}
	var firstSeen []time.Duration
	for k := 1; s.expRead(k) <= 2*time.Hour; k++ {
		firstSeen = append(firstSeen, s.expRead(k))
	}
	jobs := logUniformHistory(2*time.Second, 30*time.Minute, 2000)
	got, want := medianDelay(plan, jobs), medianDelay(firstSeen, jobs)
	assert.LessOrEqual(t, got, want, "median delay %.1f%% against the first-seen %.1f%%", 100*got, 100*want)
}

// A plan that spends its budget where the durations crowd keeps it
// there: filling adds no read before its floor and moves no read of the
// plan before its own.
func TestPlanFillKeepsTheReadsOfANarrowType(t *testing.T) {
	s := NewSchedule(noJitter(), time.Now(), nil)
	step := ladder{min: time.Second, max: 30 * time.Second, mult: 2}.step
	for _, m := range []time.Duration{10 * time.Second, 5 * time.Minute, time.Hour} {
		plan := planReads(logNormalHistory(m, 0.3, statsSamples), s.floorAt, 1, false)
		filled := fillPlan(plan, s.floorAt, 1, step)
		j := 0 // plan[j] is the next read of the plan in filled
		for i, at := range filled {
			if j < len(plan) && at == plan[j] {
				if plan[j] >= s.floorAt(j+2) {
					assert.GreaterOrEqual(t, at, s.floorAt(i+2), "m = %v: the plan's read %d at %v moved before its floor", m, j+2, at)
				}
				j++
				continue
			}
			assert.GreaterOrEqual(t, at, s.floorAt(i+2), "m = %v: added read %d at %v", m, i+2, at)
		}
		assert.Equal(t, len(plan), j, "m = %v: every read of the plan kept, in order", m)
	}
}
