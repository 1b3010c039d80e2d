package harness

import (
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

// syntheticLearnt is a report with hand-made learnt-durations rows: repeat no progress
// within its targets, steps over them, retained bytes over 2×.
func syntheticLearnt() *Report {
	band := func(med, p95 float64) []RepeatBand {
		return []RepeatBand{{Lo: 0, Hi: 10 * time.Second, Jobs: 5, MedianPct: med * 3, P95Pct: p95 * 2}, {Lo: time.Minute, Hi: 10 * time.Minute, Jobs: 5, MedianPct: med / 2, P95Pct: p95 / 2}}
	}
	rows := []RepeatRow{
		{Curve: daastest.ProgressNone, Policy: "daas with history", Jobs: 10, MedianPct: 4.5, P95Pct: 19, PollsMean: 13, MaxOverCitrix: 3, Bands: band(4.5, 19)},
		{Curve: daastest.ProgressNone, Policy: "Citrix SDK", Jobs: 10, MedianPct: 13, P95Pct: 270, PollsMean: 12},
		{Curve: daastest.ProgressSteps, Policy: "daas with history", Jobs: 10, MedianPct: 3.5, P95Pct: 40, PollsMean: 14, MaxOverCitrix: 4, Bands: band(3.5, 40)},
		{Curve: daastest.ProgressSteps, Policy: "Citrix SDK", Jobs: 10, MedianPct: 13, P95Pct: 270, PollsMean: 12},
	}
	mr := func(retained, jobReads, lists int, bytes int64) RetainedRun {
		return RetainedRun{Name: "x", ManyResult: &ManyResult{Jobs: 100, Retained: retained, JobReads: jobReads, ListReads: lists, Bytes: bytes, Scale: 2, ListReadMs: 400, ListReadKB: 600}}
	}
	ret := &RetainedResult{Runs: []RetainedRun{mr(0, 0, 10, 1e6), mr(1000, 50, 2, 3e6), mr(1000, 0, 10, 9e6)}, Ticks: 10, SingleBytes: 600}
	return &Report{Command: "go run ./internal/bench", Date: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), Repeat: rows, RepeatScale: 25, Retained: ret,
		Frontier: []FrontierPoint{{Workload: "single", Curve: "none", Policy: "daas default", Daas: true, Jobs: 10, PollsPerJob: 13, MedianPct: 12},
			{Workload: "single", Curve: "none", Policy: "Citrix SDK", Jobs: 10, PollsPerJob: 12, MedianPct: 13}}}
}

func TestLearntTargetsPassAndMiss(t *testing.T) {
	r := syntheticLearnt()
	got := map[string]Target{}
	for _, x := range LearntTargets(r.Single, r.Repeat, r.Retained) {
		got[x.Goal] = x
	}
	for goal, pass := range map[string]bool{
		"repeat jobs, none progress, with history: median detection delay ≤ 5% of the job":                       true,
		"repeat jobs, none progress, with history: p95 detection delay ≤ 20% of the job":                         true,
		"repeat jobs, none progress, with history: polls never more than Citrix's schedule needs + 3 (same job)": true,
		"repeat jobs, steps progress, with history: median detection delay ≤ 3% of the job":                      false,
		"repeat jobs, steps progress, with history: p95 detection delay ≤ 15% of the job":                        false,
		"1,000 waits, 10,000 retained jobs: requests ≤ 0.1× one read per job per tick":                           true,
		"1,000 waits, 10,000 retained jobs: bytes received ≤ 2× one read per job per tick":                       false,
		"1,000 waits, no retained jobs: ≥ 1000× fewer requests than one read per job per tick":                   false,
	} {
		x, ok := got[goal]
		if !ok || !x.Run || x.Pass != pass {
			t.Errorf("%q: got %+v, want run and pass=%v", goal, x, pass)
		}
	}
	// Without a single-job run its targets are "not run", not passed.
	for _, x := range got {
		if strings.HasPrefix(x.Goal, "first-seen") && x.Run {
			t.Errorf("%q: run without a single-job run", x.Goal)
		}
	}
}

func TestReportRendersTargetSections(t *testing.T) {
	md := syntheticLearnt().Markdown()
	for _, s := range []string{"## Targets (learnt durations)", "## 4. Repeat jobs", "## 5. Batch reads with retained jobs", "## 6. The frontier", "docs/frontier.svg",
		"| repeat jobs, steps progress, with history: median detection delay ≤ 3% of the job | 3.50% (", "| 1,000 waits, 10,000 retained jobs: bytes received ≤ 2× one read per job per tick | 3.0 MB against"} {
		if !strings.Contains(md, s) {
			t.Errorf("report lacks %q", s)
		}
	}
}

// A Fresh policy waits like the others, a client per job: one result per
// job, found in the rows the first-seen targets read.
func TestRunSingleFreshPolicy(t *testing.T) {
	cfg := SingleConfig{Scale: 400, Jobs: 3, Seed: 7, MinDur: 2 * time.Second, MaxDur: 10 * time.Second,
		Curves: []daastest.ProgressCurve{daastest.ProgressNone}, Policies: []Policy{DaasDefault(), DaasFirstSeen(), CitrixSDK()}}
	res, err := RunSingle(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range res.Jobs {
		if j.Policy == DaasFirstSeen().Name {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("%d first-seen results, want 3", n)
	}
	if r, ok := findRow(res.Rows(), daastest.ProgressNone, DaasFirstSeen().Name, AllBuckets); !ok || r.N != 3 {
		t.Fatalf("first-seen row %+v, %v", r, ok)
	}
	for _, x := range LearntTargets(res, nil, nil) {
		if strings.HasPrefix(x.Goal, "first-seen jobs, none") && !x.Run {
			t.Errorf("%q not evaluated", x.Goal)
		}
	}
}
