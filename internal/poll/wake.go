package poll

import (
	"context"
	"time"
)

// The waiters' alarm clock. The coordinator keeps the parked waiters in one
// heap by their next read, served by one timer set to the soonest: a timer
// per waiter cost some 240 bytes (the timer and its channel), the heap
// costs a word per waiter.
//
// A waiter is woken when its read is due, when a list read has delivered
// its status, or when its context, watched, ends (ctxwatch.go). A waiter
// whose context is watched sleeps on its semaphore (a WaitGroup: 16 bytes
// in the waiter, and nothing but the runtime's one waiting record while it
// blocks); any other selects on its context and a one-slot wake channel,
// made the first time it is needed (some 112 bytes).
//
// Waiters are woken and put to sleep only with Coordinator.mu held: woken
// says a wake came since the waiter last parked, so a wake is delivered
// once, and before a waiter parks, schedule drops a wake that came while
// it was awake and, when a status was delivered meanwhile, wakes it at
// once, so that a delivery is never overwritten by a later due time.

// wakeHeap is a min-heap of waiters by their due time; each waiter holds
// its index (idx, -1 when it is not in the heap).
type wakeHeap[T any] []*waiter[T]

func (h wakeHeap[T]) less(i, j int) bool { return h[i].due < h[j].due }

func (h wakeHeap[T]) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = int32(i), int32(j)
}

func (h wakeHeap[T]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

// down moves h[i] down to its place and reports whether it moved.
func (h wakeHeap[T]) down(i int) bool {
	i0 := i
	for {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		m := l
		if r := l + 1; r < len(h) && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			break
		}
		h.swap(i, m)
		i = m
	}
	return i > i0
}

// fix puts w, whose due time changed, in its place: into the heap when it
// is not there.
func (h *wakeHeap[T]) fix(w *waiter[T]) {
	if w.idx < 0 {
		w.idx = int32(len(*h))
		*h = append(*h, w)
		h.up(int(w.idx))
		return
	}
	if i := int(w.idx); !h.down(i) {
		h.up(i)
	}
}

// remove takes w out of the heap, if it is there.
func (h *wakeHeap[T]) remove(w *waiter[T]) {
	i := int(w.idx)
	if i < 0 {
		return
	}
	n := len(*h) - 1
	if i != n {
		h.swap(i, n)
	}
	(*h)[n] = nil
	*h = (*h)[:n]
	w.idx = -1
	if i != n {
		if !h.down(i) {
			h.up(i)
		}
	}
}

// sleep is how a waiter sleeps.
type sleep uint8

const (
	awake     sleep = iota // not parked, or woken already: it does not block
	onSem                  // on its semaphore (sem), which a wake releases
	onChan                 // in a select on its context and its wake channel
	cancelled              // not at all: its context, watched, has ended
)

// wakeUp wakes w; a second wake before it parks again is dropped. c.mu is
// held.
func (w *waiter[T]) wakeUp() {
	if w.woken {
		return
	}
	w.woken = true
	switch w.sleep {
	case onSem:
		w.sem.Done()
	case onChan:
		select {
		case w.wake <- struct{}{}:
		default: // a wake left by a select its context ended: it sleeps no more
		}
	}
	w.sleep = awake
}

// toSleep readies w, scheduled, to sleep under ctx and returns how: not
// at all when woken already; on its semaphore when ctx is watched (and
// not at all when it has ended: the wake its end sent may have been
// dropped by schedule); else in a select. c.mu is held.
func (c *Coordinator[T]) toSleep(ctx context.Context, w *waiter[T]) sleep {
	switch {
	case w.woken:
		w.sleep = awake
	case c.watched(w):
		if ctx.Err() != nil {
			return cancelled
		}
		w.sleep = onSem
		w.sem.Add(1)
	default:
		if w.wake == nil {
			w.wake = make(chan struct{}, 1)
		}
		select {
		case <-w.wake: // sent to a park that did not take it
		default:
		}
		w.sleep = onChan
	}
	return w.sleep
}

// park blocks as toSleep readied it to until w is woken (true) or ctx ends
// (false).
func (w *waiter[T]) park(ctx context.Context, s sleep) bool {
	switch s {
	case cancelled:
		return false
	case onSem:
		w.sem.Wait()
		return ctx.Err() == nil
	case onChan:
		select {
		case <-ctx.Done():
			return false
		case <-w.wake:
		}
	}
	return true
}

// schedule sets w, about to park, to wake at its due time, or at once when
// a list read has delivered its status. c.mu is held.
func (c *Coordinator[T]) schedule(w *waiter[T], now time.Time) {
	w.woken = false
	if w.has {
		c.wakes.remove(w)
		w.wakeUp()
	} else {
		c.wakes.fix(w)
	}
	c.arm(now)
}

// arm sets the coordinator's timer to the soonest due time of the heap,
// and stops it when the heap is empty: no timer outlives the waits. c.mu
// is held.
func (c *Coordinator[T]) arm(now time.Time) {
	if len(c.wakes) == 0 {
		if c.timer != nil {
			c.timer.Stop()
			c.timer, c.timerAt = nil, 0
		}
		return
	}
	at := c.wakes[0].due
	d := time.Duration(at - c.clock.instant(now))
	switch {
	case c.timer == nil:
		c.timer = time.AfterFunc(d, c.ring)
	case at != c.timerAt:
		c.timer.Reset(d)
	default:
		return
	}
	c.timerAt = at
}

// ring is the timer's: it wakes every waiter due by now and sets the timer
// for the next.
func (c *Coordinator[T]) ring() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	for t := c.clock.instant(now); len(c.wakes) > 0 && c.wakes[0].due <= t; {
		w := c.wakes[0]
		c.wakes.remove(w)
		w.wakeUp()
	}
	c.timerAt = -1 << 63 // it rang: set it again even for the same time
	c.arm(now)
}

// instant is a time on a coordinator's clock: nanoseconds since its
// epoch. A waiter holds its times so, in a third of the bytes of a
// time.Time.
type instant int64

// clock converts times to instants and back. Its epoch is set when the
// first wait registers and again whenever every wait has left (register),
// so that only waits that run together share one; instants are taken and
// read with Coordinator.mu held.
type clock struct{ epoch time.Time }

func (c clock) instant(t time.Time) instant { return instant(t.Sub(c.epoch)) }

func (c clock) time(i instant) time.Time { return c.epoch.Add(time.Duration(i)) }
