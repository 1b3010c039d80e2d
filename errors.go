package daas

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Sentinel errors, matched with [errors.Is]. An [*APIError] matches the one
// that fits its status code; a [*JobError] matches [ErrJobFailed] or
// [ErrJobCanceled].
var (
	ErrNotFound          = errors.New("daas: not found")
	ErrUnauthorized      = errors.New("daas: unauthorized")
	ErrForbidden         = errors.New("daas: forbidden")
	ErrConflict          = errors.New("daas: conflict")
	ErrRateLimited       = errors.New("daas: rate limited")
	ErrJobFailed         = errors.New("daas: job failed")
	ErrJobCanceled       = errors.New("daas: job canceled")
	ErrNoCredentials     = errors.New("daas: exactly one credential option is required")
	ErrUntrustedLocation = errors.New("daas: location points outside the configured API origin")
)

// maxErrorBody caps how much of an error response body is read and kept.
const maxErrorBody = 64 << 10

// APIError is a non-success answer from the service (or from the gateway in
// front of it). It is returned by every call that gets such an answer; match
// the common cases with [errors.Is] and the sentinels ([ErrNotFound],
// [ErrConflict], ...), or read the fields with [errors.As].
type APIError struct {
	StatusCode int // HTTP status code
	// Type is the error type URI of the Citrix Cloud error body
	// (https://errors-api.cloud.com/common/notFound), or the ErrorType of an
	// orchestration error body. Empty when the body had neither.
	Type       string
	Detail     string      // the human-readable message
	Parameters []NameValue // extra details, such as retryDelay
	// TransactionID is the Citrix-TransactionId of the call: the one the
	// client sent (kept across retries), which the service echoes.
	TransactionID string
	Method        string        // HTTP method of the request
	URL           string        // request URL without query string or credentials
	RetryAfter    time.Duration // from Retry-After or the retryDelay parameter, if any
	Body          []byte        // the response body, at most 64 KiB
}

// Error returns a one-line description: method, path, status, detail and
// transaction id.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("daas: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
	}
	if e.URL != "" {
		b.WriteString(e.URL)
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	if d := oneLine(e.Detail); d != "" {
		b.WriteString(": ")
		b.WriteString(d)
	}
	if e.TransactionID != "" {
		b.WriteString(" (transaction ")
		b.WriteString(e.TransactionID)
		b.WriteByte(')')
	}
	return b.String()
}

// Is reports whether target is the sentinel that matches the status code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// Param returns the value of the named parameter (case-insensitive) and
// whether it was present.
func (e *APIError) Param(name string) (string, bool) {
	for _, p := range e.Parameters {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}

// ErrBadLocation is returned when the service accepts an async call but its
// Location header is missing, relative or malformed, so the job cannot be
// followed. A Location on another origin gives [ErrUntrustedLocation]
// instead.
var ErrBadLocation = errors.New("daas: missing or malformed job location")

// ErrAccepted is matched by the [*AcceptedError] of [Client.Do]: the
// service answered a synchronous call with 202 Accepted, so it started a
// job instead of answering.
var ErrAccepted = errors.New("daas: call answered 202 Accepted")

// An AcceptedError is [Client.Do]'s answer to a call the service took as
// asynchronous (202 Accepted): the operation runs as a job, which Do does
// not wait for. The job is running all the same; [ResumeJob] with JobID
// waits for it, and [StartJob] is the call to use for such operations. It
// matches [ErrAccepted].
type AcceptedError struct {
	Method string // HTTP method of the request
	URL    string // request URL without query string or credentials
	// Location is the 202's Location header, the job's URL, as errors show
	// a URL: scheme, host and path (at most 200 bytes), no query; "" when
	// the answer had none.
	Location string
	// JobID is the id of the job Location names, "" when Location names
	// none on the API's origin.
	JobID string
}

// Error returns a one-line description that points at [StartJob].
func (e *AcceptedError) Error() string {
	return fmt.Sprintf("daas: Do: %s %s answered 202 Accepted, which starts a job (Location %q); use StartJob for asynchronous operations",
		e.Method, e.URL, e.Location)
}

// Is reports whether target is [ErrAccepted].
func (e *AcceptedError) Is(target error) bool { return target == ErrAccepted }

// ErrInvalidInput is matched by every [*InputError]: an argument the
// library refuses before anything is sent.
var ErrInvalidInput = errors.New("daas: invalid input")

// An InputError is an argument refused before any request was sent: a
// required field left empty, a name that cannot be one path segment, an
// option that does not apply to the call. Nothing was sent and nothing
// changed. It matches [ErrInvalidInput], and the more specific sentinel
// where there is one ([ErrBadJobID], [ErrBadBatch]).
type InputError struct {
	Op     string // what refused the argument: a call, a request type or an option
	Reason string // why, in a few words

	kind error // a more specific sentinel, or nil
}

// Error returns "daas: Op: Reason".
func (e *InputError) Error() string { return "daas: " + e.Op + ": " + e.Reason }

// Is reports whether target is [ErrInvalidInput].
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }

