package harness

import (
	"fmt"
	"strings"

	"github.com/daaskit/daas/daastest"
)

// The learnt-durations part of the report: its targets, what stands in the way of
// the missed ones, and the sections of the repeat-jobs, retained-jobs and
// frontier workloads.

// FirstSeenBaseline is the single-job figure of the daas default policy in the run
// of 2026-11-28 (before the learnt schedule): the baseline of
// the target "first-seen jobs no worse than today's figures on any curve".
type FirstSeenBaseline struct {
	Curve             daastest.ProgressCurve
	MedianPct, P95Pct float64
}

// FirstSeenBaselines are the figures of an earlier run (targets.json:
// first_seen_baseline), which the first-seen schedule must not fall behind.
func FirstSeenBaselines() []FirstSeenBaseline {
	b := goals().FirstSeenBaseline
	var out []FirstSeenBaseline
	for _, c := range []daastest.ProgressCurve{daastest.ProgressLinear, daastest.ProgressSteps, daastest.ProgressNone} {
		out = append(out, FirstSeenBaseline{c, b.MedianPct[c.String()], b.P95Pct[c.String()]})
	}
	return out
}

// findRepeat returns the repeat-jobs row of policy under curve.
func findRepeat(rows []RepeatRow, curve daastest.ProgressCurve, policy string) (RepeatRow, bool) {
	for _, r := range rows {
		if r.Curve == curve && r.Policy == policy {
			return r, true
		}
	}
	return RepeatRow{}, false
}

// repeatHistory is the name of the repeat-jobs policy with history.
const repeatHistory = "daas with history"

