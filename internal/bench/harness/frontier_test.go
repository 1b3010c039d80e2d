package harness

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

// The frontier's policies: the workload's and four daas settings, each a
// library policy with one knob moved.
func TestFrontierPolicies(t *testing.T) {
	pols := FrontierPolicies()
	if len(pols) != len(Policies())+4 {
		t.Fatalf("%d policies", len(pols))
	}
	def := DaasDefault().Lib
	for _, p := range pols[len(Policies()):] {
		if !p.IsLib() || !strings.HasPrefix(p.Name, "daas ") {
			t.Errorf("%s: not a daas setting", p.Name)
			continue
		}
		if (p.Lib.Multiplier != def.Multiplier) == (p.Lib.MaxInterval != def.MaxInterval) {
			t.Errorf("%s: Multiplier %g, MaxInterval %v: want exactly one moved", p.Name, p.Lib.Multiplier, p.Lib.MaxInterval)
		}
	}
}

// One point per policy and curve from the rows over all durations, the
// repeat rows after them, and JSON that keeps them.
func TestFrontierPoints(t *testing.T) {
	res := &SingleResult{
		Config:    SingleConfig{Curves: []daastest.ProgressCurve{daastest.ProgressNone}, Policies: []Policy{DaasDefault(), CitrixSDK()}},
		Durations: []time.Duration{10 * time.Second, 100 * time.Second},
	}
	for i, d := range res.Durations {
		res.Jobs = append(res.Jobs,
			JobResult{Policy: "daas default", Curve: daastest.ProgressNone, Index: i, Duration: d, Delay: d / 10, Polls: 4},
			JobResult{Policy: "Citrix SDK", Curve: daastest.ProgressNone, Index: i, Duration: d, Delay: d / 5, Polls: 6})
	}
	pts := FrontierPoints(res, []RepeatRow{{Curve: daastest.ProgressSteps, Policy: "daas with history", Jobs: 3, PollsMean: 7, MedianPct: 2}})
	if len(pts) != 3 {
		t.Fatalf("%d points: %+v", len(pts), pts)
	}
	want := []FrontierPoint{
		{Workload: "single", Curve: "none", Policy: "daas default", Daas: true, Jobs: 2, PollsPerJob: 4, MedianPct: 10, P95Pct: 10},
		{Workload: "single", Curve: "none", Policy: "Citrix SDK", Jobs: 2, PollsPerJob: 6, MedianPct: 20, P95Pct: 20},
		{Workload: "repeat", Curve: "steps", Policy: "daas with history", Daas: true, Jobs: 3, PollsPerJob: 7, MedianPct: 2},
	}
	for i := range want {
		if pts[i] != want[i] {
			t.Errorf("point %d = %+v, want %+v", i, pts[i], want[i])
		}
	}
	b, err := FrontierJSON(&Frontier{Command: "c", Date: "d", Points: pts})
	if err != nil {
		t.Fatal(err)
	}
	var back Frontier
	if err := json.Unmarshal(b, &back); err != nil || len(back.Points) != 3 || back.Points[2] != want[2] {
		t.Errorf("JSON round trip: %v %+v", err, back)
	}
	if md := FrontierMarkdown(pts); !strings.Contains(md, "| single | none | Citrix SDK | 2 | 6.0 | 20.00 | 20.00 |") {
		t.Errorf("table:\n%s", md)
	}
}
