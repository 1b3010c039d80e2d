package daastest

import (
	"cmp"
	"container/heap"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Job statuses, as the service spells them.
const (
	statusNotStarted          = "NotStarted"
	statusInProgress          = "InProgress"
	statusComplete            = "Complete"
	statusCompleteWithWarning = "CompleteWithWarning"
	statusFailed              = "Failed"
	statusCanceled            = "Canceled"
	statusNonTerminatingError = "NonTerminatingError"
)

// timeLayout is the service's job time format, 2022-02-09T07:22:04.254+00:00.
const timeLayout = "2006-01-02T15:04:05.000-07:00"

func formatTime(t time.Time) string {
	return t.UTC().Format(timeLayout)
}

// timePtr is a start or end time as the spec has it: nil (null) until it
// is reached.
func timePtr(t time.Time) *string {
	v := formatTime(t)
	return &v
}

// An Outcome says how jobs end; give it to [Server.NextJob] or
// [Server.JobsMatching]. The zero Outcome is a normal job: it completes
// after its duration and takes effect.
type Outcome struct {
	// Status is the terminal status: "" or "Complete" (the default),
	// "CompleteWithWarning" (takes effect, reports ErrorString as the
	// warning), "Failed" (no effect) or "Canceled" (no effect, as if an
	// administrator canceled it).
	Status string
	// ErrorCode is the job's ErrorCode when it fails or warns (defaults:
	// "UnknownError" for Failed, "Unknown" otherwise).
	ErrorCode string
	// ErrorString is the job's human-readable error or warning (a default
	// text when empty).
	ErrorString string
	// ErrorParameters are the job's ErrorParameters. For Failed they
	// default to one "ErrorDetails" entry ("ErrorMessage : <ErrorString>"),
	// the form Terraform reads.
	ErrorParameters []NameValue
	// NonTerminating makes the job report NonTerminatingError (with
	// ErrorString and ErrorCode) from 40% to 60% of its duration, then go
	// on running.
	NonTerminating bool
	// NotCancellable makes IsCancellable false, so POST /Jobs/{id}/$cancel
	// answers 409 while the job runs.
	NotCancellable bool
	// Duration overrides the job's duration (service time) when > 0.
	Duration time.Duration
	// Rate, for [Server.JobsMatching] only, is the probability in (0, 1]
	// that a matching job gets this outcome (from the seeded generator);
	// zero means every matching job.
	Rate float64
}

func (o Outcome) validate(method string) {
	switch o.Status {
	case "", statusComplete, statusCompleteWithWarning, statusFailed, statusCanceled:
	default:
		panic(fmt.Sprintf("daastest: %s: unknown Status %q (want Complete, CompleteWithWarning, Failed or Canceled)", method, o.Status))
	}
	if o.Rate < 0 || o.Rate > 1 || o.Duration < 0 {
		panic(fmt.Sprintf("daastest: %s: Rate %v outside [0, 1] or negative Duration %v", method, o.Rate, o.Duration))
	}
}

// NextJob makes the next job the server starts (whatever its type) end as o
// says. Calls queue up: the second call is for the second job, and so on.
// It panics if o is invalid.
func (s *Server) NextJob(o Outcome) {
	o.validate("NextJob")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next = append(s.next, o)
}

// JobsMatching makes every future job of jobType (for example
// "CreateMachineCatalog"; "" for every type) end as o says, replacing an
// earlier rule for that type. A rule for a type beats the "" rule;
// [Server.NextJob] beats both. It panics if o is invalid.
func (s *Server) JobsMatching(jobType string, o Outcome) {
	o.validate("JobsMatching")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules[jobType] = o
}

// ClearOutcomes forgets every [Server.NextJob] and [Server.JobsMatching]
// outcome not yet used; jobs already started keep theirs.
func (s *Server) ClearOutcomes() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next = nil
	clear(s.rules)
}

