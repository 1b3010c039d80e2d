package daastest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// This file starts the jobs of registered routes ([JobSpec]).

// JobSpec is a job a registered route starts (see [Reply]). It runs like the
// fake's own jobs: its duration comes from [WithJobDuration],
// [WithJobDurationFor] or [WithJobDurationFunc], its progress from
// [WithProgress], its end from [Server.NextJob] and [Server.JobsMatching]
// (matched by Type), on service time ([WithTimeScale], [Server.Advance],
// testing/synctest); [Server.CancelJob] and $cancel cancel it.
//
// When it completes (Complete or CompleteWithWarning), OnComplete runs,
// then GET /Jobs/{id}/Results answers 200 with Result, or 303 to
// ResultPath (also its ResultLocation), or, with neither, 200 with the
// JSON null. A job that ends Failed or Canceled runs no OnComplete and has
// no results (400 invalidState), as the fake's own jobs.
type JobSpec struct {
	// Type is the JobType. Pick one of the JobType enum of the API's
	// specification ("CreateZone", "DeleteZone", ...); "" is "Unknown".
	Type string
	// Parameters are the job's Parameters.
	Parameters []NameValue
	// SubJobs are the types of the job's sub jobs, which share its
	// duration; none when empty.
	SubJobs []string
	// Result is the body of the job's results, encoded as JSON when the
	// job starts ([]byte and json.RawMessage are sent as they are).
	Result any
	// ResultPath is the path the results redirect to: under the API root
	// ("/Zones/1f2e...") or from the origin ("/cvad/manage/Zones/1f2e...").
	// At most one of Result and ResultPath may be set.
	ResultPath string
	// OnComplete, when set, is the job's effect: it runs once, when the job
	// completes, with the server's lock held, so it must not call the
	// Server. An error fails the job instead: a *[JobFailure] gives its
	// ErrorCode and ErrorString, any other error ErrorCode "UnknownError"
	// and its text.
	OnComplete func() error
}

// JobFailure fails a job whose [JobSpec.OnComplete] returns it, with this
// ErrorCode and ErrorString.
type JobFailure struct {
	// Code is the job's ErrorCode, like "DuplicateObject".
	Code string
	// Message is the job's ErrorString.
	Message string
}

// Error returns the code and the message.
func (f *JobFailure) Error() string { return f.Code + ": " + f.Message }

// startUserJob starts the job a handler asked for and returns the 202.
func (s *Server) startUserJob(c caller, key string, spec *JobSpec) *reply {
	var result []byte
	if spec.Result != nil {
		if spec.ResultPath != "" {
			return misuse(key, "a JobSpec has Result or ResultPath, not both")
		}
		b, err := encodeBody(spec.Result)
		if err != nil {
			return misuse(key, "encoding the job's Result: "+err.Error())
		}
		result = b
	}
	redirect := spec.ResultPath
	if redirect != "" {
		if !strings.HasPrefix(redirect, "/") || strings.HasPrefix(redirect, "//") {
			return misuse(key, fmt.Sprintf("ResultPath %q is not a path (want /Zones/{id} or /cvad/manage/Zones/{id})", redirect))
		}
		if p := strings.ToLower(redirect); p != apiRoot && !strings.HasPrefix(p, apiRoot+"/") && !strings.HasPrefix(p, apiRoot+"?") {
			redirect = apiRoot + redirect
		}
	}
	if result == nil && redirect == "" {
		result = []byte("null")
	}
	onComplete := spec.OnComplete
	typ := spec.Type
	if typ == "" {
		typ = "Unknown"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advanceLocked()
	return s.startJob(c, now, jobSpec{
		typ:      typ,
		params:   slices.Clone(spec.Parameters),
		subTypes: slices.Clone(spec.SubJobs),
		apply: func(j *job) {
			if onComplete != nil {
				if err := onComplete(); err != nil {
					code, msg := "UnknownError", err.Error()
					if f := (*JobFailure)(nil); errors.As(err, &f) {
						code, msg = f.Code, f.Message
					}
					j.fail(code, msg)
					return
				}
			}
			j.single, j.redirect = result, redirect
		},
	})
}
