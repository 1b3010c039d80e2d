package daas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
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

// NameValue is the service's name/value pair, used in job parameters,
// error parameters and catalog metadata.
type NameValue struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

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
	// Location is the 202's Location header (at most 200 bytes), the job's
	// URL; "" when the answer had none.
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
// not one plain path segment: empty or blank, "." or "..", or holding a
// slash, a backslash or a control character.
var ErrBadJobID = errors.New("daas: malformed job id")

// The job error codes (JobErrorCode) the library reasons about. Other codes
// pass through unchanged in [JobError.Code] and [JobInfo.ErrorCode].
const (
	// JobErrorUnknown is the ErrorCode of a job without an error.
	JobErrorUnknown = "Unknown"
	// JobErrorDuplicateObject is the ErrorCode of a job that failed
	// because the object it would create exists: its [JobError] matches
	// [ErrConflict], as the synchronous call's 409 does.
	JobErrorDuplicateObject = "DuplicateObject"
)

// JobError is the outcome of a job that ended Failed or Canceled (or
// CompleteWithWarning, when waiting with [WarningsAsErrors]).
type JobError struct {
	JobID      string
	Type       string      // the job's type, such as CreateMachineCatalog
	Status     JobStatus   // the terminal status
	Code       string      // the job's ErrorCode, such as DuplicateObject
	Message    string      // the job's ErrorString
	Parameters []NameValue // the job's ErrorParameters
	Info       *JobInfo    // the job as last read
	// SubJobs are the job's sub-jobs that ended Failed or Canceled (at any
	// depth), each with its id, status, error code and message.
	SubJobs []JobInfo
	// subTotal is the number of sub-jobs the job had, for Error.
	subTotal int
}

// Error returns a one-line description of the job's outcome, naming its
// failed sub-jobs.
func (e *JobError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "daas: job %s", oneLine(e.JobID))
	if t := oneLine(e.Type); t != "" {
		fmt.Fprintf(&b, " (%s)", t)
	}
	fmt.Fprintf(&b, " ended %s", oneLine(string(e.Status)))
	writeCodeMessage(&b, e.Code, e.Message)
	if len(e.SubJobs) > 0 {
		total := max(e.subTotal, len(e.SubJobs))
		fmt.Fprintf(&b, "; %d of %d sub-jobs failed:", len(e.SubJobs), total)
		for i, sj := range e.SubJobs {
			if i == maxSubJobsNamed {
				fmt.Fprintf(&b, " and %d more", len(e.SubJobs)-i)
				break
			}
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " %s %s", oneLine(sj.ID), oneLine(string(sj.Status)))
			writeCodeMessage(&b, sj.ErrorCode, sj.ErrorString)
		}
	}
	return b.String()
}

// maxSubJobsNamed caps the failed sub-jobs JobError.Error names.
const maxSubJobsNamed = 5

func writeCodeMessage(b *strings.Builder, code, msg string) {
	if c := oneLine(code); c != "" && c != JobErrorUnknown {
		fmt.Fprintf(b, ": %s", c)
	}
	if m := oneLine(msg); m != "" {
		fmt.Fprintf(b, ": %s", m)
	}
}

// Is matches [ErrJobFailed] for a failed job (and a warning turned into an
// error), [ErrJobCanceled] for a canceled one, and [ErrConflict] for a job
// that failed with [JobErrorDuplicateObject].
func (e *JobError) Is(target error) bool {
	switch target {
	case ErrJobFailed:
		return e.Status != JobCanceled
	case ErrJobCanceled:
		return e.Status == JobCanceled
	case ErrConflict:
		return e.Status == JobFailed && strings.EqualFold(e.Code, JobErrorDuplicateObject)
	}
	return false
}

// Param returns the value of the named error parameter (case-insensitive).
func (e *JobError) Param(name string) (string, bool) {
	for _, p := range e.Parameters {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}

// WaitError is the error of a [Job.Wait] that ended because its context
// ended before the job did. It matches the context's error
// ([context.Canceled] or [context.DeadlineExceeded]) with [errors.Is], and
// says what the wait knew then: the job, its last status, and the error of
// the last status read if that failed (an [*APIError] found with
// [errors.As]), so that "the job is slow" and "the service is down" read
// differently.
type WaitError struct {
	JobID      string
	LastStatus JobStatus // the last status read; empty when none was
	LastErr    error     // the last status read's error; nil when it succeeded
	Err        error     // the context's error
}

// Error returns a one-line description.
func (e *WaitError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "daas: waiting for job %s: %v", oneLine(e.JobID), e.Err)
	if e.LastStatus != "" {
		fmt.Fprintf(&b, "; last status %s", oneLine(string(e.LastStatus)))
	} else {
		b.WriteString("; no status read")
	}
	if e.LastErr != nil {
		fmt.Fprintf(&b, "; last poll failed: %s", oneLine(e.LastErr.Error()))
	}
	return b.String()
}

// Unwrap returns the context's error and the last poll error.
func (e *WaitError) Unwrap() []error {
	if e.LastErr == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.LastErr}
}

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

