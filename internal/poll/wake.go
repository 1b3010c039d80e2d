package poll

import "time"

// The waiters' alarm clock. Each parked waiter blocks on its own small wake
// channel (and its context); the coordinator keeps the parked waiters in
// one heap by their next read, served by one timer set to the soonest. A
// timer per waiter cost some 240 bytes (the timer and its channel); a wake
// channel costs half that, and the heap a word per waiter.
//
// A waiter is sent a wake when its read is due or when a list read has
// delivered its status. Wakes are sent and taken back only with
// Coordinator.mu held: before a waiter parks, setDue drops any wake left
// from before and, when a status was delivered meanwhile, sends one at
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

// wake sends w a wake; one is enough, and a second is dropped. c.mu is
// held.
func (w *waiter[T]) wakeUp() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// unwake takes back a wake sent to w and not yet taken. c.mu is held.
func (w *waiter[T]) unwake() {
	select {
	case <-w.wake:
	default:
	}
}

// schedule sets w, about to park, to wake at its due time, or at once when
// a list read has delivered its status. c.mu is held.
func (c *Coordinator[T]) schedule(w *waiter[T], now time.Time) {
	w.unwake()
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
