package daas

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/daaskit/daas/internal/poll"
)

// The adapter between the client and the waiting engine (internal/poll):
// the engine decides when each wait reads its job, and whether through the
// job's own read or one list read shared by the waits of the client; this
// file gives it the service (jobService), each wait's job (waitJob), and
// turns its answers into the library's types.

// poller is the client's one coordinator of waits.
type poller struct {
	engine *poll.Coordinator[*JobInfo]
}

// pollStats is a client's learnt durations, fed by its waits.
type pollStats = poll.Stats

func newPollStats() *pollStats { return poll.NewStats() }

func newPoller(c *Client) *poller {
	return &poller{engine: poll.New[*JobInfo](jobService{r: (*JobsService)(&c.common)}, c.stats, c.debug)}
}

// wait polls jc until it reaches a terminal status and returns it. When
// ctx ends first, the error is a *WaitError.
func (p *poller) wait(ctx context.Context, jc *jobCore, wc *waitConfig, trace *waitTrace) (*JobInfo, error) {
	j := &waitJob{jc: jc, wc: wc, trace: trace}
	if ctx.Err() == nil {
		if info := jc.snapshot(); info != nil && info.Status.Terminal() {
			j.report(info)
			return info, nil
		}
	}
	info, err := p.engine.Wait(ctx, j, poll.Params{ID: jc.id, Policy: poll.Policy(wc.pol), Started: jc.started, Floor: jc.floor})
	if st, ok := err.(*poll.Stopped); ok {
		we := &WaitError{JobID: jc.id, LastErr: st.LastErr, Err: st.Err}
		if last := jc.snapshot(); last != nil {
			we.LastStatus = last.Status
		}
		return nil, we
	}
	return info, err
}

// waitJob is one wait's job as the engine sees it.
type waitJob struct {
	jc    *jobCore
	wc    *waitConfig // read only
	trace *waitTrace  // telemetry of the wait; nil without an observer
	rec   *txRecord   // the requests of the read step under way (observer)
	last  *JobInfo    // the last status reported to OnProgress
}

func (j *waitJob) Read(ctx context.Context) (*JobInfo, time.Duration, error) { return j.jc.poll(ctx) }

// Accept keeps a list status as the job's; a status other waits of the
// job got too is copied first.
func (j *waitJob) Accept(info *JobInfo, shared bool) *JobInfo {
	if shared {
		info = info.clone()
	}
	if info.ID == j.jc.id {
		info.ID = j.jc.id // one copy of the id, the handle's
	}
	j.jc.accept(info)
	return info
}

func (j *waitJob) Begin(ctx context.Context) context.Context {
	ctx, j.rec = j.trace.readContext(ctx)
	return ctx
}

func (j *waitJob) Done(ctx context.Context, info *JobInfo, floor time.Duration, err error) {
	j.trace.read(ctx, j.rec, info, floor, err)
	if err == nil {
		j.report(info)
	}
}

// report calls OnProgress when the status or the percent changed.
func (j *waitJob) report(info *JobInfo) {
	if j.wc.onProgress != nil && (j.last == nil || j.last.Status != info.Status || j.last.Progress != info.Progress) {
		j.wc.onProgress(*info.clone())
	}
	j.last = info
}

// jobService is the service as the engine sees it.
type jobService struct{ r jobReader }

// ReadList keeps the jobs of want, copied out of their page, and only
// counts the others.
func (s jobService) ReadList(ctx context.Context, want func(id string) bool) (poll.List[*JobInfo], time.Duration, error) {
	var l poll.List[*JobInfo]
	floor, err := s.r.readJobs(ctx, func(j *JobInfo) {
		l.Count++
		l.Bytes += approxJSONSize(j)
		if want(j.ID) {
			cp := *j
			l.Items = append(l.Items, &cp)
		}
	})
	if err != nil {
		return poll.List[*JobInfo]{}, 0, err
	}
	return l, floor, nil
}

func (jobService) Status(info *JobInfo) poll.Status {
	started := info.StartedAt
	if started.IsZero() {
		started = info.CreatedAt // a service that reports no StartTime
	}
	return poll.Status{
		ID: info.ID, Type: info.Type, Progress: info.Progress,
		Terminal:  info.Status.Terminal(),
		Completed: info.Status == JobStatusComplete || info.Status == JobStatusCompleteWithWarning,
		Started:   started, Ended: info.EndedAt,
		Size: approxJSONSize(info),
	}
}

// Classify: a 429 or a 503 asks callers to hold off; other failures that
// may pass are those of transient.
func (jobService) Classify(err error) (poll.Kind, time.Duration) {
	var retryAfter time.Duration
	if ae := (*APIError)(nil); errors.As(err, &ae) {
		retryAfter = ae.RetryAfter
		if ae.StatusCode == http.StatusTooManyRequests || ae.StatusCode == http.StatusServiceUnavailable {
			return poll.Busy, retryAfter
		}
	}
	if transient(err) {
		return poll.Transient, retryAfter
	}
	return poll.Permanent, 0
}

// approxJSONSize estimates the bytes of a job's JSON on the wire without
// encoding it: the field names and punctuation of JobResponseModel, the
// strings, the times (each written twice, raw and formatted) and the
// parameters, sub jobs included. The cost model weighs reads by it.
func approxJSONSize(j *JobInfo) int {
	n := 300 + len(j.ID) + len(j.Type) + len(j.Status) + len(j.ResultLocation) + len(j.ErrorString) + len(j.ErrorCode)
	for _, t := range []time.Time{j.CreatedAt, j.StartedAt, j.EndedAt} {
		if !t.IsZero() {
			n += 56
		}
	}
	for _, ps := range [][]NameValue{j.Parameters, j.ErrorParameters} {
		for _, p := range ps {
			n += 22 + len(p.Name) + len(p.Value)
		}
	}
	for i := range j.SubJobs {
		n += 1 + approxJSONSize(&j.SubJobs[i])
	}
	return n
}

// schedule is the poll schedule of reads that follow no job of their own
// (a catalog read again while it provisions): the policy's exponential
// one.
type schedule struct{ s *poll.Schedule }

func newIdleSchedule(pol PollPolicy) schedule {
	return schedule{poll.NewSchedule(poll.Policy(pol), time.Time{}, nil)}
}

// next is the wait before the next read. Its callers pass nil: a read
// that follows no job has no status to aim at.
func (s schedule) next(now time.Time, _ *JobInfo) time.Duration { return s.s.Next(now, nil) }
