package temporal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/daaskit/daas"
	"go.temporal.io/sdk/activity"
	temporalsdk "go.temporal.io/sdk/temporal"
)

// StartRequest says what the start activity sends and how a retry of it
// recognises the job an earlier attempt started.
type StartRequest struct {
	// Operation is the id of an operation of the library's operation
	// table, for starting by operation id once the table lands. It must be
	// empty for now: Method, Path and Body say what to send.
	Operation string `json:",omitempty"`
	// Method and Path are the request, as for [daas.StartJob]: Path is
	// relative to the API root, its segments escaped ("MachineCatalogs/
	// Win11/$UpdateProvisioningScheme"); async=true is added.
	Method string
	Path   string
	// Body is the JSON body; empty for none.
	Body json.RawMessage `json:",omitempty"`
	// JobType is the type of the job the request starts, as the service
	// names it (the spec's "The task will have JobType ..."), such as
	// UpdateMachineCatalogProvisioningScheme. Required: a retry looks for
	// the job of an earlier attempt by it.
	JobType string
	// Parameters are job parameters the started job carries (such as
	// Name=Win11-Pooled), compared by name and value, case-insensitively.
	// A retry takes only jobs that carry each of them; without any, every
	// job of JobType created since the first attempt is a candidate.
	Parameters []daas.NameValue `json:",omitempty"`
	// Since is the time of the first attempt. The workflow helpers set it
	// to the workflow's time when the start is scheduled; zero means the
	// time the activity was first scheduled.
	Since time.Time `json:",omitzero"`
}

// NewStartRequest returns the request that sends body (encoded as JSON;
// nil for none) with method to path, starting a job of jobType that
// carries params.
func NewStartRequest(method, path string, body any, jobType string, params ...daas.NameValue) (StartRequest, error) {
	req := StartRequest{Method: method, Path: path, JobType: jobType, Parameters: params}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return StartRequest{}, fmt.Errorf("daas/temporal: encoding the body: %w", err)
		}
		req.Body = b
	}
	return req, req.validate()
}

// validate reports a request the start activity refuses before sending.
func (r StartRequest) validate() error {
	var problems []string
	if r.Operation != "" {
		problems = append(problems, "Operation is not supported yet: give Method and Path")
	}
	if strings.TrimSpace(r.Method) == "" {
		problems = append(problems, "Method is empty")
	}
	if strings.TrimSpace(r.Path) == "" {
		problems = append(problems, "Path is empty")
	}
	if strings.TrimSpace(r.JobType) == "" {
		problems = append(problems, "JobType is empty (a retried start finds the job of an earlier attempt by it)")
	}
	if len(r.Body) > 0 && !json.Valid(r.Body) {
		problems = append(problems, "Body is not JSON")
	}
	if len(problems) > 0 {
		return fmt.Errorf("daas/temporal: start request: %s: %w", strings.Join(problems, "; "), daas.ErrInvalidInput)
	}
	return nil
}

// StartedJob is the job a start activity started, or found started by an
// earlier attempt.
type StartedJob struct {
	ID   string
	Type string
	// Found reports that a retried start found the job an earlier attempt
	// had started, and sent nothing.
	Found bool
	// Attempt is the attempt of the start activity that returned it.
	Attempt int
	// HeartbeatTimeout is the heartbeat timeout the worker suggests for
	// waiting on the job, from its poll policy.
	HeartbeatTimeout time.Duration
	// ExpectedDuration is the longest duration of the job's type the
	// worker's client has learnt; 0 when it has learnt none.
	ExpectedDuration time.Duration
}

// Start is the start activity: it sends the request and returns the job it
// started, or, on a retry, the job an earlier attempt started (see the
// package documentation, "What is guaranteed").
func (a *Activities) Start(ctx context.Context, req StartRequest) (StartedJob, error) {
	if err := req.validate(); err != nil {
		return StartedJob{}, classify(err)
	}
	info := activity.GetInfo(ctx)
	since := req.Since
	if since.IsZero() {
		since = info.ScheduledTime
	}
	return a.start(ctx, req, int(info.Attempt), since)
}

// start is Start for the given attempt and time of the first attempt.
func (a *Activities) start(ctx context.Context, req StartRequest, attempt int, since time.Time) (StartedJob, error) {
	if attempt > 1 {
		found, err := a.findStarted(ctx, req, since)
		if err != nil || found != nil {
			return a.started(found, attempt), err
		}
	}
	var body any
	if len(req.Body) > 0 {
		body = req.Body
	}
	job, err := daas.StartJob[struct{}](ctx, a.client, req.Method, req.Path, body)
	if err != nil {
		if attempt > 1 && errors.Is(err, daas.ErrConflict) {
			// The earlier attempt's job may have done what this one asks.
			found, ferr := a.findStarted(ctx, req, since)
			if ferr != nil || found != nil {
				return a.started(found, attempt), ferr
			}
		}
		return StartedJob{}, classify(err)
	}
	return StartedJob{
		ID: job.ID(), Type: req.JobType, Attempt: attempt,
		HeartbeatTimeout: a.heartbeatTimeout(), ExpectedDuration: a.expectedDuration(req.JobType),
	}, nil
}

// started describes a job found in the list; nil gives the zero value.
func (a *Activities) started(j *daas.JobInfo, attempt int) StartedJob {
	if j == nil {
		return StartedJob{}
	}
	return StartedJob{
		ID: j.ID, Type: j.Type, Found: true, Attempt: attempt,
		HeartbeatTimeout: a.heartbeatTimeout(), ExpectedDuration: a.expectedDuration(j.Type),
	}
}

// findStarted looks in the Jobs list for the job an earlier attempt of req
// started: nil when there is none, an ErrorTypeAmbiguousStart error when
// more than one could be it.
func (a *Activities) findStarted(ctx context.Context, req StartRequest, since time.Time) (*daas.JobInfo, error) {
	from := since.Add(-a.opts.ClockSkew)
	var matches []daas.JobInfo
	for j, err := range a.client.Jobs.All(ctx) {
		if err != nil {
			return nil, classify(err)
		}
		if strings.EqualFold(j.Type, req.JobType) && !j.CreatedAt.IsZero() && !j.CreatedAt.Before(from) &&
			hasParameters(j.Parameters, req.Parameters) {
			matches = append(matches, j)
		}
	}
	switch len(matches) {
	case 0:
		return nil, nil
	case 1:
		return &matches[0], nil
	}
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = m.ID
	}
	return nil, temporalsdk.NewNonRetryableApplicationError(
		fmt.Sprintf("daas/temporal: %d jobs of type %s created since %s could be the one an earlier attempt started: %s",
			len(ids), req.JobType, from.Format(time.RFC3339), strings.Join(ids, ", ")),
		ErrorTypeAmbiguousStart, nil, ids)
}

// hasParameters reports whether have holds each of want.
func hasParameters(have, want []daas.NameValue) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if strings.EqualFold(h.Name, w.Name) && strings.EqualFold(h.Value, w.Value) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
