// Package flight shares one call among concurrent callers, like
// golang.org/x/sync/singleflight with a context: the first caller (the
// leader) runs the call with its own context; callers that arrive while it
// runs (followers) wait for its result or for their own context to end.
package flight

import (
	"context"
	"sync"
)

// Group runs at most one call at a time and shares its result with every
// caller that asked while it ran. The zero value is ready to use; a Group
// must not be copied after first use.
type Group[T any] struct {
	mu   sync.Mutex
	call *call[T]
}

type call[T any] struct {
	done chan struct{}
	val  T
	err  error
	// leaderEnded records that the leader's own context had ended when fn
	// returned: its failure may say nothing about the call itself.
	leaderEnded bool
}

// Do runs fn, or joins the run in progress.
//
// The leader runs fn once with its own ctx and returns its result, whatever
// it is. A follower returns the shared result, or ctx.Err() as soon as its
// own ctx ends. A follower runs the call again (as a new leader, or joining
// another run) only when the shared call failed and the leader's context had
// ended by then; an error that merely looks like a context error (a
// transport timeout matches context.DeadlineExceeded) is a real result.
func (g *Group[T]) Do(ctx context.Context, fn func(context.Context) (T, error)) (T, error) {
	for {
		g.mu.Lock()
		c := g.call
		if c == nil {
			c = &call[T]{done: make(chan struct{})}
			g.call = c
			g.mu.Unlock()
			c.val, c.err = fn(ctx)
			c.leaderEnded = ctx.Err() != nil
			g.mu.Lock()
			g.call = nil
			g.mu.Unlock()
			close(c.done)
			return c.val, c.err
		}
		g.mu.Unlock()
		select {
		case <-c.done:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		if c.err != nil && c.leaderEnded && ctx.Err() == nil {
			continue
		}
		return c.val, c.err
	}
}
