package harness

import (
	"encoding/json"
	"fmt"
	"strings"
)

// FrontierPoint is one policy under one progress curve over one set of
// jobs of the exact simulation: what its waits cost (reads per job)
// against how late they saw their jobs end.
type FrontierPoint struct {
	Workload    string  `json:"workload"` // the set of jobs: "mix" or "types" (BandMix, BandTypes)
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

// FrontierPoints collects the points of the exact simulation's mix and
// job types: every policy under every curve.
func FrontierPoints(x *ExactResult) []FrontierPoint {
	var pts []FrontierPoint
	for _, r := range x.Rows {
		if r.Band != BandMix && r.Band != BandTypes {
			continue
		}
		pts = append(pts, FrontierPoint{Workload: r.Band, Curve: r.Curve.String(), Policy: r.Policy, Daas: strings.HasPrefix(r.Policy, "daas"),
			Jobs: r.Jobs, PollsPerJob: r.Reads, MedianPct: r.MedianPct, P95Pct: r.P95Pct})
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

// frontierSection writes section 2, the frontier picture and where the
// library's schedules stand against the anchors.
func (r *Report) frontierSection(b *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## 2. The frontier: reads per job against median delay\n\n")
	p("![Reads per job against median detection delay, per progress curve and policy](docs/frontier.svg)\n\n")
	p("The mix and job-type rows of section 1, written to [docs/frontier.json](docs/frontier.json); `cd internal/bench/frontier && GOWORK=off go run .` draws [docs/frontier.svg](docs/frontier.svg) from them with gonum.org/v1/plot (a module of its own, so the library's importers never see it). ")
	p("The four daas settings move one knob of `DefaultPollPolicy` each (Multiplier 1.5 or 3, MaxInterval 10 s or 2 min); job-type points are drawn as rings.\n\n")
	for _, c := range []string{"linear", "steps", "none"} {
		var anchors []FrontierPoint
		for _, pt := range r.Frontier {
			if pt.Workload == BandMix && pt.Curve == c && !pt.Daas {
				anchors = append(anchors, pt)
			}
		}
		for _, pt := range r.Frontier {
			if pt.Workload != BandMix || pt.Curve != c || (pt.Policy != DaasDefault().Name && pt.Policy != DaasFirstSeen().Name) {
				continue
			}
			var better []string
			for _, a := range anchors {
				if a.MedianPct < pt.MedianPct && a.PollsPerJob <= pt.PollsPerJob {
					better = append(better, a.Policy)
				}
			}
			verdict := "no anchor is both sooner and cheaper"
			if len(better) > 0 {
				verdict = strings.Join(better, ", ") + " both sooner and cheaper"
			}
			p("- **%s**, %s: %.2f%% at %.2f reads per job; %s.\n", c, pt.Policy, pt.MedianPct, pt.PollsPerJob, verdict)
		}
	}
	p("\n")
}