// job is one async job. Its status is a function of service time until it
// is finished (done), when the outcome and effect are fixed.
type job struct {
	id       string
	typ      string
	owner    string // API client id
	seq      int
	params   []NameValue
	origin   string // scheme://host of the request that started it
	created  time.Time
	duration time.Duration
	outcome  Outcome
	curve    ProgressCurve
	subs     []subJob
	skipFrom int // $SkipRemaining: sub jobs from this index never run (0: none skipped)

	end       time.Time // planned end; the actual end once done
	heapIndex int
	done      bool
	deleted   bool // DELETE /Jobs/{id}
	status    string
	errCode   string
	errString string
	errParams []NameValue

	// apply is the job's effect, run when it completes; it may fail the job
	// instead (fail).
	apply func(j *job)
	// What the job produced: a list (Results 200, paged), one object
	// (Results 200) or a resource path (Results 303).
	items      []json.RawMessage
	isList     bool
	next       string // ContinuationToken of a list's results: the list's own token
	single     json.RawMessage
	redirect   string
	resourceID string
}

type subJob struct {
	id  string
	typ string
	// Set when the job's effect decided this sub job's own outcome (one
	// machine of several failed): then it ends as it says, whatever the
	// parent's status.
	decided bool
	errCode string // "" when it succeeded
	errText string
	params  []NameValue // nil: the parent's
}

// fail makes a finishing job Failed with this code and message.
func (j *job) fail(code, message string) {
	j.status, j.errCode, j.errString = statusFailed, code, message
	j.errParams = []NameValue{{Name: "ErrorDetails", Value: "ErrorMessage : " + message}}
}

func (j *job) succeeded() bool {
	return j.done && (j.status == statusComplete || j.status == statusCompleteWithWarning)
}

// startsAt is when the job leaves NotStarted: after 2% of its duration.
func (j *job) startsAt() time.Time { return j.created.Add(j.duration / 50) }

// statusAt is the job's status at service time now.
func (j *job) statusAt(now time.Time) string {
	switch {
	case j.done:
		return j.status
	case now.Before(j.startsAt()):
		return statusNotStarted
	case j.outcome.NonTerminating:
		if f := fraction(j.created, j.duration, now); f >= 0.4 && f < 0.6 {
			return statusNonTerminatingError
		}
	}
	return statusInProgress
}

// fraction is how much of [start, start+d) has elapsed at t, in [0, 1].
func fraction(start time.Time, d time.Duration, t time.Time) float64 {
	if d <= 0 {
		return 1
	}
	f := float64(t.Sub(start)) / float64(d)
	return min(max(f, 0), 1)
}

// progress is OverallProgressPercent for a part of a job running over
// [start, start+d) with this status at time t (nil for ProgressNone).
func progress(curve ProgressCurve, status string, start time.Time, d time.Duration, t time.Time) *int {
	var p int
	switch {
	case curve == ProgressNone:
		return nil
	case status == statusComplete || status == statusCompleteWithWarning:
		p = 100
	case status == statusNotStarted:
		p = 0
	case curve == ProgressSteps:
		p = min(int(fraction(start, d, t)*4), 3) * 25
	default:
		p = min(int(fraction(start, d, t)*100), 99)
	}
	return &p
}

// model renders the job as JobResponseModel at service time now.
func (j *job) model(now time.Time) jobModel {
	status := j.statusAt(now)
	t := now
	if j.done {
		t = j.end
	}
	m := jobModel{
		ID:                     j.id,
		Type:                   j.typ,
		Parameters:             j.params,
		Status:                 status,
		OverallProgressPercent: progress(j.curve, status, j.created, j.duration, t),
		IsCancellable:          !j.done && !j.outcome.NotCancellable,
		SubJobs:                []jobModel{},
		ErrorCode:              "Unknown",
		ErrorParameters:        []NameValue{},
		CreationTime:           formatTime(j.created),
	}
	if start := j.startsAt(); !t.Before(start) {
		m.StartTime = timePtr(start)
	}
	if j.done {
		m.EndTime = timePtr(j.end)
	}
	switch {
	case j.done:
		m.ErrorString = strPtr(j.errString)
		if j.errCode != "" {
			m.ErrorCode = j.errCode
		}
		if j.errParams != nil {
			m.ErrorParameters = j.errParams
		}
	case status == statusNonTerminatingError:
		m.ErrorString = strPtr(cmp.Or(j.outcome.ErrorString, "A non-terminating error occurred; the job goes on."))
		m.ErrorCode = cmp.Or(j.outcome.ErrorCode, "UnknownError")
		if j.outcome.ErrorParameters != nil {
			m.ErrorParameters = j.outcome.ErrorParameters
		}
	}
	if j.succeeded() {
		loc := j.origin + apiRoot + "/Jobs/" + j.id + "/Results"
		if j.redirect != "" {
			loc = j.origin + j.redirect
		}
		m.ResultLocation = &loc
	}
	for i := range j.subs {
		m.SubJobs = append(m.SubJobs, j.subModel(i, m, t))
	}
	m.FormattedCreationTime, m.FormattedStartTime, m.FormattedEndTime = m.CreationTime, m.StartTime, m.EndTime
	return m
}

