package poll

import (
	"math"
	"slices"
	"sync"
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
	plan := planReads(hist, s.floorAt, 1, false)
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
	key := planKey{ladder: ladder{min: time.Second, max: 30 * time.Second, mult: 2}, done: 1}
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

// Waits of one type that need its plan together compute it once: the
// others wait for it rather than each spending the program's time.
func TestPlanComputedOnceForWaitsTogether(t *testing.T) {
	st := NewStats()
	st.Load([]TypeDurations{{Type: "T", Durations: logNormalHistory(10*time.Minute, 0.3, 32)}})
	key := planKey{ladder: ladder{min: time.Second, max: 30 * time.Second, mult: 2}, done: 1}
	s := NewSchedule(Policy{MinInterval: time.Second, MaxInterval: 30 * time.Second, Multiplier: 2}, time.Now(), nil)
	var wg sync.WaitGroup
	plans := make([][]time.Duration, 8)
	for i := range plans {
		wg.Go(func() {
			p, ok := st.plan("T", key, s.floorAt)
			assert.True(t, ok)
			plans[i] = p
		})
	}
	wg.Wait()
	assert.Equal(t, 1, st.plans)
	for _, p := range plans {
		assert.Equal(t, plans[0], p)
	}
}

// The program of a plan has at most planMaxReads layers of reads after
// those made before it, however many the budget allows over the
// durations: a type spread over half an hour under a policy of a 2 s
// MaxInterval allows thousands, and the program's memory and time grow
// with them (BenchmarkPlanWideType: 1.1 s and 114 MB a plan unbounded).
func TestPlanProgramBounded(t *testing.T) {
	ds := make([]time.Duration, statsSamples)
	for i := range ds {
		ds[i] = time.Duration(2 * math.Pow(900, float64(i)/float64(len(ds)-1)) * float64(time.Second))
	}
	s := NewSchedule(Policy{MinInterval: time.Second, MaxInterval: 2 * time.Second, Multiplier: 2}, time.Now(), nil)
	g := planProgram(ds, s.floorAt, 1)
	assert.Equal(t, 1+planMaxReads, g.Layer[len(g.Layer)-1])
	assert.NotEmpty(t, planReads(ds, s.floorAt, 1, false))
}
