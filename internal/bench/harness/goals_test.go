package harness

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas/daastest"
)

// targets.json loads, and no figure is left out: a missing one would
// read as zero and pass or fail every run silently.
func TestGoalsLoad(t *testing.T) {
	g, err := LoadGoals()
	require.NoError(t, err)
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				walk(path+"."+v.Type().Field(i).Name, v.Field(i))
			}
		case reflect.Map:
			assert.NotZero(t, v.Len(), path)
		default:
			assert.False(t, v.IsZero(), "%s is not set in targets.json", path)
		}
	}
	walk("Goals", reflect.ValueOf(*g))
	for _, c := range []string{"linear", "steps", "none"} {
		assert.Contains(t, g.FirstSeenBaseline.MedianPct, c)
		assert.Contains(t, g.FirstSeenBaseline.P95Pct, c)
	}
}

// The schedule targets judge each figure against its limit, the budget
// against its worst job and first-seen reads against Citrix's row.
func TestScheduleTargets(t *testing.T) {
	m := 5 * time.Minute
	x := &ExactResult{Config: ExactConfig{Medians: []time.Duration{m}}, Rows: []ExactRow{
		{Band: "m = 5 min", Median: m, Curve: daastest.ProgressNone, Policy: ExactLearnt, MedianPct: 2.6, P95Pct: 4.0, OverMax: 3, LimitMedian: 2, LimitP95: 4},
		{Band: "m = 5 min", Median: m, Curve: daastest.ProgressSteps, Policy: ExactLearnt, MedianPct: 1.5, P95Pct: 3.9, OverMax: 4, LimitMedian: 2, LimitP95: 4},
		{Band: "mix", Curve: daastest.ProgressNone, Policy: ExactFirstSeen, Reads: 11, MedianPct: 14},
		{Band: "mix", Curve: daastest.ProgressNone, Policy: ExactCitrix, Reads: 12, MedianPct: 15},
		{Band: "mix", Curve: daastest.ProgressSteps, Policy: ExactFirstSeen, Reads: 13, MedianPct: 7},
		{Band: "mix", Curve: daastest.ProgressSteps, Policy: ExactCitrix, Reads: 12, MedianPct: 15},
	}}
	got := map[string]bool{}
	for _, tg := range ScheduleTargets(x) {
		require.True(t, tg.Run, tg.Goal)
		got[tg.Goal] = tg.Pass
	}
	assert.Equal(t, map[string]bool{
		"learnt, no progress, m = 5 min: median ≤ 1.3× the limit":                                   true, // 1.3×
		"learnt, no progress, m = 5 min: p95 ≤ 1.3× the limit":                                      true,
		"learnt, steps progress, m = 5 min: median ≤ 1× the no-progress limit":                      true,
		"learnt, steps progress, m = 5 min: p95 ≤ 1× the no-progress limit":                         true,
		"learnt, no progress, m = 5 min: median ≤ 5%, p95 ≤ 20%":                                    true,
		"every schedule: reads never more than Citrix's + 3 by any time, any job":                   false, // +4
		"first seen, none progress: fewer reads per job and a lower median than Citrix's schedule":  true,
		"first seen, steps progress: fewer reads per job and a lower median than Citrix's schedule": false,
	}, got)
}

func TestConcurrencyTargets(t *testing.T) {
	ts := ConcurrencyTargets([]ConcurrencyResult{{Waits: 100, HeapPerWait: 9999},
		{Waits: 10000, HeapPerWait: 1300, CPUPerWaitTick: 11 * time.Microsecond, RequestsPerTick: 1}})
	require.Len(t, ts, 3)
	for _, tg := range ts {
		assert.True(t, tg.Run, tg.Goal)
	}
	assert.False(t, ts[0].Pass, "1,300 B is over 1.2 KiB")
	assert.True(t, ts[1].Pass)
	assert.True(t, ts[2].Pass)
	assert.False(t, ConcurrencyTargets(nil)[0].Run)
}
