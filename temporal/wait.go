package temporal

import (
	"context"
	"sync"
	"time"

	"github.com/daaskit/daas"
	"go.temporal.io/sdk/activity"
	temporalsdk "go.temporal.io/sdk/temporal"
)

// WaitRequest is the input of the wait activity.
type WaitRequest struct {
	JobID string
	// CancelJob asks the service to cancel the job when the workflow
	// cancels the wait (not when the worker stops: the next attempt
	// resumes the wait).
	CancelJob bool `json:",omitempty"`
}

// Progress is what a wait heartbeats: the job's last status and progress
// percent (-1 when the service reports none), zero before the first read.
type Progress struct {
	Status  daas.JobStatus `json:",omitempty"`
	Percent int
}

// JobOutcome is a job as it ended.
type JobOutcome struct {
	ID       string
	Type     string
	Status   daas.JobStatus
	Progress int
	// ErrorCode and ErrorMessage are the warning of a job that ended
	// CompleteWithWarning.
	ErrorCode    string `json:",omitempty"`
	ErrorMessage string `json:",omitempty"`
	CreatedAt    time.Time
	StartedAt    time.Time `json:",omitzero"`
	EndedAt      time.Time `json:",omitzero"`
}

// Wait is the wait activity: it waits for the job through the worker's
// shared poller, heartbeating its last [Progress] at each change and at
// least every heartbeat interval, and returns the job as it ended. A job
// that ended Failed or Canceled is a non-retryable application error
// ([ErrorTypeJobFailed], [ErrorTypeJobCanceled]) whose details are a
// [JobFailure]. It sends nothing but status reads, so a retried attempt
// resumes the wait by id.
func (a *Activities) Wait(ctx context.Context, req WaitRequest) (JobOutcome, error) {
	var (
		mu   sync.Mutex
		last Progress
	)
	if activity.HasHeartbeatDetails(ctx) {
		_ = activity.GetHeartbeatDetails(ctx, &last) // the previous attempt's; a decode failure leaves it zero
	}
	beat := func() {
		mu.Lock()
		p := last
		mu.Unlock()
		activity.RecordHeartbeat(ctx, p)
	}
	beat()
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(a.heartbeatInterval(ctx))
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				beat()
			}
		}
	}()
	defer func() { close(stop); <-done }()

	job := daas.ResumeJob[struct{}](a.client, req.JobID)
	_, err := job.Wait(ctx, daas.OnProgress(func(j daas.JobInfo) {
		mu.Lock()
		last = Progress{Status: j.Status, Percent: j.Progress}
		mu.Unlock()
		beat()
	}))
	if err != nil {
		if ctx.Err() != nil {
			if req.CancelJob && temporalsdk.IsCanceledError(context.Cause(ctx)) {
				a.cancel(job)
			}
			return JobOutcome{}, err
		}
		return JobOutcome{}, classify(err)
	}
	return outcome(job.Info()), nil
}

// cancel asks the service to cancel the job of a canceled wait, bounded in
// time; a refusal (the job is not cancellable, or ended) changes nothing.
func (a *Activities) cancel(job *daas.Job[struct{}]) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = job.Cancel(ctx)
}

// heartbeatInterval is the longest a wait goes without a heartbeat.
func (a *Activities) heartbeatInterval(ctx context.Context) time.Duration {
	if a.opts.HeartbeatInterval > 0 {
		return a.opts.HeartbeatInterval
	}
	if t := activity.GetInfo(ctx).HeartbeatTimeout; t > 0 {
		return max(t/3, 10*time.Millisecond)
	}
	return DefaultHeartbeatInterval
}

// outcome is the JobOutcome of a job read at its end.
func outcome(j *daas.JobInfo) JobOutcome {
	if j == nil {
		return JobOutcome{}
	}
	o := JobOutcome{
		ID: j.ID, Type: j.Type, Status: j.Status, Progress: j.Progress,
		CreatedAt: j.CreatedAt, StartedAt: j.StartedAt, EndedAt: j.EndedAt,
	}
	if j.Status != statusComplete {
		o.ErrorCode, o.ErrorMessage = j.ErrorCode, j.ErrorString
	}
	return o
}