// subModel renders sub job i of a job whose model is parent, at time t (the
// parent's end once it is done). Sub jobs split the duration evenly.
func (j *job) subModel(i int, parent jobModel, t time.Time) jobModel {
	n := time.Duration(len(j.subs))
	start := j.created.Add(j.duration * time.Duration(i) / n)
	if i == 0 {
		start = j.startsAt()
	}
	end := j.created.Add(j.duration * time.Duration(i+1) / n)
	status := statusInProgress
	sub := j.subs[i]
	switch {
	case j.skippedSub(i):
		// Skipped by $SkipRemaining: it never runs. JobStatus has no
		// "Skipped"; Canceled is the nearest value.
		status = statusCanceled
	case j.done && sub.decided && sub.errCode != "":
		status = statusFailed
	case j.done && sub.decided:
		status = statusComplete
	case parent.Status == statusNotStarted:
		status = statusNotStarted
	case j.succeeded() || end.Before(t) || (!j.done && !end.After(t)):
		status = statusComplete
	case t.Before(start) && parent.Status != statusCanceled:
		status = statusNotStarted
	case j.done:
		status = parent.Status
	}
	m := jobModel{
		ID:                     j.subs[i].id,
		Type:                   j.subs[i].typ,
		Parameters:             j.params,
		Status:                 status,
		OverallProgressPercent: progress(j.curve, status, start, end.Sub(start), t),
		SubJobs:                []jobModel{},
		ErrorCode:              "Unknown",
		ErrorParameters:        []NameValue{},
		CreationTime:           parent.CreationTime,
	}
	if sub.params != nil {
		m.Parameters = sub.params
	}
	if !t.Before(start) && !j.skippedSub(i) {
		m.StartTime = timePtr(start)
	}
	switch status {
	case statusComplete:
		m.EndTime = timePtr(end)
	case statusFailed, statusCanceled:
		m.EndTime = timePtr(t)
		m.ErrorString, m.ErrorCode, m.ErrorParameters = parent.ErrorString, parent.ErrorCode, parent.ErrorParameters
		if sub.decided {
			m.EndTime = timePtr(end)
			m.ErrorString, m.ErrorCode = strPtr(sub.errText), sub.errCode
			m.ErrorParameters = []NameValue{{Name: "ErrorDetails", Value: "ErrorMessage : " + sub.errText}}
		}
	}
	m.FormattedCreationTime, m.FormattedStartTime, m.FormattedEndTime = m.CreationTime, m.StartTime, m.EndTime
	if j.skippedSub(i) {
		m.EndTime, m.FormattedEndTime = nil, nil
	}
	return m
}

// skippedSub reports whether $SkipRemaining skipped sub job i.
func (j *job) skippedSub(i int) bool { return j.skipFrom > 0 && i >= j.skipFrom }

// jobHeap orders running jobs by planned end (then start order).
type jobHeap []*job

func (h jobHeap) Len() int { return len(h) }
func (h jobHeap) Less(a, b int) bool {
	if !h[a].end.Equal(h[b].end) {
		return h[a].end.Before(h[b].end)
	}
	return h[a].seq < h[b].seq
}
func (h jobHeap) Swap(a, b int) {
	h[a], h[b] = h[b], h[a]
	h[a].heapIndex, h[b].heapIndex = a, b
}
func (h *jobHeap) Push(x any) {
	j := x.(*job)
	j.heapIndex = len(*h)
	*h = append(*h, j)
}
func (h *jobHeap) Pop() any {
	old := *h
	j := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	j.heapIndex = -1
	return j
}

