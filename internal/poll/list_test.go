package poll

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A list read keeps the jobs of the waiters only (in any case of their
// ids), counts the others, and marks unlisted only the waiters registered
// before it started: one registered while it ran, whose job's page may
// have gone by, is not.
func TestListReadKeepsWaitedJobsOnly(t *testing.T) {
	s := newFake(t)
	for _, id := range []string{"j1", "j2", "j3", "j4", "j5"} {
		s.add(&fakeJob{id: id, dur: time.Hour})
	}
	c := newCoordinator(s)
	pol := defaultPolicy()
	w1 := c.register(Params{ID: "J1", Policy: pol})
	w2 := c.register(Params{ID: "j2", Policy: pol})
	gone := c.register(Params{ID: "j9", Policy: pol}) // not in the list
	var late *waiter[*fakeStatus]
	s.listFail = func() error {
		late = c.register(Params{ID: "j8", Policy: pol}) // registered during the read
		return nil
	}
	var kept []string
	_, err := c.refresh(t.Context(), w1)
	require.NoError(t, err)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, w := range []*waiter[*fakeStatus]{w1, w2} {
		if w.has {
			kept = append(kept, w.delivered.ID)
		}
	}
	assert.ElementsMatch(t, []string{"j1", "j2"}, kept, "each waiter gets its job")
	assert.True(t, gone.unlisted, "a job the list does not show")
	assert.False(t, late.unlisted, "a wait registered during the read is not judged by it")
	assert.Equal(t, 5, c.costs.listItems, "every job of the list counted")
	assert.Equal(t, 2, c.costs.mine, "of them, the waiters'")
}
