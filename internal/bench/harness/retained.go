package harness

import (
	"context"
	"fmt"
	"strings"

	"github.com/daaskit/daas"
)

// RetainedConfig configures the retained-jobs workload (learnt durations): the
// many-jobs workload on a client that has run Retained jobs before, all
// finished and still in the service's retention window, so that every
// GET /Jobs carries them.
type RetainedConfig struct {
	Scale    float64 // fake time scale
	Jobs     int     // concurrent waits
	Retained int     // finished jobs seeded before the waits
	Seed     uint64
}

// RetainedRun is one row of the workload: a policy on a client with
// Retained earlier jobs.
type RetainedRun struct {
	Name string
	*ManyResult
}

// RetainedResult is the workload's runs and the baseline they are held to.
type RetainedResult struct {
	Runs []RetainedRun
	// Ticks is the list reads of the cost-aware policy with no retained
	// jobs: the ticks of batch mode, one read per job per tick being the
	// baseline (as in the many-jobs workload).
	Ticks int
	// SingleBytes is the mean body of a GET /Jobs/{id} answer, measured
	// in the cost-aware run with retained jobs.
	SingleBytes float64
}

// BaselineRequests is one read per job per tick: jobs × ticks.
func (r *RetainedResult) BaselineRequests() int { return r.Runs[0].Jobs * r.Ticks }

// BaselineBytes is what those reads receive: one single-read answer each.
func (r *RetainedResult) BaselineBytes() float64 {
	return float64(r.BaselineRequests()) * r.SingleBytes
}

// RunRetained runs the many-jobs workload three times: the library's
// default (cost-aware) policy with no retained jobs (today's batch ticks,
// the baseline's), the same with cfg.Retained retained jobs, and the list
// read whenever batching (BatchRequestBytes < 0: batch always) with them.
func RunRetained(ctx context.Context, cfg RetainedConfig) (*RetainedResult, error) {
	always := daas.DefaultPollPolicy()
	always.BatchRequestBytes = -1
	runs := []struct {
		name     string
		retained int
		pol      daas.PollPolicy
	}{
		{"daas (cost-aware), no retained jobs", 0, daas.DefaultPollPolicy()},
		{"daas (cost-aware)", cfg.Retained, daas.DefaultPollPolicy()},
		{"daas batch always (`BatchRequestBytes: -1`)", cfg.Retained, always},
	}
	res := &RetainedResult{}
	for _, r := range runs {
		m, err := RunMany(ctx, ManyConfig{Scale: cfg.Scale, Jobs: cfg.Jobs, Seed: cfg.Seed, Policy: r.pol, Retained: r.retained}, true)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.name, err)
		}
		res.Runs = append(res.Runs, RetainedRun{Name: r.name, ManyResult: m})
	}
	res.Ticks = res.Runs[0].ListReads
	if c := res.Runs[1]; c.JobReads > 0 {
		res.SingleBytes = float64(c.Bytes-c.ListBytes) / float64(c.JobReads)
	} else if c := res.Runs[0]; c.ListReads > 0 {
		res.SingleBytes = float64(c.ListBytes) / float64(c.ListReads) / float64(c.Jobs)
	}
	return res, nil
}

