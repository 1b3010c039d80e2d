package daas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// sendToken posts a client-credentials form to the token endpoint, under
// the retry policy (a token request changes nothing, so it is retried as a
// read) and without Authorization.
func (c *Client) sendToken(ctx context.Context, form []byte) (*http.Response, error) {
	hdr := make(http.Header, 3)
	// The endpoint refuses a charset parameter on the form content type.
	hdr.Set("Content-Type", "application/x-www-form-urlencoded")
	hdr.Set("Accept", "application/json")
	hdr.Set("User-Agent", c.userAgent)
	st := &attempts{method: http.MethodPost, path: c.tokenURL.Path}
	resp, err := c.send(ctx, http.MethodPost, c.tokenURL.String(), hdr, form, st)
	if err != nil {
		return nil, fmt.Errorf("daas: token request: %w", redactURLError(err))
	}
	return resp, nil
}

// request is one logical API call: it keeps its transaction id across
// retries and a replay after a 401.
type request struct {
	method     string
	url        *url.URL
	body       []byte
	siteScoped bool
	// mayCreate marks a call that may create something on the server (POST,
	// and any async write). It is retried only when the server cannot have
	// acted on it.
	mayCreate bool
	// rebuild, when set, makes the body of each send: a body that carries
	// the token inside it (a batch) is made again after a 401.
	rebuild func(ctx context.Context) ([]byte, error)
	// header holds extra headers of this call (X-AdminCredential).
	header http.Header
	// secrets are values of this call that must never reach an error, such
	// as the admin credential of its header.
	secrets []string
}

// newRequest builds a call to ref (relative to the API root, or an absolute
// URL on the API origin), with an optional query and a JSON body.
func (c *Client) newRequest(method, ref string, query url.Values, body any) (*request, error) {
	u, err := c.resolve(ref)
	if err != nil {
		return nil, err
	}
	if len(query) > 0 {
		q := u.Query()
		for k, vs := range query {
			q[k] = vs
		}
		u.RawQuery = q.Encode()
	}
	r := &request{method: method, url: u, siteScoped: true}
	if body != nil {
		if r.body, err = encodeBody(body); err != nil {
			return nil, err
		}
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	case http.MethodPost:
		r.mayCreate = true
	default:
		r.mayCreate = u.Query().Get("async") == "true"
	}
	return r, nil
}

