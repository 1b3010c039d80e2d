package daas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// BatchResult is what a batch did: one entry per item, in the order of the
// items given to [Client.Batch].
type BatchResult struct {
	Items []BatchItemResult
}

// BatchItemResult is the outcome of one batch item.
type BatchItemResult struct {
	// Reference is the item's reference.
	Reference string
	// StatusCode is the status of the item's call (202 for one that started
	// a job).
	StatusCode int
	// Body is the item's answer body, for a 2xx other than 202.
	Body json.RawMessage
	// Job is the job the item started (StatusCode 202), nil otherwise; read
	// its result with [Job.Result] once [BatchResult.Wait] returns.
	Job *Job[json.RawMessage]
	// Err is why the item failed: an [*APIError] for an error status, a
	// [*JobError] for a job that failed (set by [BatchResult.Wait]), nil
	// for success.
	Err error
}

// Failed returns the items that failed so far: an error status, or (after
// [BatchResult.Wait]) a job that did not complete.
func (r *BatchResult) Failed() []BatchItemResult {
	var out []BatchItemResult
	for _, it := range r.Items {
		if it.Err != nil {
			out = append(out, it)
		}
	}
	return out
}

// Succeeded returns the items that did not fail.
func (r *BatchResult) Succeeded() []BatchItemResult {
	var out []BatchItemResult
	for _, it := range r.Items {
		if it.Err == nil {
			out = append(out, it)
		}
	}
	return out
}

// Wait waits for the jobs of every item together, on the client's shared
// poller (so that many jobs cost one GET /Jobs per tick, not one read per
// job), records each job's outcome in its item's Err, and returns nil when
// every item succeeded, or a [*BatchError] listing each failed item. The
// successful items stay in r. opts are those of [Job.Wait], applied to
// each job; [OnProgress] reports every job's changes, one call at a time.
// When ctx ends first, Wait returns an error that matches the context's
// error (errors.Is) and names each item whose job was still running with
// that job's [*WaitError] (its id, last status and last poll error, which
// errors.As finds too); items whose jobs had ended keep their outcome, and
// the running ones keep a nil Err, so a later Wait waits for them again.
func (r *BatchResult) Wait(ctx context.Context, opts ...WaitOption) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	errs := make([]error, len(r.Items))
	for i := range r.Items {
		it := &r.Items[i]
		if it.Job == nil || it.Err != nil {
			continue
		}
		wc, err := it.Job.core.c.waitConfig(opts)
		if err != nil {
			return err
		}
		if inner := wc.onProgress; inner != nil {
			wc.onProgress = func(j JobInfo) {
				mu.Lock()
				defer mu.Unlock()
				inner(j)
			}
		}
		wg.Go(func() {
			_, errs[i] = it.Job.core.c.await(ctx, it.Job.core, wc)
		})
	}
	wg.Wait()
	var running batchWaitError
	for i := range r.Items {
		var we *WaitError
		switch {
		case errs[i] == nil:
		case ctx.Err() != nil && errors.As(errs[i], &we):
			running.items = append(running.items, runningItem{ref: r.Items[i].Reference, err: we})
		default:
			r.Items[i].Err = errs[i]
		}
	}
	if len(running.items) > 0 {
		running.err = ctx.Err()
		running.total = len(r.Items)
		return &running
	}
	return r.Err()
}

// Err returns a [*BatchError] listing the items that failed so far, or
// nil.
func (r *BatchResult) Err() error {
	failed := r.Failed()
	if len(failed) == 0 {
		return nil
	}
	return &BatchError{Failed: failed, Total: len(r.Items)}
}

// BatchError reports the items of a batch that failed. It matches (with
// errors.Is and errors.As) the errors of its items, such as
// [ErrJobFailed] or [ErrConflict].
type BatchError struct {
	Failed []BatchItemResult // the failed items, in batch order
	Total  int               // how many items the batch had
}

// Error lists every failed item: its reference, status code and message.
func (e *BatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "daas: %d of %d batch items failed", len(e.Failed), e.Total)
	for _, it := range e.Failed {
		fmt.Fprintf(&b, "; item %s (%d): %v", it.Reference, it.StatusCode, it.Err)
	}
	return b.String()
}

// Unwrap returns the errors of the failed items.
func (e *BatchError) Unwrap() []error {
	out := make([]error, len(e.Failed))
	for i, it := range e.Failed {
		out[i] = it.Err
	}
	return out
}

