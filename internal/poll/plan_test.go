package poll

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logNormalHistory is n durations on the quantiles of a log-normal
// distribution of median m and shape sigma.
func logNormalHistory(m time.Duration, sigma float64, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		z := math.Sqrt2 * math.Erfinv(2*(float64(i)+0.5)/float64(n)-1)
		out[i] = time.Duration(float64(m) * math.Exp(sigma*z))
	}
	return out
}

// The plan reads where the durations are: none far below the shortest
// seen (the read that learnt the type guards against a job that fails at
// once), and 95% of the durations seen within a small delay of their end.
func TestPlanReadsWhereDurationsAre(t *testing.T) {
	hist := logNormalHistory(time.Minute, 0.3, 32)
	s := NewSchedule(noJitter(), time.Time{}, nil)
	plan := planReads(hist, s.floorAt, 1)
	require.True(t, slices.IsSorted(plan), "%v", plan)
	assert.Greater(t, plan[0], hist[0]/2, "no reads far below the shortest duration")
	assert.GreaterOrEqual(t, plan[len(plan)-1], hist[len(hist)-2], "the plan reaches the longest durations")
	var delays []float64
	for _, d := range hist {
		i, _ := slices.BinarySearch(plan, d)
		delays = append(delays, plan[i].Seconds()/d.Seconds()-1)
	}
	slices.Sort(delays)
	assert.Less(t, delays[len(delays)*95/100-1], 0.2, "95%% of the durations seen within 20%%: %v", delays)
}

// A type's plan is computed once per change of its durations.
func TestPlanCachedPerDurations(t *testing.T) {
	st := NewStats()
	st.Load([]TypeDurations{{Type: "T", Durations: logNormalHistory(time.Minute, 0.3, 16)}})
	s := NewSchedule(noJitter(), time.Time{}, nil)
	key := planKey{min: time.Second, max: 30 * time.Second, mult: 2, done: 1}
	p1, ok := st.plan("T", key, s.floorAt)
	require.True(t, ok)
	p2, _ := st.plan("T", key, s.floorAt)
	assert.Same(t, &p1[0], &p2[0], "cached")
	st.add("T", 2*time.Minute)
	p3, _ := st.plan("T", key, s.floorAt)
	assert.NotSame(t, &p1[0], &p3[0], "recomputed after a new duration")
	assert.Greater(t, p3[len(p3)-1], p1[len(p1)-1], "the plan reaches further")
	_, ok = st.plan("other", key, s.floorAt)
	assert.False(t, ok)
}
