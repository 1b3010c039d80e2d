package daas

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// RetryPolicy decides how a request that failed in a passing way is
// repeated: connection errors and timed-out attempts, 429, 502, 503 and 504.
// The waits grow exponentially from MinDelay to MaxDelay with jitter; a
// Retry-After header or a retryDelay error parameter is honoured up to
// MaxDelay. No retry starts after the context ends, nor one whose wait would
// outlive the context's deadline. A request that may create something (POST,
// or an async write) is repeated only after a failed dial, a 429 or a 503,
// where the server cannot have acted on it.
type RetryPolicy struct {
	MaxRetries int           // retries after the first attempt; 0 disables retrying
	MinDelay   time.Duration // wait before the first retry (before jitter)
	MaxDelay   time.Duration // cap of every wait, server-requested ones included
	// AttemptTimeout bounds one attempt, from sending the request to reading
	// the end of the answer's body; 0 means [DefaultAttemptTimeout]. An
	// attempt that runs out of time fails with an error that is a
	// [net.Error] whose Timeout method reports true (not the context's
	// error), and is retried like a connection error.
	AttemptTimeout time.Duration
}

// DefaultAttemptTimeout is the bound of one attempt unless
// [RetryPolicy.AttemptTimeout] says otherwise: the gateway in front of the
// service gives up on a request after about 90 s, so an attempt that has
// not been answered by then will not be.
const DefaultAttemptTimeout = 80 * time.Second

// DefaultRetryPolicy returns the policy a client uses unless told otherwise:
// 4 retries, waits from 1 s doubling to at most 30 s, attempts of at most
// [DefaultAttemptTimeout].
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 4, MinDelay: time.Second, MaxDelay: 30 * time.Second, AttemptTimeout: DefaultAttemptTimeout}
}

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxRetries < 0 || p.MaxRetries > 100:
		return fmt.Errorf("daas: RetryPolicy: MaxRetries %d out of range [0, 100]", p.MaxRetries)
	case p.MinDelay <= 0:
		return errors.New("daas: RetryPolicy: MinDelay must be positive")
	case p.MaxDelay < p.MinDelay:
		return errors.New("daas: RetryPolicy: MaxDelay must be at least MinDelay")
	case p.AttemptTimeout < 0:
		return errors.New("daas: RetryPolicy: AttemptTimeout must not be negative")
	}
	return nil
}

// attemptTimeout is the bound of one attempt under p.
func (p RetryPolicy) attemptTimeout() time.Duration {
	if p.AttemptTimeout == 0 {
		return DefaultAttemptTimeout
	}
	return p.AttemptTimeout
}

// backoff is the wait before retry number attempt+1: MinDelay·2^attempt
// capped at MaxDelay, with "equal jitter" (between half and all of it).
func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.MaxDelay
	if attempt < 40 {
		d = min(p.MaxDelay, p.MinDelay<<attempt)
		if d <= 0 {
			d = p.MaxDelay
		}
	}
	half := d / 2
	return half + time.Duration(mrand.Int64N(int64(d-half)+1))
}

// attempts is the state of one logical call across its attempts. It travels
// in the request's context, where the client's one retry client and the
// transport find it.
type attempts struct {
	// mayCreate marks a call that may create something on the server (POST,
	// and any async write). It is retried only when the server cannot have
	// acted on it. Set once, by the method that builds the call.
	mayCreate bool
	// authorize makes the transport set the Authorization header of every
	// attempt from the client's TokenSource.
	authorize bool

	method, path, txid string // for the log

	used     string        // the token of the last attempt
	tokenErr error         // the TokenSource failed; no retry
	retries  int           // retries so far
	next     time.Duration // wait before the next retry
	waitErr  error         // the context ended during that wait
}

type attemptsKey struct{}

func attemptsOf(ctx context.Context) *attempts {
	st, _ := ctx.Value(attemptsKey{}).(*attempts)
	if st == nil {
		return &attempts{} // a request from outside send: idempotent, no token
	}
	return st
}

