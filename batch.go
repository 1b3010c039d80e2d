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
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// MaxBatchItems is the most items [Client.Batch] sends in one batch. The
// spec (v1.0.31) documents no limit for POST /$batch; this is the library's
// choice, so that one batch stays one reasonably sized request and job.
// Split larger sets into several batches.
const MaxBatchItems = 1000

// ErrBadBatch is matched by the errors of a batch refused before any
// request: no items, too many, a bad reference or an item URL that leaves
// the API root.
var ErrBadBatch = errors.New("daas: bad batch")

// BatchItem is one request of a batch: the API's BatchRequestItemModel.
// Build one with a typed helper, such as
// [DeliveryGroupsService.AddMachinesItem], which validates and escapes as
// the typed method does, or with [NewBatchItem] for any other call.
type BatchItem struct {
	// Reference names the item in the result: 1 to 64 of [-_0-9a-zA-Z],
	// unique in the batch. Empty: the item's index ("0", "1", ...).
	Reference string
	// Method is the HTTP method (default GET).
	Method string
	// Path is the call's path relative to the API root, with an optional
	// query: "DeliveryGroups/Pool/Machines?async=true". Segments must be
	// escaped already. It must stay under the API root: no scheme, host or
	// dot segment.
	Path string
	// Body is encoded as JSON and sent as the item's body string; nil for
	// none.
	Body any

	req *request // built by a typed helper
}

// NewBatchItem returns an item for any call: method, a path relative to
// the API root and an optional body. Typed helpers are safer: they check
// their arguments and escape names.
func NewBatchItem(method, path string, body any) BatchItem {
	return BatchItem{Method: method, Path: path, Body: body}
}

// asyncItem makes a batch item of a typed operation, run as its own job
// (async=true). Errors of the typed request come back unchanged.
func asyncItem(c *Client, o op) (BatchItem, error) {
	r, err := o.request(c)
	if err != nil {
		return BatchItem{}, err
	}
	q := r.url.Query()
	q.Set("async", "true")
	r.url.RawQuery = q.Encode()
	return BatchItem{Method: r.method, req: r}, nil
}

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

// batchItemWire is BatchRequestItemModel on the wire.
type batchItemWire struct {
	Reference   string      `json:"Reference"`
	Method      string      `json:"Method"`
	RelativeURL string      `json:"RelativeUrl"`
	Headers     []NameValue `json:"Headers,omitempty"`
	Body        *string     `json:"Body,omitempty"`
}

// batchAnswerWire is BatchResponseItemModel on the wire.
type batchAnswerWire struct {
	Reference string      `json:"Reference"`
	Code      int         `json:"Code"`
	Headers   []NameValue `json:"Headers"`
	Body      *string     `json:"Body"`
}

// batchPlan is what a batch's result needs of its items: their order, and
// what an item's error names and must hide.
type batchPlan struct {
	refs    []string
	methods []string
	urls    []string // redacted, for errors
	secrets []string
}

var batchReference = regexp.MustCompile(`^[-_0-9a-zA-Z]{1,64}$`)

// Batch sends items as one batch (POST /$batch?async=true, job type Batch)
// and returns its job. The job's result gives every item's outcome in item
// order; items that started jobs of their own carry a [Job] each, and
// [BatchResult.Wait] waits for them all together. Bad input — no items,
// more than [MaxBatchItems], a bad or repeated reference, an item path that
// leaves the API root, a body on GET or DELETE — gives an [*InputError]
// matching [ErrBadBatch] (and [ErrInvalidInput]) before any request.
//
// Each item carries the credentials the service wants inside it: the
// client's bearer token in its Authorization header, and the
// X-AdminCredential of a typed item that takes one. They are set here and
// kept out of errors and logs.
func (c *Client) Batch(ctx context.Context, items []BatchItem) (*Job[BatchResult], error) {
	switch {
	case len(items) == 0:
		return nil, badBatch("no items")
	case len(items) > MaxBatchItems:
		return nil, badBatch("%d items, more than the %d of one batch", len(items), MaxBatchItems)
	}
	plan := &batchPlan{}
	wire := make([]batchItemWire, len(items))
	var headers []http.Header
	seen := map[string]bool{}
	for i, it := range items {
		w, r, err := c.batchItem(i, it)
		if err != nil {
			return nil, err
		}
		if seen[w.Reference] {
			return nil, badBatch("item %d: reference %q is used twice", i, w.Reference)
		}
		seen[w.Reference] = true
		wire[i] = w
		headers = append(headers, r.header)
		plan.refs = append(plan.refs, w.Reference)
		plan.methods = append(plan.methods, r.method)
		plan.urls = append(plan.urls, r.redacted())
		plan.secrets = append(plan.secrets, r.secrets...)
	}
	r, err := c.newRequest(http.MethodPost, "$batch", nil, nil)
	if err != nil {
		return nil, err
	}
	itemSecrets := plan.secrets
	// The items carry the token inside the body: the body is made for each
	// send with the token of that moment, so that a replay after a 401
	// carries the fresh token in every item, not the refused one.
	r.rebuild = func(ctx context.Context) ([]byte, error) {
		tok, err := c.ts.Token(ctx)
		if err != nil {
			return nil, err
		}
		plan.secrets = append(plan.secrets, tok.Value)
		r.secrets = plan.secrets
		items := make([]batchItemWire, len(wire))
		for i, w := range wire {
			w.Headers = []NameValue{{Name: "Authorization", Value: "CWSAuth bearer=" + tok.Value}}
			for k, vs := range headers[i] {
				for _, v := range vs {
					w.Headers = append(w.Headers, NameValue{Name: k, Value: v})
				}
			}
			items[i] = w
		}
		return encodeBody(struct {
			Items []batchItemWire `json:"Items"`
		}{items})
	}
	r.secrets = itemSecrets
	return startJob(ctx, c, r, batchResult(plan))
}

