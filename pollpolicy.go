package daas

import (
	"errors"
	"fmt"
	"time"
)

// PollPolicy is the schedule on which a client reads the status of the jobs
// it waits for.
//
// The first read comes MinInterval after Wait starts (async lists
// finish in seconds); for a handle of a job started elsewhere
// ([ResumeJob]), which may have ended long ago, it comes at once. Each later interval is the previous one times
// Multiplier, capped at MaxInterval, spread by Jitter so that many jobs
// started together do not poll in step (each read a little early of its
// unjittered time, so that the reads of a long wait do not drift). A Retry-After header or retryDelay
// parameter from the service is a floor for the next interval. When the job
// reports progress, the next read is aimed at the finish estimated from the
// progress rate, within [MinInterval, MaxInterval]; set DisableProgressAim to
// poll on the exponential schedule alone.
//
// When more than BatchThreshold jobs are waited on at once through one
// client, their status is read with one GET /Jobs per tick for all of them
// instead of one GET /Jobs/{id} each, when that costs less: the list holds
// every job of the caller in the service's retention window, so a client
// with many finished jobs reads it only when many waiters are due at once.
// The cost of a read is its requests × BatchRequestBytes + its bytes; the
// poller measures both kinds of read and picks the cheaper each time a
// waiter is due (see the package documentation, "Progress and the poll schedule"). Jobs the list
// does not show are read by themselves; when a list read fails, every job
// is, for a minute.
type PollPolicy struct {
	MinInterval time.Duration // first interval, and the floor of every interval
	MaxInterval time.Duration // cap of every interval but those inside a learnt plan
	Multiplier  float64       // growth per poll, at least 1
	Jitter      float64       // spread of each interval: ±Jitter/2 of it, Jitter in [0, 1)

	DisableProgressAim bool // poll on the exponential schedule even when the job reports progress
	DisableBatch       bool // never use GET /Jobs for many waiters
	BatchThreshold     int  // waiters above which GET /Jobs is used; 0 means 4
	// BatchRequestBytes is what one request is worth in bytes received,
	// in the cost model that chooses between a list read and single
	// reads; 0 means 64 KiB; negative means bytes are free: the list is
	// read every tick whenever more than BatchThreshold jobs are waited on.
	BatchRequestBytes int
}

// DefaultPollPolicy returns the schedule a client uses unless told
// otherwise: first read after 1 s, intervals doubling to at most 30 s, ±5%
// jitter, progress-aimed reads, batch reads above 4 waiters.
//
// Why these numbers: Citrix's own SDK polls every 10 s, then every 30 s, so
// 30 s is a rate the service is built for, and the cap keeps a long job's
// read count at that level. Short jobs (an async list takes seconds) would
// wait up to 10 s on that schedule; reading after 1, 3, 7 and 15 s costs a
// few requests more per job and finds them within about a second. For jobs
// that report progress, reads aimed at the estimated finish find long jobs
// seconds after they end instead of up to 30 s later.
func DefaultPollPolicy() PollPolicy {
	return PollPolicy{
		MinInterval: time.Second,
		MaxInterval: 30 * time.Second,
		Multiplier:  2,
		Jitter:      0.1,
	}
}

func (p PollPolicy) validate() error {
	switch {
	case p.MinInterval <= 0:
		return errors.New("daas: PollPolicy: MinInterval must be positive")
	case p.MaxInterval < p.MinInterval:
		return errors.New("daas: PollPolicy: MaxInterval must be at least MinInterval")
	case !(p.Multiplier >= 1 && p.Multiplier <= 100):
		return fmt.Errorf("daas: PollPolicy: Multiplier %v out of range [1, 100]", p.Multiplier)
	case !(p.Jitter >= 0 && p.Jitter < 1):
		return fmt.Errorf("daas: PollPolicy: Jitter %v out of range [0, 1)", p.Jitter)
	case p.BatchThreshold < 0:
		return errors.New("daas: PollPolicy: BatchThreshold must not be negative")
	}
	return nil
}