// encodeBody encodes a request body as JSON, HTML characters as they are.
func encodeBody(body any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return nil, fmt.Errorf("daas: encoding request body: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// redacted is the URL as errors and logs show it: no query, no credentials.
func (r *request) redacted() string {
	u := *r.url
	u.RawQuery, u.User, u.Fragment = "", nil, ""
	return u.String()
}

// call sends r and decides its status, the one place that does: the answer
// must have one of want (none given: a plain synchronous success, 200, 201
// or 204). A 2xx of want is decoded into v (when v is non-nil and there is
// a body); a 303 of want is returned with its Location, for [Client.follow].
// Any other status, success or not, is an [*APIError]. After a 401 with a
// token the library fetched, it drops the token, fetches a new one,
// rebuilds the body when the request carries the token inside it (a batch)
// and replays the call once.
func (c *Client) call(ctx context.Context, r *request, v any, want ...int) (*http.Response, error) {
	if len(want) == 0 {
		want = []int{http.StatusOK, http.StatusCreated, http.StatusNoContent}
	}
	if capture(ctx, r) {
		return nil, errCaptured
	}
	resp, txid, used, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(want, resp.StatusCode) {
		ae := newAPIError(resp, r.method, r.redacted(), txid)
		if resp.StatusCode < 400 {
			ae.Detail = unexpectedStatus(resp.StatusCode, want)
		}
		ae.redact(used) // a server that echoes the request's Authorization
		for _, secret := range r.secrets {
			ae.redact(secret)
		}
		return nil, ae
	}
	defer drain(resp.Body)
	if v == nil || resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusSeeOther {
		return resp, nil
	}
	decode := func(body io.Reader, _, limit int64) error { return decodeJSON(body, limit, v) }
	if d, ok := v.(bodyDecoder); ok {
		decode = d.decodeFrom
	}
	if err := decode(resp.Body, resp.ContentLength, c.maxBody); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			// The body was cut by the context's end: say so, as for a call
			// that got no answer (transportError).
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		return nil, fmt.Errorf("daas: %s %s: decoding %d answer (transaction %s): %w", r.method, r.redacted(), resp.StatusCode, txid, err)
	}
	return resp, nil
}

// bodyDecoder is a body type that decodes itself from the answer, such as
// a page, which tolerates some errors of its items' fields. size is the
// body's announced length (Content-Length), -1 when unknown; limit is the
// most it may read.
type bodyDecoder interface {
	decodeFrom(body io.Reader, size, limit int64) error
}

// unexpectedStatus is the detail of an *APIError for a status that is not
// an error but not one the operation answers either.
func unexpectedStatus(got int, want []int) string {
	if slices.Contains(want, http.StatusAccepted) {
		return fmt.Sprintf("expected 202 Accepted for an async call, got %d", got)
	}
	return fmt.Sprintf("unexpected status %d for this operation", got)
}

// do sends r through the one stack and returns the answer as it is, with
// the call's transaction id and the token its last attempt carried.
func (c *Client) do(ctx context.Context, r *request) (resp *http.Response, txid, used string, err error) {
	hdr := make(http.Header, 7)
	hdr.Set("Accept", "application/json")
	hdr.Set("Citrix-CustomerId", c.customerID)
	txid = newUUID()
	hdr.Set("Citrix-TransactionId", txid)
	noteRequest(ctx, r.url.Path, txid)
	hdr.Set("User-Agent", c.userAgent)
	if r.body != nil || r.rebuild != nil {
		hdr.Set("Content-Type", "application/json; charset=utf-8")
	}
	for k, v := range r.header {
		hdr[k] = v
	}
	if r.siteScoped {
		site, err := c.site.get(ctx, c)
		if err != nil {
			return nil, "", "", err
		}
		hdr.Set("Citrix-InstanceId", site)
	}
	inv, canReplay := c.ts.(interface{ invalidate(string) })
	target := r.url.String()
	for replayed := false; ; replayed = true {
		body := r.body
		if r.rebuild != nil {
			if body, err = r.rebuild(ctx); err != nil {
				return nil, "", "", err
			}
		}
		st := &attempts{mayCreate: r.mayCreate, authorize: true, method: r.method, path: r.url.Path, txid: txid}
		resp, err := c.send(ctx, r.method, target, hdr, body, st)
		if err != nil {
			if st.tokenErr != nil {
				return nil, "", "", st.tokenErr
			}
			return nil, "", "", c.transportError(ctx, r, txid, err)
		}
		if resp.StatusCode == http.StatusUnauthorized && canReplay && !replayed {
			drain(resp.Body)
			inv.invalidate(st.used)
			c.debug(ctx, "token refused; fetching a new one and replaying", "method", r.method, "url", r.redacted())
			continue
		}
		return resp, txid, st.used, nil
	}
}

// follow reads the target of a 303 answer to r, the one follower of the
// library: the Location is checked by [Client.checkLocation] (on the API's
// origin, else [ErrUntrustedLocation] before any request), read with a GET
// that must answer 200 or 204, decoded into out. A target that redirects
// again is refused with [ErrBadLocation].
func (c *Client) follow(ctx context.Context, r *request, resp *http.Response, out any) error {
	target, err := c.checkLocation(r.url, resp.Header.Get("Location"))
	if err != nil {
		return fmt.Errorf("daas: %s %s: 303 See Other: %w", r.method, r.redacted(), err)
	}
	next, err := c.newRequest(http.MethodGet, target.String(), nil, nil)
	if err != nil {
		return fmt.Errorf("daas: %s %s: 303 See Other: %w", r.method, r.redacted(), err)
	}
	next.siteScoped = r.siteScoped
	next.secrets = r.secrets
	_, err = c.call(ctx, next, out, http.StatusOK, http.StatusNoContent)
	if ae := (*APIError)(nil); errors.As(err, &ae) && ae.StatusCode == http.StatusSeeOther {
		return fmt.Errorf("%w: the target of a 303 redirected again: %w", ErrBadLocation, err)
	}
	return err
}

// send makes one request through the client's retry client, under the
// retry policy: st carries the call's retry class and whether the transport
// authorizes its attempts. body, when non-nil, is sent as it is on every
// attempt.
func (c *Client) send(ctx context.Context, method, target string, hdr http.Header, body []byte, st *attempts) (*http.Response, error) {
	ctx = context.WithValue(ctx, attemptsKey{}, st)
	var raw any
	if body != nil {
		raw = body
	}
	rreq, err := retryablehttp.NewRequestWithContext(ctx, method, target, raw)
	if err != nil {
		return nil, redactURLError(err)
	}
	rreq.Header = hdr // the transport copies it before adding Authorization
	var start time.Time
	if c.logger != nil {
		start = time.Now()
	}
	resp, err := c.rc.Do(rreq)
	if err == nil && c.logger != nil {
		c.debug(ctx, "request", "method", method, "path", rreq.URL.Path, "status", resp.StatusCode,
			"attempts", st.retries+1, "elapsed", time.Since(start), "transaction", st.txid)
	}
	return resp, err
}

// defaultMaxBody caps a success body the library decodes.
const defaultMaxBody = 256 << 20

// decodeJSON decodes one JSON value of at most limit bytes into v. An empty
// body leaves v as it is.
func decodeJSON(body io.Reader, limit int64, v any) error {
	dec := json.NewDecoder(io.LimitReader(body, limit))
	if err := dec.Decode(v); err != nil && err != io.EOF {
		return err
	}
	return nil
}

func drain(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// transportError describes a call that got no HTTP answer. When the context
// ended, its error is returned (wrapped, so errors.Is works).
func (c *Client) transportError(ctx context.Context, r *request, txid string, err error) error {
	err = redactURLError(err)
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (%v)", ctxErr, err)
	}
	return fmt.Errorf("daas: %s %s (transaction %s): %w", r.method, r.redacted(), txid, err)
}

// redactURLError drops the URL a *url.Error carries (its query string could
// hold anything); callers name the method and the redacted URL themselves.
// net/http parses a redirect's Location before asking CheckRedirect, and
// its error for one that does not parse repeats the Location whole: that
// is ErrBadLocation, without the text.
func redactURLError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	if ue.Err != nil && strings.HasPrefix(ue.Err.Error(), "failed to parse Location header") {
		return fmt.Errorf("%w: a redirect's Location does not parse", ErrBadLocation)
	}
	return ue.Err
}

func (c *Client) debug(ctx context.Context, msg string, args ...any) {
	if c.logger != nil {
		c.logger.DebugContext(ctx, "daas: "+msg, args...)
	}
}