// batchResult is the reading of a batch's result: the answers
// (BatchResponseModel) put in the order of plan, the items sent (the
// answers' own order for a resumed batch, whose plan is nil). An answer
// for a reference never sent fails the result; a reference answered twice
// or a 2xx body that is not JSON fails its item; each is said once.
func batchResult(plan *batchPlan) resultFunc[BatchResult] {
	return func(ctx context.Context, jc *jobCore) (BatchResult, error) {
		raw, err := jc.resultBody(ctx)
		if err != nil {
			return BatchResult{}, err
		}
		var env struct {
			Items []batchAnswerWire `json:"Items"`
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			return BatchResult{}, fmt.Errorf("daas: batch job %s: decoding the answers: %w", jc.id, err)
		}
		return jc.bindBatch(plan, env.Items)
	}
}

// bindBatch turns the answers of a batch job into its result.
func (jc *jobCore) bindBatch(plan *batchPlan, answers []batchAnswerWire) (BatchResult, error) {
	if plan == nil {
		plan = &batchPlan{}
		seen := map[string]bool{}
		for _, a := range answers {
			if !seen[a.Reference] {
				seen[a.Reference] = true
				plan.refs = append(plan.refs, a.Reference)
				plan.methods = append(plan.methods, "")
				plan.urls = append(plan.urls, "")
			}
		}
	}
	sent := make(map[string]bool, len(plan.refs))
	for _, ref := range plan.refs {
		sent[ref] = true
	}
	byRef := make(map[string]*batchAnswerWire, len(answers))
	twice := map[string]bool{}
	for i := range answers {
		ref := answers[i].Reference
		if !sent[ref] {
			return BatchResult{}, fmt.Errorf("daas: batch job %s: an answer for item %q, which was not sent", jc.id, truncate(ref, 80))
		}
		if byRef[ref] != nil {
			twice[ref] = true
		}
		byRef[ref] = &answers[i]
	}
	res := BatchResult{Items: make([]BatchItemResult, len(plan.refs))}
	for i, ref := range plan.refs {
		it := &res.Items[i]
		it.Reference = ref
		a := byRef[ref]
		switch {
		case a == nil:
			it.Err = fmt.Errorf("daas: batch job %s: no answer for item %s", jc.id, ref)
			continue
		case twice[ref]:
			it.Err = fmt.Errorf("daas: batch job %s: item %s was answered more than once", jc.id, ref)
			continue
		}
		it.StatusCode = a.Code
		var body []byte
		if a.Body != nil {
			body = []byte(*a.Body)
		}
		hdr := http.Header{}
		for _, h := range a.Headers {
			hdr.Add(h.Name, h.Value)
		}
		switch {
		case a.Code == http.StatusAccepted:
			id, err := jc.c.jobLocation(hdr.Get("Location"))
			if err != nil {
				it.Err = fmt.Errorf("daas: batch item %s: %w", ref, err)
				continue
			}
			core := resumedCore(jc.c, id)
			core.location = strings.TrimSpace(hdr.Get("Location"))
			it.Job = &Job[json.RawMessage]{core: core, read: rawResult}
		case a.Code >= 200 && a.Code < 300:
			if len(bytes.TrimSpace(body)) == 0 {
				continue
			}
			if !json.Valid(body) {
				it.Err = fmt.Errorf("daas: batch job %s: item %s answered %d with a body that is not JSON", jc.id, ref, a.Code)
				continue
			}
			it.Body = json.RawMessage(body)
		default:
			ae := newAPIError(&http.Response{StatusCode: a.Code, Header: hdr, Body: io.NopCloser(bytes.NewReader(body))},
				plan.methods[i], plan.urls[i], jc.id)
			for _, s := range plan.secrets {
				ae.redact(s)
			}
			it.Err = ae
		}
	}
	return res, nil
}

// batchWaitError is what [BatchResult.Wait] returns when its context ends
// while jobs are still running: the context's error and, for each running
// item, its job's *WaitError.
type batchWaitError struct {
	err   error // the context's error
	total int   // how many items the batch had
	items []runningItem
}

// runningItem is an item whose job was still running when a batch wait
// ended.
type runningItem struct {
	ref string
	err *WaitError
}

// Error names the running items, each with its job's id, last status and
// last poll error.
func (e *batchWaitError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "daas: waiting for batch items: %v; %d of %d items still running", e.err, len(e.items), e.total)
	for _, it := range e.items {
		fmt.Fprintf(&b, "; item %s: job %s", oneLine(it.ref), oneLine(it.err.JobID))
		if it.err.LastStatus != "" {
			fmt.Fprintf(&b, " last status %s", oneLine(string(it.err.LastStatus)))
		} else {
			b.WriteString(" no status read")
		}
		if it.err.LastErr != nil {
			fmt.Fprintf(&b, ", last poll failed: %s", oneLine(it.err.LastErr.Error()))
		}
	}
	return b.String()
}

// Unwrap returns the context's error and each running job's *WaitError.
func (e *batchWaitError) Unwrap() []error {
	out := make([]error, 0, 1+len(e.items))
	out = append(out, e.err)
	for _, it := range e.items {
		out = append(out, it.err)
	}
	return out
}
