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
		assert.Contains(t, g.Mix.MedianPct, c)
	}
	for _, c := range []string{"linear", "steps"} {
		assert.Contains(t, g.Mix.P95Pct, c)
	}
	for _, c := range []string{"none", "steps"} {
		assert.Contains(t, g.Types.MedianPct, c)
		assert.Contains(t, g.Types.P95Pct, c)
	}
}

// The schedule targets judge each figure against its limit or goal, the
// budget against its worst job, first seen against Citrix's row and the
// baseline, and a history that does not predict against first seen; a
// goal whose rows are missing is not run.
func TestScheduleTargets(t *testing.T) {
	m := 5 * time.Minute
	none, steps := daastest.ProgressNone, daastest.ProgressSteps
	def, fs, hist, citrix := DaasDefault().Name, DaasFirstSeen().Name, DaasWithHistory().Name, CitrixSDK().Name
	x := &ExactResult{Config: ExactConfig{Medians: []time.Duration{m}}, Rows: []ExactRow{
		{Band: "m = 5 min", Median: m, Curve: none, Policy: hist, MedianPct: 2.6, P95Pct: 4.0, OverMax: 3, LimitMedian: 2, LimitP95: 4},
		{Band: "m = 5 min", Median: m, Curve: steps, Policy: hist, MedianPct: 1.5, P95Pct: 3.9, OverMax: 2, LimitMedian: 2, LimitP95: 4},
		{Band: BandMix, Curve: none, Policy: def, MedianPct: 20, P95Pct: 60, MedianDelay: 9 * time.Second, Reads: 9, OverMax: 4},
		{Band: BandMix, Curve: none, Policy: fs, MedianPct: 11, P95Pct: 90, Reads: 11, OverMax: 2},
		{Band: BandMix, Curve: none, Policy: citrix, MedianPct: 15, P95Pct: 250, MedianDelay: 8 * time.Second, Reads: 12},
		{Band: BandMix, Curve: steps, Policy: def, MedianPct: 4, P95Pct: 14, MedianDelay: time.Second / 2, Reads: 13, OverMax: 3},
		{Band: BandMix, Curve: steps, Policy: fs, MedianPct: 7, P95Pct: 80, Reads: 13, OverMax: 4},
		{Band: BandMix, Curve: steps, Policy: citrix, MedianPct: 15, P95Pct: 250, MedianDelay: 8 * time.Second, Reads: 12},
		{Band: BandTypes, Curve: none, Policy: hist, MedianPct: 4.5, P95Pct: 19, OverMax: 3},
	}}
	got := map[string]string{}
	for _, tg := range ScheduleTargets(x) {
		got[tg.Goal] = map[bool]string{true: "pass", false: "miss"}[tg.Pass]
		if !tg.Run {
			got[tg.Goal] = "not run"
		}
	}
	assert.Equal(t, map[string]string{
		"learnt, no progress, m = 5 min: median ≤ 1.3× the limit":                                                             "pass", // 1.3×
		"learnt, no progress, m = 5 min: p95 ≤ 1.3× the limit":                                                                "pass",
		"learnt, steps progress, m = 5 min: median ≤ 1× the no-progress limit":                                                "pass",
		"learnt, steps progress, m = 5 min: p95 ≤ 1× the no-progress limit":                                                   "pass",
		"learnt, no progress, m = 5 min: median ≤ 5%, p95 ≤ 20%":                                                              "pass",
		"learnt (every band) and first seen (the mix): reads never more than Citrix's + 3 by any time, any job":               "miss", // first seen, steps: +4
		"job types, none progress, with history: median detection delay ≤ 5% of the job":                                      "pass",
		"job types, none progress, with history: p95 detection delay ≤ 20% of the job":                                        "pass",
		"job types, steps progress, with history: median detection delay ≤ 3% of the job":                                     "not run",
		"job types, steps progress, with history: p95 detection delay ≤ 15% of the job":                                       "not run",
		"job types, with history, every curve: reads never more than Citrix's + 3 by any time, any job":                       "pass",
		"daas default (the mix), linear progress: median detection delay ≤ 5% of job duration":                                "not run",
		"daas default (the mix), linear progress: p95 detection delay ≤ 15% of job duration":                                  "not run",
		"daas default (the mix), steps progress: median detection delay ≤ 5% of job duration":                                 "pass",
		"daas default (the mix), steps progress: p95 detection delay ≤ 15% of job duration":                                   "pass",
		"daas default (the mix), none progress: median detection delay ≤ 25% of job duration":                                 "pass",
		"daas default (the mix), every curve: reads never more than Citrix's + 3 by any time, any job":                        "miss", // none: +4
		"daas default (the mix): median detection delay ≥ 10× lower than Citrix's schedule (linear progress)":                 "not run",
		"daas default (the mix): median detection delay ≥ 10× lower than Citrix's schedule (steps progress)":                  "pass", // 16×
		"daas default (the mix): median detection delay ≥ 10× lower than Citrix's schedule (none progress)":                   "miss",
		"first seen (the mix), linear progress: median and p95 no worse than on 2026-11-28 (0.68% / 6.18%)":                   "not run",
		"first seen (the mix), steps progress: median and p95 no worse than on 2026-11-28 (7.04% / 74.37%)":                   "miss", // p95 80
		"first seen (the mix), none progress: median and p95 no worse than on 2026-11-28 (11.32% / 91.29%)":                   "pass",
		"history that does not predict (the mix: 32 durations spread 900×), linear progress: median no worse than first seen": "not run",
		"history that does not predict (the mix: 32 durations spread 900×), steps progress: median no worse than first seen":  "pass",
		"history that does not predict (the mix: 32 durations spread 900×), none progress: median no worse than first seen":   "miss",
		"first seen (the mix), none progress: fewer reads per job and a lower median than Citrix's schedule":                  "pass",
		"first seen (the mix), steps progress: fewer reads per job and a lower median than Citrix's schedule":                 "miss",
		"first seen (the mix), linear progress: fewer reads per job and a lower median than Citrix's schedule":                "not run",
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