// errorBody covers both error shapes the service sends: the Citrix Cloud
// common body {type, detail, parameters} and the orchestration body
// {ErrorMessage, ErrorType, ErrorDetails, ...}. Field matching in
// encoding/json is case-insensitive, which covers both spellings seen.
type errorBody struct {
	Type         string          `json:"type"`
	Detail       string          `json:"detail"`
	Parameters   json.RawMessage `json:"parameters"`
	ErrorMessage string          `json:"ErrorMessage"`
	ErrorType    string          `json:"ErrorType"`
	ErrorDetails string          `json:"ErrorDetails"`
	Message      string          `json:"message"` // gateway 500: {"message": "..."}
	Error        json.RawMessage `json:"Error"`   // legacy {"Error":{"Message","Type"}}
}

// newAPIError builds an APIError from a response, reading at most
// maxErrorBody bytes of its body. It closes the body.
func newAPIError(resp *http.Response, method, rawURL, txid string) *APIError {
	e := &APIError{
		StatusCode:    resp.StatusCode,
		Method:        method,
		URL:           rawURL,
		TransactionID: txid,
	}
	if resp.Body != nil {
		e.Body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		_ = resp.Body.Close()
	}
	if e.TransactionID == "" {
		e.TransactionID = resp.Header.Get("Citrix-TransactionId")
	}
	e.decodeBody()
	e.RetryAfter = retryAfter(resp.Header, e.Parameters)
	return e
}

func (e *APIError) decodeBody() {
	body := bytes.TrimSpace(e.Body)
	if len(body) == 0 || body[0] != '{' {
		return
	}
	var eb errorBody
	if json.Unmarshal(body, &eb) != nil {
		return
	}
	e.Type = eb.Type
	e.Detail = eb.Detail
	e.Parameters = decodeParams(eb.Parameters)
	if e.Detail == "" {
		e.Detail = eb.ErrorMessage
	}
	if e.Type == "" {
		e.Type = eb.ErrorType
	}
	if e.Detail == "" && eb.ErrorDetails != "" {
		e.Detail = eb.ErrorDetails
	} else if eb.ErrorDetails != "" {
		e.Parameters = append(e.Parameters, NameValue{Name: "ErrorDetails", Value: eb.ErrorDetails})
	}
	if e.Detail == "" {
		e.Detail = eb.Message
	}
	if len(eb.Error) > 0 && e.Detail == "" {
		var legacy struct{ Message, Type string }
		if json.Unmarshal(eb.Error, &legacy) == nil {
			e.Detail = legacy.Message
			if e.Type == "" {
				e.Type = legacy.Type
			}
		}
	}
}

// decodeParams accepts parameters as an array of {name, value} pairs (the
// documented form) or as an object (seen in the troubleshooting docs).
// Values that are not strings keep their JSON text.
func decodeParams(raw json.RawMessage) []NameValue {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case '[':
		var items []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
		}
		if json.Unmarshal(raw, &items) != nil {
			return nil
		}
		out := make([]NameValue, 0, len(items))
		for _, it := range items {
			out = append(out, NameValue{Name: it.Name, Value: rawString(it.Value)})
		}
		return out
	case '{':
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return nil
		}
		out := make([]NameValue, 0, len(m))
		for k, v := range m {
			out = append(out, NameValue{Name: k, Value: rawString(v)})
		}
		// Map order is random; keep the result stable.
		slices.SortFunc(out, func(a, b NameValue) int { return strings.Compare(a.Name, b.Name) })
		return out
	}
	return nil
}

func rawString(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	if string(v) == "null" {
		return ""
	}
	return string(v)
}

// retryAfter reads the wait the server asked for: the Retry-After header
// (seconds or an HTTP date) or the retryDelay error parameter (seconds),
// whichever is longer. Zero when neither is present or valid.
func retryAfter(h http.Header, params []NameValue) time.Duration {
	var d time.Duration
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 && secs < 1e9 {
			d = time.Duration(secs * float64(time.Second))
		} else if t, err := http.ParseTime(v); err == nil {
			d = max(time.Until(t), 0)
		}
	}
	for _, p := range params {
		if strings.EqualFold(p.Name, "retryDelay") {
			if secs, err := strconv.ParseFloat(strings.TrimSpace(p.Value), 64); err == nil && secs >= 0 && secs < 1e9 {
				d = max(d, time.Duration(secs*float64(time.Second)))
			}
		}
	}
	return d
}

// redact removes the token from what the server said, in every form it may
// take there: some gateways echo the request's headers into their error
// pages.
func (e *APIError) redact(token string) {
	if len(token) < minRedacted {
		return
	}
	e.Body = redactBytes(e.Body, token)
	e.Type, e.Detail = redact(e.Type, token), redact(e.Detail, token)
	for i := range e.Parameters {
		e.Parameters[i].Name, e.Parameters[i].Value = redact(e.Parameters[i].Name, token), redact(e.Parameters[i].Value, token)
	}
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