// badBatch returns the [*InputError] of a batch refused before any
// request; it matches [ErrBadBatch] and [ErrInvalidInput].
func badBatch(format string, args ...any) error {
	return &InputError{Op: "Batch", Reason: fmt.Sprintf(format, args...), kind: ErrBadBatch}
}

// batchItem checks one item and returns its wire form (without the
// credential headers) and the request it stands for.
func (c *Client) batchItem(i int, it BatchItem) (batchItemWire, *request, error) {
	ref := it.Reference
	if ref == "" {
		ref = strconv.Itoa(i)
	}
	if !batchReference.MatchString(ref) {
		return batchItemWire{}, nil, badBatch("item %d: reference %q is not 1 to 64 of [-_0-9a-zA-Z]", i, truncate(ref, 80))
	}
	r := it.req
	if r == nil {
		method := strings.ToUpper(cmpOr(it.Method, http.MethodGet))
		if it.Body != nil && (method == http.MethodGet || method == http.MethodHead || method == http.MethodDelete) {
			return batchItemWire{}, nil, badBatch("item %s: a %s item takes no body", ref, method)
		}
		if err := c.checkItemPath(it.Path); err != nil {
			return batchItemWire{}, nil, badBatch("item %s: %s", ref, strings.TrimPrefix(err.Error(), "daas: "))
		}
		var err error
		if r, err = c.newRequest(method, it.Path, nil, it.Body); err != nil {
			return batchItemWire{}, nil, badBatch("item %s: %s", ref, strings.TrimPrefix(err.Error(), "daas: "))
		}
	}
	root := strings.TrimSuffix(c.base.EscapedPath(), "/")
	rel, ok := strings.CutPrefix(r.url.EscapedPath(), root+"/")
	if !ok || !c.sameOrigin(r.url) {
		return batchItemWire{}, nil, badBatch("item %s: %s is not under the API root", ref, r.redacted())
	}
	w := batchItemWire{Reference: ref, Method: r.method, RelativeURL: "/" + rel}
	if r.url.RawQuery != "" {
		w.RelativeURL += "?" + r.url.RawQuery
	}
	if r.body != nil {
		b := string(r.body)
		w.Body = &b
	}
	return w, r, nil
}

// checkItemPath refuses an item path that could leave the API root: an
// absolute URL, a scheme or host, a backslash, or a dot segment, escaped
// or not.
func (c *Client) checkItemPath(p string) error {
	path, _, _ := strings.Cut(p, "?")
	switch {
	case strings.TrimSpace(path) == "":
		return errors.New("empty path")
	case strings.Contains(p, "://") || strings.HasPrefix(p, "//") || strings.Contains(path, `\`):
		return fmt.Errorf("path %q leaves the API root", truncate(p, 200))
	}
	for _, seg := range strings.Split(path, "/") {
		u, err := url.PathUnescape(seg)
		if err != nil {
			return fmt.Errorf("path %q is not escaped properly", truncate(p, 200))
		}
		if u == "." || u == ".." {
			return fmt.Errorf("path %q leaves the API root (dot segment)", truncate(p, 200))
		}
	}
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
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
