package harness

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/daaskit/daas/daastest"
)

// The README's figures: the region between FiguresStart and FiguresEnd in
// README.md is written by the run that writes BENCHMARKS.md, so that the
// two never disagree.
const (
	FiguresStart = "<!-- bench:figures -->"
	FiguresEnd   = "<!-- /bench:figures -->"
)

// SpliceFigures returns readme with the text between its figure markers
// replaced by figures; every byte outside the markers is kept. The markers
// must each appear once, the start before the end.
func SpliceFigures(readme, figures string) (string, error) {
	if strings.Count(readme, FiguresStart) != 1 || strings.Count(readme, FiguresEnd) != 1 {
		return "", fmt.Errorf("README: want %s and %s once each", FiguresStart, FiguresEnd)
	}
	i, j := strings.Index(readme, FiguresStart), strings.Index(readme, FiguresEnd)
	if j < i {
		return "", errors.New("README: the figures' end marker comes before their start")
	}
	return readme[:i+len(FiguresStart)] + "\n" + figures + readme[j:], nil
}

// READMEFigures renders the README's figure region: the frontier picture,
// the table of headline figures of this run and a paragraph naming the run
// and the targets it missed.
func (r *Report) READMEFigures() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	if r.Frontier != nil {
		p("[![Polls per job against median detection delay, per progress curve and policy](docs/frontier.svg)](BENCHMARKS.md#6-the-frontier-polls-per-job-against-median-delay)\n\n")
	}
	p("Measured figures from the run in BENCHMARKS.md (%s, %s, %d cores, %s), the daas default policy against Citrix's own SDK schedule and, for the call overhead, a hand-written `net/http` + `encoding/json` client:\n\n",
		r.Date.UTC().Format("2006-01-02"), r.Machine.CPU, r.Machine.Cores, r.Machine.Go)
	p("| Figure | daas | Citrix schedule / baseline |\n| --- | ---: | ---: |\n")
	if r.Single != nil {
		rows := r.Single.Rows()
		var polls, cpolls, over []string
		for _, c := range []daastest.ProgressCurve{daastest.ProgressLinear, daastest.ProgressSteps, daastest.ProgressNone} {
			d, ok1 := findRow(rows, c, DaasDefault().Name, AllBuckets)
			x, ok2 := findRow(rows, c, CitrixSDK().Name, AllBuckets)
			if !ok1 || !ok2 || d.N == 0 || x.N == 0 {
				continue
			}
			p("| Median detection delay, %s | %.2f s (%.2f%% of the job); Citrix ÷ daas %.1f× | %.2f s |\n", curvePhrase(c), d.MedianS, d.MedianPct, x.MedianS/d.MedianS, x.MedianS)
			polls = append(polls, fmt.Sprintf("%.1f", d.PollsMean))
			cpolls = append(cpolls, fmt.Sprintf("%.1f", x.PollsMean))
			over = append(over, fmt.Sprintf("%+d", d.ExcessMax))
		}
		if f, ok := findRow(rows, daastest.ProgressNone, DaasFirstSeen().Name, AllBuckets); ok && f.N > 0 {
			p("| Median detection delay, no progress, nothing learnt (a client per job) | %.2f s (%.2f%%) | – |\n", f.MedianS, f.MedianPct)
		}
		p("| Polls per job, mean (linear / steps / none) | %s | %s |\n", strings.Join(polls, " / "), strings.Join(cpolls, " / "))
		p("| Polls per job, worst job against Citrix's (linear / steps / none; target ≤ +3) | %s | – |\n", strings.Join(over, " / "))
	}
	for _, m := range r.Many {
		if m.Batch {
			p("| %d concurrent waits, status reads (batch mode against one read per job per tick) | %d | %d |\n", m.Jobs, m.Requests(), m.Jobs*m.ListReads)
		}
	}
	if ret := r.Retained; ret != nil && len(ret.Runs) >= 3 && ret.BaselineRequests() > 0 {
		c, all := ret.Runs[1], ret.Runs[2]
		p("| %d concurrent waits on a client with %d retained jobs (each `GET /Jobs` %.1f MB): requests / MB received | %d / %.1f MB (%.3f× / %.2f× the baseline); list every tick: %d / %.1f MB | one read per job per tick: %d / %.1f MB |\n",
			c.Jobs, c.Retained, c.ListReadKB*1024/1e6, c.Requests(), float64(c.Bytes)/1e6, float64(c.Requests())/float64(ret.BaselineRequests()), float64(c.Bytes)/ret.BaselineBytes(),
			all.Requests(), float64(all.Bytes)/1e6, ret.BaselineRequests(), ret.BaselineBytes()/1e6)
	}
	if len(r.Many) == 2 {
		on, off := r.Many[0], r.Many[1]
		if !on.Batch {
			on, off = off, on
		}
		p("| Heap per waiting job, batch on / off | %.0f B / %.0f B | – |\n", on.HeapPerJob, off.HeapPerJob)
	}
	for _, o := range r.Overhead {
		if o.Client != "daas SDK" || o.Server != "fake" {
			continue
		}
		for _, x := range r.Overhead {
			if x.Client != o.Client && x.Server == o.Server {
				p("| List of %d catalogs against the fake, ratio to the baseline: CPU / ns / allocs / bytes per call | %s / %s / %s / %s | 1.00× |\n",
					OverheadCatalogs, rt(o.CPUPerOp, x.CPUPerOp), rt(o.NsPerOp, x.NsPerOp), rt(o.Allocs, x.Allocs), rt(o.BPerOp, x.BPerOp))
			}
		}
	}
	for _, c := range []daastest.ProgressCurve{daastest.ProgressNone, daastest.ProgressSteps} {
		h, ok1 := findRepeat(r.Repeat, c, repeatHistory)
		x, ok2 := findRepeat(r.Repeat, c, CitrixSDK().Name)
		if !ok1 || !ok2 {
			continue
		}
		p("| Repeat jobs (20 earlier jobs of the type seen, σ = 0.3), %s: median / p95 delay, %% of the job; polls per job, worst job against Citrix's | %.2f%% / %.2f%%; %.1f, %+d | %.2f%% / %.2f%%; %.1f |\n",
			curvePhrase(c), h.MedianPct, h.P95Pct, h.PollsMean, h.MaxOverCitrix, x.MedianPct, x.P95Pct, x.PollsMean)
	}
	var missed []string
	for _, t := range append(Targets(r.Single, r.Many, r.Overhead), Targets16(r.Single, r.Repeat, r.Retained)...) {
		if t.Run && !t.Pass {
			missed = append(missed, t.Goal)
		}
	}
	p("\nEvery figure above comes from one run of `%s` (%s wall on this machine), which writes BENCHMARKS.md, [docs/frontier.json](docs/frontier.json) and this table; `cd internal/bench/frontier && GOWORK=off go run .` then redraws the picture. ", r.Command, r.Wall.Round(time.Second))
	if len(missed) == 0 {
		p("Every target was met.\n")
	} else {
		p("Missed targets, each explained with its figures in BENCHMARKS.md (\"What stands in the way\"): %s.\n", strings.Join(missed, "; "))
	}
	return b.String()
}

// curvePhrase names a progress curve in a sentence.
func curvePhrase(c daastest.ProgressCurve) string {
	switch c {
	case daastest.ProgressLinear:
		return "linear progress"
	case daastest.ProgressSteps:
		return "progress in 25% steps"
	}
	return "no progress"
}
