package daas

import (
	"context"
	"errors"
)

// captureKey marks a context whose first call is kept as a batch item
// instead of being sent (see [Client.BatchItemOf]).
type captureKey struct{}

// errCaptured ends a call whose request was kept for a batch item.
var errCaptured = errors.New("daas: call kept for a batch item, not sent")

// BatchItemOf returns the request that call makes, as a [BatchItem] for
// [Client.Batch], without sending it. call calls one method of c with the
// context it is given, for example
//
//	item, err := client.BatchItemOf(func(ctx context.Context) error {
//		_, err := client.Sessions.LogOffAsync(ctx, sessionID)
//		return err
//	})
//
// Every typed method works this way, generated or hand-written: the item
// has the method's path, escaping, query, body and admin credential, and
// the method's own checks run first (their error comes back unchanged).
// An Async method's item runs as a job of its own inside the batch, which
// [BatchResult.Wait] waits for. Only the first request the method would
// send is kept: for a method that makes several (an update that reads the
// result back), the item is its first. An error that is an [*InputError]
// comes back when call makes no request at all.
func (c *Client) BatchItemOf(call func(ctx context.Context) error) (BatchItem, error) {
	var kept *request
	err := call(context.WithValue(context.Background(), captureKey{}, &kept))
	switch {
	case kept != nil:
		return BatchItem{Method: kept.method, req: kept}, nil
	case err != nil:
		return BatchItem{}, err
	}
	return BatchItem{}, inputErr("BatchItemOf", "the function made no request of the client")
}

// capture keeps r when ctx is one of [Client.BatchItemOf]'s, and says so.
func capture(ctx context.Context, r *request) bool {
	kept, ok := ctx.Value(captureKey{}).(**request)
	if !ok {
		return false
	}
	if *kept == nil {
		*kept = r
	}
	return true
}
