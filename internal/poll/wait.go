package poll

import (
	"context"
	"sync"
	"time"
)

// Job is one job waited on, as the engine sees it: the root package's
// handle, adapted.
type Job[T any] interface {
	// Read reads the job by itself (GET /Jobs/{id}), with the Retry-After
	// of a successful answer.
	Read(ctx context.Context) (T, time.Duration, error)
	// Accept takes the job's status from a list read and returns the
	// job's own copy of it. shared says the status was delivered to other
	// waits of the job too, which hold it as well; unshared, v is the
	// wait's alone and needs no copy.
	Accept(v T, shared bool) T
	// Begin returns the context of one read step of the wait.
	Begin(ctx context.Context) context.Context
	// Done reports one read step: what it read and the floor of the next
	// read, or its error. It is called on the waiting goroutine, after
	// Begin, in order.
	Done(ctx context.Context, v T, floor time.Duration, err error)
}

// Params is what the engine needs to know of one wait.
type Params struct {
	ID     string
	Policy Policy
	// Started is when the job started (when the answer that started it
	// arrived); zero for a job started elsewhere.
	Started time.Time
	// Floor is the Retry-After of the answer that started the job.
	Floor time.Duration
}

// Stopped is the error of a wait whose context ended first.
type Stopped struct {
	Err     error // the context's error
	LastErr error // the last read's error, when it failed
}

func (e *Stopped) Error() string { return "poll: wait ended: " + e.Err.Error() }

// Unwrap returns the context's error and the last read's error, if any.
func (e *Stopped) Unwrap() []error {
	if e.LastErr == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.LastErr}
}

// waiter is the state of one wait: its schedule, and what the coordinator
// knows of it. Every parked wait holds one, so it is kept small (288
// bytes, which fill a size class of the allocator: a field more would
// cost 32 bytes a wait): times are instants of the coordinator's clock,
// and the wait's id is the caller's.
type waiter[T any] struct {
	sched Schedule // its policy is the wait's (pol)
	// The wait sleeps on sem or wake (wake.go) until woken: when its next
	// read is due, at once when a list read delivered its status, or when
	// its context ends. Woken and put to sleep only with Coordinator.mu
	// held, so that a delivery is never overwritten by a later due time.
	sem  sync.WaitGroup
	wake chan struct{} // made when first needed
	// done is the Done channel of the wait's context: the waits of one
	// context share one watch of it (ctxwatch.go), which links them
	// through ctxPrev and ctxNext (guarded by Coordinator.mu).
	done             <-chan struct{}
	ctxPrev, ctxNext *waiter[T]

	// Guarded by Coordinator.mu.
	next      *waiter[T]    // the next wait of the same job (Coordinator.ids)
	delivered T             // what the last list read showed, not yet taken
	floor     time.Duration // the Retry-After of that read
	due       instant       // when the waiter reads next
	sentAt    instant       // when the read behind delivered was sent
	seq       uint32        // the wait's place in the order of registration (wrapping)
	idx       int32         // its place in Coordinator.wakes; -1 when not there
	has       bool          // delivered is set
	shared    bool          // delivered went to other waits of the job too
	unlisted  bool          // the last list read did not show the job
	listing   bool          // in a list read (its own or one it joined)
	shown     bool          // shown by the list read being delivered (deliver)
	woken     bool          // woken, and not parked since
	sleep     sleep         // how it sleeps, when parked
}

// Wait reads job until a read shows it ended and returns that read. Reads
// that fail in a way that may pass are tried again on the schedule; any
// other failure ends the wait with its error. When ctx ends first the error
// is a *Stopped.
func (c *Coordinator[T]) Wait(ctx context.Context, job Job[T], p Params) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, &Stopped{Err: err}
	}
	w := c.register(p)
	c.watch(ctx, w)
	defer c.unregister(w, p.ID)
	// A server's wait is honoured up to MaxInterval, like the retry policy
	// honours one up to MaxDelay: a hostile Retry-After cannot stall a wait.
	sleep := c.setDue(ctx, w, max(w.sched.First(), min(p.Floor, p.Policy.MaxInterval)))
	var lastErr error
	for {
		if !w.park(ctx, sleep) {
			return zero, &Stopped{Err: ctx.Err(), LastErr: lastErr}
		}
		v, st, floor, at, err := c.step(job.Begin(ctx), w, job, p.ID)
		floor = min(floor, p.Policy.MaxInterval)
		job.Done(ctx, v, floor, err)
		next := floor
		if err != nil {
			if ctx.Err() != nil {
				return zero, &Stopped{Err: ctx.Err(), LastErr: lastErr}
			}
			kind, retryAfter := c.svc.Classify(err)
			if kind == Permanent {
				return zero, err
			}
			lastErr = err
			c.debug(ctx, "job poll failed; will poll again", "job", p.ID, "error", err.Error())
			next = max(w.sched.Next(time.Now(), nil), floor, min(retryAfter, p.Policy.MaxInterval))
		} else {
			lastErr = nil
			if st.Terminal {
				c.stats.Observe(st)
				return v, nil
			}
			next = max(w.nextRead(at, &st), floor)
		}
		sleep = c.setDue(ctx, w, next)
	}
}

