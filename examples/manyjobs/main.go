// Command manyjobs starts many asynchronous jobs (async catalog lists, which
// change nothing) and waits for all of them at once through one client, to
// show what the client's shared poller saves: with more than a few jobs
// waiting, it reads all of their statuses with one GET /Jobs per tick instead
// of one GET /Jobs/{id} per job.
//
//	go run ./examples/manyjobs            # 200 jobs against the built-in fake
//	go run ./examples/manyjobs -n 50
//
// Against the built-in fake it then waits for the same number of jobs again
// with batching turned off (PollPolicy.DisableBatch), so that both request
// counts, read from the fake's counters, are measured rather than estimated.
// Against a real service (CITRIX_* variables set) it starts jobs only with
// -yes, and does not run the comparison.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func main() { exampleenv.Main("manyjobs", run) }

func run(ctx context.Context, stdout io.Writer, args []string, opts exampleenv.Options) error {
	fs := flag.NewFlagSet("manyjobs", flag.ContinueOnError)
	fs.SetOutput(stdout)
	n := fs.Int("n", 200, "number of jobs to start")
	yes := fs.Bool("yes", false, "start the jobs on a real service (CITRIX_* variables set)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *n > 10000 {
		return fmt.Errorf("-n %d: want 1 to 10000", *n)
	}

	env, err := exampleenv.Open(stdout, opts)
	if err != nil {
		return err
	}
	defer env.Close()
	if env.Real() && !*yes {
		return fmt.Errorf("this would start %d jobs (async catalog lists) on %s; pass -yes to go ahead, and -n to start fewer", *n, env.Client.BaseURL())
	}

	if env.Fake != nil {
		env.Fake.ResetStats()
	}
	fmt.Fprintf(stdout, "Starting %d jobs (GET /MachineCatalogs?async=true) on one client.\n", *n)
	if err := startAndWait(ctx, stdout, env.Client, *n); err != nil {
		return err
	}
	if env.Fake == nil {
		return nil // a real service has no counters to read
	}
	batched := statusRequests(env)

	// The same work with one GET /Jobs/{id} per job per tick: a client
	// whose poll policy never batches.
	pol := env.PollPolicy
	pol.DisableBatch = true
	naiveClient, err := env.NewClient(daas.WithPollPolicy(pol))
	if err != nil {
		return err
	}
	env.Fake.ResetStats()
	fmt.Fprintf(stdout, "Again on a client that never batches (PollPolicy.DisableBatch), same poll schedule otherwise.\n")
	if err := startAndWait(ctx, stdout, naiveClient, *n); err != nil {
		return err
	}
	naive := statusRequests(env)

	fmt.Fprintf(stdout, "\nStatus requests for %d jobs (measured by the fake):\n", *n)
	fmt.Fprintf(stdout, "  shared poller, batched:          %5d  (GET /Jobs %d, GET /Jobs/{id} %d)\n", batched.total(), batched.list, batched.single)
	fmt.Fprintf(stdout, "  one GET /Jobs/{id} per job/tick: %5d  (GET /Jobs %d, GET /Jobs/{id} %d)\n", naive.total(), naive.list, naive.single)
	if batched.total() > 0 {
		fmt.Fprintf(stdout, "  %.0fx fewer status requests with batching.\n", float64(naive.total())/float64(batched.total()))
	}
	return nil
}

// startAndWait starts n async catalog lists on c, at most 16 at a time,
// then waits for all of them concurrently. It reports how long the starts
// and the waits took.
func startAndWait(ctx context.Context, stdout io.Writer, c *daas.Client, n int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		first error
	)
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
		cancel() // one failure is enough: stop the others
	}

	t0 := time.Now()
	jobs := make([]*daas.Job[[]daas.MachineCatalog], n)
	var wg sync.WaitGroup
	starting := make(chan struct{}, 16)
	for i := range jobs {
		wg.Go(func() {
			starting <- struct{}{}
			defer func() { <-starting }()
			job, err := c.MachineCatalogs.ListAsync(ctx)
			if err != nil {
				fail(err)
				return
			}
			jobs[i] = job
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	t1 := time.Now()
	fmt.Fprintf(stdout, "Started %d jobs in %.1fs; waiting for all of them.\n", n, t1.Sub(t0).Seconds())

	for _, job := range jobs {
		wg.Go(func() {
			if _, err := job.Wait(ctx); err != nil {
				fail(fmt.Errorf("job %s: %w", job.ID(), err))
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	fmt.Fprintf(stdout, "All %d jobs Complete %.1fs later.\n", n, time.Since(t1).Seconds())
	return nil
}

type counts struct{ list, single int }

func (c counts) total() int { return c.list + c.single }

// statusRequests reads the fake's counters of job status reads.
func statusRequests(env *exampleenv.Env) counts {
	return counts{list: env.Fake.Count("GET /Jobs"), single: env.Fake.Count("GET /Jobs/{id}")}
}
