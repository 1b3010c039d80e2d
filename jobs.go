package daas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode"
)

// ErrBadLocation is returned when the service accepts an async call but its
// Location header is missing, relative or malformed, so the job cannot be
// followed. A Location on another origin gives [ErrUntrustedLocation]
// instead.
var ErrBadLocation = errors.New("daas: missing or malformed job location")

// JobStatus is the state of a job as the service reports it. Values the
// library does not know pass through unchanged and count as not terminal.
type JobStatus string

// The job statuses of the service.
const (
	JobUnknown             JobStatus = "Unknown"
	JobNotStarted          JobStatus = "NotStarted"
	JobInProgress          JobStatus = "InProgress"
	JobComplete            JobStatus = "Complete"
	JobCompleteWithWarning JobStatus = "CompleteWithWarning"
	JobFailed              JobStatus = "Failed"
	JobCanceled            JobStatus = "Canceled"
	JobNonTerminatingError JobStatus = "NonTerminatingError"
)

// Terminal reports whether the job has ended: Complete, CompleteWithWarning,
// Failed or Canceled. NonTerminatingError, Unknown and statuses the library
// does not know are not terminal: the job may still go on.
func (s JobStatus) Terminal() bool {
	switch s {
	case JobComplete, JobCompleteWithWarning, JobFailed, JobCanceled:
		return true
	}
	return false
}

// JobInfo is a job as the service describes it (its JobResponseModel), in Go
// names. Fields the library cannot parse are left zero rather than failing
// the read.
type JobInfo struct {
	ID     string
	Type   string // JobType, such as CreateMachineCatalog
	Status JobStatus
	// Progress is OverallProgressPercent, 0 to 100, or -1 when the service
	// reports none.
	Progress        int
	IsCancellable   bool
	Parameters      []NameValue
	SubJobs         []JobInfo
	ResultLocation  string
	ErrorString     string
	ErrorCode       string // "Unknown" on jobs without an error
	ErrorParameters []NameValue
	CreatedAt       time.Time
	StartedAt       time.Time // zero until the job starts
	EndedAt         time.Time // zero until the job ends
}

