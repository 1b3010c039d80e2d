package poll

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/daaskit/daas/internal/flight"
)

// Service is the service as the engine sees it: the list of the caller's
// jobs, what a status read says, and what a failed read means.
type Service[T any] interface {
	// ReadList reads every job of the caller (GET /Jobs), with the
	// Retry-After of a successful answer: the floor of the next read. It
	// keeps only the jobs whose id want accepts; of the others it counts
	// the number and the size, so that a long list never stays in memory.
	ReadList(ctx context.Context, want func(id string) bool) (List[T], time.Duration, error)
	// Status describes one status read.
	Status(v T) Status
	// Classify says whether a failed read may pass if tried again, and
	// the wait the service asked for, if any.
	Classify(err error) (Kind, time.Duration)
}

// List is what one read of the job list showed.
type List[T any] struct {
	Items []T // the jobs ReadList's want accepted
	Count int // the jobs of the list, kept or not
	Bytes int // their estimated size on the wire (Status.Size)
}

// Kind is what a failed read means to a wait.
type Kind int

const (
	// Permanent: the read cannot pass; the wait ends with its error.
	Permanent Kind = iota
	// Transient: the read may pass later; the wait reads again on its
	// schedule.
	Transient
	// Busy: a Transient failure in which the service asks callers to hold
	// off (429, 503). A list read that meets it holds every batched waiter
	// off instead of turning into a burst of single reads.
	Busy
)

// Coordinator is a client's one coordinator of waits. Each waiting
// goroutine runs its own schedule; with few waiters each reads its own job,
// with many they share one list read per tick: the first waiter due reads
// the list, every waiter the list shows gets its job from it and starts
// its next interval from then. No goroutine of its own: nothing runs when
// nobody waits.
type Coordinator[T any] struct {
	svc   Service[T]
	stats *Stats
	debug func(ctx context.Context, msg string, args ...any)

	mu sync.Mutex
	// ids holds every wait, by its job's id folded to lower case: the
	// first wait of each job, which links to the next (waiter.next).
	ids     map[string]*waiter[T]
	waiters int // the waits registered
	// registered counts the waits registered so far (wrapping): a list
	// read marks unlisted only the waits registered before it started.
	registered uint32
	clock      clock                       // of the waiters' times
	lists      flight.Group[time.Duration] // one list read at a time, shared by the waiters
	list       listState
	costs      readCosts                    // what list and single reads cost (cost.go)
	policies   map[Policy]*Policy           // the waits' policies, shared (policy)
	watches    map[<-chan struct{}]watch[T] // the waits' contexts (ctxwatch.go)

	// The parked waiters by their next read, and the one timer that wakes
	// them (wake.go): nil when nobody is parked.
	wakes   wakeHeap[T]
	timer   *time.Timer
	timerAt instant // when timer is set to ring
}

// New returns a coordinator reading svc, learning durations into stats
// (new ones when nil), and logging at debug level through debug (nil: no
// logging).
func New[T any](svc Service[T], stats *Stats, debug func(ctx context.Context, msg string, args ...any)) *Coordinator[T] {
	if stats == nil {
		stats = NewStats()
	}
	if debug == nil {
		debug = func(context.Context, string, ...any) {}
	}
	return &Coordinator[T]{svc: svc, stats: stats, debug: debug, ids: make(map[string]*waiter[T]),
		policies: make(map[Policy]*Policy), watches: make(map[<-chan struct{}]watch[T])}
}

// Stats returns the learnt durations the coordinator feeds.
func (c *Coordinator[T]) Stats() *Stats { return c.stats }

// Waiters returns how many waits are registered.
func (c *Coordinator[T]) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waiters
}

// listMode is the state of the job list, as the waiters see it.
type listMode int

const (
	listReady   listMode = iota // the list may be read
	listReading                 // a read is in flight
	// listBroken: the last read showed there is no list to read here
	// (404, 403, an unreadable answer, a server error); the waiters read
	// their jobs one by one until the pause ends.
	listBroken
	// listHeld: the last read answered 429 or 503 and asked for a wait;
	// batched waiters read nothing until it ends.
	listHeld
)

// listPause is how long the waiters read their jobs one by one after a
// list read failed in a way that says there is no list to read: a service
// (or a gateway) without GET /Jobs, or with a list it cannot serve, must not
// stop the waits.
const listPause = time.Minute

