package daas

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// Do calls any endpoint of the API, for those without a typed method yet,
// on the same path as the typed methods: the same headers, token, site,
// retries, origin checks and typed errors ([*APIError] and the sentinels).
//
// path is relative to the API root (such as "Zones" or
// "MachineCatalogs/Pool%7CWin11/Machines?limit=10"), with its segments
// escaped; it may carry a query. A path that could leave the API root once
// a server unescapes it (a dot segment, escaped once or more, with "/" or
// "\" as the separator, or a backslash as it is) is an [*InputError] and
// nothing is sent. body, when non-nil, is sent as JSON. out
// is nil (the answer's body is discarded) or a pointer that a JSON answer
// is decoded into; an empty answer (204) leaves it as it is. A 303 answer
// is followed on the API's origin.
//
// Do is for synchronous calls: a 202 Accepted answer (the service started a
// job) is an [*AcceptedError] (matching [ErrAccepted]) that names the job;
// use [StartJob] for asynchronous operations, which also gives the job to
// wait for. A path with async=true
// is refused before any request for the same reason.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	r, err := c.rawRequest(method, path, body, out)
	if err != nil {
		return err
	}
	resp, err := c.call(ctx, r, out, http.StatusOK, http.StatusCreated, http.StatusAccepted, http.StatusNoContent, http.StatusSeeOther)
	if err != nil {
		return err
	}
	switch resp.StatusCode {
	case http.StatusAccepted:
		loc := strings.TrimSpace(resp.Header.Get("Location"))
		ae := &AcceptedError{Method: r.method, URL: r.redacted(), Location: echoRef(loc)}
		ae.JobID, _ = c.jobLocation(loc)
		return ae
	case http.StatusSeeOther:
		return c.follow(ctx, r, resp, out)
	}
	return nil
}

// rawRequest checks Do's arguments, before any request.
func (c *Client) rawRequest(method, path string, body, out any) (*request, error) {
	m := strings.ToUpper(strings.TrimSpace(method))
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return nil, inputErr("Do", "unsupported method %q", truncate(method, 20))
	}
	if strings.TrimSpace(path) == "" || strings.Contains(path, "://") || strings.HasPrefix(path, "//") {
		return nil, inputErr("Do", "path %q must be relative to the API root", echoRef(path))
	}
	if out != nil {
		if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
			return nil, inputErr("Do", "out must be nil or a non-nil pointer, not %T", out)
		}
	}
	ref, rawQuery, _ := strings.Cut(path, "?")
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, inputErr("Do", "malformed query in %q", echoRef(path))
	}
	if strings.EqualFold(q.Get("async"), "true") {
		return nil, inputErr("Do", "%s %q: async=true starts a job; use StartJob for asynchronous operations", m, echoRef(ref))
	}
	if len(q) == 0 {
		q = nil
	}
	return c.newRequest(m, ref, q, body)
}