// Param returns the value of the job parameter with the given name
// (case-insensitive) and whether it is present.
func (j *JobInfo) Param(name string) (string, bool) {
	for _, p := range j.Parameters {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}

// UnmarshalJSON decodes a JobResponseModel leniently: each field is decoded
// on its own and one of the wrong type is skipped, so that a surprise in one
// field never fails a wait. Only a body that is not a JSON object is an error.
func (j *JobInfo) UnmarshalJSON(data []byte) error {
	if j.decodeWire(data) {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	if m == nil {
		return errors.New("daas: job is null")
	}
	f := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		f[strings.ToLower(k)] = v
	}
	str := func(key string) string {
		var s string
		_ = json.Unmarshal(f[key], &s)
		return s
	}
	*j = JobInfo{
		ID:              str("id"),
		Type:            str("type"),
		Status:          JobStatus(str("status")),
		Progress:        -1,
		ResultLocation:  str("resultlocation"),
		ErrorString:     str("errorstring"),
		ErrorCode:       str("errorcode"),
		Parameters:      decodePairs(f["parameters"]),
		ErrorParameters: decodePairs(f["errorparameters"]),
		CreatedAt:       decodeJobTime(f["formattedcreationtime"], f["creationtime"]),
		StartedAt:       decodeJobTime(f["formattedstarttime"], f["starttime"]),
		EndedAt:         decodeJobTime(f["formattedendtime"], f["endtime"]),
	}
	var pct float64
	if json.Unmarshal(f["overallprogresspercent"], &pct) == nil && f["overallprogresspercent"] != nil && string(f["overallprogresspercent"]) != "null" {
		j.Progress = int(min(max(pct, 0), 100))
	}
	_ = json.Unmarshal(f["iscancellable"], &j.IsCancellable)
	var subs []json.RawMessage
	if json.Unmarshal(f["subjobs"], &subs) == nil {
		for _, raw := range subs {
			var sj JobInfo
			if sj.UnmarshalJSON(raw) == nil {
				j.SubJobs = append(j.SubJobs, sj)
			}
		}
	}
	return nil
}

// jobWire is JobResponseModel with the types the service documents, for
// the common case where every field has them.
type jobWire struct {
	ID                     string      `json:"Id"`
	Type                   string      `json:"Type"`
	Status                 string      `json:"Status"`
	OverallProgressPercent *float64    `json:"OverallProgressPercent"`
	IsCancellable          bool        `json:"IsCancellable"`
	Parameters             []NameValue `json:"Parameters"`
	SubJobs                []JobInfo   `json:"SubJobs"`
	ResultLocation         string      `json:"ResultLocation"`
	ErrorString            string      `json:"ErrorString"`
	ErrorCode              string      `json:"ErrorCode"`
	ErrorParameters        []NameValue `json:"ErrorParameters"`
	CreationTime           string      `json:"CreationTime"`
	FormattedCreationTime  string      `json:"FormattedCreationTime"`
	StartTime              string      `json:"StartTime"`
	FormattedStartTime     string      `json:"FormattedStartTime"`
	EndTime                string      `json:"EndTime"`
	FormattedEndTime       string      `json:"FormattedEndTime"`
}

// decodeWire decodes a job whose every field has its documented type, and
// reports false (leaving the lenient path to do the work) otherwise.
func (j *JobInfo) decodeWire(data []byte) bool {
	var w jobWire
	if len(data) == 0 || data[0] != '{' || json.Unmarshal(data, &w) != nil {
		return false
	}
	*j = JobInfo{
		ID:              w.ID,
		Type:            w.Type,
		Status:          JobStatus(w.Status),
		Progress:        -1,
		IsCancellable:   w.IsCancellable,
		Parameters:      nilIfEmpty(w.Parameters),
		SubJobs:         w.SubJobs,
		ResultLocation:  w.ResultLocation,
		ErrorString:     w.ErrorString,
		ErrorCode:       w.ErrorCode,
		ErrorParameters: nilIfEmpty(w.ErrorParameters),
		CreatedAt:       parseJobTime(w.FormattedCreationTime, w.CreationTime),
		StartedAt:       parseJobTime(w.FormattedStartTime, w.StartTime),
		EndedAt:         parseJobTime(w.FormattedEndTime, w.EndTime),
	}
	if w.OverallProgressPercent != nil {
		j.Progress = int(min(max(*w.OverallProgressPercent, 0), 100))
	}
	return true
}

func nilIfEmpty(nv []NameValue) []NameValue {
	if len(nv) == 0 {
		return nil
	}
	return nv
}

// decodePairs reads [{"Name": ..., "Value": ...}] and skips broken items.
func decodePairs(raw json.RawMessage) []NameValue {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil || len(items) == 0 {
		return nil
	}
	out := make([]NameValue, 0, len(items))
	for _, it := range items {
		var m map[string]json.RawMessage
		if json.Unmarshal(it, &m) != nil {
			continue
		}
		var nv NameValue
		for k, v := range m {
			switch strings.ToLower(k) {
			case "name":
				nv.Name = rawString(v)
			case "value":
				nv.Value = rawString(v)
			}
		}
		out = append(out, nv)
	}
	return out
}

// jobTimeLayouts are the forms the service writes times in. The documented
// one is 2022-02-09T07:22:04.254+00:00.
var jobTimeLayouts = [...]string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z07:00",
}

// decodeJobTime parses the first of the given JSON strings that holds a
// time. null and the zero date 0001-01-01 give the zero time.
func decodeJobTime(raws ...json.RawMessage) time.Time {
	for _, raw := range raws {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			continue
		}
		if t, ok := parseOneJobTime(s); ok {
			return t
		}
	}
	return time.Time{}
}

// parseJobTime is decodeJobTime for strings already decoded.
func parseJobTime(vals ...string) time.Time {
	for _, s := range vals {
		if t, ok := parseOneJobTime(s); ok {
			return t
		}
	}
	return time.Time{}
}

// parseOneJobTime parses s in one of the service's layouts; the zero date
// gives the zero time.
func parseOneJobTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range jobTimeLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if t.Year() <= 1 {
			return time.Time{}, true
		}
		return t, true
	}
	return time.Time{}, false
}

