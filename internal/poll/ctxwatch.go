package poll

import "context"

// The waits' contexts. A parked wait that selects on its context's Done
// channel and a wake channel holds the channel (some 112 bytes) and two of
// the runtime's waiting records (some 96 bytes each), and every wake of it
// takes the lock of the Done channel, which with many waits on one context
// (a group of waits, a server's base context) all of them contend for. The
// waits of a context that more than one wait shares are woken by one watch
// of it instead (context.AfterFunc) and sleep on their semaphore alone
// (wake.go). A wait alone on its context selects on both, as a watch would
// cost it more than it saves.

// watch is the waits of one Done channel: how many, the first of them
// (each links to the next and the one before, so that one leaves at no
// cost and the channel's end visits its own waits only), and the stop of
// its AfterFunc once two or more share it (nil before).
type watch[T any] struct {
	n     int
	first *waiter[T]
	stop  func() bool
}

// watch records that w waits under ctx, and watches ctx once another wait
// shares its Done channel.
func (c *Coordinator[T]) watch(ctx context.Context, w *waiter[T]) {
	done := ctx.Done()
	if done == nil {
		return // never ends
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	w.done = done
	g := c.watches[done]
	g.n++
	if g.first != nil {
		g.first.ctxPrev = w
	}
	w.ctxNext, g.first = g.first, w
	if g.n >= 2 && g.stop == nil {
		g.stop = context.AfterFunc(ctx, func() { c.ended(done) })
	}
	c.watches[done] = g
}

// unwatch records that w no longer waits, and stops the watch of its
// context with the last of its waits. c.mu is held.
func (c *Coordinator[T]) unwatch(w *waiter[T]) {
	if w.done == nil {
		return
	}
	g := c.watches[w.done]
	if w.ctxPrev != nil {
		w.ctxPrev.ctxNext = w.ctxNext
	} else {
		g.first = w.ctxNext
	}
	if w.ctxNext != nil {
		w.ctxNext.ctxPrev = w.ctxPrev
	}
	w.ctxPrev, w.ctxNext = nil, nil
	if g.n--; g.n > 0 {
		c.watches[w.done] = g
		return
	}
	if g.stop != nil {
		g.stop()
	}
	delete(c.watches, w.done)
}

// watched reports whether w's context is watched: w may sleep on its
// semaphore alone. c.mu is held.
func (c *Coordinator[T]) watched(w *waiter[T]) bool {
	return w.done != nil && c.watches[w.done].stop != nil
}

// ended wakes the waits of the Done channel done, which is closed: each
// sees its context ended. It visits those waits only, however many others
// the coordinator has.
func (c *Coordinator[T]) ended(done <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for w := c.watches[done].first; w != nil; w = w.ctxNext {
		w.wakeUp()
	}
}
