package daas

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// JobStatus is the state of a job as the service reports it. Values the
// library does not know pass through unchanged and count as not terminal.
type JobStatus string

// The job statuses of the service.
const (
	JobStatusUnknown             JobStatus = "Unknown"
	JobStatusNotStarted          JobStatus = "NotStarted"
	JobStatusInProgress          JobStatus = "InProgress"
	JobStatusComplete            JobStatus = "Complete"
	JobStatusCompleteWithWarning JobStatus = "CompleteWithWarning"
	JobStatusFailed              JobStatus = "Failed"
	JobStatusCanceled            JobStatus = "Canceled"
	JobStatusNonTerminatingError JobStatus = "NonTerminatingError"
)

// Terminal reports whether the job has ended: Complete, CompleteWithWarning,
// Failed or Canceled. NonTerminatingError, Unknown and statuses the library
// does not know are not terminal: the job may still go on.
func (s JobStatus) Terminal() bool {
	switch s {
	case JobStatusComplete, JobStatusCompleteWithWarning, JobStatusFailed, JobStatusCanceled:
		return true
	}
	return false
}

// Job is a handle on one asynchronous job of the service whose result is a
// T. The ...Async methods of the services return one; [ResumeJob] makes one
// from a job id, and [StartJob] from any async operation. A Job is safe for
// concurrent use.
type Job[T any] struct {
	core *jobCore
	read resultFunc[T] // how the result is read, chosen by the operation
}

// ID returns the job's id.
func (j *Job[T]) ID() string { return j.core.id }

// Location returns the job's absolute URL, as the 202 Location header gave
// it (or as the client builds it for a resumed job).
func (j *Job[T]) Location() string { return j.core.location }

// Info returns a deep copy of the job as last read, or nil before the first
// read.
func (j *Job[T]) Info() *JobInfo { return j.core.snapshot() }

// Done reports whether the job was last seen in a terminal status.
func (j *Job[T]) Done() bool {
	info := j.core.snapshot()
	return info != nil && info.Status.Terminal()
}

// Poll reads the job's status once (GET /Jobs/{id}) and returns a copy of
// it. When the read fails, the cached [Job.Info] is unchanged.
func (j *Job[T]) Poll(ctx context.Context) (*JobInfo, error) {
	info, _, err := j.core.poll(ctx)
	if err != nil {
		return nil, err
	}
	return info.clone(), nil
}

// Cancel asks the service to cancel the job (POST /Jobs/{id}/$cancel). The
// service allows it while the job is cancellable, and for finished jobs; it
// answers 409 ([ErrConflict]) otherwise.
func (j *Job[T]) Cancel(ctx context.Context) error {
	if j.core.idErr != nil {
		return j.core.idErr
	}
	info, err := j.core.c.Jobs.Cancel(ctx, j.core.id)
	if err != nil {
		return err
	}
	j.core.store(info)
	return nil
}

// Wait polls the job until it ends, then returns its result. The outcome:
//   - Complete: the result and nil.
//   - CompleteWithWarning: the result and nil, the warning on [Job.Info];
//     with [WarningsAsErrors], a [*JobError].
//   - Failed: a [*JobError] matching [ErrJobFailed] (and [ErrConflict] for
//     a [JobErrorDuplicateObject]).
//   - Canceled: a [*JobError] matching [ErrJobCanceled].
//   - The context ends first: a [*WaitError] matching the context's error,
//     as soon as it ends, with the job's last status and the last poll
//     error; with [CancelOnContextDone] the job is canceled too, best effort.
//
// Failed polls that may pass (429, 5xx, dropped connections, an attempt
// that timed out, an unreadable answer) do not end the wait; they are tried
// again on the poll schedule, a Retry-After being the floor of the next
// one. Any other failure ends it at once: a malformed job id, a 4xx (a job
// that disappears gives [ErrNotFound]), a refused location, a token source
// that fails for good, a site that cannot be chosen.
func (j *Job[T]) Wait(ctx context.Context, opts ...WaitOption) (T, error) {
	var zero T
	if j.core.idErr != nil {
		return zero, j.core.idErr
	}
	wc, err := j.core.c.waitConfig(opts)
	if err != nil {
		return zero, err
	}
	if _, err := j.core.c.await(ctx, j.core, wc); err != nil {
		return zero, err
	}
	return j.result(ctx)
}