// Job is a handle on one asynchronous job of the service whose result is a
// T. The ...Async methods of the services return one; [ResumeJob] makes one
// from a job id, and [StartJob] from any async operation. A Job is safe for
// concurrent use.
type Job[T any] struct {
	core *jobCore
}

// jobCore is the part of a job handle that does not depend on T.
type jobCore struct {
	c        *Client
	id       string
	location string
	started  time.Time // when the 202 arrived; zero for a resumed job
	origin   *url.URL  // the async GET that started the job, for result paging
	floor    time.Duration
	batch    *batchPlan // a batch's items, for its result (batch.go)

	mu   sync.Mutex
	info *JobInfo
	seen bool
}

// ID returns the job's id.
func (j *Job[T]) ID() string { return j.core.id }

// Location returns the job's absolute URL, as the 202 Location header gave
// it (or as the client builds it for a resumed job).
func (j *Job[T]) Location() string { return j.core.location }

// Info returns a copy of the job as last read, or nil before the first read.
func (j *Job[T]) Info() *JobInfo { return j.core.snapshot() }

// Done reports whether the job was last seen in a terminal status.
func (j *Job[T]) Done() bool {
	info := j.core.snapshot()
	return info != nil && info.Status.Terminal()
}

// Poll reads the job's status once (GET /Jobs/{id}) and returns it. When the
// read fails, the cached [Job.Info] is unchanged.
func (j *Job[T]) Poll(ctx context.Context) (*JobInfo, error) {
	info, err := j.core.poll(ctx)
	if err != nil {
		return nil, err
	}
	cp := *info
	return &cp, nil
}

// Cancel asks the service to cancel the job (POST /Jobs/{id}/$cancel). The
// service allows it while the job is cancellable, and for finished jobs; it
// answers 409 ([ErrConflict]) otherwise.
func (j *Job[T]) Cancel(ctx context.Context) error {
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
//   - Failed: a [*JobError] matching [ErrJobFailed].
//   - Canceled: a [*JobError] matching [ErrJobCanceled].
//   - The context ends first: the context's error, as soon as it ends; with
//     [CancelOnContextDone] the job is canceled too, best effort.
//
// Failed polls (429, 5xx, dropped connections) do not end the wait; they
// are retried on the poll schedule. A job that disappears (404) ends it with
// an error matching [ErrNotFound].
func (j *Job[T]) Wait(ctx context.Context, opts ...WaitOption) (T, error) {
	var zero T
	wc, err := j.core.c.waitConfig(opts)
	if err != nil {
		return zero, err
	}
	info, err := j.core.c.poller.wait(ctx, j.core, wc)
	if err != nil {
		if ctx.Err() != nil && wc.cancelOnDone {
			j.core.cancelDetached(ctx)
		}
		return zero, err
	}
	if err := outcome(info, wc.warningsAsErrors); err != nil {
		return zero, err
	}
	return j.result(ctx, info)
}

// Result returns the result of a job that has ended: it reads the job once
// if it was not seen ended yet, then fetches GET /Jobs/{id}/Results,
// following a 303 to the resource on the API's own origin. A job that is not
// finished gives an error; one that failed or was canceled gives its
// [*JobError].
func (j *Job[T]) Result(ctx context.Context) (T, error) {
	var zero T
	info := j.core.snapshot()
	if info == nil || !info.Status.Terminal() {
		var err error
		if info, err = j.core.poll(ctx); err != nil {
			return zero, err
		}
		if !info.Status.Terminal() {
			return zero, fmt.Errorf("daas: job %s has not finished (status %s)", j.core.id, info.Status)
		}
	}
	if err := outcome(info, false); err != nil {
		return zero, err
	}
	return j.result(ctx, info)
}

// outcome maps a terminal job to its error, if any.
func outcome(info *JobInfo, warningsAsErrors bool) error {
	switch info.Status {
	case JobComplete:
		return nil
	case JobCompleteWithWarning:
		if !warningsAsErrors {
			return nil
		}
	}
	cp := *info
	return &JobError{
		JobID:      info.ID,
		Type:       info.Type,
		Status:     info.Status,
		Code:       info.ErrorCode,
		Message:    info.ErrorString,
		Parameters: info.ErrorParameters,
		Info:       &cp,
		SubJobs:    failedSubJobs(info.SubJobs),
	}
}

// failedSubJobs returns the sub jobs that ended without completing.
func failedSubJobs(subs []JobInfo) []JobInfo {
	var out []JobInfo
	for _, sj := range subs {
		if sj.Status == JobFailed || sj.Status == JobCanceled {
			out = append(out, sj)
		}
	}
	return out
}

func (j *Job[T]) result(ctx context.Context, info *JobInfo) (T, error) {
	var out T
	if _, skip := any(out).(struct{}); skip {
		return out, nil
	}
	err := j.core.fetchResult(ctx, &out)
	if b, ok := any(&out).(*BatchResult); ok && err == nil {
		err = j.core.bindBatch(b) // batch.go
	}
	return out, err
}

func (jc *jobCore) snapshot() *JobInfo {
	jc.mu.Lock()
	defer jc.mu.Unlock()
	if jc.info == nil {
		return nil
	}
	cp := *jc.info
	return &cp
}

func (jc *jobCore) store(info *JobInfo) {
	jc.mu.Lock()
	jc.info = info
	jc.seen = true
	jc.mu.Unlock()
}

// poll reads the job once and caches what it read.
func (jc *jobCore) poll(ctx context.Context) (*JobInfo, error) {
	info, err := jc.c.Jobs.Get(ctx, jc.id)
	if err != nil {
		jc.mu.Lock()
		seen := jc.seen
		jc.mu.Unlock()
		if seen && errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("daas: job %s disappeared: deleted, past the service's 48 h retention, or not visible to this API client: %w", jc.id, err)
		}
		return nil, err
	}
	if info.ID == "" {
		info.ID = jc.id
	}
	jc.store(info)
	return info, nil
}

