package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/daaskit/daas"
)

// waitFlags are the flags of every command that starts or waits for jobs.
type waitFlags struct {
	NoWait            bool          `help:"Print the job id and exit 0 without waiting."`
	Timeout           time.Duration `help:"Stop waiting after this long (exit 6); the job goes on."`
	WarningsAsErrors  bool          `help:"Exit 7 when a job completes with a warning."`
	CancelOnInterrupt bool          `help:"On Ctrl-C, cancel the jobs as well as the wait."`
}

// Validate refuses a negative --timeout (kong calls it on parsing).
func (w *waitFlags) Validate() error {
	if w.Timeout < 0 {
		return usagef("--timeout %v: must not be negative (0, the default, waits as long as the job runs)", w.Timeout)
	}
	return nil
}

// errTimedOut is the cause of a context ended by --timeout.
var errTimedOut = errors.New("timed out")

// bound is ctx limited by --timeout.
func (w *waitFlags) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if w.Timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, w.Timeout, errTimedOut)
}

// pending is a job to wait for, whatever its result type.
type pending struct {
	id     string
	wait   func(ctx context.Context, opts ...daas.WaitOption) (any, error)
	cancel func(ctx context.Context) error
	info   func() *daas.JobInfo
}

// pendingOf wraps j as a pending job.
func pendingOf[T any](j *daas.Job[T]) pending {
	return pending{
		id: j.ID(),
		wait: func(ctx context.Context, opts ...daas.WaitOption) (any, error) {
			v, err := j.Wait(ctx, opts...)
			if _, ok := any(v).(struct{}); ok {
				return nil, err // a job without a result
			}
			return v, err
		},
		cancel: j.Cancel,
		info:   j.Info,
	}
}

// outcome is how the wait for one job ended.
type outcome struct {
	id       string
	info     *daas.JobInfo // last seen; nil if never read
	result   any
	err      error
	code     int
	elapsed  time.Duration
	canceled bool // canceled by --cancel-on-interrupt
}

// await waits for jobs (or, with --no-wait, prints their ids), shows their
// progress, prints how each ended with show, and returns the error whose
// code the command exits with.
func (a *app) await(ctx context.Context, w *waitFlags, jobs []pending, show func(outcome)) error {
	if w.NoWait {
		for _, j := range jobs {
			if a.json {
				printJSONLine(a.stdout, jobView{ID: j.id}) // what jobs wait takes back
			} else {
				fmt.Fprintln(a.stdout, clean(j.id))
			}
		}
		return nil
	}
	ctx, cancel := w.bound(ctx)
	defer cancel()
	var opts []daas.WaitOption
	if a.pollMin > 0 || a.pollMax > 0 {
		lo, hi := a.pollMin, a.pollMax
		if lo == 0 {
			lo = min(time.Second, hi)
		}
		if hi == 0 {
			hi = max(30*time.Second, lo)
		}
		opts = append(opts, daas.PollInterval(lo, hi))
	}
	if w.WarningsAsErrors {
		opts = append(opts, daas.WarningsAsErrors())
	}
	rep := a.newProgress(len(jobs))
	outs := make([]outcome, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		rep.add(i, j.id)
		wg.Go(func() {
			start := time.Now()
			res, err := j.wait(ctx, append(opts, daas.OnProgress(func(info daas.JobInfo) { rep.update(i, info) }))...)
			outs[i] = outcome{id: j.id, info: j.info(), result: res, err: err, elapsed: time.Since(start)}
			outs[i].code = codeOf(a.classify(ctx, w, &outs[i]))
			rep.finish(i, outs[i])
		})
	}
	wg.Wait()
	rep.close()
	interrupted := errors.Is(context.Cause(ctx), errInterrupted)
	if interrupted && w.CancelOnInterrupt {
		a.cancelAll(ctx, jobs, outs)
	}
	codes := make([]int, len(outs))
	for i, o := range outs {
		show(o)
		codes[i] = o.code
	}
	if interrupted || errors.Is(context.Cause(ctx), errTimedOut) {
		a.reattach(outs)
	}
	if c := worst(codes); c != exitOK {
		return &exitStatus{c}
	}
	return nil
}

// classify sets o.err to the reason its wait ended, for the exit code.
func (a *app) classify(ctx context.Context, w *waitFlags, o *outcome) error {
	if o.err == nil {
		return nil
	}
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errInterrupted):
		o.err = errInterrupted
	case errors.Is(cause, errTimedOut):
		o.err = fmt.Errorf("timed out after %v: %w", w.Timeout, context.DeadlineExceeded)
	}
	return o.err
}

// cancelAll cancels, best effort, the jobs whose wait was interrupted.
func (a *app) cancelAll(ctx context.Context, jobs []pending, outs []outcome) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	for i, j := range jobs {
		if outs[i].info != nil && outs[i].info.Status.Terminal() {
			continue
		}
		if err := j.cancel(cctx); err != nil {
			fmt.Fprintf(a.stderr, "daas: cancel %s: %s\n", j.id, message(err))
			continue
		}
		outs[i].canceled = true
		fmt.Fprintf(a.stderr, "daas: canceled job %s\n", j.id)
	}
}

// reattach says, after a wait stopped by Ctrl-C or --timeout, how to wait
// again for the jobs that go on: those not seen ending, and not canceled.
func (a *app) reattach(outs []outcome) {
	var ids []string
	for _, o := range outs {
		if !o.canceled && (o.info == nil || !o.info.Status.Terminal()) {
			ids = append(ids, o.id)
		}
	}
	if len(ids) == 0 {
		return
	}
	what := "the job goes on; wait for it again with"
	if len(ids) > 1 {
		what = "the jobs go on; wait for them again with"
	}
	fmt.Fprintf(a.stderr, "daas: %s: daas jobs wait %s\n", what, clean(strings.Join(ids, " ")))
}
