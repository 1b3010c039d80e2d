package daas

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// JobObserver receives the telemetry of a client's job waits and request
// retries: set it with [WithObserver]. Every field is optional; a nil one is
// not called, and a client without an observer does no telemetry work.
//
// The functions are called synchronously, from the goroutine doing the work
// (a list read shared by many waits may be reported from the goroutine that
// made it), never with a lock of the library held, so they may call the
// client; they must return quickly, since the wait does not go on until they
// return, and they must be safe for concurrent use when several waits run at
// once. For one wait the calls come in order: WaitStart, then one Read per
// status read, then WaitEnd. Retry is called for each retry of any request,
// waits' reads included, before the retry's backoff.
//
// The values carry no credential: job ids, job types, paths without query,
// statuses and Citrix-TransactionId values only.
type JobObserver struct {
	// JobStarted is called once for each job a call of this client starts
	// (an ...Async method, [StartJob], [Client.Batch]), when the 202
	// Accepted has arrived and the job's handle is made, with the context
	// of that call: a tracer notes the span the job was started in, to
	// link the job's waits to it. Jobs resumed by id ([ResumeJob]) and the
	// sub-jobs of a batch's items were not started by a call of this
	// client and are not reported.
	JobStarted func(ctx context.Context, info JobStartInfo)
	// WaitStart is called when [Job.Wait] starts waiting, before its first
	// read. The context it returns (derived from ctx, or ctx itself) is the
	// one the wait's reads and its WaitEnd run with: a tracer puts its span
	// there. A nil return keeps ctx.
	WaitStart func(ctx context.Context, info WaitStartInfo) context.Context
	// Read is called after each status read of a wait, failed or not.
	Read func(ctx context.Context, info ReadInfo)
	// Retry is called each time a request is retried.
	Retry func(ctx context.Context, info RetryInfo)
	// WaitEnd is called when the wait ends, whatever the reason.
	WaitEnd func(ctx context.Context, info WaitEndInfo)
}

// JobStartInfo describes a job that a call has just started. The job's
// type is not known yet: the 202 that starts a job has no body, and the
// first status read (in [WaitStartInfo] or [ReadInfo]) tells it.
type JobStartInfo struct {
	JobID string
	// Method and Path are the call that started the job; Path is the URL
	// path, without query.
	Method string
	Path   string
	// TransactionID is the Citrix-TransactionId of that call.
	TransactionID string
	// StartedAt is when the call went out; At is when its 202 arrived.
	StartedAt time.Time
	At        time.Time
}

// WaitStartInfo describes a wait that starts.
type WaitStartInfo struct {
	JobID string
	// JobType is the type of the job as last read, or "" when the handle has
	// not read the job yet (a wait that has just started one).
	JobType string
	// JobStartedAt is when the request that started the job went out; zero
	// for a job resumed by id.
	JobStartedAt time.Time
	// StartTransactionID is the Citrix-TransactionId of the request that
	// started the job; "" for a resumed job.
	StartTransactionID string
	// At is when the wait started.
	At time.Time
}

// How a status read went to the service.
const (
	ReadSingle = "single" // GET /Jobs/{id}
	ReadList   = "list"   // GET /Jobs, shared by the waits of the client
)

// ReadInfo describes one status read of a wait.
type ReadInfo struct {
	JobID   string
	JobType string // the type as known after the read; "" if never read
	// N is the read's number in its wait, from 1.
	N int
	// Via is [ReadSingle] or [ReadList].
	Via string
	// Shared is true when the read sent nothing itself: another wait's list
	// read delivered the job, or a list hold (429, 503) answered for it.
	Shared bool
	// Status and Progress are what the read showed; Status is "" when the
	// read failed.
	Status   JobStatus
	Progress int
	// Err is the read's error, nil on success; Cause is its class (see
	// [RetryInfo.Cause]), "" on success.
	Err   error
	Cause string
	// RetryAfter is the floor the service set for the next read (a
	// Retry-After, capped by the poll policy's MaxInterval), or 0.
	RetryAfter time.Duration
	// TransactionIDs are the Citrix-TransactionId values of the requests
	// the read sent (a paged list sends several), in order.
	TransactionIDs []string
	// At is when the read returned.
	At time.Time
}