// cancelDetached asks the service to cancel the job after the caller's
// context ended: with a context of its own, bounded to a few seconds.
func (jc *jobCore) cancelDetached(ctx context.Context) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if info, err := jc.c.Jobs.Cancel(cctx, jc.id); err == nil {
		jc.store(info)
	} else {
		jc.c.debug(ctx, "cancel after context end failed", "job", jc.id, "error", err.Error())
	}
}

// fetchResult reads /Jobs/{id}/Results into out. A 303 is followed (same
// origin only). A {"Items": [...]} envelope is unwrapped into a slice out,
// with every continuation page.
func (jc *jobCore) fetchResult(ctx context.Context, out any) error {
	r, err := jc.c.newRequest(http.MethodGet, "Jobs/"+url.PathEscape(jc.id)+"/Results", nil, nil)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	resp, err := jc.c.do(ctx, r, &raw)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusSeeOther {
		target, err := jc.c.resultTarget(r.url, resp.Header.Get("Location"))
		if err != nil {
			return fmt.Errorf("daas: job %s results: %w", jc.id, err)
		}
		r, err := jc.c.newRequest(http.MethodGet, target.String(), nil, nil)
		if err != nil {
			return fmt.Errorf("daas: job %s results: %w", jc.id, err)
		}
		raw = nil
		resp, err := jc.c.do(ctx, r, &raw)
		if err != nil {
			return err
		}
		if resp.StatusCode == http.StatusSeeOther {
			return fmt.Errorf("daas: job %s results: %w: the 303 target redirected again", jc.id, ErrBadLocation)
		}
	}
	return jc.decodeResult(ctx, raw, out)
}

// resultTarget checks the Location of a 303 from a job's results, resolved
// against from.
func (c *Client) resultTarget(from *url.URL, loc string) (*url.URL, error) {
	if loc == "" {
		return nil, fmt.Errorf("%w: 303 without Location", ErrBadLocation)
	}
	target, err := from.Parse(loc)
	if err != nil || target.Host == "" || target.User != nil || (target.Scheme != "https" && target.Scheme != "http") {
		return nil, fmt.Errorf("%w: %q", ErrBadLocation, truncate(loc, 200))
	}
	if !c.sameOrigin(target) {
		return nil, fmt.Errorf("%w: %s://%s", ErrUntrustedLocation, target.Scheme, truncate(target.Host, 200))
	}
	return target, nil
}

