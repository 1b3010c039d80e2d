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

// defaultRequestBytes is what the library's cost model counts a request
// as (PollPolicy.BatchRequestBytes 0: 64 KiB).
const defaultRequestBytes = 64 << 10

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

// learntAnalysis writes what stands in the way of each missed learnt-durations target,
// from the figures of the run.
func (r *Report) learntAnalysis(b *strings.Builder) {
	var missed []Target
	for _, t := range LearntTargets(r.Single, r.Repeat, r.Retained) {
		if t.Run && !t.Pass {
			missed = append(missed, t)
		}
	}
	if len(missed) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("### What stands in the way (learnt durations)\n\n")
	has := func(s string) bool {
		for _, t := range missed {
			if strings.Contains(t.Goal, s) {
				return true
			}
		}
		return false
	}
	for _, c := range []daastest.ProgressCurve{daastest.ProgressNone, daastest.ProgressSteps} {
		if !has(fmt.Sprintf("repeat jobs, %s progress, with history: median", c)) && !has(fmt.Sprintf("repeat jobs, %s progress, with history: p95", c)) {
			continue
		}
		h, _ := findRepeat(r.Repeat, c, repeatHistory)
		var bands []string
		for _, bd := range h.Bands {
			if bd.Jobs == 0 {
				continue
			}
			span := bd.Span()
			bands = append(bands, fmt.Sprintf("%s (%d jobs) %.2f%% / %.2f%%", span, bd.Jobs, bd.MedianPct, bd.P95Pct))
		}
		p("- **Repeat jobs, %s progress: median %.2f%%, p95 %.2f%% of the job, worst job %+d polls against Citrix.** ", c, h.MedianPct, h.P95Pct, h.MaxOverCitrix)
		p("Median / p95 by job duration: %s. ", strings.Join(bands, ", "))
		p("The long jobs meet the targets; the short ones carry the overall figures, for two reasons. ")
		p("The first read comes MinInterval (1 s) after the request and every later one at least 1 s after the one before, so a job of a few seconds found up to 1 s late is tens of percent late whatever the schedule. ")
		p("And the read budget: with history a wait makes at most 2 reads more than the first-seen schedule (1, 3, 7, 15, 31 s, then every 30 s) and at most 3 more than Citrix's SDK (0, 10, 20, 30, 60 s, …) by any time; ")
		p("before the shortest duration seen it reads as the first-seen schedule does (a job that fails fast is not left unread), so a type of 10–60 s jobs, whose 20 durations spread about 3× (σ = 0.3), keeps 3 to 5 reads for that spread: steps of 25–45%% of the time run. ")
		p("Meeting the p95 there takes about two reads more per job than the budget allows, or no reads before the shortest duration seen.\n")
	}
	for _, c := range []daastest.ProgressCurve{daastest.ProgressLinear, daastest.ProgressSteps, daastest.ProgressNone} {
		if !has(fmt.Sprintf("first-seen jobs, %s progress", c)) {
			continue
		}
		d, f := r.defaultAndFirstSeen(c)
		var base FirstSeenBaseline
		for _, x := range FirstSeenBaselines() {
			if x.Curve == c {
				base = x
			}
		}
		p("- **First-seen jobs, %s progress: %.2f%% / p95 %.2f%% against %.2f%% / %.2f%% on %s.** ", c, f.MedianPct, f.P95Pct, base.MedianPct, base.P95Pct, goals().FirstSeenBaseline.Date)
		p("The first-seen schedule (no history) is the code of that run; what differs is the run: %s. ", r.noiseNote())
		p("In the same run daas default, which learns the durations of the jobs that ended before, has %.2f%% / %.2f%%.\n", d.MedianPct, d.P95Pct)
	}
	for _, c := range []daastest.ProgressCurve{daastest.ProgressLinear, daastest.ProgressSteps, daastest.ProgressNone} {
		if !has(fmt.Sprintf("does not predict (single jobs, one type spread 900×), %s", c)) {
			continue
		}
		d, f := r.defaultAndFirstSeen(c)
		p("- **History that does not predict, %s progress: daas default %.2f%% against first-seen %.2f%% (%.1f against %.1f polls per job).** ", c, d.MedianPct, f.MedianPct, d.PollsMean, f.PollsMean)
		p("In the single-job workload every job is of one type whose durations spread 900×, and a wait learns from the jobs that ended before it started, the short ones first: its bounds are not the distribution of its own job. In this run %s.\n", r.noiseNote())
	}
	if has("no retained jobs: ≥ 1000× fewer") {
		n, base := r.Retained.Runs[0], r.Retained.BaselineRequests()
		single := r.Retained.SingleBytes
		worth := (defaultRequestBytes + n.ListReadKB*1024) / (defaultRequestBytes + single)
		p("- **No retained jobs: %.0f× fewer requests.** The cost-aware poller read %d jobs by themselves besides its %d list reads: a list of %.0f KB costs as much, under the cost model, as about %.0f single reads (64 KiB a request + %.0f B each), so when fewer waiters than that are due (the last ones still running) it reads their own jobs and receives fewer bytes. One read per job per tick takes %d requests; the list reads alone are %.0f× fewer.\n",
			float64(base)/float64(max(n.Requests(), 1)), n.JobReads, n.ListReads, n.ListReadKB, worth, single, base, float64(base)/float64(max(n.ListReads, 1)))
	}
	if has("bytes received ≤ 2×") {
		c := r.Retained.Runs[1]
		p("- **Retained jobs: %.2f× the bytes.** Each list read carries %d jobs (%.0f KB) and took %.0f ms of real time, %.1f s of service time at ×%g against MinInterval 1 s: ",
			float64(c.Bytes)/r.Retained.BaselineBytes(), c.Retained+c.Jobs, c.ListReadKB, c.ListReadMs, c.ListReadMs*c.Scale/1000, c.Scale)
		p("a list that slow leaves every waiter it served due again at once, all of them count as due and the model reads the list again. The model weighs requests against bytes, not against the time a list takes.\n")
	}
	p("\n")
}