// RetryInfo describes one retry of a request.
type RetryInfo struct {
	Method string
	Path   string // the URL path, without query
	// Attempt is the number of the retry: 1 for the second attempt.
	Attempt int
	// StatusCode is the status of the attempt that failed, 0 when it got
	// no answer.
	StatusCode int
	// Cause is the class of the failure: "rate_limited" (429),
	// "unavailable" (503), "server_error" (other 5xx), "client_error"
	// (other 4xx), "timeout", "canceled", "transport" (a connection that
	// failed), "other".
	Cause string
	// Wait is the backoff before the retry.
	Wait          time.Duration
	TransactionID string
}

// Outcomes of a wait.
const (
	OutcomeComplete     = "complete"      // the job ended Complete
	OutcomeWarning      = "warning"       // the job ended CompleteWithWarning
	OutcomeFailed       = "failed"        // the job ended Failed
	OutcomeCanceled     = "canceled"      // the job ended Canceled
	OutcomeContextEnded = "context_ended" // the caller's context ended first
	OutcomeError        = "error"         // a read failed for good
)

// WaitEndInfo describes a wait that ended.
type WaitEndInfo struct {
	JobID   string
	JobType string
	// Outcome is one of the Outcome constants.
	Outcome string
	// Status is the job's last status seen, "" when none was.
	Status JobStatus
	// Err is the wait's error: a [*WaitError] when the context ended, the
	// read's error for [OutcomeError], nil when the job ended (a failed
	// job is not an error of the wait).
	Err error
	// Duration is the wait's wall time.
	Duration time.Duration
	// Reads is the number of status reads (Read calls) of the wait.
	Reads int
	// DetectionDelay estimates how long after the job ended the client saw
	// it: the moment the read that showed the end returned, minus the job's
	// EndedAt. It mixes the service's clock with the client's; HasDetection
	// is false when there is no estimate (no EndedAt, the job had ended
	// before the wait, the wait did not see the end).
	DetectionDelay time.Duration
	HasDetection   bool
	// StartTransactionID is the Citrix-TransactionId of the request that
	// started the job, "" when unknown.
	StartTransactionID string
}

// observing reports whether o has anything to call.
func (o *JobObserver) observing() bool {
	return o.WaitStart != nil || o.Read != nil || o.Retry != nil || o.WaitEnd != nil
}

// observeJobStart reports the job of a 202 to the client's observer.
func (c *Client) observeJobStart(ctx context.Context, r *request, jc *jobCore) {
	if c.observer.JobStarted == nil {
		return
	}
	c.observer.JobStarted(ctx, JobStartInfo{
		JobID: jc.id, Method: r.method, Path: r.url.Path, TransactionID: jc.txid,
		StartedAt: jc.started, At: time.Now(),
	})
}

// waitTrace is the telemetry state of one wait; nil without an observer,
// and every method is then a no-op.
type waitTrace struct {
	obs     *JobObserver
	jc      *jobCore
	maxWait time.Duration
	start   time.Time
	reads   int
	seenEnd time.Time // when a read first showed the job ended
}

// startTrace calls WaitStart and returns the trace of the wait and the
// context it runs with.
func (c *Client) startTrace(ctx context.Context, jc *jobCore, pol PollPolicy) (*waitTrace, context.Context) {
	if !c.observer.observing() {
		return nil, ctx
	}
	t := &waitTrace{obs: &c.observer, jc: jc, maxWait: pol.MaxInterval, start: time.Now()}
	if t.obs.WaitStart != nil {
		if nctx := t.obs.WaitStart(ctx, WaitStartInfo{
			JobID: jc.id, JobType: jc.jobType(), JobStartedAt: jc.started,
			StartTransactionID: jc.txid, At: t.start,
		}); nctx != nil {
			ctx = nctx
		}
	}
	return t, ctx
}

// readContext returns the context for one read of the wait, which records
// the requests the read sends.
func (t *waitTrace) readContext(ctx context.Context) (context.Context, *txRecord) {
	if t == nil {
		return ctx, nil
	}
	rec := &txRecord{}
	return context.WithValue(ctx, txRecordKey{}, rec), rec
}

