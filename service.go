package daas

import (
	"context"
	"net/http"
	"slices"
)

// service is the shared backing struct of every service: each typed
// service (MachineCatalogsService, JobsService, ...) is a service under its
// own name, so they share one way of sending a call and checking its answer.
type service struct{ client *Client }

// send does one call and checks its status: one of want, or when want is
// empty a plain synchronous success (200, 201, 204). Any other status (a
// 202 where a synchronous answer was asked, a 303, an undocumented 2xx) is
// an [*APIError], on every service alike.
func (s *service) send(ctx context.Context, r *request, v any, want ...int) (*http.Response, error) {
	resp, err := s.client.do(ctx, r, v)
	if err != nil {
		return nil, err
	}
	if len(want) == 0 {
		want = []int{http.StatusOK, http.StatusCreated, http.StatusNoContent}
	}
	if err := checkStatus(r, resp, want...); err != nil {
		return nil, err
	}
	return resp, nil
}

// checkStatus returns an [*APIError] when resp's status is not one of want.
func checkStatus(r *request, resp *http.Response, want ...int) error {
	if slices.Contains(want, resp.StatusCode) {
		return nil
	}
	e := &APIError{
		StatusCode: resp.StatusCode,
		Method:     r.method,
		URL:        r.redacted(),
		Detail:     "unexpected status for this operation",
	}
	if resp.Request != nil {
		e.TransactionID = resp.Request.Header.Get("Citrix-TransactionId")
	}
	return e
}
