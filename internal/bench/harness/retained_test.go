package harness

import (
	"reflect"
	"strings"
	"testing"
)

// A small retained-jobs run: the cost-aware policy reads a large list less
// often and receives fewer bytes than reading it every tick, and the report
// states both ratios against the baseline.
func TestRunRetainedSmall(t *testing.T) {
	res, err := RunRetained(t.Context(), RetainedConfig{Scale: 100, Jobs: 12, Retained: 2000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Runs) != 3 {
		t.Fatalf("%d runs, want 3", len(res.Runs))
	}
	none, cost, always := res.Runs[0], res.Runs[1], res.Runs[2]
	if none.Retained != 0 || cost.Retained != 2000 || always.Retained != 2000 {
		t.Errorf("retained %d / %d / %d", none.Retained, cost.Retained, always.Retained)
	}
	if res.Ticks != none.ListReads || res.Ticks == 0 {
		t.Errorf("ticks %d, list reads without retained jobs %d", res.Ticks, none.ListReads)
	}
	if always.JobReads >= always.Jobs || always.ListReads == 0 { // the last few (BatchThreshold) read their own
		t.Errorf("list every tick: %d job reads, %d list reads", always.JobReads, always.ListReads)
	}
	if cost.ListReads >= always.ListReads || cost.Bytes >= always.Bytes {
		t.Errorf("cost-aware: %d list reads, %d B; list every tick: %d, %d B", cost.ListReads, cost.Bytes, always.ListReads, always.Bytes)
	}
	if res.SingleBytes < 300 || res.SingleBytes > 2000 {
		t.Errorf("single read %.0f B", res.SingleBytes)
	}
	md := RetainedMarkdown(res)
	for _, want := range []string{"2012 items", "one read per job per tick"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	// Both ratios against the baseline, judged by the targets of
	// targets.json.
	for _, tg := range RetainedTargets(res)[:2] {
		if !tg.Run || !strings.Contains(tg.Measured, "×") {
			t.Errorf("target %q not measured: %+v", tg.Goal, tg)
		}
	}
}

// syntheticRetained is a retained-jobs result of 100 waits over 10 ticks:
// the cost-aware run makes jobReads single reads and two list reads and
// receives 3 MB (over 2× the baseline's 0.6 MB); the run without retained
// jobs reads the list every tick (100× fewer requests than the baseline).
func syntheticRetained(jobReads int) *RetainedResult {
	mr := func(retained, jobReads, lists int, bytes int64) RetainedRun {
		return RetainedRun{Name: "x", ManyResult: &ManyResult{Jobs: 100, Retained: retained, JobReads: jobReads, ListReads: lists, Bytes: bytes, Scale: 2, ListReadMs: 400, ListReadKB: 600}}
	}
	return &RetainedResult{Runs: []RetainedRun{mr(0, 0, 10, 1e6), mr(1000, jobReads, 2, 3e6), mr(1000, 0, 10, 9e6)}, Ticks: 10, SingleBytes: 600}
}

func TestRetainedTargets(t *testing.T) {
	got := map[string]bool{}
	for _, x := range RetainedTargets(syntheticRetained(50)) {
		if !x.Run {
			t.Errorf("%q not run", x.Goal)
		}
		got[x.Goal] = x.Pass
	}
	want := map[string]bool{
		"1,000 waits, 10,000 retained jobs: requests ≤ 0.1× one read per job per tick":         true, // 52 of 1000
		"1,000 waits, 10,000 retained jobs: bytes received ≤ 2× one read per job per tick":     false,
		"1,000 waits, no retained jobs: ≥ 1000× fewer requests than one read per job per tick": false,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for _, x := range RetainedTargets(nil) {
		if x.Run {
			t.Errorf("%q run without a run", x.Goal)
		}
	}
}