// errListPaused is the error of a list read skipped in the listBroken
// state.
var errListPaused = errors.New("poll: job list reads paused after a failed one")

type listState struct {
	mode  listMode
	sent  time.Time // listReading: when the read was sent
	until time.Time // listBroken, listHeld: when the state ends
	err   error     // listHeld: the answer that asked for the hold
}

// at returns the mode at now: a pause or a hold that has run out is over.
func (l *listState) at(now time.Time) listMode {
	if (l.mode == listBroken || l.mode == listHeld) && !now.Before(l.until) {
		return listReady
	}
	return l.mode
}

func (c *Coordinator[T]) register(p Params) *waiter[T] {
	key := strings.ToLower(p.ID)
	w := &waiter[T]{idx: -1}
	c.mu.Lock()
	if c.waiters == 0 {
		c.clock = clock{epoch: time.Now()}
	}
	w.sched.init(c.policy(p.Policy), p.Started, c.stats)
	c.registered++
	w.seq = c.registered
	c.waiters++
	w.next = c.ids[key]
	c.ids[key] = w
	c.mu.Unlock()
	return w
}

// registeredBy reports whether w registered by the count before: no
// later than the before-th registration. The count wraps; a list read
// sees far fewer than 2³¹ waits register while it runs.
func (w *waiter[T]) registeredBy(before uint32) bool { return int32(w.seq-before) <= 0 }

// maxPolicies bounds the policies a coordinator keeps to share between
// its waits: a client has one, and a few waits given options others.
const maxPolicies = 16

// policy returns a read-only copy of pol, shared by the waits of the same
// policy: a wait holds a pointer, not its own copy. c.mu is held.
func (c *Coordinator[T]) policy(pol Policy) *Policy {
	if p, ok := c.policies[pol]; ok {
		return p
	}
	p := &pol
	if len(c.policies) < maxPolicies {
		c.policies[pol] = p
	}
	return p
}

// unregister ends the wait w on the job id.
func (c *Coordinator[T]) unregister(w *waiter[T], id string) {
	key := strings.ToLower(id)
	c.mu.Lock()
	// The timer is set to the soonest due time of the heap (arm): only
	// the soonest leaving changes it. Any other leaves it as it is.
	soonest := w.idx == 0
	c.wakes.remove(w)
	if soonest {
		c.arm(time.Now())
	}
	c.unwatch(w)
	c.waiters--
	switch head := c.ids[key]; {
	case head == w && w.next == nil:
		delete(c.ids, key)
	case head == w:
		c.ids[key] = w.next
	default:
		for head.next != w {
			head = head.next
		}
		head.next = w.next
	}
	w.next = nil
	c.mu.Unlock()
}

