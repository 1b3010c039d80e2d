package daas

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/daaskit/daas/internal/flight"
)

// PollPolicy is the schedule on which a client reads the status of the jobs
// it waits for.
//
// The first read comes MinInterval after Wait starts (async lists
// finish in seconds). Each later interval is the previous one times
// Multiplier, capped at MaxInterval, spread by Jitter so that many jobs
// started together do not poll in step. A Retry-After header or retryDelay
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
	MaxInterval time.Duration // cap of every interval
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

// A WaitOption changes how one [Job.Wait] waits.
type WaitOption func(*waitConfig)

type waitConfig struct {
	pol              PollPolicy
	onProgress       func(JobInfo)
	warningsAsErrors bool
	cancelOnDone     bool
	err              error
	trace            *waitTrace // telemetry of the wait; nil without an observer
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

// poller is the client's one coordinator of waits. Each waiting goroutine
// runs its own schedule; with few waiters each reads its own job, with many
// they share one GET /Jobs per tick: the first waiter due reads the list,
// every waiter the list shows gets its job from it and starts its next
// interval from then. No goroutine of its own: nothing runs when nobody
// waits. It reads the service through a jobReader only.
type poller struct {
	r     jobReader
	debug func(ctx context.Context, msg string, args ...any)
	stats *pollStats // learnt durations by job type (pollstats.go)

	mu      sync.Mutex
	waiters map[*waiter]struct{}
	lists   flight.Group[time.Duration] // one list read at a time, shared by the waiters
	// Until then, no list reads: the last one showed there is no list to
	// read here (404, 403, an unreadable answer, a server error).
	listBrokenUntil time.Time
	listSent        time.Time // when the list read in flight was sent; zero when none is
	// Until then, no reads for batched waiters: the list answered 429 or
	// 503 (holdErr) and asked for this wait.
	holdUntil time.Time
	holdErr   error
	costs     readCosts // what list and single reads cost (pollcost.go)
}

type waiter struct {
	id     string
	key    string        // the id folded to lower case: ids are GUIDs, spelt in either case
	notify chan struct{} // a list read delivered info; capacity 1, full only while info is set

	// Guarded by poller.mu.
	info     *JobInfo      // what the last list read showed, not yet taken
	floor    time.Duration // the Retry-After of that read
	unlisted bool          // the last list read did not show the job
	due      time.Time     // when the waiter reads next
	listing  bool          // in a list read (its own or one it joined)
	sentAt   time.Time     // when the read behind info was sent
	// When the read behind the job's last status was sent: the time the
	// status is true of, which a slow list read can leave seconds behind.
	seenAt time.Time
}

func newPoller(c *Client) *poller {
	p := newPollerWith((*JobsService)(&c.common), c.debug)
	if c.stats != nil {
		p.stats = c.stats
	}
	return p
}

func newPollerWith(r jobReader, debug func(ctx context.Context, msg string, args ...any)) *poller {
	return &poller{r: r, debug: debug, stats: newPollStats(), waiters: make(map[*waiter]struct{})}
}

func (p *poller) register(id string) *waiter {
	w := &waiter{id: id, key: strings.ToLower(id), notify: make(chan struct{}, 1)}
	p.mu.Lock()
	p.waiters[w] = struct{}{}
	p.mu.Unlock()
	return w
}

func (p *poller) unregister(w *waiter) {
	p.mu.Lock()
	delete(p.waiters, w)
	p.mu.Unlock()
}

// batching reports whether w should read its job through the list: enough
// jobs are waited on, the list can be read, the last one showed w's job,
// and the list costs no more than the single reads due (pollcost.go).
func (p *poller) batching(pol PollPolicy, w *waiter) bool {
	if pol.DisableBatch {
		return false
	}
	threshold := pol.BatchThreshold
	if threshold == 0 {
		threshold = 4
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if len(p.waiters) <= threshold || w.unlisted || now.Before(p.listBrokenUntil) {
		return false
	}
	return p.costChoice(pol, w, now)
}

// listPause is how long the waiters read their jobs one by one after a
// list read failed in a way that says there is no list to read: a service
// (or a gateway) without GET /Jobs, or with a list it cannot serve, must not
// stop the waits.
const listPause = time.Minute

// take returns what a list read delivered to w, if anything, with the
// floor of the next read.
func (p *poller) take(w *waiter) (*JobInfo, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	info, floor := w.info, w.floor
	if info != nil {
		w.seenAt = w.sentAt
	}
	w.info, w.floor = nil, 0
	select {
	case <-w.notify:
	default:
	}
	return info, floor
}

// read is the one read step of a wait, run on every wake: take what a list
// read delivered; else read the list when batching; else read the job. It
// returns the job, the floor of the next read, or the error of the read.
func (p *poller) read(ctx context.Context, w *waiter, jc *jobCore, pol PollPolicy) (*JobInfo, time.Duration, error) {
	if info, floor := p.take(w); info != nil {
		jc.accept(info)
		return info, floor, nil
	}
	if p.batching(pol, w) {
		p.setListing(w, true)
		floor, err := p.refresh(ctx, w, pol)
		p.setListing(w, false)
		switch {
		case err == nil:
			if info, floor := p.take(w); info != nil {
				jc.accept(info)
				return info, floor, nil
			}
			// The list does not show the job (w is now unlisted): read it
			// by itself until a list shows it.
		case ctx.Err() != nil || listHeld(err):
			return nil, floor, err
		default:
			p.debug(ctx, "job list read failed; reading the job itself", "job", jc.id, "error", err.Error())
		}
	}
	start := time.Now()
	info, floor, err := jc.poll(ctx)
	if err == nil {
		p.mu.Lock()
		p.costs.observeSingle(info)
		w.seenAt = start
		p.mu.Unlock()
	}
	return info, floor, err
}

// listHeld reports whether a failed list read asks the waiters to hold
// off (429, 503) rather than read their jobs one by one.
func listHeld(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && (ae.StatusCode == http.StatusTooManyRequests || ae.StatusCode == http.StatusServiceUnavailable)
}

// refresh reads the job list for w, sharing the read with every other
// waiter: one read in flight at a time, and its result delivered to all
// waiters it shows. It returns the floor of the next read.
func (p *poller) refresh(ctx context.Context, w *waiter, pol PollPolicy) (time.Duration, error) {
	return p.lists.Do(ctx, func(ctx context.Context) (time.Duration, error) {
		// Another waiter's read may have ended, delivering w's job or
		// failing, between w's look and this one.
		now := time.Now()
		p.mu.Lock()
		delivered, paused := w.info != nil, now.Before(p.listBrokenUntil)
		held, holdErr, holdLeft := now.Before(p.holdUntil), p.holdErr, p.holdUntil.Sub(now)
		p.mu.Unlock()
		switch {
		case delivered:
			return 0, nil
		case held:
			return holdLeft, holdErr
		case paused:
			return 0, errListPaused
		}
		start := time.Now()
		p.mu.Lock()
		p.listSent = start
		p.mu.Unlock()
		items, floor, err := p.r.readJobs(ctx)
		p.mu.Lock()
		defer p.mu.Unlock()
		p.listSent = time.Time{}
		switch {
		case err == nil:
			mine, mineBytes := p.deliverAt(items, floor, start)
			p.costs.observeList(items, mine, mineBytes)
			return floor, nil
		case ctx.Err() != nil:
		case listHeld(err):
			var ae *APIError
			errors.As(err, &ae)
			floor = min(ae.RetryAfter, pol.MaxInterval)
			p.holdUntil, p.holdErr = time.Now().Add(floor), err
			return floor, err
		default:
			p.listBrokenUntil = time.Now().Add(listPause)
		}
		return 0, err
	})
}

// deliver hands each waiter its job from a list read, and marks the
// waiters whose job the list does not show. p.mu is held.
func (p *poller) deliver(items []JobInfo, floor time.Duration) {
	p.deliverAt(items, floor, time.Now())
}

// deliverAt is deliver for a list read sent at sent. It returns how many
// waiters' jobs the list showed and their estimated bytes (approxJSONSize).
func (p *poller) deliverAt(items []JobInfo, floor time.Duration, sent time.Time) (mine, mineBytes int) {
	byID := make(map[string]*JobInfo, len(items))
	for i := range items {
		byID[strings.ToLower(items[i].ID)] = &items[i]
	}
	for w := range p.waiters {
		info, ok := byID[w.key]
		if !ok {
			w.unlisted = true
			continue
		}
		w.info, w.floor, w.unlisted, w.sentAt = info.clone(), floor, false, sent
		mine++
		mineBytes += approxJSONSize(info)
		select {
		case w.notify <- struct{}{}:
		default:
		}
	}
	return mine, mineBytes
}

// wait polls jc until it reaches a terminal status and returns it. When
// ctx ends first, the error is a *WaitError.
func (p *poller) wait(ctx context.Context, jc *jobCore, wc *waitConfig) (*JobInfo, error) {
	var last *JobInfo
	var lastErr error
	ended := func() error {
		we := &WaitError{JobID: jc.id, LastErr: lastErr, Err: ctx.Err()}
		if info := jc.snapshot(); info != nil {
			we.LastStatus = info.Status
		}
		return we
	}
	if ctx.Err() != nil {
		return nil, ended()
	}
	report := func(info *JobInfo) {
		if wc.onProgress != nil && (last == nil || last.Status != info.Status || last.Progress != info.Progress) {
			wc.onProgress(*info.clone())
		}
		last = info
	}
	if info := jc.snapshot(); info != nil && info.Status.Terminal() {
		report(info)
		return info, nil
	}

	w := p.register(jc.id)
	defer p.unregister(w)
	s := newSchedule(wc.pol, jc.started, p.stats)
	// A server's wait is honoured up to MaxInterval, like the retry policy
	// honours one up to MaxDelay: a hostile Retry-After cannot stall a wait.
	first := max(s.first(), min(jc.floor, wc.pol.MaxInterval))
	p.setDue(w, time.Now().Add(first))
	timer := time.NewTimer(first)
	defer timer.Stop()
	reset := func(d time.Duration) { // the poller knows when each waiter reads next
		p.setDue(w, time.Now().Add(d))
		timer.Reset(d)
	}
	for {
		select {
		case <-ctx.Done():
			return nil, ended()
		case <-w.notify:
		case <-timer.C:
		}
		rctx, rec := wc.trace.readContext(ctx)
		info, floor, err := p.read(rctx, w, jc, wc.pol)
		floor = min(floor, wc.pol.MaxInterval)
		wc.trace.read(ctx, rec, info, floor, err)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ended()
			}
			if !transient(err) {
				return nil, err
			}
			lastErr = err
			if ae := (*APIError)(nil); errors.As(err, &ae) {
				floor = max(floor, min(ae.RetryAfter, wc.pol.MaxInterval))
			}
			p.debug(ctx, "job poll failed; will poll again", "job", jc.id, "error", err.Error())
			reset(max(s.next(time.Now(), nil), floor))
			continue
		}
		lastErr = nil
		report(info)
		if info.Status.Terminal() {
			p.stats.observe(info)
			return info, nil
		}
		reset(max(p.nextRead(s, w, info, wc.pol), floor))
	}
}