// jobSpec describes a job a handler starts.
type jobSpec struct {
	typ      string
	params   []NameValue
	subTypes []string
	apply    func(j *job)
}

// startJob starts an async job and returns the 202 reply. Callers hold s.mu.
func (s *Server) startJob(c caller, now time.Time, spec jobSpec) *reply {
	return accepted(c, s.newJob(c, now, spec))
}

// accepted is the 202 reply for a job just started.
func accepted(c caller, j *job) *reply {
	rp := &reply{status: http.StatusAccepted, body: []byte{}}
	rp.header = http.Header{"Location": {c.origin + apiRoot + "/Jobs/" + j.id}}
	return rp
}

// newJob starts a job at time now, for caller c. Callers hold s.mu.
func (s *Server) newJob(c caller, now time.Time, spec jobSpec) *job {
	s.jobSeq++
	o := s.outcomeFor(spec.typ)
	j := &job{
		id:      s.newUUID(),
		typ:     spec.typ,
		owner:   c.clientID,
		seq:     s.jobSeq,
		params:  spec.params,
		origin:  c.origin,
		created: now,
		outcome: o,
		curve:   s.cfg.progress,
		apply:   spec.apply,
	}
	if j.params == nil {
		j.params = []NameValue{}
	}
	j.duration = s.durationFor(spec.typ, j.seq, o)
	j.end = now.Add(j.duration)
	for _, t := range spec.subTypes {
		j.subs = append(j.subs, subJob{id: s.newUUID(), typ: t})
	}
	s.jobs[j.id] = j
	heap.Push(&s.pending, j)
	s.stats.JobsCreated++
	return j
}

// outcomeFor picks the outcome of a new job. Callers hold s.mu.
func (s *Server) outcomeFor(jobType string) Outcome {
	if len(s.next) > 0 {
		o := s.next[0]
		s.next = s.next[1:]
		return o
	}
	for _, key := range []string{jobType, ""} {
		if o, ok := s.rules[key]; ok && (o.Rate == 0 || s.jobRNG.Float64() < o.Rate) {
			return o
		}
	}
	return Outcome{}
}

// durationFor is the duration of job number n. Callers hold s.mu.
func (s *Server) durationFor(jobType string, n int, o Outcome) time.Duration {
	switch d, ok := s.cfg.durationFor[jobType]; {
	case o.Duration > 0:
		return o.Duration
	case s.cfg.durationFn != nil:
		return max(s.cfg.durationFn(jobType, n), 0)
	case ok:
		return d
	}
	return s.cfg.jobDuration
}

// finish ends a job at time at, applying its effect if it completes.
// Callers hold s.mu and have taken j off the pending heap.
func (s *Server) finish(j *job, at time.Time, canceled bool) {
	j.done, j.end = true, at
	o := j.outcome
	switch {
	case canceled:
		j.status = statusCanceled
	case o.Status == statusFailed:
		j.status = statusFailed
		j.errCode = cmp.Or(o.ErrorCode, "UnknownError")
		j.errString = cmp.Or(o.ErrorString, "The job failed.")
		j.errParams = o.ErrorParameters
		if j.errParams == nil {
			j.errParams = []NameValue{{Name: "ErrorDetails", Value: "ErrorMessage : " + j.errString}}
		}
	case o.Status == statusCanceled:
		j.status, j.errCode, j.errString, j.errParams = statusCanceled, o.ErrorCode, o.ErrorString, o.ErrorParameters
	default:
		j.status = statusComplete
		if j.apply != nil {
			j.apply(j)
		}
		if j.status == statusComplete && o.Status == statusCompleteWithWarning {
			j.status = statusCompleteWithWarning
			j.errCode = o.ErrorCode
			j.errString = cmp.Or(o.ErrorString, "The job completed with warnings.")
			j.errParams = o.ErrorParameters
		}
	}
	j.apply = nil
	if j.status == statusCanceled {
		s.stats.JobsCanceled++
	}
	s.finished = append(s.finished, j)
}

// CancelJob cancels a running job now, as an administrator would, even if
// it is not cancellable. It reports whether there was such a running job.
func (s *Server) CancelJob(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advanceLocked()
	j, ok := s.jobs[strings.ToLower(id)]
	if !ok || j.done {
		return false
	}
	heap.Remove(&s.pending, j.heapIndex)
	s.finish(j, now, true)
	return true
}

