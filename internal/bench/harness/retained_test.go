package harness

import (
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
	for _, want := range []string{"target ≤ 0.1", "target ≤ 2", "2012 items", "one read per job per tick"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}
