package harness

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"reflect"
	"runtime"
	"strings"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// Machine describes where the benchmarks ran.
type Machine struct {
	CPU     string // model name from /proc/cpuinfo
	Cores   int    // runtime.NumCPU
	OS      string // GOOS/GOARCH
	Go      string // runtime.Version
	LoadAvg string // /proc/loadavg's 1, 5 and 15 minute averages, when known
}

// ThisMachine reads the machine's description.
func ThisMachine() Machine {
	m := Machine{CPU: "unknown", Cores: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version(), LoadAvg: LoadAvg()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

// LoadAvg returns the 1, 5 and 15 minute load averages, "" when unknown.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// Report is everything one run of the harness measured.
type Report struct {
	Machine    Machine
	Command    string
	Date       time.Time
	Wall       time.Duration
	LoadBefore string
	LoadAfter  string

	Single        *SingleResult
	Many          []*ManyResult
	Overhead      []OverheadRow
	OverheadCount int
	PageBytes     int // size of the catalog page of the overhead workload

	// The learnt durations: the repeat-jobs workload (and its scale), the
	// retained-jobs workload and the frontier points of this run.
	Repeat      []RepeatRow
	RepeatScale float64
	Retained    *RetainedResult
	Frontier    []FrontierPoint

	Exact *ExactResult // the exact simulation of the schedules
}

// Markdown renders the report as BENCHMARKS.md.
func (r *Report) Markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Benchmarks\n\n")
	p("Written by `%s` (the harness in `internal/bench`). Regenerate with the same command; ", r.Command)
	p("`go run ./internal/bench -h` lists the flags. All delays are in the service's time (what a user of the real service would see): ")
	p("the fake runs faster than the clock and every interval of every policy is divided by the same factor, then the results are scaled back.\n\n")
	p("| | |\n| --- | --- |\n")
	p("| Machine | %s, %d cores, %s |\n", r.Machine.CPU, r.Machine.Cores, r.Machine.OS)
	p("| Go | %s |\n", r.Machine.Go)
	p("| Date | %s |\n", r.Date.UTC().Format("2006-01-02 15:04 MST"))
	p("| Command | `%s` |\n", r.Command)
	if r.Single != nil {
		p("| Time scale, single jobs | ×%g (1 real second = %g service seconds) |\n", r.Single.Config.Scale, r.Single.Config.Scale)
	}
	if len(r.Many) > 0 {
		p("| Time scale, many jobs | ×%g |\n", r.Many[0].Scale)
	}
	if r.Repeat != nil {
		p("| Time scale, repeat jobs | ×%g |\n", r.RepeatScale)
	}
	if r.Retained != nil && len(r.Retained.Runs) > 0 {
		p("| Time scale, retained jobs | ×%g |\n", r.Retained.Runs[0].Scale)
	}
	if r.LoadBefore != "" {
		p("| Load average (1, 5, 15 min) | before %s, after %s |\n", r.LoadBefore, r.LoadAfter)
	}
	p("| Wall time | %s |\n\n", r.Wall.Round(100*time.Millisecond))

	if r.Exact != nil {
		b.WriteString(r.Exact.Markdown())
	}
	r.targets(&b)
	r.analysis(&b)
	r.learntTargets(&b)
	r.learntAnalysis(&b)
	if r.Single != nil {
		r.single(&b)
	}
	if len(r.Many) > 0 {
		r.many(&b)
	}
	if len(r.Overhead) > 0 {
		r.overhead(&b)
	}
	if r.Repeat != nil {
		r.repeatSection(&b)
	}
	if r.Retained != nil && len(r.Retained.Runs) >= 2 {
		r.retainedSection(&b)
	}
	if r.Frontier != nil {
		r.frontierSection(&b)
	}
	return b.String()
}

func (r *Report) targets(b *strings.Builder) {
	fmt.Fprintf(b, "## Targets (detection and cost)\n\n")
	targetTable(b, Targets(r.Single, r.Many, r.Overhead))
}

func targetTable(b *strings.Builder, ts []Target) {
	fmt.Fprintf(b, "| Target | Measured | Result |\n| --- | --- | --- |\n")
	for _, t := range ts {
		res := "not run"
		if t.Run {
			res = "**miss**: " + t.Margin
			if t.Pass {
				res = "pass (" + t.Margin + ")"
			}
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", t.Goal, cell(t.Measured), res)
	}
	fmt.Fprintln(b)
}

func cell(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func (r *Report) single(b *strings.Builder) {
	s := r.Single
	c := s.Config
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## 1. Single jobs: detection delay and polls\n\n")
	p("%d jobs, durations log-uniform from %v to %v (stratified, seed %d), each waited for by every policy under each progress curve of the fake ", c.Jobs, c.MinDur, c.MaxDur, c.Seed)
	p("(linear: 0→99%% with time; steps: 0, 25, 50, 75%%; none: no OverallProgressPercent), %d waits in all, started at random times over the run. ", len(s.Jobs))
	p("Detection delay = the fake's service time when the wait returned − the job's EndedAt. Polls = GET /Jobs/{id} of that job (batch reads off). ")
	p("The daas policy is the library's own `Job.Wait` (intervals divided by the scale); the others are loops of `Job.Poll` on their schedule, divided by the same scale:\n\n")
	for _, pol := range c.Policies {
		p("- **%s**: %s\n", pol.Name, pol.Desc)
	}
	med, p95, n := s.Noise()
	p("\nAt ×%g, every millisecond a timer fires late or a read takes (real time, which does not scale) shows as %g ms of service time. ", c.Scale, c.Scale)
	p("Timing noise measured on the fixed schedules (Citrix, Azure, naive; %d waits), as measured delay − the delay had every read come exactly on schedule: median %+.2f s, p95 %+.2f s of service time. ", n, med, p95)
	p("The fake counted %d status reads, the harness %d. Wall time %s.\n\n", s.ServerReads, s.HarnessReads, s.Wall.Round(100*time.Millisecond))

	rows := s.Rows()
	citrix := map[string]float64{}
	for _, row := range rows {
		if row.Policy == CitrixSDK().Name {
			citrix[row.Curve.String()+row.Bucket] = row.MedianS
		}
	}
	p("### All durations\n\n")
	p("| Progress | Policy | Jobs | Median delay (s) | p95 delay (s) | Median (%% of duration) | p95 (%%) | Polls/job (mean) | Max polls − Citrix (same job) | Citrix median ÷ this |\n")
	p("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, row := range rows {
		if row.Bucket != AllBuckets {
			continue
		}
		p("| %s | %s | %d | %s | %s | %s | %s | %.1f | %s | %s |\n", row.Curve, row.Policy, row.N,
			f2(row.MedianS), f2(row.P95S), f2(row.MedianPct), f2(row.P95Pct), row.PollsMean, excess(row), ratio(citrix[row.Curve.String()+row.Bucket], row.MedianS))
	}
	p("\n### By duration\n\n")
	p("| Progress | Duration | Policy | Jobs | Median delay (s) | p95 delay (s) | Median (%%) | p95 (%%) | Polls/job (mean) | Max polls − Citrix |\n")
	p("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, curve := range c.Curves {
		for _, bk := range Buckets {
			for _, row := range rows {
				if row.Curve == curve && row.Bucket == bk.Name {
					p("| %s | %s | %s | %d | %s | %s | %s | %s | %.1f | %s |\n", row.Curve, row.Bucket, row.Policy, row.N,
						f2(row.MedianS), f2(row.P95S), f2(row.MedianPct), f2(row.P95Pct), row.PollsMean, excess(row))
				}
			}
		}
	}
	p("\n")
}

func excess(r SingleRow) string {
	if !r.HasExcess {
		return "–"
	}
	return fmt.Sprintf("%+d", r.ExcessMax)
}

func ratio(a, b float64) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f×", a/b)
}

// f2 formats with two decimals below 100, none above.
func f2(x float64) string {
	if x >= 100 || x <= -100 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

func (r *Report) many(b *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	m0 := r.Many[0]
	p("## 2. Many jobs: %d concurrent waits on one client\n\n", m0.Jobs)
	p("%d jobs of %v to %v (uniform, linear progress) started first, then `Job.Wait` on each at once, one goroutine per wait, one client, the daas default policy, ", m0.Jobs, m0.MinDur, m0.MaxDur)
	p("over loopback HTTP (a clone of http.DefaultTransport with 64 idle connections per host, as the library's own). ")
	p("Status reads are counted by the client's transport (and cross-checked with the fake's counters); the peak is the most reads in one second of service time. ")
	p("Heap per waiting job = (HeapAlloc after GC with every job waiting − HeapAlloc after GC with the handles made, before the waits) ÷ jobs, median of 5 samples, each taken once no status read is in flight or after waiting 50 ms for such a moment; ")
	p("the second figure closes the transport's idle connections first (their buffers are a per-client cost, not a per-job one). Goroutines are runtime.NumGoroutine() with every job waiting (one is each caller's own).\n\n")
	p("| Mode | Status reads | GET /Jobs/{id} | GET /Jobs | Reads per job | Peak reads/s | MB received | Heap/job (B) | Heap/job, idle conns closed (B) | Stack/job (B) | Goroutines waiting (before) | Delay median / p95 (s) | Wall |\n")
	p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	var ticks int
	for _, m := range r.Many {
		mode := "batch off (`DisableBatch`)"
		if m.Batch {
			mode = "batch on (default)"
			ticks = m.ListReads
		}
		p("| %s | %d | %d | %d | %.2f | %d | %.1f | %.0f | %.0f | %.0f | %d (%d) | %.2f / %.2f | %s |\n", mode, m.Requests(), m.JobReads, m.ListReads,
			float64(m.Requests())/float64(m.Jobs), m.PeakPerSec, float64(m.Bytes)/1e6, m.HeapPerJob, m.HeapPerJobNoIdl, m.StackPerJob,
			m.Goroutines, m.GoroutinesIdle, m.DelayMedian, m.DelayP95, m.Wall.Round(100*time.Millisecond))
	}
	if ticks > 0 {
		p("| one read per job per tick (baseline: %d jobs × the %d ticks of batch mode) | %d | | | %d | | | | | | | | |\n", m0.Jobs, ticks, m0.Jobs*ticks, ticks)
	}
	var ranges []string
	for _, m := range r.Many {
		if m.HeapMax > 0 {
			mode := "batch off"
			if m.Batch {
				mode = "batch on"
			}
			ranges = append(ranges, fmt.Sprintf("%s %.0f–%.0f B (%d of the %d samples found a read in flight right after)", mode, m.HeapMin, m.HeapMax, m.Busy, m.Samples))
		}
	}
	if len(ranges) > 0 {
		p("\nHeap per waiting job, smallest and largest of the samples behind the median: %s.\n", strings.Join(ranges, ", "))
	}
	for _, m := range r.Many {
		if m.Batch && m.ListReads > 0 {
			p("\nIn batch mode each GET /Jobs carries every job of the client: %.0f KB on average, %.0f ms of real time to the end of its decoded body (median). ", m.ListReadKB, m.ListReadMs)
			p("At ×%g that read lasts %.1f s of service time, which the batch-mode delays above include; at ×1 (the real service) it would be %.2f s.\n", m.Scale, m.ListReadMs*m.Scale/1000, m.ListReadMs/1000)
		}
		if m.ServerReads != m.Requests() {
			p("\nNote: batch=%v: the fake counted %d status reads, the harness %d.\n", m.Batch, m.ServerReads, m.Requests())
		}
	}
	p("\n")
}

func (r *Report) overhead(b *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## 3. Call overhead: one synchronous List of %d catalogs\n\n", OverheadCatalogs)
	p("The page is %d KB of JSON. ", r.PageBytes/1024)
	p("`MachineCatalogs.List` through the SDK against a hand-written client: `net/http` with the same headers (a fresh transaction id per call) and `encoding/json` into a slice of a struct with the same fields and tags as `daas.MachineCatalog` and no methods ")
	p("(List itself decodes the page into such a plain type, then copies the catalogs into the `[]daas.MachineCatalog` it returns; the lenient `MachineCatalog.UnmarshalJSON` is not on this path). ")
	p("Both over loopback, each with its own transport, measured with `testing.Benchmark` (ReportAllocs), %d runs each, alternating; the times are the fastest run's (load from other processes only adds time), the memory figures the median. ", r.OverheadCount)
	p("ns/op is wall time per call; CPU/op is the process's user+system CPU per call (client, server and GC; from getrusage); B/op and allocs/op count every goroutine, the server's too. ")
	p("Against the **fake** (the figures the target is judged on) the fake's own work (rendering 250 catalogs) is in both columns; against **canned**, a trivial server replaying the fake's exact page from memory, the figures are mostly the clients' own; ")
	p("through the **in-memory transport**, each client makes the same call with an `http.Client` whose `RoundTripper` answers that page from memory (no socket, no server): the clients' own work alone, the SDK's through its public `List`. ")
	p("`go test -bench . -benchmem ./internal/bench/...` runs the same six as BenchmarkListSDK, BenchmarkListBaseline, BenchmarkListSDKCanned, BenchmarkListBaselineCanned, BenchmarkListSDKInMemory, BenchmarkListBaselineInMemory.\n\n")
	p("| Client | Server | ns/op | CPU ns/op | B/op | allocs/op | ns/op ratio | CPU ratio | B/op ratio | allocs ratio |\n")
	p("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	base := map[string]OverheadRow{}
	for _, o := range r.Overhead {
		if o.Client == OverheadBaseline {
			base[o.Server] = o
		}
	}
	for _, o := range r.Overhead {
		bs := base[o.Server]
		p("| %s | %s | %.0f | %.0f | %.0f | %.0f | %s | %s | %s | %s |\n", o.Client, o.Server, o.NsPerOp, o.CPUPerOp, o.BPerOp, o.Allocs,
			rt(o.NsPerOp, bs.NsPerOp), rt(o.CPUPerOp, bs.CPUPerOp), rt(o.BPerOp, bs.BPerOp), rt(o.Allocs, bs.Allocs))
	}
	p("\n")
}

func rt(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// analysis explains each miss with the figures of this run, and notes what
// else they show. Every figure in it comes from the run.
func (r *Report) analysis(b *strings.Builder) {
	var notes, others []string
	add := func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }
	other := func(format string, args ...any) { others = append(others, fmt.Sprintf(format, args...)) }
	ts := Targets(r.Single, r.Many, r.Overhead)
	missed := func(prefix string) bool {
		for _, t := range ts {
			if strings.HasPrefix(t.Goal, prefix) && t.Run && !t.Pass {
				return true
			}
		}
		return false
	}
	if r.Single != nil {
		r.singleAnalysis(missed, add, other)
	}
	r.manyAnalysis(missed, add, other)
	r.overheadAnalysis(missed, add, other)
	for _, sec := range []struct {
		title string
		items []string
	}{{"What stands in the way", notes}, {"Other findings", others}} {
		if len(sec.items) == 0 {
			continue
		}
		fmt.Fprintf(b, "### %s\n\n", sec.title)
		for _, n := range sec.items {
			fmt.Fprintf(b, "- %s\n", n)
		}
		fmt.Fprintln(b)
	}
}

type sayFunc func(format string, args ...any)

func (r *Report) singleAnalysis(missed func(string) bool, add, other sayFunc) {
	s := r.Single
	rows := s.Rows()
	def, citrix, naive := DaasDefault().Name, CitrixSDK().Name, Naive().Name
	pol := daas.DefaultPollPolicy()
	row := func(c daastest.ProgressCurve, p, bucket string) (SingleRow, bool) { return findRow(rows, c, p, bucket) }
	// byBucket lists a policy's median and p95 (% of the job's length) or
	// median delay (s) per duration bucket.
	byBucket := func(c daastest.ProgressCurve, p string, seconds bool) string {
		var parts []string
		for _, bk := range Buckets {
			if x, ok := row(c, p, bk.Name); ok {
				if seconds {
					parts = append(parts, fmt.Sprintf("%s %.2f s", bk.Name, x.MedianS))
				} else {
					parts = append(parts, fmt.Sprintf("%s %.2f%% / %.2f%%", bk.Name, x.MedianPct, x.P95Pct))
				}
			}
		}
		return strings.Join(parts, ", ")
	}
	// The share of a short job's length one MinInterval is.
	minPct := 100 * pol.MinInterval.Seconds() / s.Config.MinDur.Seconds()
	tenPct := 100 * pol.MinInterval.Seconds() / 10
	// Worst excess of reads over Citrix's, per curve.
	worst := map[daastest.ProgressCurve]int{}
	var perCurve []string
	top, topCurve := math.MinInt32, daastest.ProgressCurve(0)
	for _, c := range s.Config.Curves {
		if x, ok := row(c, def, AllBuckets); ok && x.HasExcess {
			worst[c] = x.ExcessMax
			perCurve = append(perCurve, fmt.Sprintf("%s %+d", c, x.ExcessMax))
			if x.ExcessMax > top {
				top, topCurve = x.ExcessMax, c
			}
		}
	}
	where := func(c daastest.ProgressCurve, n int) string {
		for _, bk := range Buckets {
			if x, ok := row(c, def, bk.Name); ok && x.HasExcess && x.ExcessMax == n {
				return fmt.Sprintf("%s curve, a job of %s", c, bk.Name)
			}
		}
		return c.String() + " curve"
	}
	firstReads := exponentialReads(pol, time.Minute)

	if missed(def + ", linear") {
		d, _ := row(daastest.ProgressLinear, def, AllBuckets)
		add("**Linear progress: median %.2f%% (limit 5%%), p95 %.2f%% (limit 15%%) of the job's length.** Median / p95 by duration: %s. "+
			"The reads aim at the finish the progress predicts (at the latest finish the reads allow once they pin it within 10%%); "+
			"a read that still finds the job running costs at least MinInterval (%s) before the next, %.0f%% of a %s job and %.0f%% of a 10 s one.",
			d.MedianPct, d.P95Pct, byBucket(daastest.ProgressLinear, def, false), secs(pol.MinInterval), minPct, secs(s.Config.MinDur), tenPct)
	}
	if missed(def + ", steps") {
		d, _ := row(daastest.ProgressSteps, def, AllBuckets)
		var few, more []float64
		fewShort := 0
		for _, j := range s.Jobs {
			if j.Policy != def || j.Curve != daastest.ProgressSteps {
				continue
			}
			if j.Values < 2 {
				few = append(few, j.DelayPct())
				if j.Duration < time.Minute {
					fewShort++
				}
			} else {
				more = append(more, j.DelayPct())
			}
		}
		short, _ := row(daastest.ProgressSteps, def, Buckets[0].Name)
		shortValues := meanValues(s.Jobs, def, daastest.ProgressSteps, Buckets[0])
		msg := fmt.Sprintf("**Progress in 25%% steps: median %.2f%% (limit 5%%), p95 %.2f%% (limit 15%%) of the job's length.** "+
			"A read of p%% at t says only which quarter of its run the job is in: it ends somewhere in (100t/(p+25), 100t/p]. "+
			"The wait learns the step once it has seen two different values, and then aims inside that range; before that it takes the one value it has for a 1-point step and aims at 100t/p, the latest finish that value allows. ",
			d.MedianPct, d.P95Pct)
		msg += fmt.Sprintf("In this run %d of the %d jobs (%d of them under a minute) ended before the wait had seen two different values%s", len(few), len(few)+len(more), fewShort, pctSummary(few))
		if len(more) > 0 {
			msg += fmt.Sprintf("; the other %d%s", len(more), pctSummary(more))
		}
		msg += fmt.Sprintf(". Median / p95 by duration: %s. ", byBucket(daastest.ProgressSteps, def, false))
		msg += fmt.Sprintf("What stands in the way is information within the read budget: a job under 10 s gets %.1f reads on average and sees %.1f different values, "+
			"a read that still finds it running costs MinInterval (%s, %.0f%% of a %s job, %.0f%% of a 10 s one) before the next, "+
			"and narrowing the range takes more reads while the worst job with steps already takes Citrix's reads %+d (the budget is +3).",
			short.PollsMean, shortValues, secs(pol.MinInterval), minPct, secs(s.Config.MinDur), tenPct, worst[daastest.ProgressSteps])
		add("%s", msg)
	}
	if missed(def + ": median detection delay ≥ 10× lower than Citrix's schedule (linear") {
		d, _ := row(daastest.ProgressLinear, def, AllBuckets)
		x, _ := row(daastest.ProgressLinear, citrix, AllBuckets)
		add("**10× lower than Citrix with linear progress: %.1f× (median %.2f s against Citrix's %.2f s; 10× needs ≤ %.2f s).** Median delay by duration: %s.",
			x.MedianS/d.MedianS, d.MedianS, x.MedianS, x.MedianS/10, byBucket(daastest.ProgressLinear, def, true))
	}
	if missed(def + ": median detection delay ≥ 10× lower than Citrix's schedule (steps") {
		d, _ := row(daastest.ProgressSteps, def, AllBuckets)
		x, _ := row(daastest.ProgressSteps, citrix, AllBuckets)
		med := time.Duration(Median(durationsSeconds(s.Durations)) * float64(time.Second)).Round(time.Second)
		add("**10× lower than Citrix with progress in 25%% steps: %.1f× (median %.2f s against Citrix's %.2f s; 10× needs ≤ %.2f s).** "+
			"After the read that first shows 75%% at t, the job ends somewhere in (t, 4t/3]: a window of at least a quarter of its length, %.0f s for the median job of this run (%s). "+
			"Finding the end within %.2f s takes reads that close together at the end of that window, or reads that catch the moments the steps change; "+
			"either takes more reads than the schedule spends now, and the worst job with steps already takes Citrix's reads %+d (the budget is +3). "+
			"Median delay by duration, daas default: %s; Citrix: %s.",
			x.MedianS/d.MedianS, d.MedianS, x.MedianS, x.MedianS/10, med.Seconds()/4, secs(med), x.MedianS/10, worst[daastest.ProgressSteps],
			byBucket(daastest.ProgressSteps, def, true), byBucket(daastest.ProgressSteps, citrix, true))
	}
	if missed(def + ": median detection delay ≥ 10× lower than Citrix's schedule (none") {
		d, _ := row(daastest.ProgressNone, def, AllBuckets)
		x, _ := row(daastest.ProgressNone, citrix, AllBuckets)
		msg := fmt.Sprintf("**10× lower than Citrix with no progress at all: %.1f× (median %.2f s against Citrix's %.2f s; 10× needs ≤ %.2f s).** "+
			"Without progress a read says only that the job is still running, so the delay is set by how far apart the reads are: "+
			"the daas schedule grows to one read every %s (MaxInterval), and Citrix's reads every 30 s after the first 30 s. "+
			"Being 10× sooner takes reads about 10× as close together",
			x.MedianS/d.MedianS, d.MedianS, x.MedianS, x.MedianS/10, secs(pol.MaxInterval))
		if n, ok := row(daastest.ProgressNone, naive, AllBuckets); ok {
			msg += fmt.Sprintf(": the naive 1 s loop gets a median of %.2f s (%.1f× lower than Citrix) with %.1f polls per job against Citrix's %.1f, where the budget is Citrix's + 3",
				n.MedianS, x.MedianS/n.MedianS, n.PollsMean, x.PollsMean)
		}
		add("%s.", msg)
	}
	if len(worst) > 0 && top >= 3 {
		head := fmt.Sprintf("the worst job takes Citrix's reads %+d (%s); worst per curve: %s.", top, where(topCurve, top), strings.Join(perCurve, ", "))
		tail := ""
		if none, ok := worst[daastest.ProgressNone]; ok {
			tail = fmt.Sprintf(" Without progress (the none curve) the schedule alone takes up to %+d: its first reads come at about %s (×%g from %s, ±%g%% jitter), against Citrix's 0, 10, 20, 30, 60 s",
				none, firstReads, pol.Multiplier, secs(pol.MinInterval), 100*pol.Jitter/2)
			if top > none {
				tail += fmt.Sprintf("; the reads aimed with progress add up to %d more", top-none)
			}
			tail += "."
		}
		if missed(def + ": polls per job") {
			add("**Read budget: %s**%s The target is missed by %d read(s) on the worst job.", head, tail, top-3)
		} else {
			other("**The read budget is used up: %s**%s One more read on the worst job would miss the target.", head, tail)
		}
	}
}

// runRatios is "a×–b× against X, ..." : the smallest and largest ratio of
// the SDK's CPU per op to the baseline's, run by run, for each pair; "" when
// there is at most one run.
func runRatios(pairs [][2]OverheadRow, names []string) string {
	var parts []string
	for i, p := range pairs {
		sdk, base := p[0].CPURuns, p[1].CPURuns
		n := min(len(sdk), len(base))
		if n < 2 {
			return ""
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for k := range n {
			x := sdk[k] / base[k]
			lo, hi = min(lo, x), max(hi, x)
		}
		parts = append(parts, fmt.Sprintf("%.2f×–%.2f× %s", lo, hi, names[i]))
	}
	return strings.Join(parts, ", ")
}

// secs formats d in seconds, "1 s", "1.5 s", "75 s".
func secs(d time.Duration) string { return fmt.Sprintf("%g s", math.Round(d.Seconds()*10)/10) }

// exponentialReads lists, in seconds, when the reads of pol's exponential
// schedule (without jitter or progress) come, up to the first past until.
func exponentialReads(pol daas.PollPolicy, until time.Duration) string {
	var parts []string
	at, cur := pol.MinInterval, pol.MinInterval
	for i := 0; i < 20; i++ {
		parts = append(parts, fmt.Sprintf("%g", math.Round(at.Seconds()*10)/10))
		if at >= until {
			break
		}
		cur = min(pol.MaxInterval, time.Duration(float64(cur)*pol.Multiplier))
		at += cur
	}
	return strings.Join(parts, ", ") + " s"
}

// pctSummary is ": median a%, p95 b% of their length" for delays in % (""
// when there are none).
func pctSummary(xs []float64) string {
	if len(xs) == 0 {
		return ""
	}
	return fmt.Sprintf(": median %.2f%%, p95 %.2f%% of their length", Median(xs), Percentile(xs, 0.95))
}

// meanValues is the mean number of different progress values the jobs of a
// policy, curve and duration bucket saw.
func meanValues(jobs []JobResult, policy string, c daastest.ProgressCurve, bk Bucket) float64 {
	var xs []float64
	for _, j := range jobs {
		if j.Policy == policy && j.Curve == c && j.Duration >= bk.Lo && (bk.Hi == 0 || j.Duration < bk.Hi) {
			xs = append(xs, float64(j.Values))
		}
	}
	return Mean(xs)
}

func durationsSeconds(ds []time.Duration) []float64 {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = d.Seconds()
	}
	return xs
}

func (r *Report) manyAnalysis(missed func(string) bool, add, other sayFunc) {
	for _, m := range r.Many {
		mode := "off"
		if m.Batch {
			mode = "on"
		}
		if m.Batch && missed("1,000 concurrent waits: batch mode") {
			add("**Batch reads: %.0f× fewer requests than one read per job per tick (goal 100×).** %d of the %d status reads were reads of one job (GET /Jobs/{id}), which the library makes when few waiters are left (BatchThreshold), and %d were GET /Jobs.",
				float64(m.Jobs*m.ListReads)/float64(max(m.Requests(), 1)), m.JobReads, m.Requests(), m.ListReads)
		}
		if missed(fmt.Sprintf("1,000 concurrent waits: heap per waiting job ≤ 4 KiB (batch %s)", mode)) {
			add("**Heap per waiting job, batch %s: %.0f B, %.0f B over the 4 KiB limit.** The samples ranged from %.0f to %.0f B per job (%.0f B with idle connections closed). "+
				"The harness measures the total the waits keep on the heap between reads; it does not say which part grew (a heap profile of the waits is the next step).",
				mode, m.HeapPerJob, m.HeapPerJob-4096, m.HeapMin, m.HeapMax, m.HeapPerJobNoIdl)
		}
		if m.Batch && m.ListReads > 0 {
			other("**Batch reads trade requests for bytes.** Each GET /Jobs carries every job the client has (%.0f KB for %d jobs, %.0f ms of real time to fetch and decode here), "+
				"so batch mode received %.1f MB where one read per job received %.1f MB (section 2).",
				m.ListReadKB, m.Jobs, m.ListReadMs, float64(m.Bytes)/1e6, bytesOf(r.Many, false))
		}
	}
}

func (r *Report) overheadAnalysis(missed func(string) bool, add, other sayFunc) {
	get := func(client, server string) (OverheadRow, bool) {
		for _, o := range r.Overhead {
			if o.Client == client && o.Server == server {
				return o, true
			}
		}
		return OverheadRow{}, false
	}
	sdkF, ok1 := get(OverheadSDK, "fake")
	baseF, ok2 := get(OverheadBaseline, "fake")
	sdkC, ok3 := get(OverheadSDK, "canned")
	baseC, ok4 := get(OverheadBaseline, "canned")
	sdkM, ok5 := get(OverheadSDK, ServerInMemory)
	baseM, ok6 := get(OverheadBaseline, ServerInMemory)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 {
		return
	}
	cpuMiss, allocMiss := missed("List of 250 catalogs: CPU"), missed("List of 250 catalogs: allocations")
	say, title := other, "**Call overhead.**"
	if cpuMiss || allocMiss {
		say = add
		title = fmt.Sprintf("**Call overhead: %.2f× the CPU and %.2f× the allocations of the baseline against the fake (limits 1.25× and 1.5×).**",
			max(sdkF.CPUPerOp/baseF.CPUPerOp, sdkF.NsPerOp/baseF.NsPerOp), sdkF.Allocs/baseF.Allocs)
	}
	copyBytes := float64(reflect.TypeFor[daas.MachineCatalog]().Size()) * OverheadCatalogs
	msg := fmt.Sprintf("%s Against the fake the SDK costs %.2f× the baseline's CPU per call and %.2f× its allocations; against the canned server %.2f× and %.2f×; "+
		"through the in-memory transport, where only the clients' own work counts, %.2f× and %.2f× (%.1f ms against %.1f ms of CPU per call). "+
		"List decodes the page into a plain catalog type (no per-item UnmarshalJSON) and copies the %d catalogs into the []MachineCatalog it returns: %d × %d B = %.0f KiB per call, "+
		"against %.0f KiB more than the baseline that the SDK allocates per call through the in-memory transport (%.2f× the B/op).",
		title, sdkF.CPUPerOp/baseF.CPUPerOp, sdkF.Allocs/baseF.Allocs, sdkC.CPUPerOp/baseC.CPUPerOp, sdkC.Allocs/baseC.Allocs,
		sdkM.CPUPerOp/baseM.CPUPerOp, sdkM.Allocs/baseM.Allocs, sdkM.CPUPerOp/1e6, baseM.CPUPerOp/1e6,
		OverheadCatalogs, OverheadCatalogs, reflect.TypeFor[daas.MachineCatalog]().Size(), copyBytes/1024, (sdkM.BPerOp-baseM.BPerOp)/1024, sdkM.BPerOp/baseM.BPerOp)
	if spread := runRatios([][2]OverheadRow{{sdkF, baseF}, {sdkC, baseC}, {sdkM, baseM}}, []string{"against the fake", "against the canned server", "through the in-memory transport"}); spread != "" {
		msg += fmt.Sprintf(" Run by run (each SDK run next to its baseline run) the CPU ratio was %s: the machine's load moves these figures (load average %s before the run, %s after).", spread, cell(r.LoadBefore), cell(r.LoadAfter))
	}
	if cpuMiss {
		if mem := sdkM.CPUPerOp / baseM.CPUPerOp; mem <= 1.25 {
			msg += fmt.Sprintf(" The SDK's own work is within the limit (%.2f× through the in-memory transport); the rest of the gap against the fake is in what both clients share (loopback, the fake rendering the page, GC).", mem)
		} else {
			msg += fmt.Sprintf(" The SDK's own work is over the limit too (%.2f× through the in-memory transport); beyond the copy of the catalogs the harness does not break it down "+
				"(`go test -run xxx -bench ListSDKInMemory -cpuprofile cpu.out ./internal/bench/harness` profiles it).", mem)
		}
	}
	say("%s", msg)
}

// bytesOf returns the MB the status reads of the batch (or non-batch) run
// received, 0 when it did not run.
func bytesOf(many []*ManyResult, batch bool) float64 {
	for _, m := range many {
		if m.Batch == batch {
			return float64(m.Bytes) / 1e6
		}
	}
	return 0
}
