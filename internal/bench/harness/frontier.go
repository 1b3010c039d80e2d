package harness

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/daaskit/daas"
)

// FrontierPolicies are the policies of the frontier picture (learnt durations):
// those of the single-job workload and four settings of the library's
// policy, one knob moved at a time, so that the picture shows what
// Multiplier and MaxInterval trade.
func FrontierPolicies() []Policy {
	variant := func(name string, mult float64, maxInterval time.Duration) Policy {
		p := daas.DefaultPollPolicy()
		p.Multiplier, p.MaxInterval = mult, maxInterval
		return Policy{Name: name, Desc: fmt.Sprintf("DefaultPollPolicy with Multiplier %g and MaxInterval %v", mult, maxInterval), Lib: &p}
	}
	return append(Policies(),
		variant("daas ×1.5", 1.5, 30*time.Second),
		variant("daas ×3", 3, 30*time.Second),
		variant("daas max 10 s", 2, 10*time.Second),
		variant("daas max 2 min", 2, 2*time.Minute),
	)
}

// FrontierPoint is one policy under one progress curve: what its waits
// cost (polls per job) against how late they saw their jobs end.
type FrontierPoint struct {
	Workload    string  `json:"workload"` // "single" (the single-job workload) or "repeat" (repeat jobs)
	Curve       string  `json:"curve"`    // linear, steps, none
	Policy      string  `json:"policy"`
	Daas        bool    `json:"daas"` // a setting of this library
	Jobs        int     `json:"jobs"`
	PollsPerJob float64 `json:"pollsPerJob"`
	MedianPct   float64 `json:"medianPct"` // median detection delay, % of the job
	P95Pct      float64 `json:"p95Pct"`
}

// Frontier is what the picture is drawn from.
type Frontier struct {
	Command string          `json:"command"`
	Date    string          `json:"date"`
	Points  []FrontierPoint `json:"points"`
}

// FrontierPoints collects the points of a single-job run (every policy,
// all durations) and of a repeat-jobs run (nil for none).
func FrontierPoints(single *SingleResult, repeat []RepeatRow) []FrontierPoint {
	lib := map[string]bool{}
	for _, p := range single.Config.Policies {
		lib[p.Name] = p.IsLib()
	}
	var pts []FrontierPoint
	for _, r := range single.Rows() {
		if r.Bucket != AllBuckets || r.N == 0 {
			continue
		}
		pts = append(pts, FrontierPoint{Workload: "single", Curve: r.Curve.String(), Policy: r.Policy, Daas: lib[r.Policy],
			Jobs: r.N, PollsPerJob: r.PollsMean, MedianPct: r.MedianPct, P95Pct: r.P95Pct})
	}
	for _, r := range repeat {
		pts = append(pts, FrontierPoint{Workload: "repeat", Curve: r.Curve.String(), Policy: r.Policy, Daas: strings.HasPrefix(r.Policy, "daas"),
			Jobs: r.Jobs, PollsPerJob: r.PollsMean, MedianPct: r.MedianPct, P95Pct: r.P95Pct})
	}
	return pts
}

// FrontierJSON encodes f, indented, for docs/frontier.json.
func FrontierJSON(f *Frontier) ([]byte, error) {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// FrontierMarkdown is the points as a table.
func FrontierMarkdown(pts []FrontierPoint) string {
	var b strings.Builder
	b.WriteString("| workload | progress | policy | jobs | polls/job | median delay (% of job) | p95 (%) |\n|---|---|---|---:|---:|---:|---:|\n")
	for _, p := range pts {
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %.1f | %.2f | %.2f |\n", p.Workload, p.Curve, p.Policy, p.Jobs, p.PollsPerJob, p.MedianPct, p.P95Pct)
	}
	return b.String()
}