// await is the one wait of the library: [Job.Wait], [BatchResult.Wait] and
// [MachineCatalogsService.WaitProvisioned] wait for each job through it, so
// that every [WaitOption] and the observer's wait hooks apply to all. It
// polls jc on the client's shared poller until the job ends and returns
// its info with the job's outcome (a [*JobError] for a job that did not
// complete); when ctx ends first, the poller's [*WaitError], after a
// best-effort $cancel with [CancelOnContextDone]. wc is read only: the
// waits given no option share one.
func (c *Client) await(ctx context.Context, jc *jobCore, wc *waitConfig) (*JobInfo, error) {
	trace, wctx := c.startTrace(ctx, jc, wc.pol)
	info, err := c.poller.wait(wctx, jc, wc, trace)
	trace.end(wctx, info, err)
	if err != nil {
		if ctx.Err() != nil && wc.cancelOnDone {
			jc.cancelDetached(ctx)
		}
		return nil, err
	}
	// The caller sees the job's end here: a later WaitProvisioned does
	// not report it again.
	c.provisioning.forget([]string{jc.id})
	return info, outcome(info, wc.warningsAsErrors)
}

// result reads the job's result once, as its operation chose, and keeps
// it.
func (j *Job[T]) result(ctx context.Context) (T, error) {
	jc := j.core
	jc.mu.Lock()
	if jc.hasResult {
		defer jc.mu.Unlock()
		v, _ := jc.result.(T)
		return v, nil
	}
	jc.mu.Unlock()
	v, err := j.read(ctx, jc)
	if err != nil {
		var zero T
		return zero, err
	}
	jc.mu.Lock()
	jc.result, jc.hasResult = v, true
	jc.mu.Unlock()
	return v, nil
}

// Result returns the result of a job that has ended: it reads the job once
// if it was not seen ended yet, then reads its result the way the operation
// that started it says (see [StartJob]), and keeps it: a second call sends
// nothing. A job that is not finished gives an error; one that failed or was
// canceled gives its [*JobError].
func (j *Job[T]) Result(ctx context.Context) (T, error) {
	var zero T
	info := j.core.snapshot()
	if info == nil || !info.Status.Terminal() {
		var err error
		if info, _, err = j.core.poll(ctx); err != nil {
			return zero, err
		}
		if !info.Status.Terminal() {
			return zero, fmt.Errorf("daas: job %s has not finished (status %s)", j.core.id, info.Status)
		}
	}
	if err := outcome(info, false); err != nil {
		return zero, err
	}
	return j.result(ctx)
}

// outcome maps a terminal job to its error, if any.
func outcome(info *JobInfo, warningsAsErrors bool) error {
	switch info.Status {
	case JobStatusComplete:
		return nil
	case JobStatusCompleteWithWarning:
		if !warningsAsErrors {
			return nil
		}
	}
	subs, total := info.failedSubJobs()
	return &JobError{
		JobID:      info.ID,
		Type:       info.Type,
		Status:     info.Status,
		Code:       info.ErrorCode,
		Message:    info.ErrorString,
		Parameters: cloneNV(info.ErrorParameters),
		Info:       info.clone(),
		SubJobs:    subs,
		subTotal:   total,
	}
}

// ResumeJob returns a handle for a job started elsewhere, by its id: in
// another process, or before a restart. The service shows a job only to the
// API client that started it, and keeps it 48 hours after it ends. A
// malformed id (empty, blank, "." or "..", with a slash, a backslash or a
// control character) makes every call of the handle fail with
// [ErrBadJobID] before anything is sent.
func ResumeJob[T any](c *Client, id string) *Job[T] {
	return &Job[T]{core: resumedCore(c, id), read: anyResult[T]}
}

// resumedCore is the core of a job known by its id.
func resumedCore(c *Client, id string) *jobCore {
	return &jobCore{
		c:        c,
		r:        c.Jobs,
		id:       id,
		idErr:    checkJobID(id),
		location: c.base.String() + "/Jobs/" + url.PathEscape(id),
	}
}

