package harness

import (
	"fmt"
	"strings"
	"time"

	"github.com/daaskit/daas/daastest"
)

// ScheduleTargets judges the exact simulation against the schedule goals
// of targets.json: learnt reads near the limit, steps progress at or below
// the no-progress limit, the read budget, first-seen reads below-left of
// Citrix's and no worse than an earlier run's, the mix's delays (with a
// history that does not predict) and the job types' (with their own).
// A goal whose rows were not simulated is not run.
func ScheduleTargets(x *ExactResult) []Target {
	g := goals()
	var ts []Target
	exact := func(r ExactRow) string {
		if r.Band == BandTypes {
			return fmt.Sprintf("exact, %d jobs of %d types", r.Jobs, x.Config.Types)
		}
		return fmt.Sprintf("exact, %d jobs", r.Jobs)
	}
	times := func(goal string, v, lim, f float64) Target {
		pass, _ := le(v/lim, f)
		return Target{Goal: goal, Run: true, Pass: pass, Measured: fmt.Sprintf("%.2f%% against a limit of %.2f%%", v, lim),
			Margin: fmt.Sprintf("%.2f× the limit", v/lim)}
	}
	// pct judges one figure of a row: its median (or p95) ≤ goal %.
	pct := func(goal string, r ExactRow, ok, p95 bool, lim float64) Target {
		t := Target{Goal: goal}
		if ok {
			v := r.MedianPct
			if p95 {
				v = r.P95Pct
			}
			t.Run, t.Measured = true, fmt.Sprintf("%.2f%% (%s)", v, exact(r))
			t.Pass, t.Margin = le(v, lim)
		}
		return t
	}
	// budget judges the most reads over Citrix's by any time, over rows.
	budget := func(what string, n int, rows []ExactRow) Target {
		t := Target{Goal: fmt.Sprintf("%s: reads never more than Citrix's + %d by any time, any job", what, n)}
		worst, jobs := -1<<31, 0
		for _, r := range rows {
			jobs += r.Jobs
			if r.OverMax > worst {
				worst = r.OverMax
				t.Measured = fmt.Sprintf("worst %+d (%s, %s progress, %s)", worst, r.Band, r.Curve, r.Policy)
			}
		}
		if len(rows) > 0 {
			t.Run, t.Pass = true, worst <= n
			t.Measured += fmt.Sprintf("; exact, %d waits", jobs)
			t.Margin = fmt.Sprintf("%d to spare", n-worst)
			if !t.Pass {
				t.Margin = fmt.Sprintf("over by %d", worst-n)
			}
		}
		return t
	}
	rowsOf := func(keep func(ExactRow) bool) []ExactRow {
		var out []ExactRow
		for _, r := range x.Rows {
			if keep(r) {
				out = append(out, r)
			}
		}
		return out
	}
	of := func(band, policy string) []ExactRow {
		return rowsOf(func(r ExactRow) bool { return r.Band == band && r.Policy == policy })
	}

	// Learnt durations, band by band.
	e := g.Exact
	learnt := DaasWithHistory().Name
	for _, m := range x.Config.Medians {
		band := "m = " + fmtDur(m)
		none, _ := x.Row(band, daastest.ProgressNone, learnt)
		steps, _ := x.Row(band, daastest.ProgressSteps, learnt)
		if none.LimitMedian <= 0 {
			continue
		}
		f := e.LearntTimesLimitShort
		if m >= time.Duration(e.LongFrom) {
			f = e.LearntTimesLimitLong
		}
		name := fmtDur(m)
		med := times(fmt.Sprintf("learnt, no progress, m = %s: median ≤ %g× the limit", name, f), none.MedianPct, none.LimitMedian, f)
		p95 := times(fmt.Sprintf("learnt, no progress, m = %s: p95 ≤ %g× the limit", name, f), none.P95Pct, none.LimitP95, f)
		if none.LimitJoint > 0 {
			// What one schedule can do for both at once, knowing the
			// distribution exactly.
			for _, t := range []*Target{&med, &p95} {
				t.Measured += fmt.Sprintf("; knowing the distribution, one schedule comes within %.2f× of both limits", none.LimitJoint)
				if none.GuardJoint > 0 {
					t.Measured += fmt.Sprintf(", and one that makes the guard read within %.2f×", none.GuardJoint)
				}
			}
		}
		if none.GuardMedian > 0 {
			med.Measured += fmt.Sprintf("; after the guard read the limit is %.2f%% (%.2f×)", none.GuardMedian, none.MedianPct/none.GuardMedian)
			p95.Measured += fmt.Sprintf("; after the guard read the limit is %.2f%% (%.2f×)", none.GuardP95, none.P95Pct/none.GuardP95)
		}
		ts = append(ts, med, p95,
			times(fmt.Sprintf("learnt, steps progress, m = %s: median ≤ %g× the no-progress limit", name, e.StepsTimesNoneLimit), steps.MedianPct, steps.LimitMedian, e.StepsTimesNoneLimit),
			times(fmt.Sprintf("learnt, steps progress, m = %s: p95 ≤ %g× the no-progress limit", name, e.StepsTimesNoneLimit), steps.P95Pct, steps.LimitP95, e.StepsTimesNoneLimit))
		if m >= time.Duration(e.LearntPctFrom) && m <= time.Duration(e.LearntPctTo) {
			pass := none.MedianPct <= e.LearntMedianPct && none.P95Pct <= e.LearntP95Pct
			ts = append(ts, Target{Goal: fmt.Sprintf("learnt, no progress, m = %s: median ≤ %g%%, p95 ≤ %g%%", name, e.LearntMedianPct, e.LearntP95Pct),
				Run: true, Pass: pass, Measured: fmt.Sprintf("%.2f%% / %.2f%% (%s)", none.MedianPct, none.P95Pct, exact(none)),
				Margin: fmt.Sprintf("%.2f× / %.2f× the goal", none.MedianPct/e.LearntMedianPct, none.P95Pct/e.LearntP95Pct)})
		}
	}
	fs := DaasFirstSeen().Name
	ts = append(ts, budget("learnt (every band) and first seen (the mix)", e.ReadsOverCitrix, rowsOf(func(r ExactRow) bool {
		return r.Median > 0 && r.Policy == learnt || r.Band == BandMix && r.Policy == fs
	})))

	// The job types, each waited for with a history of its own.
	ty := g.Types
	for _, c := range []daastest.ProgressCurve{daastest.ProgressNone, daastest.ProgressSteps} {
		r, ok := x.Row(BandTypes, c, learnt)
		ts = append(ts,
			pct(fmt.Sprintf("job types, %s progress, with history: median detection delay ≤ %g%% of the job", c, ty.MedianPct[c.String()]), r, ok, false, ty.MedianPct[c.String()]),
			pct(fmt.Sprintf("job types, %s progress, with history: p95 detection delay ≤ %g%% of the job", c, ty.P95Pct[c.String()]), r, ok, true, ty.P95Pct[c.String()]))
	}
	ts = append(ts, budget("job types, with history, every curve", ty.ReadsOverCitrix, of(BandTypes, learnt)))

	// The mix: the library with a history that does not predict, first
	// seen, and Citrix's schedule.
	mx, def, citrix := g.Mix, DaasDefault().Name, CitrixSDK().Name
	for _, c := range []daastest.ProgressCurve{daastest.ProgressLinear, daastest.ProgressSteps, daastest.ProgressNone} {
		r, ok := x.Row(BandMix, c, def)
		ts = append(ts, pct(fmt.Sprintf("%s (the mix), %s progress: median detection delay ≤ %g%% of job duration", def, c, mx.MedianPct[c.String()]), r, ok, false, mx.MedianPct[c.String()]))
		if lim, has := mx.P95Pct[c.String()]; has {
			ts = append(ts, pct(fmt.Sprintf("%s (the mix), %s progress: p95 detection delay ≤ %g%% of job duration", def, c, lim), r, ok, true, lim))
		}
	}
	ts = append(ts, budget(def+" (the mix), every curve", mx.ReadsOverCitrix, of(BandMix, def)))
	for _, c := range []daastest.ProgressCurve{daastest.ProgressLinear, daastest.ProgressSteps, daastest.ProgressNone} {
		lower := mx.MedianTimesLowerThan
		t := Target{Goal: fmt.Sprintf("%s (the mix): median detection delay ≥ %g× lower than Citrix's schedule (%s progress)", def, lower, c)}
		d, ok1 := x.Row(BandMix, c, def)
		ct, ok2 := x.Row(BandMix, c, citrix)
		if ok1 && ok2 && d.MedianDelay > 0 {
			ratio := ct.MedianDelay.Seconds() / d.MedianDelay.Seconds()
			t.Run, t.Pass = true, ratio >= lower
			t.Measured = fmt.Sprintf("%.2f s vs Citrix %.2f s: %.1f× lower (%s)", d.MedianDelay.Seconds(), ct.MedianDelay.Seconds(), ratio, exact(d))
			t.Margin = fmt.Sprintf("%.1f× the goal", ratio/lower)
			if !t.Pass {
				t.Margin = fmt.Sprintf("short by %.1f× (daas median would need ≤ %.2f s)", lower/ratio, ct.MedianDelay.Seconds()/lower)
			}
		}
		ts = append(ts, t)
	}
	base := g.FirstSeenBaseline
	for _, c := range []daastest.ProgressCurve{daastest.ProgressLinear, daastest.ProgressSteps, daastest.ProgressNone} {
		bm, bp := base.MedianPct[c.String()], base.P95Pct[c.String()]
		t := Target{Goal: fmt.Sprintf("first seen (the mix), %s progress: median and p95 no worse than on %s (%.2f%% / %.2f%%)", c, base.Date, bm, bp)}
		if r, ok := x.Row(BandMix, c, fs); ok {
			t.Run, t.Pass = true, r.MedianPct <= bm && r.P95Pct <= bp
			t.Measured = fmt.Sprintf("%.2f%% / %.2f%% (%s)", r.MedianPct, r.P95Pct, exact(r))
			t.Margin = fmt.Sprintf("median %.3f×, p95 %.3f× the baseline", r.MedianPct/bm, r.P95Pct/bp)
		}
		ts = append(ts, t)
	}
	for _, c := range []daastest.ProgressCurve{daastest.ProgressLinear, daastest.ProgressSteps, daastest.ProgressNone} {
		t := Target{Goal: fmt.Sprintf("history that does not predict (the mix: 32 durations spread 900×), %s progress: median no worse than first seen", c)}
		d, ok1 := x.Row(BandMix, c, def)
		f, ok2 := x.Row(BandMix, c, fs)
		if ok1 && ok2 {
			t.Run = true
			t.Pass, t.Margin = le(d.MedianPct, f.MedianPct)
			t.Measured = fmt.Sprintf("%s %.2f%% (p95 %.2f%%) against first seen %.2f%% (p95 %.2f%%) (%s)", def, d.MedianPct, d.P95Pct, f.MedianPct, f.P95Pct, exact(d))
		}
		ts = append(ts, t)
	}
	for _, c := range exactCurves {
		t := Target{Goal: fmt.Sprintf("first seen (the mix), %s progress: fewer reads per job and a lower median than Citrix's schedule", c)}
		f, ok1 := x.Row(BandMix, c, fs)
		ct, ok2 := x.Row(BandMix, c, citrix)
		if ok1 && ok2 {
			t.Run, t.Pass = true, f.Reads < ct.Reads && f.MedianPct < ct.MedianPct
			t.Measured = fmt.Sprintf("%.2f reads, %.2f%% against %.2f, %.2f%% (%s)", f.Reads, f.MedianPct, ct.Reads, ct.MedianPct, exact(f))
			t.Margin = fmt.Sprintf("reads %+.2f, median %+.2f points", f.Reads-ct.Reads, f.MedianPct-ct.MedianPct)
		}
		ts = append(ts, t)
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
		heap.Run, heap.Measured = true, fmt.Sprintf("%.0f B (and %.0f B of the goroutine that waits, the caller's)", r.HeapPerWait, r.GoroutinePerWait)
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