// LearntTargets evaluates the targets of the learnt durations against what was run (nil or
// empty for a workload that was not).
func LearntTargets(single *SingleResult, repeat []RepeatRow, retained *RetainedResult) []Target {
	var ts []Target
	gs := goals()
	add := func(goal string, run bool, measured string, pass bool, margin string) {
		ts = append(ts, Target{Goal: goal, Run: run, Measured: measured, Pass: pass, Margin: margin})
	}
	for _, g := range []struct {
		curve  daastest.ProgressCurve
		p95    bool
		limit  float64
		budget bool
	}{
		{daastest.ProgressNone, false, gs.Repeat.MedianPct["none"], false},
		{daastest.ProgressNone, true, gs.Repeat.P95Pct["none"], false},
		{daastest.ProgressNone, false, 0, true},
		{daastest.ProgressSteps, false, gs.Repeat.MedianPct["steps"], false},
		{daastest.ProgressSteps, true, gs.Repeat.P95Pct["steps"], false},
	} {
		r, ok := findRepeat(repeat, g.curve, repeatHistory)
		switch {
		case g.budget:
			maxOver := gs.Repeat.PollsOverCitrix
			goal := fmt.Sprintf("repeat jobs, %s progress, with history: polls never more than Citrix's schedule needs + %d (same job)", g.curve, maxOver)
			if !ok {
				add(goal, false, "", false, "")
				continue
			}
			pass, margin := le(float64(r.MaxOverCitrix), float64(maxOver))
			if r.MaxOverCitrix <= 0 {
				margin = "no job over Citrix's"
			}
			add(goal, true, fmt.Sprintf("worst job %+d polls against Citrix; %.1f polls per job against %s", r.MaxOverCitrix, r.PollsMean, citrixPolls(repeat, g.curve)), pass, margin)
		default:
			what, v := "median", r.MedianPct
			if g.p95 {
				what, v = "p95", r.P95Pct
			}
			goal := fmt.Sprintf("repeat jobs, %s progress, with history: %s detection delay ≤ %g%% of the job", g.curve, what, g.limit)
			if !ok {
				add(goal, false, "", false, "")
				continue
			}
			pass, margin := le(v, g.limit)
			add(goal, true, fmt.Sprintf("%.2f%% (%d jobs)", v, r.Jobs), pass, margin)
		}
	}
	var rows []SingleRow
	if single != nil {
		rows = single.Rows()
	}
	for _, b := range FirstSeenBaselines() {
		goal := fmt.Sprintf("first-seen jobs, %s progress: median and p95 no worse than on %s (%.2f%% / %.2f%%)", b.Curve, gs.FirstSeenBaseline.Date, b.MedianPct, b.P95Pct)
		r, ok := findRow(rows, b.Curve, DaasFirstSeen().Name, AllBuckets)
		if !ok || r.N == 0 {
			add(goal, false, "", false, "")
			continue
		}
		pass := r.MedianPct <= b.MedianPct && r.P95Pct <= b.P95Pct
		margin := fmt.Sprintf("median %.3g×, p95 %.3g× the baseline", r.MedianPct/b.MedianPct, r.P95Pct/b.P95Pct)
		add(goal, true, fmt.Sprintf("daas first-seen (a client per job): %.2f%% / %.2f%%", r.MedianPct, r.P95Pct), pass, margin)
	}
	for _, c := range []daastest.ProgressCurve{daastest.ProgressLinear, daastest.ProgressSteps, daastest.ProgressNone} {
		goal := fmt.Sprintf("history that does not predict (single jobs, one type spread 900×), %s progress: median no worse than first-seen in the same run", c)
		d, ok1 := findRow(rows, c, DaasDefault().Name, AllBuckets)
		f, ok2 := findRow(rows, c, DaasFirstSeen().Name, AllBuckets)
		if !ok1 || !ok2 || d.N == 0 || f.N == 0 {
			add(goal, false, "", false, "")
			continue
		}
		pass, margin := le(d.MedianPct, f.MedianPct)
		add(goal, true, fmt.Sprintf("daas default %.2f%% (p95 %.2f%%) against first-seen %.2f%% (p95 %.2f%%)", d.MedianPct, d.P95Pct, f.MedianPct, f.P95Pct), pass, margin)
	}
	rg := gs.Retained
	goals := []string{
		fmt.Sprintf("1,000 waits, 10,000 retained jobs: requests ≤ %g× one read per job per tick", rg.RequestsRatio),
		fmt.Sprintf("1,000 waits, 10,000 retained jobs: bytes received ≤ %g× one read per job per tick", rg.BytesRatio),
		fmt.Sprintf("1,000 waits, no retained jobs: ≥ %g× fewer requests than one read per job per tick", rg.TimesFewerWithout),
	}
	if retained == nil || len(retained.Runs) < 2 || retained.BaselineRequests() == 0 {
		for _, g := range goals {
			add(g, false, "", false, "")
		}
		return ts
	}
	c, none := retained.Runs[1], retained.Runs[0]
	req := float64(c.Requests()) / float64(retained.BaselineRequests())
	pass, margin := le(req, rg.RequestsRatio)
	add(goals[0], true, fmt.Sprintf("%d requests against %d: %.3f×", c.Requests(), retained.BaselineRequests(), req), pass, margin)
	by := float64(c.Bytes) / retained.BaselineBytes()
	pass, margin = le(by, rg.BytesRatio)
	add(goals[1], true, fmt.Sprintf("%.1f MB against %.1f MB: %.2f×", float64(c.Bytes)/1e6, retained.BaselineBytes()/1e6, by), pass, margin)
	base := retained.BaselineRequests()
	fewer := float64(base) / float64(max(none.Requests(), 1))
	pass = fewer >= rg.TimesFewerWithout
	margin = fmt.Sprintf("%.2g× the goal", fewer/rg.TimesFewerWithout)
	add(goals[2], true, fmt.Sprintf("%d requests against %d: %.0f× fewer", none.Requests(), base, fewer), pass, margin)
	return ts
}

// citrixPolls is the Citrix row's polls per job, as text.
func citrixPolls(repeat []RepeatRow, curve daastest.ProgressCurve) string {
	if r, ok := findRepeat(repeat, curve, CitrixSDK().Name); ok {
		return fmt.Sprintf("Citrix's %.1f", r.PollsMean)
	}
	return "Citrix's (not run)"
}