// RetainedMarkdown is the workload's section of the report.
func RetainedMarkdown(r *RetainedResult) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	c := r.Runs[1]
	p("%d concurrent waits of jobs of 45–75 s (the many-jobs workload, ×%g) on a client that ran %d jobs before, all finished and retained: GET /Jobs takes no filter and no page size, so each list read carries %d items. Bytes are the bodies of the status read answers.\n\n",
		c.Jobs, c.Scale, c.Retained, c.Retained+c.Jobs)
	p("| policy | retained jobs | status reads | GET /Jobs/{id} | GET /Jobs | MB received | KB per list read | ms per list read | delay median / p95 (s) | wall |\n")
	p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, m := range r.Runs {
		kb, ms := "–", "–"
		if m.ListReads > 0 {
			kb = fmt.Sprintf("%.0f", float64(m.ListBytes)/float64(m.ListReads)/1024)
			ms = fmt.Sprintf("%.0f", m.ListReadMs)
		}
		p("| %s | %d | %d | %d | %d | %.1f | %s | %s | %.2f / %.2f | %s |\n", m.Name, m.Retained, m.Requests(), m.JobReads, m.ListReads,
			float64(m.Bytes)/1e6, kb, ms, m.DelayMedian, m.DelayP95, m.Wall.Round(1e8))
	}
	p("| one read per job per tick (baseline: %d jobs × the %d ticks of batch mode without retained jobs, %.0f B per read) | %d | %d | | | %.1f | | | | |\n\n",
		c.Jobs, r.Ticks, r.SingleBytes, c.Retained, r.BaselineRequests(), r.BaselineBytes()/1e6)
	return b.String()
}

// RetainedTargets judges the retained-jobs workload (targets.json:
// retained); not run without it.
func RetainedTargets(retained *RetainedResult) []Target {
	rg := goals().Retained
	ts := []Target{
		{Goal: fmt.Sprintf("1,000 waits, 10,000 retained jobs: requests ≤ %g× one read per job per tick", rg.RequestsRatio)},
		{Goal: fmt.Sprintf("1,000 waits, 10,000 retained jobs: bytes received ≤ %g× one read per job per tick", rg.BytesRatio)},
		{Goal: fmt.Sprintf("1,000 waits, no retained jobs: ≥ %g× fewer requests than one read per job per tick", rg.TimesFewerWithout)},
	}
	if retained == nil || len(retained.Runs) < 2 || retained.BaselineRequests() == 0 {
		return ts
	}
	c, none, base := retained.Runs[1], retained.Runs[0], retained.BaselineRequests()
	req := float64(c.Requests()) / float64(base)
	ts[0].Run, ts[0].Measured = true, fmt.Sprintf("%d requests against %d: %.3f×", c.Requests(), base, req)
	ts[0].Pass, ts[0].Margin = le(req, rg.RequestsRatio)
	by := float64(c.Bytes) / retained.BaselineBytes()
	ts[1].Run, ts[1].Measured = true, fmt.Sprintf("%.1f MB against %.1f MB: %.2f×", float64(c.Bytes)/1e6, retained.BaselineBytes()/1e6, by)
	ts[1].Pass, ts[1].Margin = le(by, rg.BytesRatio)
	fewer := float64(base) / float64(max(none.Requests(), 1))
	ts[2].Run, ts[2].Pass = true, fewer >= rg.TimesFewerWithout
	ts[2].Measured = fmt.Sprintf("%d requests against %d: %.0f× fewer", none.Requests(), base, fewer)
	ts[2].Margin = fmt.Sprintf("%.2f× the goal", fewer/rg.TimesFewerWithout)
	return ts
}

// retainedSection writes section 5, batch reads with retained jobs.
func (r *Report) retainedSection(b *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## 5. Batch reads with retained jobs\n\n")
	b.WriteString(RetainedMarkdown(r.Retained))
	p("\nThe cost model (internal/poll/cost.go; package documentation, \"Progress and the poll schedule\"): cost = requests × `BatchRequestBytes` (64 KiB unless set) + bytes received. ")
	p("When a batched waiter is due the poller compares one list read (64 KiB + the last list's size) with the single reads of the waiters due within MinInterval (64 KiB + a single answer each) and takes the cheaper; after single reads worth 20 list reads the list is read again to measure it. ")
	p("The workload runs at ×%g, not at the many-jobs ×%g: a list read's own latency is real time, which the scale magnifies.\n\n", r.Retained.Runs[1].Scale, r.manyScale())
	targetTable(b, RetainedTargets(r.Retained))
}

func (r *Report) manyScale() float64 {
	if len(r.Many) > 0 {
		return r.Many[0].Scale
	}
	return 0
}
