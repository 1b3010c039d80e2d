// Command imagerollout updates the master image of N catalogs, two at a
// time, waits for each, then runs a reboot cycle of the delivery groups that
// use them, as a Temporal workflow whose activities are those of package
// github.com/daaskit/daas/temporal. It runs a worker and the workflow, and
// prints what the workflow did.
//
// Against a local Temporal server (temporal server start-dev) and, unless
// CITRIX_BASE_URL is set, a daas-sim it runs in process:
//
//	go run ./examples/imagerollout -temporal 127.0.0.1:7233
//
// With CITRIX_BASE_URL and the other CITRIX_ variables set (see
// daas.NewClientFromEnv), it runs against that site instead: the output of
// go run ./cmd/daas-sim, or a real one.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest/daassim"
	"github.com/daaskit/daas/temporal"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

const taskQueue = "daas-imagerollout"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "imagerollout:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("imagerollout", flag.ContinueOnError)
	hostPort := fs.String("temporal", client.DefaultHostPort, "host:port of the Temporal frontend")
	catalogs := fs.String("catalogs", "Win11-Pooled-001,Win2022-Shared-002,Win11-Dedicated-003", "comma-separated MCS catalogs to update")
	image := fs.String("image", `XDHyp:\HostingUnits\Unit1\win11-2026-12.vm`, "the new master image path")
	parallel := fs.Int("parallel", 2, "catalogs updated at a time")
	if err := fs.Parse(args); err != nil {
		return err
	}

	if os.Getenv("CITRIX_BASE_URL") == "" {
		stopSim, err := startSimulator(ctx)
		if err != nil {
			return err
		}
		defer stopSim()
	}
	dc, err := daas.NewClientFromEnv()
	if err != nil {
		return err
	}
	tc, err := client.Dial(client.Options{HostPort: *hostPort, Logger: log.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		return fmt.Errorf("connecting to Temporal at %s: %w", *hostPort, err)
	}
	defer tc.Close()

	w := worker.New(tc, taskQueue, worker.Options{})
	temporal.NewActivities(dc, temporal.Options{}).Register(w)
	w.RegisterActivityWithOptions(Groups{Client: dc}.GroupsUsing, activity.RegisterOptions{Name: groupsUsingActivity})
	w.RegisterWorkflowWithOptions(ImageRollout, workflow.RegisterOptions{Name: "ImageRollout"})
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()

	in := Rollout{Catalogs: strings.Split(*catalogs, ","), Image: *image, Parallel: *parallel}
	started := time.Now()
	wr, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: fmt.Sprintf("imagerollout-%d", started.UnixNano()), TaskQueue: taskQueue,
	}, "ImageRollout", in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "workflow %s: updating %d catalogs, %d at a time\n", wr.GetID(), len(in.Catalogs), in.Parallel)
	var out Rolled
	if err := wr.Get(ctx, &out); err != nil {
		return err
	}
	for _, c := range out.Catalogs {
		fmt.Fprintf(stdout, "catalog %s: image %s\n", c.Name, c.Image)
	}
	fmt.Fprintf(stdout, "reboot cycle done: %s\n", strings.Join(out.Groups, ", "))
	fmt.Fprintf(stdout, "done in %s\n", time.Since(started).Round(100*time.Millisecond))
	return nil
}

// startSimulator runs daas-sim in process on a free loopback port, with 5
// catalogs and 3 delivery groups on the first one's machines, and sets the
// CITRIX_ variables its banner names.
func startSimulator(ctx context.Context) (stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := daassim.Run(ctx, []string{"-addr", "127.0.0.1:0", "-catalogs", "5", "-groups", "3", "-job-duration", "2s", "-quiet"}, pw, io.Discard)
		pw.CloseWithError(errors.Join(err, io.EOF))
		done <- err
	}()
	stop = func() { cancel(); <-done }
	sc := bufio.NewScanner(pr)
	for n := 0; n < 6 && sc.Scan(); n++ {
		name, value, ok := strings.Cut(sc.Text(), "=")
		if !ok || !strings.HasPrefix(name, "CITRIX_") {
			stop()
			return nil, fmt.Errorf("daas-sim printed %q", sc.Text())
		}
		os.Setenv(name, value)
	}
	if err := sc.Err(); err != nil {
		stop()
		return nil, fmt.Errorf("starting daas-sim: %w", err)
	}
	go io.Copy(io.Discard, pr) // the banner has no more lines; keep the pipe open
	return stop, nil
}
