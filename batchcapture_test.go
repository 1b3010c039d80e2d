package daas_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// TestBatchItemOfAnyMethod: a generated method's call becomes a batch item
// without being sent, and the batch then does what the calls would have
// done: every session of the group is logged off, each as a job.
func TestBatchItemOfAnyMethod(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, groupWorld(daastest.WithSessions(2))...)
	ctx := t.Context()
	var items []daas.BatchItem
	for s, err := range c.Sessions.All(ctx) {
		require.NoError(t, err)
		item, err := c.BatchItemOf(func(ctx context.Context) error {
			_, err := c.Sessions.LogOffAsync(ctx, s.ID)
			return err
		})
		require.NoError(t, err)
		items = append(items, item)
	}
	require.Len(t, items, 2)
	sent := len(srv.Requests())

	job, err := c.Batch(ctx, items)
	require.NoError(t, err)
	res, err := job.Wait(ctx, fastPoll)
	require.NoError(t, err)
	require.NoError(t, res.Wait(ctx, fastPoll))
	for _, it := range res.Items {
		assert.NotNil(t, it.Job, "item %s ran as a job of its own", it.Reference)
	}
	for _, r := range srv.Requests()[sent:] {
		assert.NotContains(t, r.Path, "$logoff", "only the batch carries the log offs: %s %s", r.Method, r.Path)
	}
	left := 0
	for _, err := range c.Sessions.All(ctx) {
		require.NoError(t, err)
		left++
	}
	assert.Zero(t, left, "every session is logged off")
}

// TestBatchItemOfSendsNothing: building items makes no request, a method's
// own refusal comes back unchanged, and a function that calls nothing is
// an input error.
func TestBatchItemOfSendsNothing(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	before := len(srv.Requests())
	item, err := c.BatchItemOf(func(ctx context.Context) error {
		_, err := c.MachineCatalogs.DeleteAsync(ctx, "Win11", daas.DeleteVMs(false))
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, "DELETE", item.Method)
	assert.Len(t, srv.Requests(), before, "BatchItemOf sent a request")

	_, err = c.BatchItemOf(func(ctx context.Context) error {
		_, err := c.Sessions.LogOffAsync(ctx, "..")
		return err
	})
	var ie *daas.InputError
	require.ErrorAs(t, err, &ie, "the method's own check")

	_, err = c.BatchItemOf(func(context.Context) error { return nil })
	require.ErrorAs(t, err, &ie)
	mine := errors.New("mine")
	_, err = c.BatchItemOf(func(context.Context) error { return mine })
	require.ErrorIs(t, err, mine)
	assert.Len(t, srv.Requests(), before)
}
