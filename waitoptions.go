package daas

import (
	"fmt"
	"slices"
	"time"
)

// A WaitOption changes how one [Job.Wait] waits.
type WaitOption func(*waitConfig)

type waitConfig struct {
	pol              PollPolicy
	onProgress       func(JobInfo)
	warningsAsErrors bool
	cancelOnDone     bool
	err              error
}

// OnProgress calls f with the job each time its status or progress percent
// changes (and once for the first status read). Calls come in order, from
// the goroutine that called Wait, never concurrently.
func OnProgress(f func(JobInfo)) WaitOption {
	return func(w *waitConfig) { w.onProgress = f }
}

// PollInterval bounds the poll intervals of this wait to [min, max],
// replacing the client's policy's MinInterval and MaxInterval. Any positive
// values are accepted, milliseconds included.
func PollInterval(min, max time.Duration) WaitOption {
	return func(w *waitConfig) {
		if min <= 0 || max < min {
			w.err = fmt.Errorf("daas: PollInterval(%v, %v): want 0 < min <= max", min, max)
			return
		}
		w.pol.MinInterval, w.pol.MaxInterval = min, max
	}
}

// WarningsAsErrors makes a job that ends CompleteWithWarning an error: a
// [*JobError] matching [ErrJobFailed].
func WarningsAsErrors() WaitOption {
	return func(w *waitConfig) { w.warningsAsErrors = true }
}

// CancelOnContextDone makes Wait ask the service to cancel the job when the
// context ends before the job does. The cancel is best effort: it is sent
// with a context of its own, bounded to 10 s, before Wait returns; the
// service refuses it for a job that is not cancellable.
func CancelOnContextDone() WaitOption {
	return func(w *waitConfig) { w.cancelOnDone = true }
}

func (c *Client) waitConfig(opts []WaitOption) (*waitConfig, error) {
	if !slices.ContainsFunc(opts, func(o WaitOption) bool { return o != nil }) {
		return &c.wait, nil // read only: shared by every such wait
	}
	wc := &waitConfig{pol: c.poll}
	for _, o := range opts {
		if o != nil {
			o(wc)
		}
	}
	if wc.err != nil {
		return nil, wc.err
	}
	return wc, nil
}
