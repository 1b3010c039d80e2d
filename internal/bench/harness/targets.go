package harness

import (
	"fmt"
	"math"

	"github.com/daaskit/daas/daastest"
)

// A Target is one goal of the detection and cost and where the run stands against it.
type Target struct {
	Goal     string // the target, as the issue states it
	Measured string // the measured figure
	Run      bool   // false: the workload that measures it was not run
	Pass     bool
	Margin   string // how far from the goal (for a miss: by how much)
}

// single-job lookups

func findRow(rows []SingleRow, curve daastest.ProgressCurve, policy, bucket string) (SingleRow, bool) {
	for _, r := range rows {
		if r.Curve == curve && r.Policy == policy && r.Bucket == bucket {
			return r, true
		}
	}
	return SingleRow{}, false
}

func le(measured, goal float64) (bool, string) {
	if measured <= goal {
		return true, fmt.Sprintf("%.2g× the limit", measured/goal)
	}
	return false, fmt.Sprintf("over by %s (%.2g× the limit)", trimFloat(measured-goal), measured/goal)
}

func trimFloat(x float64) string {
	switch {
	case math.Abs(x) >= 100:
		return fmt.Sprintf("%.0f", x)
	case math.Abs(x) >= 10:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

// Targets evaluates every target of the detection and cost against what was run (nil for a
// workload that was not), for the daas default policy.
func Targets(single *SingleResult, many []*ManyResult, over []OverheadRow) []Target {
	ts := singleTargets(single, DaasDefault().Name)
	return append(ts, otherTargets(many, over)...)
}

func singleTargets(single *SingleResult, daasName string) []Target {
	var ts []Target
	gs := goals()
	citrixName := CitrixSDK().Name
	var rows []SingleRow
	if single != nil {
		rows = single.Rows()
	}
	pct := func(curve daastest.ProgressCurve, p95 bool) Target {
		what, goal := "median", gs.Single.MedianPct[curve.String()]
		if p95 {
			what, goal = "p95", gs.Single.P95Pct[curve.String()]
		}
		t := Target{Goal: fmt.Sprintf("%s, %s progress: %s detection delay ≤ %g%% of job duration", daasName, curve, what, goal)}
		r, ok := findRow(rows, curve, daasName, AllBuckets)
		if !ok {
			return t
		}
		v := r.MedianPct
		if p95 {
			v = r.P95Pct
		}
		t.Run = true
		t.Measured = fmt.Sprintf("%.2f%% (all %d jobs, 2 s–30 min)", v, r.N)
		t.Pass, t.Margin = le(v, goal)
		return t
	}
	ts = append(ts,
		pct(daastest.ProgressLinear, false), pct(daastest.ProgressLinear, true),
		pct(daastest.ProgressSteps, false), pct(daastest.ProgressSteps, true),
		pct(daastest.ProgressNone, false))

	// Polls per job.
	maxOver := gs.Single.PollsOverCitrix
	t := Target{Goal: fmt.Sprintf("%s: polls per job never more than Citrix's schedule needs + %d (same job, every curve)", daasName, maxOver)}
	worst, worstCurve, n := math.MinInt32, daastest.ProgressCurve(0), 0
	for _, r := range rows {
		if r.Policy == daasName && r.Bucket == AllBuckets && r.HasExcess {
			n++
			if r.ExcessMax > worst {
				worst, worstCurve = r.ExcessMax, r.Curve
			}
		}
	}
	if n > 0 {
		t.Run = true
		t.Measured = fmt.Sprintf("worst job: %+d polls against Citrix (%s curve)", worst, worstCurve)
		t.Pass = worst <= maxOver
		if t.Pass {
			t.Margin = fmt.Sprintf("%d to spare", maxOver-worst)
		} else {
			t.Margin = fmt.Sprintf("over by %d polls", worst-maxOver)
		}
	}
	ts = append(ts, t)

	// 10× lower median than Citrix.
	curves := []daastest.ProgressCurve{daastest.ProgressLinear, daastest.ProgressSteps, daastest.ProgressNone}
	if single != nil {
		curves = single.Config.Curves
	}
	for _, c := range curves {
		lower := gs.Single.MedianTimesLowerThan
		t := Target{Goal: fmt.Sprintf("%s: median detection delay ≥ %g× lower than Citrix's schedule (%s progress)", daasName, lower, c)}
		d, ok1 := findRow(rows, c, daasName, AllBuckets)
		x, ok2 := findRow(rows, c, citrixName, AllBuckets)
		if ok1 && ok2 {
			t.Run = true
			ratio := x.MedianS / d.MedianS
			t.Measured = fmt.Sprintf("%.2f s vs Citrix %.2f s: %.1f× lower", d.MedianS, x.MedianS, ratio)
			t.Pass = ratio >= lower
			if t.Pass {
				t.Margin = fmt.Sprintf("%.1f× the goal", ratio/lower)
			} else {
				t.Margin = fmt.Sprintf("short by %.1f× (daas median would need ≤ %.2f s)", lower/ratio, x.MedianS/lower)
			}
		}
		ts = append(ts, t)
	}
	return ts
}

func otherTargets(many []*ManyResult, over []OverheadRow) []Target {
	var ts []Target
	gs := goals()
	// Many jobs.
	var on, off *ManyResult
	for _, m := range many {
		if m.Batch {
			on = m
		} else {
			off = m
		}
	}
	fewer := gs.Many.TimesFewerRequests
	t := Target{Goal: fmt.Sprintf("1,000 concurrent waits: batch mode ≥ %g× fewer requests than one read per job per tick", fewer)}
	if on != nil {
		t.Run = true
		base := on.Jobs * on.ListReads
		ratio := float64(base) / float64(max(on.Requests(), 1))
		t.Measured = fmt.Sprintf("%d status reads vs %d (%d jobs × %d ticks): %.0f× fewer", on.Requests(), base, on.Jobs, on.ListReads, ratio)
		t.Pass = ratio >= fewer
		if t.Pass {
			t.Margin = fmt.Sprintf("%.1f× the goal", ratio/fewer)
		} else {
			t.Margin = fmt.Sprintf("short by %.1f×", fewer/ratio)
		}
	}
	ts = append(ts, t)
	for _, mm := range []struct {
		mode string
		m    *ManyResult
	}{{"on", on}, {"off", off}} {
		mode, m := mm.mode, mm.m
		t := Target{Goal: fmt.Sprintf("1,000 concurrent waits: heap per waiting job ≤ %g KiB (batch %s)", gs.Many.HeapPerJobBytes/1024, mode)}
		if m != nil {
			t.Run = true
			t.Measured = fmt.Sprintf("%.0f B (%.0f B with idle connections closed)", m.HeapPerJob, m.HeapPerJobNoIdl)
			t.Pass, t.Margin = le(m.HeapPerJob, gs.Many.HeapPerJobBytes)
		}
		ts = append(ts, t)
	}

	// Overhead.
	var sdk, base *OverheadRow
	for i := range over {
		if over[i].Server == "fake" {
			if over[i].Client == OverheadSDK {
				sdk = &over[i]
			} else {
				base = &over[i]
			}
		}
	}
	cpu := gs.Overhead.CPURatio
	t = Target{Goal: fmt.Sprintf("List of 250 catalogs: CPU ≤ %g× the hand-written baseline", cpu)}
	if sdk != nil && base != nil {
		t.Run = true
		rc, rt := sdk.CPUPerOp/base.CPUPerOp, sdk.NsPerOp/base.NsPerOp
		t.Measured = fmt.Sprintf("%.2f× process CPU per op, %.2f× ns/op (both must pass)", rc, rt)
		t.Pass, t.Margin = le(max(rc, rt), cpu)
		if !t.Pass {
			which := "ns/op"
			if rc > cpu && rt > cpu {
				which = "both"
			} else if rc > cpu {
				which = "CPU per op"
			}
			t.Margin = fmt.Sprintf("%s at %.2f×, %.2f over the %g× limit", which, max(rc, rt), max(rc, rt)-cpu, cpu)
		}
	}
	ts = append(ts, t)
	t = Target{Goal: fmt.Sprintf("List of 250 catalogs: allocations ≤ %g× the hand-written baseline", gs.Overhead.AllocsRatio)}
	if sdk != nil && base != nil {
		t.Run = true
		r := sdk.Allocs / base.Allocs
		t.Measured = fmt.Sprintf("%.2f× allocs/op (%.0f vs %.0f); %.2f× B/op", r, sdk.Allocs, base.Allocs, sdk.BPerOp/base.BPerOp)
		t.Pass, t.Margin = le(r, gs.Overhead.AllocsRatio)
	}
	ts = append(ts, t)
	return ts
}