// decodeResult decodes raw into out, unwrapping an Items envelope into a
// slice and fetching the remaining pages.
func (jc *jobCore) decodeResult(ctx context.Context, raw json.RawMessage, out any) error {
	if rm, ok := out.(*json.RawMessage); ok {
		*rm = raw
		return nil
	}
	rv := reflect.ValueOf(out).Elem()
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		// A job with no stored result answers 303; an empty body would
		// leave the caller a zero T (a nil *MachineCatalog) with no error.
		return fmt.Errorf("daas: job %s: empty result, nothing to decode into %s", jc.id, rv.Type())
	}
	if rv.Kind() != reflect.Slice || trimmed[0] != '{' {
		if err := json.Unmarshal(trimmed, out); err != nil {
			return fmt.Errorf("daas: job %s: decoding result into %s: %w", jc.id, rv.Type(), err)
		}
		return nil
	}
	seen := map[string]bool{}
	for page := 0; ; page++ {
		var env struct {
			Items             json.RawMessage `json:"Items"`
			ContinuationToken *string         `json:"ContinuationToken"`
		}
		if err := json.Unmarshal(trimmed, &env); err != nil {
			return fmt.Errorf("daas: job %s: decoding result page: %w", jc.id, err)
		}
		items := reflect.New(rv.Type())
		if len(env.Items) > 0 {
			if err := json.Unmarshal(env.Items, items.Interface()); err != nil {
				return fmt.Errorf("daas: job %s: decoding result into %s: %w", jc.id, rv.Type(), err)
			}
		}
		if page == 0 && rv.IsNil() {
			rv.Set(reflect.MakeSlice(rv.Type(), 0, items.Elem().Len()))
		}
		rv.Set(reflect.AppendSlice(rv, items.Elem()))
		if env.ContinuationToken == nil || *env.ContinuationToken == "" {
			return nil
		}
		if page > 100000 {
			return fmt.Errorf("daas: job %s: result has too many pages", jc.id)
		}
		if seen[*env.ContinuationToken] {
			return fmt.Errorf("daas: job %s: the service repeated continuation token %q", jc.id, truncate(*env.ContinuationToken, 64))
		}
		seen[*env.ContinuationToken] = true
		next, err := jc.nextPage(ctx, *env.ContinuationToken)
		if err != nil {
			return err
		}
		trimmed = bytes.TrimSpace(next)
	}
}

// nextPage fetches the page after a continuation token. The token of an
// async list's results belongs to the list (the spec gives GET
// /Jobs/{id}/Results no continuationToken), so the page comes from the list
// call that started the job, run synchronously with the same filters: one
// request per page, no new job to wait for. Only a job whose list call is
// not known (resumed by id) asks its results, the one place left.
func (jc *jobCore) nextPage(ctx context.Context, token string) (json.RawMessage, error) {
	if jc.origin == nil {
		return jc.getPage(ctx, "Jobs/"+url.PathEscape(jc.id)+"/Results", url.Values{}, token)
	}
	u := *jc.origin
	q := u.Query()
	q.Del("async")
	u.RawQuery = ""
	return jc.getPage(ctx, u.String(), q, token)
}

// getPage reads one page of a paged result: ref with the continuation token.
func (jc *jobCore) getPage(ctx context.Context, ref string, q url.Values, token string) (json.RawMessage, error) {
	q.Set("continuationToken", token)
	r, err := jc.c.newRequest(http.MethodGet, ref, q, nil)
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if _, err := jc.c.do(ctx, r, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// ResumeJob returns a handle for a job started elsewhere, by its id: in
// another process, or before a restart. The service shows a job only to the
// API client that started it, and keeps it 48 hours after it ends.
func ResumeJob[T any](c *Client, id string) *Job[T] {
	return &Job[T]{core: &jobCore{
		c:        c,
		id:       id,
		location: c.base.String() + "/Jobs/" + url.PathEscape(id),
	}}
}

// StartJob starts any async operation of the API that has no typed method
// yet and returns its job. path is relative to the API root (such as
// "MachineCatalogs/Pool%7CWin11/$test"), with its segments escaped; it may
// carry a query. StartJob adds async=true, sends body as JSON (nil for none)
// and expects 202 Accepted.
func StartJob[T any](ctx context.Context, c *Client, method, path string, body any) (*Job[T], error) {
	method = strings.ToUpper(strings.TrimSpace(method))
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return nil, fmt.Errorf("daas: StartJob: unsupported method %q", method)
	}
	if path == "" || strings.Contains(path, "://") || strings.HasPrefix(path, "//") {
		return nil, fmt.Errorf("daas: StartJob: path %q must be relative to the API root", truncate(path, 200))
	}
	ref, rawQuery, _ := strings.Cut(path, "?")
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("daas: StartJob: malformed query: %w", err)
	}
	r, err := c.newRequest(method, ref, q, body)
	if err != nil {
		return nil, err
	}
	return startJob[T](ctx, c, r)
}

