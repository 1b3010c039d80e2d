package harness

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

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
	if r.LoadBefore != "" {
		p("| Load average (1, 5, 15 min) | before %s, after %s |\n", r.LoadBefore, r.LoadAfter)
	}
	p("| Wall time | %s |\n\n", r.Wall.Round(100*time.Millisecond))

	r.targets(&b)
	r.analysis(&b)
	if r.Single != nil {
		r.single(&b)
	}
	if len(r.Many) > 0 {
		r.many(&b)
	}
	if len(r.Overhead) > 0 {
		r.overhead(&b)
	}
	return b.String()
}

func (r *Report) targets(b *strings.Builder) {
	fmt.Fprintf(b, "## Targets (issue 7)\n\n")
	targetTable(b, Targets(r.Single, r.Many, r.Overhead))
	if tt := TrialTargets(r.Single); tt != nil {
		fmt.Fprintf(b, "The same single-job targets for the **proposed schedule**, a trial run by the harness on a copy of the library's schedule (not the library; see section 1):\n\n")
		targetTable(b, tt)
	}
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
		if pol.Experimental {
			p("- **%s** (experimental): %s\n", pol.Name, pol.Desc)
			continue
		}
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
	p("Heap per waiting job = (HeapAlloc after GC with every job waiting − HeapAlloc after GC with the handles made, before the waits) ÷ jobs, median of 5 samples taken at a moment with no read in flight; ")
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
	p("`MachineCatalogs.List` through the SDK against a hand-written client: `net/http` with the same headers (a fresh transaction id per call) and `encoding/json` into a slice of a struct with the same fields and tags as `daas.MachineCatalog` (without its lenient `UnmarshalJSON`). ")
	p("Both over loopback, each with its own transport, measured with `testing.Benchmark` (ReportAllocs), %d runs each, alternating; the times are the fastest run's (load from other processes only adds time), the memory figures the median. ", r.OverheadCount)
	p("ns/op is wall time per call; CPU/op is the process's user+system CPU per call (client, server and GC; from getrusage); B/op and allocs/op count every goroutine, the server's too. ")
	p("Against the **fake** (the figures the target is judged on) the fake's own work (rendering 250 catalogs) is in both columns; against **canned**, a trivial server replaying the fake's exact page from memory, the figures are mostly the clients' own; **decode only** decodes that page from memory with a json.Decoder into each client's type, no HTTP at all. ")
	p("`go test -bench . -benchmem ./internal/bench/...` runs the same six as BenchmarkListSDK, BenchmarkListBaseline, BenchmarkListSDKCanned, BenchmarkListBaselineCanned, BenchmarkDecodeSDK, BenchmarkDecodeBaseline.\n\n")
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

// analysis explains each miss with the figures of this run.
func (r *Report) analysis(b *strings.Builder) {
	var notes []string
	add := func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }
	missed := func(ts []Target, prefix string) bool {
		for _, t := range ts {
			if strings.HasPrefix(t.Goal, prefix) && t.Run && !t.Pass {
				return true
			}
		}
		return false
	}
	ts := Targets(r.Single, r.Many, r.Overhead)
	def, citrix, prop := DaasDefault().Name, CitrixSDK().Name, Proposed().Name
	var rows []SingleRow
	if r.Single != nil {
		rows = r.Single.Rows()
	}
	row := func(c daastest.ProgressCurve, pol, bucket string) (SingleRow, bool) {
		return findRow(rows, c, pol, bucket)
	}

	if missed(ts, def+", linear") || missed(ts, def+": polls per job") {
		short, _ := row(daastest.ProgressLinear, def, Buckets[0].Name)
		msg := "**Linear progress, short jobs and the read budget.** The library aims each read at the middle of the finish the progress predicts. " +
			"Half of the time that read comes a little early, finds the job at 99%%, and the next one cannot come before MinInterval (1 s): " +
			"jobs under 10 s wait %.2f s for the median one (%.1f%% of their length, p95 %.1f%%)%s. " +
			"The clock of the estimate also starts when the 202 arrives, after the job was created, so even an exact estimate lands a round trip early. " +
			"Proposed change (poller.go `schedule.aim`, jobs.go `startJob`): aim at the latest finish the reads allow (the lower bound of the rate) once the reads pin it within 10%%, at the middle before that; start the progress clock when the async request is sent."
		budget := ""
		if missed(ts, def+": polls per job") {
			budget = ", and a long job can take several such reads at 99%, which is what pushes its read count over Citrix's + 3"
		}
		args := []any{short.MedianS, short.MedianPct, short.P95Pct, budget}
		if p, ok := row(daastest.ProgressLinear, prop, AllBuckets); ok {
			msg += " Run by the harness on a copy of the schedule (row \"%s\"), it gives a linear median of %.2f%%, p95 %.2f%%, %.2f s median delay, and at most %+d reads against Citrix."
			args = append(args, prop, p.MedianPct, p.P95Pct, p.MedianS, p.ExcessMax)
		}
		add(msg, args...)
	}
	if missed(ts, def+", steps") {
		d, _ := row(daastest.ProgressSteps, def, AllBuckets)
		msg := "**Progress in steps of 25%%.** A read of 25%% at time t only says the finish is somewhere in (2t, 4t]; the library's rate bounds assume 1-point steps, so successive reads contradict each other and the estimate restarts, " +
			"and after the MaxInterval cap a long job is read every 30 s, as Citrix reads it (median %.2f%%, p95 %.2f%%). "
		args := []any{d.MedianPct, d.P95Pct}
		if p, ok := row(daastest.ProgressSteps, prop, AllBuckets); ok {
			msg += "Learning the step from the values seen (the greatest common divisor: 25) and widening each read's bounds to it (row \"%s\") brings the median to %.2f%% and the p95 to %.2f%%. "
			args = append(args, prop, p.MedianPct, p.P95Pct)
		}
		msg += "What remains is the information: a job of 10 s to 10 min shows at most three changes of progress; finding it within 15%% of its length needs reads that close together after the last step, more than Citrix's reads + 3 allow."
		add(msg, args...)
	}
	for _, c := range []daastest.ProgressCurve{daastest.ProgressSteps, daastest.ProgressNone} {
		if !missed(ts, fmt.Sprintf("%s: median detection delay ≥ 10× lower than Citrix's schedule (%s", def, c)) {
			continue
		}
		d, _ := row(c, def, AllBuckets)
		x, _ := row(c, citrix, AllBuckets)
		what := "no progress at all"
		if c == daastest.ProgressSteps {
			what = "progress in 25% steps"
		}
		add("**10× lower than Citrix with %s: out of reach within the read budget.** Citrix's schedule finds these jobs %.2f s after they end (median); 10× lower is %.2f s. "+
			"For the half of the jobs longer than a minute Citrix reads every 30 s, so it finds them 15 s late on average; a schedule that knows no more than the elapsed time "+
			"must read about ten times as often to be ten times sooner, and the budget is Citrix's reads + 3. The daas default reaches %.2f s (%.1f×).",
			what, x.MedianS, x.MedianS/10, d.MedianS, x.MedianS/d.MedianS)
	}
	var others []string
	if len(r.Overhead) > 0 {
		var sdk, base, sdkC, baseC OverheadRow
		for _, o := range r.Overhead {
			switch {
			case o.Server == "none (decode only)" && o.Client == OverheadSDK:
				sdk = o
			case o.Server == "none (decode only)":
				base = o
			case o.Server == "canned" && o.Client == OverheadSDK:
				sdkC = o
			case o.Server == "canned":
				baseC = o
			}
		}
		if base.CPUPerOp > 0 && baseC.CPUPerOp > 0 {
			add := add
			if !missed(ts, "List of 250 catalogs") {
				add = func(format string, args ...any) { others = append(others, fmt.Sprintf(format, args...)) }
			}
			add("**Call overhead: the SDK's lenient catalog decoding.** Decoding the page alone costs the SDK %.2f× the CPU and %.2f× the allocations of plain encoding/json (%.1f ms vs %.1f ms): "+
				"`MachineCatalog.UnmarshalJSON` hands each catalog to `json.Unmarshal` into a plain alias, so every object is scanned twice (once by the decoder to find its end, again by Unmarshal) and decoded once. "+
				"Against the canned server, where the clients' own work dominates, the whole call costs %.2f× the CPU. "+
				"Proposed change (catalogs.go): decode the page into a slice of the plain alias and fall back to the per-item lenient decode only when that fails with a *json.UnmarshalTypeError.",
				sdk.CPUPerOp/base.CPUPerOp, sdk.Allocs/base.Allocs, sdk.CPUPerOp/1e6, base.CPUPerOp/1e6, sdkC.CPUPerOp/baseC.CPUPerOp)
		}
	}
	for _, m := range r.Many {
		if m.Batch && m.ListReads > 0 {
			others = append(others, fmt.Sprintf("**Batch reads trade requests for bytes.** Each GET /Jobs carries every job the client has (%.0f KB for %d jobs, %.0f ms of real time to fetch and decode here), "+
				"so batch mode received %.1f MB where one read per job received %.1f MB (section 2).",
				m.ListReadKB, m.Jobs, m.ListReadMs, float64(m.Bytes)/1e6, bytesOf(r.Many, false)))
		}
	}
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
