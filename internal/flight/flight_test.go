package flight

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errTimeout looks like a context error, as net/http's timeouts do.
var errTimeout = fmt.Errorf("attempt timed out: %w", context.DeadlineExceeded)

func TestLeaderRunsOnceAndSharesResult(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var g Group[int]
		var runs atomic.Int32
		release := make(chan struct{})
		fn := func(context.Context) (int, error) {
			runs.Add(1)
			<-release
			return 42, nil
		}
		results := make(chan int, 10)
		for range 10 {
			go func() {
				v, err := g.Do(t.Context(), fn)
				assert.NoError(t, err)
				results <- v
			}()
		}
		synctest.Wait()
		close(release)
		for range 10 {
			assert.Equal(t, 42, <-results)
		}
		assert.Equal(t, int32(1), runs.Load())
	})
}

// TestLeaderNeverLoops: a leader whose call fails with an error matching
// context.DeadlineExceeded, its own context fine, returns that error after
// one run (the old helper reran it at once, forever).
func TestLeaderNeverLoops(t *testing.T) {
	var g Group[int]
	var runs atomic.Int32
	_, err := g.Do(t.Context(), func(context.Context) (int, error) {
		if runs.Add(1) > 100 {
			return 0, errors.New("looping")
		}
		return 0, errTimeout
	})
	assert.ErrorIs(t, err, errTimeout)
	assert.Equal(t, int32(1), runs.Load())
}

// TestFollowerTakesTimeoutAsResult: a follower does not rerun a call that
// failed with a timeout while the leader's context was fine.
func TestFollowerTakesTimeoutAsResult(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var g Group[int]
		var runs atomic.Int32
		release := make(chan struct{})
		fn := func(context.Context) (int, error) {
			if runs.Add(1) == 1 {
				<-release
			}
			return 0, errTimeout
		}
		errs := make(chan error, 2)
		for range 2 {
			go func() { _, err := g.Do(t.Context(), fn); errs <- err }()
		}
		synctest.Wait()
		close(release)
		assert.ErrorIs(t, <-errs, errTimeout)
		assert.ErrorIs(t, <-errs, errTimeout)
		assert.Equal(t, int32(1), runs.Load())
	})
}

// TestFollowerRerunsWhenLeaderGaveUp: the leader's cancellation fails only
// the leader; the follower runs the call itself.
func TestFollowerRerunsWhenLeaderGaveUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var g Group[int]
		var runs atomic.Int32
		fn := func(ctx context.Context) (int, error) {
			if runs.Add(1) == 1 {
				<-ctx.Done()
				return 0, ctx.Err()
			}
			return 7, nil
		}
		leaderCtx, cancel := context.WithCancel(t.Context())
		leaderErr := make(chan error, 1)
		go func() { _, err := g.Do(leaderCtx, fn); leaderErr <- err }()
		synctest.Wait()
		got := make(chan int, 1)
		go func() {
			v, err := g.Do(t.Context(), fn)
			assert.NoError(t, err)
			got <- v
		}()
		synctest.Wait()
		cancel()
		assert.ErrorIs(t, <-leaderErr, context.Canceled)
		assert.Equal(t, 7, <-got)
		assert.Equal(t, int32(2), runs.Load())
	})
}

func TestFollowerLeavesWithItsContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var g Group[int]
		release := make(chan struct{})
		go func() {
			_, _ = g.Do(t.Context(), func(context.Context) (int, error) { <-release; return 1, nil })
		}()
		synctest.Wait()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := g.Do(ctx, func(context.Context) (int, error) { t.Error("follower ran"); return 0, nil })
		require.ErrorIs(t, err, context.Canceled)
		close(release)
	})
}