// JobSnapshot is a job's state, for assertions (see [Server.Job]).
type JobSnapshot struct {
	// ID is the job id.
	ID string
	// Type is the JobType, like "CreateMachineCatalog".
	Type string
	// ClientID is the API client that started the job.
	ClientID string
	// Parameters are the job's Parameters.
	Parameters []NameValue
	// Status is the job's status now.
	Status string
	// Progress is OverallProgressPercent, -1 when the job reports none.
	Progress int
	// IsCancellable is the job's IsCancellable.
	IsCancellable bool
	// Duration is the planned duration (service time).
	Duration time.Duration
	// CreatedAt, StartedAt and EndedAt are service times; zero when not
	// reached.
	CreatedAt, StartedAt, EndedAt time.Time
	// ErrorCode, ErrorString and ErrorParameters are the job's error
	// fields.
	ErrorCode, ErrorString string
	// ErrorParameters are the job's ErrorParameters.
	ErrorParameters []NameValue
	// ResourceID is the id of the catalog the job read, created, changed
	// or deleted ("" for lists, or before a create completes).
	ResourceID string
}

// Job returns a job's state now, whichever client started it; false if
// there is no such job (never started, deleted, or past retention).
func (s *Server) Job(id string) (JobSnapshot, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advanceLocked()
	j, ok := s.jobs[strings.ToLower(id)]
	if !ok {
		return JobSnapshot{}, false
	}
	return j.snapshot(now), true
}

// Jobs returns the state of every job the server keeps, oldest first.
func (s *Server) Jobs() []JobSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advanceLocked()
	out := make([]JobSnapshot, 0, len(s.jobs))
	for _, j := range s.sortedJobs("") {
		out = append(out, j.snapshot(now))
	}
	return out
}

// sortedJobs returns the jobs of one client ("" for all) in start order.
func (s *Server) sortedJobs(owner string) []*job {
	var js []*job
	for _, j := range s.jobs {
		if owner == "" || j.owner == owner {
			js = append(js, j)
		}
	}
	slices.SortFunc(js, func(a, b *job) int { return a.seq - b.seq })
	return js
}

func (j *job) snapshot(now time.Time) JobSnapshot {
	m := j.model(now)
	snap := JobSnapshot{
		ID:              j.id,
		Type:            j.typ,
		ClientID:        j.owner,
		Parameters:      slices.Clone(j.params),
		Status:          m.Status,
		Progress:        -1,
		IsCancellable:   m.IsCancellable,
		Duration:        j.duration,
		CreatedAt:       j.created,
		ErrorCode:       m.ErrorCode,
		ErrorParameters: slices.Clone(m.ErrorParameters),
		ResourceID:      j.resourceID,
	}
	if m.OverallProgressPercent != nil {
		snap.Progress = *m.OverallProgressPercent
	}
	if m.ErrorString != nil {
		snap.ErrorString = *m.ErrorString
	}
	if m.StartTime != nil {
		snap.StartedAt = j.startsAt()
	}
	if j.done {
		snap.EndedAt = j.end
	}
	return snap
}

// lookupJob finds a job visible to the caller. Callers hold s.mu.
func (s *Server) lookupJob(c caller, id string) (*job, *reply) {
	j, ok := s.jobs[strings.ToLower(id)]
	if !ok || j.owner != c.clientID {
		return nil, notFound("Job", id)
	}
	return j, nil
}

// jobRoutes are the /Jobs routes.
func jobRoutes() []*route {
	return []*route{
		newRoute(routeListJobs, func(s *Server, c *call) *reply { return s.listJobs(c.caller, c.now) }),
		newRoute(routeGetJob, (*Server).getJob),
		newRoute(routeDeleteJob, (*Server).deleteJob),
		newRoute(routeJobResults, (*Server).jobResultsRoute),
		newRoute(routeCancelJob, (*Server).cancelJob),
		newRoute(routeSkipRemaining, (*Server).skipRemaining),
	}
}

// listJobs serves GET /Jobs: the caller's jobs, oldest first.
func (s *Server) listJobs(c caller, now time.Time) *reply {
	js := s.sortedJobs(c.clientID)
	items := make([]json.RawMessage, 0, len(js))
	for _, j := range js {
		items = append(items, marshal(j.model(now)))
	}
	return jsonReply(http.StatusOK, collection{Items: items})
}

