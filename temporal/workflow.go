package temporal

import (
	"encoding/json"
	"fmt"
	"time"

	temporalsdk "go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Defaults of [RunOptions].
const (
	// DefaultStartTimeout bounds one attempt of the start activity: a list
	// read and the request, each within the library's attempt timeout.
	DefaultStartTimeout = 3 * time.Minute
	// DefaultStartAttempts is how many times the start activity is tried.
	DefaultStartAttempts = 10
	// DefaultWaitTimeout is the schedule-to-close timeout of a wait when
	// the worker has learnt no duration of the job's type.
	DefaultWaitTimeout = 24 * time.Hour
	// DefaultResultTimeout bounds one attempt of the result activity.
	DefaultResultTimeout = 5 * time.Minute
)

// RunOptions are the activity options of the workflow helpers. The zero
// value is the documented defaults.
type RunOptions struct {
	// TaskQueue is the task queue of the worker that runs the activities;
	// empty means the workflow's.
	TaskQueue string
	// StartTimeout bounds one attempt of the start activity (a worker that
	// dies while starting is noticed after it); 0 means
	// [DefaultStartTimeout].
	StartTimeout time.Duration
	// StartAttempts is the most attempts of the start activity; 0 means
	// [DefaultStartAttempts].
	StartAttempts int
	// HeartbeatTimeout of the wait (a worker that dies while waiting is
	// noticed after it); 0 means the one the worker suggested when it
	// started the job: twice its poll policy's MaxInterval, at least
	// [MinHeartbeatTimeout].
	HeartbeatTimeout time.Duration
	// WaitTimeout is the schedule-to-close timeout of the wait, every
	// attempt included; 0 means 3 × the longest duration of the job's type
	// the worker had learnt + 10 minutes, or [DefaultWaitTimeout] when it
	// had learnt none.
	WaitTimeout time.Duration
	// CancelJob cancels the job when the workflow cancels the wait.
	CancelJob bool
}

// Start runs the start activity: it sends req (setting req.Since to the
// workflow's time unless set) and returns the job, started once (see the
// package documentation, "What is guaranteed").
func Start(ctx workflow.Context, req StartRequest, opts RunOptions) (StartedJob, error) {
	if req.Since.IsZero() {
		req.Since = workflow.Now(ctx)
	}
	ao := workflow.ActivityOptions{
		TaskQueue:           opts.TaskQueue,
		StartToCloseTimeout: or(opts.StartTimeout, DefaultStartTimeout),
		RetryPolicy:         retryPolicy(int32(or(opts.StartAttempts, DefaultStartAttempts))),
	}
	var job StartedJob
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, ao), StartActivityName, req).Get(ctx, &job)
	return job, err
}

// Wait runs the wait activity for job and returns the job as it ended; a
// job that ended Failed or Canceled is an application error of type
// [ErrorTypeJobFailed] or [ErrorTypeJobCanceled] with a [JobFailure] as
// its details.
func Wait(ctx workflow.Context, job StartedJob, opts RunOptions) (JobOutcome, error) {
	ao := workflow.ActivityOptions{
		TaskQueue:              opts.TaskQueue,
		HeartbeatTimeout:       or(opts.HeartbeatTimeout, or(job.HeartbeatTimeout, MinHeartbeatTimeout)),
		ScheduleToCloseTimeout: waitTimeout(job, opts),
		RetryPolicy:            retryPolicy(0),
		WaitForCancellation:    opts.CancelJob,
	}
	var out JobOutcome
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, ao), WaitActivityName,
		WaitRequest{JobID: job.ID, CancelJob: opts.CancelJob}).Get(ctx, &out)
	return out, err
}

// Result runs the result activity for a job that has ended and decodes its
// result into T in the workflow.
func Result[T any](ctx workflow.Context, job StartedJob, opts RunOptions) (T, error) {
	var out T
	ao := workflow.ActivityOptions{
		TaskQueue:           opts.TaskQueue,
		StartToCloseTimeout: DefaultResultTimeout,
		RetryPolicy:         retryPolicy(DefaultStartAttempts),
	}
	var raw json.RawMessage
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, ao), ResultActivityName, job.ID).Get(ctx, &raw); err != nil {
		return out, err
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return out, temporalsdk.NewNonRetryableApplicationError(
			fmt.Sprintf("daas/temporal: decoding the result of job %s into %T: %v", job.ID, out, err), ErrorTypeInvalidInput, err)
	}
	return out, nil
}

// Run starts a job, waits for it and returns its result decoded into T;
// with T struct{} no result is read (a reboot cycle, a delete).
func Run[T any](ctx workflow.Context, req StartRequest, opts RunOptions) (T, error) {
	var zero T
	job, err := Start(ctx, req, opts)
	if err != nil {
		return zero, err
	}
	if _, err := Wait(ctx, job, opts); err != nil {
		return zero, err
	}
	if _, none := any(zero).(struct{}); none {
		return zero, nil
	}
	return Result[T](ctx, job, opts)
}

// waitTimeout is the schedule-to-close timeout of a wait.
func waitTimeout(job StartedJob, opts RunOptions) time.Duration {
	switch {
	case opts.WaitTimeout > 0:
		return opts.WaitTimeout
	case job.ExpectedDuration > 0:
		return 3*job.ExpectedDuration + 10*time.Minute
	}
	return DefaultWaitTimeout
}

// retryPolicy retries up to attempts times (0: without limit) on 1 s to
// 1 min intervals, never the errors retrying cannot change.
func retryPolicy(attempts int32) *temporalsdk.RetryPolicy {
	return &temporalsdk.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        time.Minute,
		MaximumAttempts:        attempts,
		NonRetryableErrorTypes: nonRetryableTypes(),
	}
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