// checkJobID refuses an id that is not one plain path segment: blank, or
// holding a slash, a backslash or a control character, or a dot segment
// once unescaped ([pathTrick]).
func checkJobID(id string) error {
	if strings.TrimSpace(id) == "" || strings.ContainsAny(id, `/\`) || strings.ContainsFunc(id, unicode.IsControl) || pathTrick(id, true) != "" {
		return &InputError{Op: "job id", Reason: fmt.Sprintf("malformed: %q", truncate(id, 200)), kind: ErrBadJobID}
	}
	return nil
}

// StartJob starts any async operation of the API that has no typed method
// yet and returns its job. path is relative to the API root (such as
// "MachineCatalogs/Pool%7CWin11/$test"), with its segments escaped; it may
// carry a query; [Client.Do]'s path policy applies. StartJob adds async=true, sends body as JSON (nil for none)
// and expects 202 Accepted.
//
// T says how the job's result is read once it ends:
//   - struct{}: not at all; nothing is sent after the job ends.
//   - json.RawMessage: GET /Jobs/{id}/Results as it is (a 303 followed on
//     the API's origin); a paged {"Items", "ContinuationToken"} result is
//     read to its last page and returned as one {"Items": [...]} envelope
//     holding every item, never page 1 alone.
//   - a slice: the Items of every page (or a bare JSON array), in order; a
//     repeated continuation token is an error, and an error never comes
//     with part of the items.
//   - anything else (a struct, a pointer, a map): the result decoded into
//     T, following a 303 to the affected resource; an empty result is an
//     error.
func StartJob[T any](ctx context.Context, c *Client, method, path string, body any) (*Job[T], error) {
	method = strings.ToUpper(strings.TrimSpace(method))
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return nil, inputErr("StartJob", "unsupported method %q", method)
	}
	if path == "" || strings.Contains(path, "://") || strings.HasPrefix(path, "//") {
		return nil, inputErr("StartJob", "path %q must be relative to the API root", echoRef(path))
	}
	ref, rawQuery, _ := strings.Cut(path, "?")
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, inputErr("StartJob", "malformed query: %v", err)
	}
	r, err := c.newRequest(method, ref, q, body)
	if err != nil {
		return nil, err
	}
	return startJob(ctx, c, r, anyResult[T])
}

// startJob sends r with async=true and returns the job of its 202, whose
// result read reads.
func startJob[T any](ctx context.Context, c *Client, r *request, read resultFunc[T]) (*Job[T], error) {
	q := r.url.Query()
	q.Set("async", "true")
	r.url.RawQuery = q.Encode()
	if r.method != http.MethodGet && r.method != http.MethodHead {
		r.mayCreate = true
	}
	// The progress clock starts when the request goes out: the job exists
	// (at progress 0) from some moment before the 202 arrives.
	sent := time.Now()
	resp, err := c.call(ctx, r, nil, http.StatusAccepted)
	if err != nil {
		return nil, err
	}
	core, err := c.jobFromLocation(resp.Header.Get("Location"))
	if err != nil {
		return nil, fmt.Errorf("daas: %s %s: %w", r.method, r.redacted(), err)
	}
	core.started = sent
	if resp.Request != nil {
		core.txid = resp.Request.Header.Get("Citrix-TransactionId")
	}
	core.floor = retryAfter(resp.Header, nil)
	if r.method == http.MethodGet {
		origin := *r.url
		core.origin = &origin
	}
	c.provisioning.note(r.method, r.url, core.id, sent)
	c.observeJobStart(ctx, r, core)
	return &Job[T]{core: core, read: read}, nil
}

// jobFromLocation checks the Location of a 202 (see [Client.jobLocation])
// and returns the job it names.
func (c *Client) jobFromLocation(loc string) (*jobCore, error) {
	id, err := c.jobLocation(loc)
	if err != nil {
		return nil, err
	}
	return &jobCore{c: c, r: c.Jobs, id: id, location: strings.TrimSpace(loc)}, nil
}