// getJob serves GET /Jobs/{id}.
func (s *Server) getJob(c *call) *reply {
	j, rp := s.lookupJob(c.caller, c.args[0])
	if rp != nil {
		return rp
	}
	return jsonReply(http.StatusOK, j.model(c.now))
}

// deleteJob serves DELETE /Jobs/{id}: only a finished job can go.
func (s *Server) deleteJob(c *call) *reply {
	j, rp := s.lookupJob(c.caller, c.args[0])
	if rp != nil {
		return emptyReply(http.StatusNotFound) // the spec's 404 here has no body
	}
	if !j.done {
		return conflict("The job has not finished; only a finished job can be deleted", "id", j.id)
	}
	j.deleted = true
	delete(s.jobs, j.id)
	return emptyReply(http.StatusNoContent)
}

// cancelJob serves POST /Jobs/{id}/$cancel.
func (s *Server) cancelJob(c *call) *reply {
	j, rp := s.lookupJob(c.caller, c.args[0])
	if rp != nil {
		return rp
	}
	if !j.done {
		if j.outcome.NotCancellable {
			return conflict("The job cannot be cancelled", "id", j.id)
		}
		heap.Remove(&s.pending, j.heapIndex)
		s.finish(j, c.now, true)
	}
	return jsonReply(http.StatusOK, j.model(c.now))
}

// skipRemaining serves POST /Jobs/{id}/$SkipRemaining, as the spec's
// text has it: a job without sub jobs does not support it (501); a job
// that completed successfully answers 303 to what it affected (its
// ResultLocation). A running job with sub jobs ends with the sub job now
// running (or the first, before any starts); the later ones never run. A
// job that ended Failed or Canceled is shown as it is (200).
func (s *Server) skipRemaining(c *call) *reply {
	j, rp := s.lookupJob(c.caller, c.args[0])
	if rp != nil {
		return rp
	}
	switch {
	case len(j.subs) == 0:
		return errReply(http.StatusNotImplemented, "notImplemented",
			fmt.Sprintf("Job '%s' of type %s does not support skipping its remaining sub jobs", j.id, j.typ), "id", j.id, "type", j.typ)
	case j.done && j.succeeded():
		return &reply{status: http.StatusSeeOther, header: http.Header{"Location": {*j.model(c.now).ResultLocation}}}
	case !j.done:
		n := len(j.subs)
		cur := min(int(fraction(j.created, j.duration, c.now)*float64(n)), n-1)
		if cur+1 < n {
			j.skipFrom = cur + 1
			j.end = j.created.Add(j.duration * time.Duration(cur+1) / time.Duration(n))
			heap.Fix(&s.pending, j.heapIndex)
		}
	}
	return jsonReply(http.StatusOK, j.model(c.now))
}

// jobResultsRoute serves GET /Jobs/{id}/Results.
func (s *Server) jobResultsRoute(c *call) *reply {
	j, rp := s.lookupJob(c.caller, c.args[0])
	if rp != nil {
		return rp
	}
	return s.jobResults(c.r, j, c.now)
}

// jobResults serves GET /Jobs/{id}/Results.
func (s *Server) jobResults(r *http.Request, j *job, now time.Time) *reply {
	switch {
	case !j.done:
		return badRequest("invalidState", "The job has not finished; its results are not available yet", "id", j.id, "status", j.statusAt(now))
	case !j.succeeded():
		return badRequest("invalidState", fmt.Sprintf("The job ended %s and has no results", j.status), "id", j.id, "status", j.status)
	case j.redirect != "":
		return &reply{status: http.StatusSeeOther, header: http.Header{"Location": {j.origin + j.redirect}}}
	case !j.isList:
		return &reply{status: http.StatusOK, body: j.single}
	}
	// The spec gives Results no continuationToken parameter; like any
	// unknown query parameter it is ignored. The page's ContinuationToken is
	// a token of the list that started the job (see listCatalogs).
	page := collection{Items: j.items}
	if j.next != "" {
		page.ContinuationToken = &j.next
	}
	return jsonReply(http.StatusOK, page)
}