// batching reports whether w should read its job through the list: enough
// jobs are waited on, the list can be read, the last one showed w's job,
// and the list costs no more than the single reads due.
func (c *Coordinator[T]) batching(w *waiter[T]) bool {
	if w.pol().DisableBatch {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if c.waiters <= w.pol().threshold() || w.unlisted || c.list.at(now) == listBroken {
		return false
	}
	return c.costChoice(w.pol(), now)
}

// costChoice decides, for a waiter due now, between the list and its own
// read under the cost model. c.mu is held.
func (c *Coordinator[T]) costChoice(pol *Policy, now time.Time) bool {
	req := requestBytes(*pol)
	if req < 0 {
		return true // bytes are free: the list, every tick
	}
	if c.list.at(now) == listReading && now.Sub(c.list.sent) <= pol.MinInterval/2 {
		return true // join the list read in flight: it costs nothing more, and it is recent
	}
	// Waiters due together decide within moments of each other: one count
	// serves them all, so a tick costs one pass over the waiters, not one
	// per waiter.
	if c.costs.countedAt.IsZero() || now.Sub(c.costs.countedAt) > pol.MinInterval/20 || now.Before(c.costs.countedAt) {
		c.costs.counted, c.costs.countedAt = c.dueSoon(now.Add(pol.MinInterval)), now
	}
	if c.costs.listCheaper(c.costs.counted, req) {
		return true
	}
	c.costs.chargeSingle(req)
	return false
}

// dueSoon counts the batched waiters whose next read is due by t, of those
// whose job the last list showed: a waiter with a list status delivered
// and not yet taken counts (a list read just ended; a read now serves it
// as its next tick, which keeps the waiters in step on one list), one in a
// list read in flight does not, and any other counts when its next read is
// due by t. c.mu is held.
func (c *Coordinator[T]) dueSoon(t time.Time) int {
	var k int
	by := c.clock.instant(t)
	for _, w := range c.ids {
		for ; w != nil; w = w.next {
			switch {
			case w.unlisted:
			case w.has:
				k++
			case w.listing:
			case w.due <= by:
				k++
			}
		}
	}
	return k
}

// refresh reads the job list for w, sharing the read with every other
// waiter: one read in flight at a time, and its result delivered to all
// waiters it shows. It returns the floor of the next read.
func (c *Coordinator[T]) refresh(ctx context.Context, w *waiter[T]) (time.Duration, error) {
	return c.lists.Do(ctx, func(ctx context.Context) (time.Duration, error) {
		// Another waiter's read may have ended, delivering w's job, not
		// showing it, or failing, between w's look and this one.
		now := time.Now()
		c.mu.Lock()
		delivered, unlisted, l := w.has, w.unlisted, c.list
		c.mu.Unlock()
		switch {
		case delivered:
			return 0, nil
		case unlisted:
			// A read that ended since w chose the list did not show its
			// job: w reads it by itself, and no second list read is sent.
			return 0, nil
		case l.at(now) == listHeld:
			return l.until.Sub(now), l.err
		case l.at(now) == listBroken:
			return 0, errListPaused
		}
		start := time.Now()
		c.mu.Lock()
		c.list = listState{mode: listReading, sent: start}
		before := c.registered
		c.mu.Unlock()
		list, floor, err := c.svc.ReadList(ctx, c.waitedOn)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.list = listState{mode: listReady}
		if err == nil {
			c.deliver(&list, floor, start, before)
			return floor, nil
		}
		if ctx.Err() != nil {
			return 0, err
		}
		if kind, retryAfter := c.svc.Classify(err); kind == Busy {
			floor = min(retryAfter, w.pol().MaxInterval)
			c.list = listState{mode: listHeld, until: time.Now().Add(floor), err: err}
			return floor, err
		}
		c.list = listState{mode: listBroken, until: time.Now().Add(listPause)}
		return 0, err
	})
}

// deliver hands each waiter its job from a list read sent at sent (of a
// job the list shows twice, the later), marks the waiters registered
// before it (by the count before) whose job the list does not show, and
// records what the read cost. c.mu is held.
func (c *Coordinator[T]) deliver(list *List[T], floor time.Duration, sent time.Time, before uint32) {
	at := c.clock.instant(sent)
	var mine, mineBytes int
	for i := range list.Items {
		st := c.svc.Status(list.Items[i])
		head := c.lookup(st.ID)
		for w := head; w != nil; w = w.next {
			if !w.shown {
				mine++
				mineBytes += st.Size
			}
			w.delivered, w.has, w.floor, w.unlisted, w.sentAt, w.shown = list.Items[i], true, floor, false, at, true
			w.shared = head.next != nil
			w.wakeUp() // now; schedule moves it in the heap when it parks again
		}
	}
	for _, w := range c.ids {
		for ; w != nil; w = w.next {
			if !w.shown && w.registeredBy(before) {
				w.unlisted = true
			}
			w.shown = false
		}
	}
	c.costs.observeList(list.Count, list.Bytes, mine, mineBytes)
}

// waitedOn reports whether a waiter waits on the job id (in any case):
// the jobs a list read keeps.
func (c *Coordinator[T]) waitedOn(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lookup(id) != nil
}

// lookup returns the first waiter of the job id, in any case, or nil; it
// allocates nothing for an id of up to 64 bytes. c.mu is held.
func (c *Coordinator[T]) lookup(id string) *waiter[T] {
	s := c.ids
	if w, ok := s[id]; ok {
		return w
	}
	var buf [64]byte
	if len(id) > len(buf) {
		return s[strings.ToLower(id)]
	}
	b := buf[:len(id)]
	for i := 0; i < len(id); i++ {
		c := id[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return s[string(b)]
}
