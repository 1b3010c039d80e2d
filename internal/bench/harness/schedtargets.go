package harness

import (
	"fmt"
	"strings"
	"time"

	"github.com/daaskit/daas/daastest"
)

// ScheduleTargets judges the exact simulation against the schedule goals
// of targets.json: learnt reads near the limit, steps progress at or below
// the no-progress limit, the read budget, and first-seen reads below-left
// of Citrix's.
func ScheduleTargets(x *ExactResult) []Target {
	g := goals().Exact
	var ts []Target
	byBand := map[time.Duration]map[daastest.ProgressCurve]ExactRow{}
	var mix []ExactRow
	worstOver, worstAt := -1<<31, ""
	for _, r := range x.Rows {
		if r.Policy != ExactCitrix && r.OverMax > worstOver {
			worstOver, worstAt = r.OverMax, fmt.Sprintf("%s, %s progress, %s", r.Band, r.Curve, r.Policy)
		}
		if r.Band == "mix" {
			mix = append(mix, r)
			continue
		}
		if byBand[r.Median] == nil {
			byBand[r.Median] = map[daastest.ProgressCurve]ExactRow{}
		}
		byBand[r.Median][r.Curve] = r
	}
	times := func(goal string, v, lim, f float64) Target {
		pass, _ := le(v/lim, f)
		return Target{Goal: goal, Run: true, Pass: pass, Measured: fmt.Sprintf("%.2f%% against a limit of %.2f%%", v, lim),
			Margin: fmt.Sprintf("%.2f× the limit", v/lim)}
	}
	for _, m := range x.Config.Medians {
		none, steps := byBand[m][daastest.ProgressNone], byBand[m][daastest.ProgressSteps]
		if none.LimitMedian <= 0 {
			continue
		}
		f := g.LearntTimesLimitShort
		if m >= time.Duration(g.LongFrom) {
			f = g.LearntTimesLimitLong
		}
		band := fmtDur(m)
		med := times(fmt.Sprintf("learnt, no progress, m = %s: median ≤ %g× the limit", band, f), none.MedianPct, none.LimitMedian, f)
		p95 := times(fmt.Sprintf("learnt, no progress, m = %s: p95 ≤ %g× the limit", band, f), none.P95Pct, none.LimitP95, f)
		if none.LimitJoint > 0 {
			// What one schedule can do for both at once, knowing the
			// distribution exactly.
			for _, t := range []*Target{&med, &p95} {
				t.Measured += fmt.Sprintf("; knowing the distribution, one schedule comes within %.2f× of both limits", none.LimitJoint)
			}
		}
		ts = append(ts, med, p95,
			times(fmt.Sprintf("learnt, steps progress, m = %s: median ≤ %g× the no-progress limit", band, g.StepsTimesNoneLimit), steps.MedianPct, steps.LimitMedian, g.StepsTimesNoneLimit),
			times(fmt.Sprintf("learnt, steps progress, m = %s: p95 ≤ %g× the no-progress limit", band, g.StepsTimesNoneLimit), steps.P95Pct, steps.LimitP95, g.StepsTimesNoneLimit))
		if m >= time.Duration(g.LearntPctFrom) && m <= time.Duration(g.LearntPctTo) {
			pass := none.MedianPct <= g.LearntMedianPct && none.P95Pct <= g.LearntP95Pct
			ts = append(ts, Target{Goal: fmt.Sprintf("learnt, no progress, m = %s: median ≤ %g%%, p95 ≤ %g%%", band, g.LearntMedianPct, g.LearntP95Pct),
				Run: true, Pass: pass, Measured: fmt.Sprintf("%.2f%% / %.2f%%", none.MedianPct, none.P95Pct),
				Margin: fmt.Sprintf("%.2f× / %.2f× the goal", none.MedianPct/g.LearntMedianPct, none.P95Pct/g.LearntP95Pct)})
		}
	}
	t := Target{Goal: fmt.Sprintf("every schedule: reads never more than Citrix's + %d by any time, any job", g.ReadsOverCitrix)}
	if worstAt != "" {
		t.Run, t.Pass = true, worstOver <= g.ReadsOverCitrix
		t.Measured = fmt.Sprintf("worst %+d (%s)", worstOver, worstAt)
		t.Margin = fmt.Sprintf("%d to spare", g.ReadsOverCitrix-worstOver)
		if !t.Pass {
			t.Margin = fmt.Sprintf("over by %d", worstOver-g.ReadsOverCitrix)
		}
	}
	ts = append(ts, t)
	for i := 0; i+1 < len(mix); i += 2 {
		f, c := mix[i], mix[i+1] // first seen, then Citrix (RunExact's order)
		ts = append(ts, Target{Goal: fmt.Sprintf("first seen, %s progress: fewer reads per job and a lower median than Citrix's schedule", f.Curve),
			Run: true, Pass: f.Reads < c.Reads && f.MedianPct < c.MedianPct,
			Measured: fmt.Sprintf("%.2f reads, %.2f%% against %.2f, %.2f%%", f.Reads, f.MedianPct, c.Reads, c.MedianPct),
			Margin:   fmt.Sprintf("reads %+.2f, median %+.2f points", f.Reads-c.Reads, f.MedianPct-c.MedianPct)})
	}
	return ts
}

// ConcurrencyTargets judges the concurrency workload's run at the goal's
// count of waits (targets.json: concurrency); not run without it.
func ConcurrencyTargets(rs []ConcurrencyResult) []Target {
	g := goals().Concurrency
	heap := Target{Goal: fmt.Sprintf("%d waits: heap per wait ≤ %g B", g.Waits, g.HeapPerWaitBytes)}
	cpu := Target{Goal: fmt.Sprintf("%d waits: client CPU per wait per tick ≤ %g µs", g.Waits, g.CPUPerWaitTickUS)}
	req := Target{Goal: fmt.Sprintf("%d waits: status reads per tick ≤ %g", g.Waits, g.RequestsPerTick)}
	for _, r := range rs {
		if r.Waits != g.Waits {
			continue
		}
		us := float64(r.CPUPerWaitTick) / 1e3
		heap.Run, heap.Measured = true, fmt.Sprintf("%.0f B", r.HeapPerWait)
		heap.Pass, heap.Margin = le(r.HeapPerWait, g.HeapPerWaitBytes)
		cpu.Run, cpu.Measured = true, fmt.Sprintf("%.1f µs", us)
		cpu.Pass, cpu.Margin = le(us, g.CPUPerWaitTickUS)
		req.Run, req.Measured = true, fmt.Sprintf("%.2f", r.RequestsPerTick)
		req.Pass, req.Margin = le(r.RequestsPerTick, g.RequestsPerTick)
	}
	return []Target{heap, cpu, req}
}

// ConcurrencyGoalWaits is the count of waits the concurrency goals are
// stated for (targets.json).
func ConcurrencyGoalWaits() int { return goals().Concurrency.Waits }

// targetText renders ts as a target table.
func targetText(ts []Target) string {
	var b strings.Builder
	targetTable(&b, ts)
	return b.String()
}
