package daas

import (
	"context"
	"net/http"
)

// service is the shared backing struct of every service: each typed
// service (MachineCatalogsService, JobsService, ...) is a service under its
// own name.
type service struct{ client *Client }

// send does one call through the one status policy ([Client.call]).
func (s *service) send(ctx context.Context, r *request, v any, want ...int) (*http.Response, error) {
	return s.client.call(ctx, r, v, want...)
}