// startJob sends r with async=true and returns the job of its 202.
func startJob[T any](ctx context.Context, c *Client, r *request) (*Job[T], error) {
	q := r.url.Query()
	q.Set("async", "true")
	r.url.RawQuery = q.Encode()
	if r.method != http.MethodGet && r.method != http.MethodHead {
		r.mayCreate = true
	}
	// The progress clock starts when the request goes out: the job exists
	// (at progress 0) from some moment before the 202 arrives.
	sent := time.Now()
	resp, err := c.do(ctx, r, nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusAccepted {
		return nil, fmt.Errorf("daas: %s %s: expected 202 Accepted for an async call, got %d", r.method, r.redacted(), resp.StatusCode)
	}
	core, err := c.jobFromLocation(resp.Header.Get("Location"))
	if err != nil {
		return nil, fmt.Errorf("daas: %s %s: %w", r.method, r.redacted(), err)
	}
	core.started = sent
	core.floor = retryAfter(resp.Header, nil)
	if r.method == http.MethodGet {
		origin := *r.url
		core.origin = &origin
	}
	return &Job[T]{core: core}, nil
}

// jobFromLocation checks the Location of a 202 (absolute, on the API's
// origin, naming a job) and returns the job it names.
func (c *Client) jobFromLocation(loc string) (*jobCore, error) {
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return nil, fmt.Errorf("%w: no Location header", ErrBadLocation)
	}
	id, err := c.parseJobLocation(loc)
	if err != nil {
		return nil, err
	}
	return &jobCore{c: c, id: id, location: loc}, nil
}

// parseJobLocation returns the job id of an absolute job URL on the API's
// origin: its last path segment, unescaped.
func (c *Client) parseJobLocation(loc string) (string, error) {
	u, err := url.Parse(loc)
	if err != nil || strings.ContainsAny(loc, " \t\r\n") {
		return "", fmt.Errorf("%w: %q", ErrBadLocation, truncate(loc, 200))
	}
	if !u.IsAbs() || u.Host == "" {
		return "", fmt.Errorf("%w: %q is not an absolute URL", ErrBadLocation, truncate(loc, 200))
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Errorf("%w: unsupported scheme in %q", ErrBadLocation, truncate(loc, 200))
	}
	if u.User != nil {
		return "", fmt.Errorf("%w: credentials in the job URL", ErrBadLocation)
	}
	if !c.sameOrigin(u) {
		return "", fmt.Errorf("%w: %s://%s", ErrUntrustedLocation, u.Scheme, truncate(u.Host, 200))
	}
	escaped := strings.TrimRight(u.EscapedPath(), "/")
	i := strings.LastIndexByte(escaped, '/')
	if i < 0 || i == len(escaped)-1 {
		return "", fmt.Errorf("%w: no job id in %q", ErrBadLocation, truncate(loc, 200))
	}
	// A job id is one plain path segment: no dot segment anywhere in the
	// path, no escaped separator or control character in the id.
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			return "", fmt.Errorf("%w: dot segment in %q", ErrBadLocation, truncate(loc, 200))
		}
	}
	id, err := url.PathUnescape(escaped[i+1:])
	if err != nil || id == "" || id == "." || id == ".." || strings.ContainsAny(id, `/\`) || strings.ContainsFunc(id, unicode.IsControl) {
		return "", fmt.Errorf("%w: malformed job id in %q", ErrBadLocation, truncate(loc, 200))
	}
	return id, nil
}

// JobsService reads and manages the service's jobs directly. Most programs
// use the [Job] handles the ...Async methods return instead.
type JobsService service

// Get reads one job (GET /Jobs/{id}).
func (s *JobsService) Get(ctx context.Context, id string) (*JobInfo, error) {
	if err := checkID("job id", id); err != nil {
		return nil, err
	}
	r, err := s.client.newRequest(http.MethodGet, "Jobs/"+url.PathEscape(id), nil, nil)
	if err != nil {
		return nil, err
	}
	info := new(JobInfo)
	if _, err := s.client.do(ctx, r, info); err != nil {
		return nil, err
	}
	return info, nil
}

// jobList is the JobResponseModelCollection.
type jobList struct {
	Items             []JobInfo `json:"Items"`
	ContinuationToken *string   `json:"ContinuationToken"`
}

// UnmarshalJSON skips items that are not job objects, so that one broken
// item never fails the read of every job in the list.
func (l *jobList) UnmarshalJSON(data []byte) error {
	var raw struct {
		Items             []json.RawMessage `json:"Items"`
		ContinuationToken *string           `json:"ContinuationToken"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*l = jobList{ContinuationToken: raw.ContinuationToken, Items: make([]JobInfo, 0, len(raw.Items))}
	for _, it := range raw.Items {
		var ji JobInfo
		if ji.UnmarshalJSON(it) == nil {
			l.Items = append(l.Items, ji)
		}
	}
	return nil
}