// read reports one read.
func (t *waitTrace) read(ctx context.Context, rec *txRecord, info *JobInfo, floor time.Duration, err error) {
	if t == nil {
		return
	}
	t.reads++
	now := time.Now()
	if info != nil && info.Status.Terminal() && t.seenEnd.IsZero() {
		t.seenEnd = now
	}
	if t.obs.Read == nil {
		return
	}
	ri := ReadInfo{JobID: t.jc.id, JobType: t.jc.jobType(), N: t.reads, Via: ReadSingle, RetryAfter: floor, Err: err, At: now, Progress: -1}
	rec.mu.Lock()
	ri.TransactionIDs = append([]string(nil), rec.txids...)
	last := rec.lastPath
	rec.mu.Unlock()
	if len(ri.TransactionIDs) == 0 {
		ri.Via, ri.Shared = ReadList, true
	} else if strings.HasSuffix(last, "/Jobs") {
		ri.Via = ReadList
	}
	if info != nil {
		ri.Status, ri.Progress = info.Status, info.Progress
	}
	if err != nil {
		ri.Cause = causeOf(0, err)
		if ae := (*APIError)(nil); errors.As(err, &ae) {
			ri.RetryAfter = max(floor, min(ae.RetryAfter, t.maxWait))
		}
	}
	t.obs.Read(ctx, ri)
}

// end calls WaitEnd for the wait's result.
func (t *waitTrace) end(ctx context.Context, info *JobInfo, err error) {
	if t == nil || t.obs.WaitEnd == nil {
		return
	}
	we := WaitEndInfo{
		JobID: t.jc.id, JobType: t.jc.jobType(), Err: err,
		Duration: time.Since(t.start), Reads: t.reads, StartTransactionID: t.jc.txid,
	}
	if last := t.jc.snapshot(); last != nil {
		we.Status = last.Status
	}
	var wErr *WaitError
	switch {
	case errors.As(err, &wErr):
		we.Outcome = OutcomeContextEnded
	case err != nil:
		we.Outcome = OutcomeError
	default:
		we.Status = info.Status
		we.Outcome = map[JobStatus]string{
			JobStatusComplete: OutcomeComplete, JobStatusCompleteWithWarning: OutcomeWarning,
			JobStatusFailed: OutcomeFailed, JobStatusCanceled: OutcomeCanceled,
		}[info.Status]
		if !t.seenEnd.IsZero() && !info.EndedAt.IsZero() {
			we.DetectionDelay, we.HasDetection = t.seenEnd.Sub(info.EndedAt), true
		}
	}
	t.obs.WaitEnd(ctx, we)
}

// observeRetry reports a retry to the client's observer.
func (c *Client) observeRetry(ctx context.Context, st *attempts, resp *http.Response, err error) {
	if c.observer.Retry == nil {
		return
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	c.observer.Retry(ctx, RetryInfo{
		Method: st.method, Path: st.path, Attempt: st.retries, StatusCode: status,
		Cause: causeOf(status, err), Wait: st.next, TransactionID: st.txid,
	})
}

// txRecord collects the transaction ids of the requests one read sends;
// a shared list read may write it from another goroutine.
type txRecord struct {
	mu       sync.Mutex
	txids    []string
	lastPath string
}

type txRecordKey struct{}

// noteRequest records a request in the read's txRecord, if ctx has one.
func noteRequest(ctx context.Context, path, txid string) {
	rec, _ := ctx.Value(txRecordKey{}).(*txRecord)
	if rec == nil {
		return
	}
	rec.mu.Lock()
	rec.txids = append(rec.txids, txid)
	rec.lastPath = path
	rec.mu.Unlock()
}

// causeOf classifies a failure by the answer's status or the error.
func causeOf(status int, err error) string {
	if ae := (*APIError)(nil); errors.As(err, &ae) {
		status = ae.StatusCode
	}
	var ne net.Error
	switch {
	case status == http.StatusTooManyRequests:
		return "rate_limited"
	case status == http.StatusServiceUnavailable:
		return "unavailable"
	case status >= 500:
		return "server_error"
	case status >= 400:
		return "client_error"
	case err == nil:
		return "other"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &ne), errors.Is(err, net.ErrClosed):
		return "transport"
	}
	return "other"
}

// jobType returns the type of the job as last read, or "".
func (jc *jobCore) jobType() string {
	jc.mu.Lock()
	defer jc.mu.Unlock()
	if jc.info == nil {
		return ""
	}
	return jc.info.Type
}
