// Command bench measures the daas SDK: how soon Job.Wait sees a finished
// job and at what cost in requests, against the poll schedules of Citrix's
// own Go SDK, Azure, Google and a naive loop; how it scales to many
// concurrent waits; and the overhead of a call against hand-written
// net/http code. It drives the daastest fake in process, with a time scale,
// and writes the results to BENCHMARKS.md at the repository root.
//
//	go run ./internal/bench                 # every workload, ~2 minutes
//	go run ./internal/bench -workload single -jobs 200 -scale 20
//	go run ./internal/bench -out -          # print only
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
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
		scale     = flag.Float64("scale", 25, "time scale of the single-job workload: the fake runs this many times faster than real time, and every poll interval is divided by it")
		manyScale = flag.Float64("many-scale", 10, "time scale of the many-jobs workload")
		jobs      = flag.Int("jobs", 100, "jobs of the single-job workload (each waited for by every policy under each progress curve)")
		many      = flag.Int("many", 1000, "concurrent waits of the many-jobs workload")
		workload  = flag.String("workload", "all", "workloads to run: all, single, many, overhead, or a comma-separated list")
		seed      = flag.Uint64("seed", 1, "seed of job durations, start times and Google's jitter")
		count     = flag.Int("count", 3, "runs of each call-overhead benchmark (the fastest time and the median memory figures are kept)")
		retained  = flag.Int("retained", 10000, "finished jobs seeded on the client before the waits of the retained workload (issue 16)")
		types     = flag.Int("types", 100, "job types of the repeat-jobs workload (one job of each, with 20 earlier jobs of the type seen)")
		jsonOut   = flag.String("json", "docs/frontier.json", "with -workload frontier: file to write the frontier points to, relative to the repository root")
		out       = flag.String("out", "BENCHMARKS.md", "file to write the report to, relative to the repository root; - for stdout only")
	)
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	want := map[string]bool{}
	for _, w := range strings.Split(*workload, ",") {
		switch w = strings.TrimSpace(w); w {
		case "all":
			want["single"], want["many"], want["overhead"] = true, true, true
		case "single", "many", "overhead", "repeat", "retained", "frontier":
			want[w] = true
		default:
			return fmt.Errorf("unknown workload %q (want all, single, many, overhead, repeat, retained or frontier)", w)
		}
	}
	if *scale <= 0 || *manyScale <= 0 || *jobs <= 0 || *many <= 0 {
		return errors.New("-scale, -many-scale, -jobs and -many must be positive")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if want["repeat"] {
		// Repeat jobs (issue 16): printed, not yet part of the report file.
		fmt.Fprintf(os.Stderr, "repeat jobs: %d types × 3 policies × 2 curves at ×%g...\n", *types, *scale)
		rows, err := harness.RunRepeat(ctx, harness.RepeatConfig{Scale: *scale, Types: *types, Seed: *seed})
		if err != nil {
			return fmt.Errorf("repeat jobs: %w", err)
		}
		fmt.Print(harness.RepeatMarkdown(rows))
		if len(want) == 1 {
			return nil
		}
	}
	if want["frontier"] {
		// The frontier picture (issue 16): the single-job workload with
		// FrontierPolicies and the repeat-jobs workload, written as JSON
		// for internal/bench/frontier to draw.
		if err := frontier(ctx, *scale, *jobs, *types, *seed, *jsonOut); err != nil {
			return fmt.Errorf("frontier: %w", err)
		}
		if len(want) == 1 {
			return nil
		}
	}
	if want["retained"] {
		// Retained jobs (issue 16): printed, for BENCHMARKS.md's section
		// "Batch reads with retained jobs (issue 16)".
		fmt.Fprintf(os.Stderr, "retained jobs: %d waits × 3 runs, %d retained, at ×%g...\n", *many, *retained, *manyScale)
		res, err := harness.RunRetained(ctx, harness.RetainedConfig{Scale: *manyScale, Jobs: *many, Retained: *retained, Seed: *seed})
		if err != nil {
			return fmt.Errorf("retained jobs: %w", err)
		}
		fmt.Print(harness.RetainedMarkdown(res))
		if len(want) == 1 {
			return nil
		}
	}
	rep := &harness.Report{
		Machine:       harness.ThisMachine(),
		Command:       command(),
		Date:          time.Now(),
		LoadBefore:    harness.LoadAvg(),
		OverheadCount: *count,
	}
	start := time.Now()

	if want["single"] {
		fmt.Fprintf(os.Stderr, "single jobs: %d jobs × %d policies × 3 curves at ×%g (about %s)...\n", *jobs, len(harness.Policies()), *scale,
			(time.Duration(float64(32*time.Minute) / *scale)).Round(time.Second))
		// Fewer collections, fewer stop-the-world pauses in the timings;
		// the live heap is a few MB.
		old := debug.SetGCPercent(400)
		res, err := harness.RunSingle(ctx, harness.SingleConfig{Scale: *scale, Jobs: *jobs, Seed: *seed, Policies: harness.Policies()})
		debug.SetGCPercent(old)
		if err != nil {
			return fmt.Errorf("single jobs: %w", err)
		}
		rep.Single = res
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

	md := rep.Markdown()
	fmt.Print(md)
	if *out == "-" {
		return nil
	}
	path := *out
	if !filepath.IsAbs(path) {
		root, err := repoRoot()
		if err != nil {
			return err
		}
		path = filepath.Join(root, path)
	}
	if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s (%s)\n", path, rep.Wall.Round(time.Second))
	return nil
}

// frontier runs the workloads of the frontier picture and writes their
// points to path (relative to the repository root) and stdout.
func frontier(ctx context.Context, scale float64, jobs, types int, seed uint64, path string) error {
	pols := harness.FrontierPolicies()
	fmt.Fprintf(os.Stderr, "frontier: single jobs, %d jobs × %d policies × 3 curves at ×%g...\n", jobs, len(pols), scale)
	old := debug.SetGCPercent(400)
	single, err := harness.RunSingle(ctx, harness.SingleConfig{Scale: scale, Jobs: jobs, Seed: seed, Policies: pols})
	debug.SetGCPercent(old)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "frontier: repeat jobs, %d types at ×%g...\n", types, scale)
	repeat, err := harness.RunRepeat(ctx, harness.RepeatConfig{Scale: scale, Types: types, Seed: seed})
	if err != nil {
		return err
	}
	pts := harness.FrontierPoints(single, repeat)
	fmt.Print(harness.FrontierMarkdown(pts))
	b, err := harness.FrontierJSON(&harness.Frontier{Command: command(), Date: time.Now().UTC().Format("2006-01-02 15:04 MST"), Points: pts})
	if err != nil {
		return err
	}
	if !filepath.IsAbs(path) {
		root, err := repoRoot()
		if err != nil {
			return err
		}
		path = filepath.Join(root, path)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s\n", path)
	return nil
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