// defaultAndFirstSeen returns the single-job rows of daas default and daas
// first-seen under curve c, over all durations.
func (r *Report) defaultAndFirstSeen(c daastest.ProgressCurve) (d, f SingleRow) {
	rows := r.Single.Rows()
	d, _ = findRow(rows, c, DaasDefault().Name, AllBuckets)
	f, _ = findRow(rows, c, DaasFirstSeen().Name, AllBuckets)
	return d, f
}

// noiseNote is the timing noise of the single-job run, as text.
func (r *Report) noiseNote() string {
	if r.Single == nil {
		return "no single-job run"
	}
	med, p95, n := r.Single.Noise()
	return fmt.Sprintf("at ×%g every millisecond a timer fires late shows as %g ms of service time (measured on the fixed schedules, %d waits: median %+.2f s, p95 %+.2f s), and the load average was %s before and %s after",
		r.Single.Config.Scale, r.Single.Config.Scale, n, med, p95, r.LoadBefore, r.LoadAfter)
}

// repeatSection writes section 4, the repeat-jobs workload.
func (r *Report) repeatSection(b *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## 4. Repeat jobs: learnt durations\n\n")
	p("%d job types, medians log-uniform 2 s–30 min; each type's durations log-normal around its median, σ = 0.3; one job of each type is waited for, by a fresh client per job and policy: ", r.Repeat[0].Jobs)
	p("**daas first-seen** (DefaultPollPolicy, nothing learnt), **daas with history** (the same policy, the client loaded by `WithPollStats` with 20 earlier durations of the type) and **Citrix SDK**'s schedule. Time scale ×%g, batch reads off.\n\n", r.RepeatScale)
	b.WriteString(RepeatMarkdown(r.Repeat))
	p("\nHow the learnt schedule works (internal/poll: stats.go; schedule.go `Schedule.Next`, `learntNext`, `geometric`, `floorAt`): per job type the client keeps the last 32 durations (StartedAt, else CreatedAt, to EndedAt of jobs that ended Complete or CompleteWithWarning), at most 64 types (the least recently fed evicted); a wait keeps only the type's shortest (lo) and longest (hi) duration. ")
	p("With ≥ 8 durations, after the first read shows the type, the reads between lo and hi are placed geometrically: from the time the job has run e, the next read is at e·r with r = (hi/e)^(1/n), n the reads the budget leaves up to hi, so that a job that ends just after a read is found at most (r−1)·100%% of its duration late wherever in the spread it ends. ")
	p("The budget: the wait's k-th read comes neither before the (k−2)-th read of the first-seen schedule nor before the (k−3)-th of the reference schedule (at once, then every MaxInterval/3 up to MaxInterval, then every MaxInterval: Citrix's SDK with the default policy); progress-aimed reads obey it too. ")
	p("Below lo the wait reads no later than the first-seen schedule would; past hi the step grows by Multiplier from the last rung. With progress the sooner of the progress aim and the ladder's read wins, and once the progress step is known the ladder starts at the earliest finish the progress allows. `internal/poll/schedule_test.go` pins the maths with exact times and `TestLearntScheduleBudget` the budget.\n\n")
}

// retainedSection writes section 5, batch reads with retained jobs.
func (r *Report) retainedSection(b *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## 5. Batch reads with retained jobs\n\n")
	b.WriteString(RetainedMarkdown(r.Retained))
	p("\nThe cost model (internal/poll/cost.go; package documentation, \"Progress and the poll schedule\"): cost = requests × `BatchRequestBytes` (64 KiB unless set) + bytes received. ")
	p("When a batched waiter is due the poller compares one list read (64 KiB + the last list's size) with the single reads of the waiters due within MinInterval (64 KiB + a single answer each) and takes the cheaper; after single reads worth 20 list reads the list is read again to measure it. ")
	p("The workload runs at ×%g, not at the many-jobs ×%g: a list read's own latency is real time, which the scale magnifies (see \"What stands in the way\" when the bytes target is missed).\n\n", r.Retained.Runs[1].Scale, r.manyScale())
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