// newRetryClient is the client's one go-retryablehttp client: its checks and
// waits read the call's state from the request's context.
func (c *Client) newRetryClient(hc *http.Client) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   hc,
		RetryMax:     c.retry.MaxRetries,
		RetryWaitMin: c.retry.MinDelay,
		RetryWaitMax: c.retry.MaxDelay,
		CheckRetry:   c.checkRetry,
		// Why the hooks differ from retryablehttp's design (CheckRetry
		// classifies, Backoff computes the wait, the library sleeps), as
		// of v0.7.8:
		//   - When a caller's context ends during its sleep, the library
		//     calls CloseIdleConnections on the client's transport: every
		//     other call of this Client would lose its pooled connections.
		//     waitRetry (PrepareRetry) sleeps instead and ends the one wait.
		//   - Backoff gets no context (and no response for an attempt that
		//     got none): it can neither refuse a wait that would outlive the
		//     caller's deadline nor report the retry with its wait
		//     (JobObserver.Retry, the debug log). checkRetry decides the
		//     wait, jitter included, once, and keeps it in the call's
		//     attempts, which the request's context carries.
		//   - The library drains the body before Backoff: the retryDelay of
		//     an error body can only be read in CheckRetry.
		// So Backoff returns 0.
		Backoff:      func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 },
		PrepareRetry: waitRetry,
		ErrorHandler: keepAnswer,
		// No Logger: go-retryablehttp logs nothing then.
	}
}

// checkRetry decides whether an attempt is repeated, and after which wait.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	st := attemptsOf(ctx)
	if st.tokenErr != nil {
		return false, nil
	}
	pol := c.retry
	retry, server := retryable(resp, err, st.mayCreate)
	if !retry || st.retries >= pol.MaxRetries {
		return false, nil
	}
	next := max(pol.backoff(st.retries), min(server, pol.MaxDelay))
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < next {
		return false, nil // the wait would outlive the caller
	}
	st.retries++
	st.next = next
	c.observeRetry(ctx, st, resp, err)
	if c.logger != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		c.debug(ctx, "retrying request", "method", st.method, "path", st.path, "status", status,
			"error", errString(err), "attempt", st.retries, "wait", next, "transaction", st.txid)
	}
	return true, nil
}

// waitRetry sleeps the wait checkRetry chose, or until the context ends.
func waitRetry(req *http.Request) error {
	ctx := req.Context()
	st := attemptsOf(ctx)
	t := time.NewTimer(st.next)
	defer t.Stop()
	select {
	case <-ctx.Done():
		st.waitErr = ctx.Err()
		return st.waitErr
	case <-t.C:
		return nil
	}
}

// keepAnswer is the ErrorHandler: the last answer goes back to the caller,
// which turns its status into an *APIError; without one, the error.
func keepAnswer(resp *http.Response, err error, _ int) (*http.Response, error) {
	if resp != nil && resp.Request != nil && attemptsOf(resp.Request.Context()).waitErr == nil {
		return resp, nil
	}
	// After a wait the context ended, resp is the previous attempt's answer,
	// already drained and closed: report why no retry went out.
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	return nil, err
}

// retryable decides whether an attempt is worth repeating and returns the
// wait the server asked for. For a call that may create something it allows
// only what proves the server did not act: a failed dial, 429 and 503.
func retryable(resp *http.Response, err error, mayCreate bool) (bool, time.Duration) {
	if err != nil {
		if mayCreate {
			return dialFailed(err), 0
		}
		return transientTransportError(err), 0
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		if mayCreate {
			return false, 0
		}
	default:
		return false, 0
	}
	// Read the error body for its retryDelay; put it back for the caller.
	head, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	e := &APIError{Body: head}
	e.decodeBody()
	return true, retryAfter(resp.Header, e.Parameters)
}

// dialFailed reports whether the request never reached the server.
func dialFailed(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// transientTransportError reports whether a transport error may pass on a
// second try: not a bad certificate, not a malformed request. Timeouts are
// transient, whatever context error they match: the caller's context is
// checked, by itself, before.
func transientTransportError(err error) bool {
	var (
		unknownCA *x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		certErr   x509.CertificateInvalidError
		verifyErr *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &certErr), errors.As(err, &verifyErr):
		return false
	}
	return true
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return redactURLError(err).Error()
}