// learntTargets writes the learnt-durations targets table.
func (r *Report) learntTargets(b *strings.Builder) {
	if r.Repeat == nil && r.Retained == nil && r.Single == nil {
		return
	}
	fmt.Fprintf(b, "## Targets (learnt durations)\n\n")
	targetTable(b, LearntTargets(r.Single, r.Repeat, r.Retained))
}

// repeatSection writes section 4, the repeat-jobs workload.
func (r *Report) repeatSection(b *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## 4. Repeat jobs: learnt durations\n\n")
	p("%d job types, medians log-uniform 2 s–30 min; each type's durations log-normal around its median, σ = 0.3; one job of each type is waited for, by a fresh client per job and policy: ", r.Repeat[0].Jobs)
	p("**daas first-seen** (DefaultPollPolicy, nothing learnt), **daas with history** (the same policy, the client loaded by `WithPollStats` with 20 earlier durations of the type) and **Citrix SDK**'s schedule. Time scale ×%g, batch reads off.\n\n", r.RepeatScale)
	b.WriteString(RepeatMarkdown(r.Repeat))
	p("\nHow the learnt schedule places its reads, and the budget it keeps: docs/polling.md, \"Learnt durations\"; the exact simulation above measures it against the limit.\n\n")
}

// retainedSection writes section 5, batch reads with retained jobs.
func (r *Report) retainedSection(b *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## 5. Batch reads with retained jobs\n\n")
	b.WriteString(RetainedMarkdown(r.Retained))
	p("\nThe cost model (internal/poll/cost.go; package documentation, \"Progress and the poll schedule\"): cost = requests × `BatchRequestBytes` (64 KiB unless set) + bytes received. ")
	p("When a batched waiter is due the poller compares one list read (64 KiB + the last list's size) with the single reads of the waiters due within MinInterval (64 KiB + a single answer each) and takes the cheaper; after single reads worth 20 list reads the list is read again to measure it. ")
	p("The workload runs at ×%g, not at the many-jobs ×%g: a list read's own latency is real time, which the scale magnifies.\n\n", r.Retained.Runs[1].Scale, r.manyScale())
}

func (r *Report) manyScale() float64 {
	if len(r.Many) > 0 {
		return r.Many[0].Scale
	}
	return 0
}

// frontierSection writes section 6, the frontier picture and its points.
func (r *Report) frontierSection(b *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## 6. The frontier: polls per job against median delay\n\n")
	p("![Polls per job against median detection delay, per progress curve and policy](docs/frontier.svg)\n\n")
	p("The points of sections 1 and 4 of this run, written to [docs/frontier.json](docs/frontier.json); `cd internal/bench/frontier && GOWORK=off go run .` draws [docs/frontier.svg](docs/frontier.svg) from them with gonum.org/v1/plot (a module of its own, so the library's importers never see it). ")
	p("The four daas settings move one knob of `DefaultPollPolicy` each (Multiplier 1.5 or 3, MaxInterval 10 s or 2 min); repeat-jobs points are drawn as rings.\n\n")
	b.WriteString(FrontierMarkdown(r.Frontier))
	p("\n")
	for _, c := range []string{"linear", "steps", "none"} {
		var d FrontierPoint
		var anchors []string
		below := true
		for _, pt := range r.Frontier {
			if pt.Workload != "single" || pt.Curve != c {
				continue
			}
			if pt.Policy == DaasDefault().Name {
				d = pt
			}
		}
		if d.Jobs == 0 {
			continue
		}
		for _, pt := range r.Frontier {
			if pt.Workload != "single" || pt.Curve != c || pt.Daas {
				continue
			}
			anchors = append(anchors, fmt.Sprintf("%s %.2f%% at %.1f", pt.Policy, pt.MedianPct, pt.PollsPerJob))
			if pt.MedianPct < d.MedianPct && pt.PollsPerJob <= d.PollsPerJob {
				below = false
			}
		}
		verdict := "no anchor is both sooner and cheaper"
		if !below {
			verdict = "some anchor is both sooner and cheaper"
		}
		p("- **%s**: daas default %.2f%% at %.1f polls per job; %s: %s.\n", c, d.MedianPct, d.PollsPerJob, strings.Join(anchors, ", "), verdict)
	}
	p("\n")
}
