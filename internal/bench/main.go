// Command bench measures the daas SDK: how soon a wait sees a finished
// job and at what cost in reads, against the poll schedules of Citrix's
// own Go SDK, Azure, Google and a naive loop, simulated exactly on a
// virtual clock beside the theoretical limit; and, end to end against the
// daastest fake in process, how waits scale to many concurrent jobs, list
// against single reads, and the overhead of a call against hand-written
// net/http code. It writes the results to BENCHMARKS.md at the repository
// root.
//
//	go run ./internal/bench                                 # every workload, about 4 minutes on 2 cores: BENCHMARKS.md, docs/frontier.json
//	go run ./internal/bench -workload exact,frontier -out -  # the schedules alone, about 20 seconds, printed only
//	go run ./internal/bench -out -                          # every workload, printed only
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/daaskit/daas/internal/bench/harness"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		manyScale     = flag.Float64("many-scale", 10, "time scale of the many-jobs workload: the fake runs this many times faster than real time, and every poll interval is divided by it")
		many          = flag.Int("many", 1000, "concurrent waits of the many-jobs workload")
		workload      = flag.String("workload", "all", "workloads to run: all, or a comma-separated list of exact, many, overhead, retained, frontier, concurrency (alone: its table only, every count)")
		seed          = flag.Uint64("seed", 1, "seed of job durations, histories and Google's jitter")
		count         = flag.Int("count", 3, "runs of each call-overhead benchmark (the fastest time and the median memory figures are kept)")
		retained      = flag.Int("retained", 10000, "finished jobs seeded on the client before the waits of the retained workload (learnt durations)")
		jsonOut       = flag.String("json", "docs/frontier.json", "with the frontier (workload all or frontier): file to write its points to, relative to the repository root; empty for none")
		retainedScale = flag.Float64("retained-scale", 2, "time scale of the retained-jobs workload (a list read's own latency is real time, which the scale magnifies)")
		exactJobs     = flag.Int("exact-jobs", 4000, "jobs of each band, of the mix and of the job types in the exact simulation of the schedules")
		out           = flag.String("out", "BENCHMARKS.md", "file to write the report to, relative to the repository root; - for stdout only")
		waits         = flag.String("waits", "", "with -workload concurrency: comma-separated counts of concurrent waits (default 100,1000,10000,50000)")
	)
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	want := map[string]bool{}
	for _, w := range strings.Split(*workload, ",") {
		switch w = strings.TrimSpace(w); w {
		case "all":
			for _, x := range allWorkloads() {
				want[x] = true
			}
		case "exact", "many", "overhead", "retained", "frontier":
			want[w] = true // the frontier adds exact below
		case "concurrency":
			if *workload == "concurrency" {
				return runConcurrency(context.Background(), *waits)
			}
			want[w] = true
		default:
			return fmt.Errorf("unknown workload %q (want all, exact, many, overhead, retained, frontier or concurrency)", w)
		}
	}
	if *manyScale <= 0 || *retainedScale <= 0 || *many <= 0 || *exactJobs <= 0 {
		return errors.New("-many-scale, -retained-scale, -many and -exact-jobs must be positive")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep := &harness.Report{
		Machine:       harness.ThisMachine(),
		Command:       command(),
		Date:          time.Now(),
		LoadBefore:    harness.LoadAvg(),
		OverheadCount: *count,
	}
	start := time.Now()

	// The frontier is drawn from the exact simulation's rows.
	if want["frontier"] {
		want["exact"] = true
	}
	if want["exact"] {
		fmt.Fprintf(os.Stderr, "exact schedules: %d jobs per set...\n", *exactJobs)
		rep.Exact = harness.RunExact(harness.ExactConfig{Jobs: *exactJobs, Seed: *seed})
	}
	if want["many"] {
		cfg := harness.ManyConfig{Scale: *manyScale, Jobs: *many, Seed: *seed}
		for _, batch := range []bool{true, false} {
			fmt.Fprintf(os.Stderr, "many jobs: %d waits, batch %v, at ×%g...\n", *many, batch, *manyScale)
			res, err := harness.RunMany(ctx, cfg, batch)
			if err != nil {
				return fmt.Errorf("many jobs (batch %v): %w", batch, err)
			}
			rep.Many = append(rep.Many, res)
		}
	}
	if want["retained"] {
		fmt.Fprintf(os.Stderr, "retained jobs: %d waits × 3 runs, %d retained, at ×%g...\n", *many, *retained, *retainedScale)
		res, err := harness.RunRetained(ctx, harness.RetainedConfig{Scale: *retainedScale, Jobs: *many, Retained: *retained, Seed: *seed})
		if err != nil {
			return fmt.Errorf("retained jobs: %w", err)
		}
		rep.Retained = res
	}
	if want["concurrency"] {
		// The target's count alone, unless -waits says otherwise: the
		// four counts of a run of the workload alone take minutes.
		cfg := harness.ConcurrencyConfig{Waits: []int{harness.ConcurrencyGoalWaits()}}
		if *waits != "" {
			ws, err := parseWaits(*waits)
			if err != nil {
				return err
			}
			cfg.Waits = ws
		}
		fmt.Fprintf(os.Stderr, "concurrent waits: %v on one client...\n", cfg.Waits)
		rs, err := harness.RunConcurrency(ctx, cfg)
		if err != nil {
			return fmt.Errorf("concurrent waits: %w", err)
		}
		rep.Concurrency, rep.ConcurrencyConfig = rs, cfg
	}
	if want["overhead"] {
		fmt.Fprintf(os.Stderr, "call overhead: 6 benchmarks × %d...\n", *count)
		rows, size, err := harness.RunOverhead(*count)
		if err != nil {
			return err
		}
		rep.Overhead, rep.PageBytes = rows, size
	}
	rep.Wall = time.Since(start)
	rep.LoadAfter = harness.LoadAvg()
	if want["frontier"] {
		rep.Frontier = harness.FrontierPoints(rep.Exact)
	}

	md := rep.Markdown()
	fmt.Print(md)
	if *out == "-" {
		return nil
	}
	// Every file is computed before any is written.
	files := map[string][]byte{*out: []byte(md)}
	if rep.Frontier != nil && *jsonOut != "" {
		b, err := harness.FrontierJSON(&harness.Frontier{Command: rep.Command, Date: rep.Date.UTC().Format("2006-01-02 15:04 MST"), Points: rep.Frontier})
		if err != nil {
			return err
		}
		files[*jsonOut] = b
	}
	for name, b := range files {
		path, err := rootPath(name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", path)
	}
	fmt.Fprintf(os.Stderr, "done in %s\n", rep.Wall.Round(time.Second))
	return nil
}

// runConcurrency runs the concurrency workload alone and prints its table.
func runConcurrency(ctx context.Context, waits string) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	var cfg harness.ConcurrencyConfig
	var err error
	if cfg.Waits, err = parseWaits(waits); err != nil {
		return err
	}
	rs, err := harness.RunConcurrency(ctx, cfg)
	harness.WriteConcurrency(os.Stdout, cfg, rs)
	return err
}

// parseWaits reads -waits: comma-separated positive counts.
func parseWaits(waits string) ([]int, error) {
	var out []int
	for _, w := range strings.FieldsFunc(waits, func(r rune) bool { return r == ',' }) {
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("-waits: %q is not a positive count", w)
		}
		out = append(out, n)
	}
	return out, nil
}

// allWorkloads are the workloads of a plain run (-workload all).
func allWorkloads() []string {
	return []string{"exact", "many", "overhead", "retained", "frontier", "concurrency"}
}

// rootPath resolves p against the repository root unless it is absolute.
func rootPath(p string) (string, error) {
	if filepath.IsAbs(p) {
		return p, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, p), nil
}

// command is how this run was invoked, as a go run command line.
func command() string {
	parts := []string{"go run ./internal/bench"}
	for _, a := range os.Args[1:] {
		if a == "" || strings.ContainsAny(a, " \t'\"$") {
			a = strconv.Quote(a)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// repoRoot finds the module root of github.com/daaskit/daas from the
// working directory up.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(strings.TrimSpace(string(b)), "module github.com/daaskit/daas\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the github.com/daaskit/daas module; give -out an absolute path")
		}
		dir = parent
	}
}