// step is the one read step of a wait on job id, run on every wake: take
// what a list read delivered; else read the list when batching; else read
// the job. It returns the job and its status (described once, here), the
// floor of the next read and when the read that showed the job was sent
// (the time its status is true of, which a slow list read can leave
// seconds behind), or the error of the read.
func (c *Coordinator[T]) step(ctx context.Context, w *waiter[T], job Job[T], id string) (T, Status, time.Duration, time.Time, error) {
	if v, st, floor, at, ok := c.take(w, job); ok {
		return v, st, floor, at, nil
	}
	if c.batching(w) {
		c.setListing(w, true)
		floor, err := c.refresh(ctx, w)
		if err == nil && !c.judged(w) {
			// w joined a read that started before it registered, whose
			// pages may have gone by before w asked for its job: the
			// next read does not miss it.
			floor, err = c.refresh(ctx, w)
		}
		c.setListing(w, false)
		switch {
		case err == nil:
			if v, st, floor, at, ok := c.take(w, job); ok {
				return v, st, floor, at, nil
			}
			// The list does not show the job (w is now unlisted): read it
			// by itself until a list shows it.
		case ctx.Err() != nil || c.busy(err):
			var zero T
			return zero, Status{}, floor, time.Time{}, err
		default:
			c.debug(ctx, "job list read failed; reading the job itself", "job", id, "error", err.Error())
		}
	}
	// A list read may have delivered w's job since w looked, and the
	// waits it ended left too few to batch: take it rather than read.
	if v, st, floor, at, ok := c.take(w, job); ok {
		return v, st, floor, at, nil
	}
	start := time.Now()
	v, floor, err := job.Read(ctx)
	if err != nil {
		return v, Status{}, floor, start, err
	}
	st := c.svc.Status(v)
	c.mu.Lock()
	c.costs.observeSingle(st.Size)
	c.mu.Unlock()
	return v, st, floor, start, nil
}

// busy reports whether a failed list read asks the waiters to hold off.
func (c *Coordinator[T]) busy(err error) bool {
	kind, _ := c.svc.Classify(err)
	return kind == Busy
}

// take returns what a list read delivered to w, if anything, accepted by
// job and described, with the floor of the next read and when the list
// read was sent.
func (c *Coordinator[T]) take(w *waiter[T], job Job[T]) (v T, st Status, floor time.Duration, at time.Time, ok bool) {
	c.mu.Lock()
	v, floor, ok, shared := w.delivered, w.floor, w.has, w.shared
	if ok {
		at = c.clock.time(w.sentAt)
	}
	var zero T
	w.delivered, w.has, w.floor, w.shared = zero, false, 0, false
	c.mu.Unlock()
	if ok {
		v = job.Accept(v, shared)
		st = c.svc.Status(v)
	}
	return v, st, floor, at, ok
}

// nextRead is the wait before w's next read after it read st, from a read
// sent at at. A status that took more than half of MinInterval to arrive
// (a large list) is timed from when its read was sent, the time it is true
// of: reads aimed at the job's finish from a status seconds old would come
// seconds late. A fast answer is timed from now. Either way reads are sent
// no closer together than the schedule's interval; a read that took longer
// than that is followed at once, and the cost model chooses, as for any due
// read, whether the list or the job is read.
func (w *waiter[T]) nextRead(at time.Time, st *Status) time.Duration {
	now := time.Now()
	if at.IsZero() || now.Sub(at) <= w.pol().MinInterval/2 {
		return w.sched.Next(now, st)
	}
	return max(w.sched.Next(at, st)-now.Sub(at), 0)
}

// judged reports whether a list read has answered for w: delivered its
// job, or shown that the list does not hold it.
func (c *Coordinator[T]) judged(w *waiter[T]) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return w.has || w.unlisted
}

// setListing records whether w is in a list read.
func (c *Coordinator[T]) setListing(w *waiter[T], on bool) {
	c.mu.Lock()
	w.listing = on
	c.mu.Unlock()
}

// setDue sets w's next read in d, or at once when a list read has
// delivered its status meanwhile, and readies w to sleep under ctx until
// then (wake.go). It returns how w sleeps.
func (c *Coordinator[T]) setDue(ctx context.Context, w *waiter[T], d time.Duration) sleep {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	w.due = c.clock.instant(now.Add(d))
	c.schedule(w, now)
	return c.toSleep(ctx, w)
}

// pol is the wait's policy.
func (w *waiter[T]) pol() *Policy { return w.sched.pol }