// Unwrap returns the more specific sentinel the error matches, if any.
func (e *InputError) Unwrap() error { return e.kind }

// inputErr returns an [*InputError] for op, its reason formatted.
func inputErr(op, format string, args ...any) error {
	return &InputError{Op: op, Reason: fmt.Sprintf(format, args...)}
}

// ErrBadJobID is returned, before anything is sent, for a job id that is
// not one plain path segment: empty or blank, "." or ".." (escaped or
// not, as %2e%2e or %252E%252E), or holding a slash, a backslash or a
// control character.
var ErrBadJobID = errors.New("daas: malformed job id")

// transient reports whether a failed status read may pass if tried again
// later: a 429 or a 5xx, a token endpoint that answered one or could not be
// reached, a transport failure (a dropped connection, an attempt that timed
// out), an answer that could not be read. Everything else (bad input, a
// 4xx, a refused location, a token source's own error) cannot pass and ends
// a wait at once. Whether a wait ends because of its context is the
// caller's question (ctx.Err()), not this one's.
func transient(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode == http.StatusTooManyRequests || ae.StatusCode >= 500
	}
	var auth *AuthError
	if errors.As(err, &auth) {
		if auth.StatusCode == http.StatusTooManyRequests || auth.StatusCode >= 500 {
			return true
		}
		return transportFailure(err)
	}
	if errors.Is(err, ErrUntrustedLocation) || errors.Is(err, ErrBadLocation) {
		return false
	}
	return transportFailure(err) || unreadable(err)
}

// unreadable reports whether err is a 2xx answer that could not be read as
// what it should be (a gateway's HTML page, null for a job): a glitch in
// front of the service that the next read may not meet.
func unreadable(err error) bool {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	return errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, errJobNull)
}

// transportFailure reports whether err comes from the network: a
// [net.Error] (timeouts included) or a [*url.Error].
func transportFailure(err error) bool {
	var ne net.Error
	var ue *url.Error
	return errors.As(err, &ne) || errors.As(err, &ue) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, io.EOF)
}

// AuthError is a failure of the token endpoint, such as invalid_client for a
// wrong client id or secret. It matches [ErrUnauthorized] with [errors.Is]
// when the endpoint rejected the credentials.
type AuthError struct {
	StatusCode    int    // HTTP status of the token endpoint's answer
	Code          string // OAuth error code, such as invalid_client
	Description   string // OAuth error_description
	TransactionID string // X-Cws-TransactionId of the answer, if any
}

// Error returns a one-line description; it never contains the secret.
func (e *AuthError) Error() string {
	var b strings.Builder
	b.WriteString("daas: token request failed")
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	if c := oneLine(e.Code); c != "" {
		b.WriteString(": ")
		b.WriteString(c)
	}
	if d := oneLine(e.Description); d != "" {
		b.WriteString(": ")
		b.WriteString(d)
	}
	if e.TransactionID != "" {
		fmt.Fprintf(&b, " (transaction %s)", e.TransactionID)
	}
	return b.String()
}

// Is matches [ErrUnauthorized] when the credentials were rejected.
func (e *AuthError) Is(target error) bool {
	if target != ErrUnauthorized {
		return false
	}
	switch e.Code {
	case "invalid_client", "unauthorized_client", "invalid_grant":
		return true
	}
	return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
}

// timeoutError is the failure of an attempt that ran out of its
// [RetryPolicy.AttemptTimeout]. It is a [net.Error] whose Timeout method
// reports true; it does not match the context's errors, because the
// caller's context did not end.
type timeoutError struct{ limit time.Duration }

func (e *timeoutError) Error() string {
	return "daas: attempt timed out after " + e.limit.String()
}

// Timeout reports true: this is a timeout.
func (e *timeoutError) Timeout() bool { return true }

// Temporary reports true: another attempt may be answered.
func (e *timeoutError) Temporary() bool { return true }