// List reads the caller's active and recently finished jobs (GET /Jobs),
// every page of them.
func (s *JobsService) List(ctx context.Context) ([]JobInfo, error) {
	var all []JobInfo
	var token string
	for page := 0; ; page++ {
		var q url.Values
		if token != "" {
			q = url.Values{"continuationToken": {token}}
		}
		r, err := s.client.newRequest(http.MethodGet, "Jobs", q, nil)
		if err != nil {
			return nil, err
		}
		var l jobList
		if _, err := s.client.do(ctx, r, &l); err != nil {
			return nil, err
		}
		all = append(all, l.Items...)
		if l.ContinuationToken == nil || *l.ContinuationToken == "" || *l.ContinuationToken == token || page > 10000 {
			return all, nil
		}
		token = *l.ContinuationToken
	}
}

// Cancel asks the service to cancel a job (POST /Jobs/{id}/$cancel) and
// returns the job as it is afterwards.
func (s *JobsService) Cancel(ctx context.Context, id string) (*JobInfo, error) {
	if err := checkID("job id", id); err != nil {
		return nil, err
	}
	r, err := s.client.newRequest(http.MethodPost, "Jobs/"+url.PathEscape(id)+"/$cancel", nil, nil)
	if err != nil {
		return nil, err
	}
	r.mayCreate = false // canceling twice is harmless
	info := new(JobInfo)
	if _, err := s.client.do(ctx, r, info); err != nil {
		return nil, err
	}
	return info, nil
}

// Delete removes a finished job (DELETE /Jobs/{id}). The service refuses to
// delete a running job with 409 ([ErrConflict]).
func (s *JobsService) Delete(ctx context.Context, id string) error {
	if err := checkID("job id", id); err != nil {
		return err
	}
	r, err := s.client.newRequest(http.MethodDelete, "Jobs/"+url.PathEscape(id), nil, nil)
	if err != nil {
		return err
	}
	_, err = s.client.do(ctx, r, nil)
	return err
}

// Results returns the raw result of a finished job (GET /Jobs/{id}/Results).
// When the service answers with a 303 to the affected resource, Results
// reads that resource (on the API's own origin only) and returns it.
func (s *JobsService) Results(ctx context.Context, id string) (json.RawMessage, error) {
	if err := checkID("job id", id); err != nil {
		return nil, err
	}
	jc := &jobCore{c: s.client, id: id}
	var raw json.RawMessage
	if err := jc.fetchResult(ctx, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// checkID refuses an empty id or one with control characters.
func checkID(what, id string) error {
	if strings.TrimSpace(id) == "" {
		return fmt.Errorf("daas: empty %s", what)
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("daas: %s %q has a control character", what, id)
		}
	}
	return nil
}
