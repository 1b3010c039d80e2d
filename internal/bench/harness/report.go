package harness

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
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

	Exact    *ExactResult    // the exact simulation of the schedules
	Frontier []FrontierPoint // its points, for the picture

	Many          []*ManyResult
	Overhead      []OverheadRow
	OverheadCount int
	PageBytes     int // size of the catalog page of the overhead workload
	Retained      *RetainedResult

	Concurrency       []ConcurrencyResult // the concurrency workload
	ConcurrencyConfig ConcurrencyConfig
}

// Markdown renders the report as BENCHMARKS.md: the exact simulation of
// the schedules first, then the end-to-end runs over HTTP, each section
// with the targets it is judged by.
func (r *Report) Markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Benchmarks\n\n")
	p("Written by `%s` (the harness in `internal/bench`). Regenerate with the same command; ", r.Command)
	p("`go run ./internal/bench -h` lists the flags. Schedules are measured exactly, on a virtual clock (section 1); ")
	p("the other workloads run the SDK end to end against the daastest fake in process, the fake faster than the clock and every interval of the policy divided by the same factor, ")
	p("and give their delays in the service's time (what a user of the real service would see).\n\n")
	p("| | |\n| --- | --- |\n")
	p("| Machine | %s, %d cores, %s |\n", r.Machine.CPU, r.Machine.Cores, r.Machine.OS)
	p("| Go | %s |\n", r.Machine.Go)
	p("| Date | %s |\n", r.Date.UTC().Format("2006-01-02 15:04 MST"))
	p("| Command | `%s` |\n", r.Command)
	if len(r.Many) > 0 {
		p("| Time scale, many jobs | ×%g |\n", r.Many[0].Scale)
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
	if r.Frontier != nil {
		r.frontierSection(&b)
	}
	if len(r.Many) > 0 {
		r.many(&b)
	}
	if len(r.Overhead) > 0 {
		r.overhead(&b)
	}
	if r.Retained != nil && len(r.Retained.Runs) >= 2 {
		r.retainedSection(&b)
	}
	if r.Concurrency != nil {
		b.WriteString("## 6. Concurrent waits on one client\n\n")
		WriteConcurrency(&b, r.ConcurrencyConfig, r.Concurrency)
		b.WriteString("\n")
	}
	return b.String()
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

func (r *Report) many(b *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	m0 := r.Many[0]
	p("## 3. Many jobs: %d concurrent waits on one client\n\n", m0.Jobs)
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
	targetTable(b, ManyTargets(r.Many))
}

func (r *Report) overhead(b *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## 4. Call overhead: one synchronous List of %d catalogs\n\n", OverheadCatalogs)
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
	targetTable(b, OverheadTargets(r.Overhead))
}

func rt(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}
