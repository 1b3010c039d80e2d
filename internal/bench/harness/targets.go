package harness

import (
	"fmt"
	"math"
)

// A Target is one goal of the bench and where the run stands against it.
type Target struct {
	Goal     string // the target, as the issue states it
	Measured string // the measured figure
	Run      bool   // false: the workload that measures it was not run
	Pass     bool
	Margin   string // how far from the goal (for a miss: by how much)
}

func le(measured, goal float64) (bool, string) {
	if measured <= goal {
		return true, fmt.Sprintf("%.2f× the limit", measured/goal)
	}
	return false, fmt.Sprintf("over by %s (%.2f× the limit)", trimFloat(measured-goal), measured/goal)
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

// ManyTargets judges the many-jobs workload (batch on and off; nil or
// one of them missing: not run).
func ManyTargets(many []*ManyResult) []Target {
	var ts []Target
	gs := goals()
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
	return ts
}

// OverheadTargets judges the call-overhead workload against the fake.
func OverheadTargets(over []OverheadRow) []Target {
	var ts []Target
	gs := goals()
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
	t := Target{Goal: fmt.Sprintf("List of 250 catalogs: CPU ≤ %g× the hand-written baseline", cpu)}
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
