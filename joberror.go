package daas

import (
	"fmt"
	"strings"
)

// The job error codes (JobErrorCode) the library reasons about. Other codes
// pass through unchanged in [JobError.Code] and [JobInfo.ErrorCode].
const (
	// JobErrorUnknown is the ErrorCode of a job without an error.
	JobErrorUnknown = "Unknown"
	// JobErrorDuplicateObject is the ErrorCode of a job that failed
	// because the object it would create exists: its [JobError] matches
	// [ErrConflict], as the synchronous call's 409 does.
	JobErrorDuplicateObject = "DuplicateObject"
)

// JobError is the outcome of a job that ended Failed or Canceled (or
// CompleteWithWarning, when waiting with [WarningsAsErrors]).
type JobError struct {
	JobID      string
	Type       string      // the job's type, such as CreateMachineCatalog
	Status     JobStatus   // the terminal status
	Code       string      // the job's ErrorCode, such as DuplicateObject
	Message    string      // the job's ErrorString
	Parameters []NameValue // the job's ErrorParameters
	Info       *JobInfo    // the job as last read
	// SubJobs are the job's sub-jobs that ended Failed or Canceled (at any
	// depth), each with its id, status, error code and message.
	SubJobs []JobInfo
	// subTotal is the number of sub-jobs the job had, for Error.
	subTotal int
}

// Error returns a one-line description of the job's outcome, naming its
// failed sub-jobs.
func (e *JobError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "daas: job %s", oneLine(e.JobID))
	if t := oneLine(e.Type); t != "" {
		fmt.Fprintf(&b, " (%s)", t)
	}
	fmt.Fprintf(&b, " ended %s", oneLine(string(e.Status)))
	writeCodeMessage(&b, e.Code, e.Message)
	if len(e.SubJobs) > 0 {
		total := max(e.subTotal, len(e.SubJobs))
		fmt.Fprintf(&b, "; %d of %d sub-jobs failed:", len(e.SubJobs), total)
		for i, sj := range e.SubJobs {
			if i == maxSubJobsNamed {
				fmt.Fprintf(&b, " and %d more", len(e.SubJobs)-i)
				break
			}
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " %s %s", oneLine(sj.ID), oneLine(string(sj.Status)))
			writeCodeMessage(&b, sj.ErrorCode, sj.ErrorString)
		}
	}
	return b.String()
}

// maxSubJobsNamed caps the failed sub-jobs JobError.Error names.
const maxSubJobsNamed = 5

func writeCodeMessage(b *strings.Builder, code, msg string) {
	if c := oneLine(code); c != "" && c != JobErrorUnknown {
		fmt.Fprintf(b, ": %s", c)
	}
	if m := oneLine(msg); m != "" {
		fmt.Fprintf(b, ": %s", m)
	}
}

// Is matches [ErrJobFailed] for a failed job (and a warning turned into an
// error), [ErrJobCanceled] for a canceled one, and [ErrConflict] for a job
// that failed with [JobErrorDuplicateObject].
func (e *JobError) Is(target error) bool {
	switch target {
	case ErrJobFailed:
		return e.Status != JobStatusCanceled
	case ErrJobCanceled:
		return e.Status == JobStatusCanceled
	case ErrConflict:
		return e.Status == JobStatusFailed && strings.EqualFold(e.Code, JobErrorDuplicateObject)
	}
	return false
}

// Param returns the value of the named error parameter (case-insensitive).
func (e *JobError) Param(name string) (string, bool) {
	for _, p := range e.Parameters {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}

// WaitError is the error of a [Job.Wait] that ended because its context
// ended before the job did. It matches the context's error
// ([context.Canceled] or [context.DeadlineExceeded]) with [errors.Is], and
// says what the wait knew then: the job, its last status, and the error of
// the last status read if that failed (an [*APIError] found with
// [errors.As]), so that "the job is slow" and "the service is down" read
// differently.
type WaitError struct {
	JobID      string
	LastStatus JobStatus // the last status read; empty when none was
	LastErr    error     // the last status read's error; nil when it succeeded
	Err        error     // the context's error
}

// Error returns a one-line description.
func (e *WaitError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "daas: waiting for job %s: %v", oneLine(e.JobID), e.Err)
	if e.LastStatus != "" {
		fmt.Fprintf(&b, "; last status %s", oneLine(string(e.LastStatus)))
	} else {
		b.WriteString("; no status read")
	}
	if e.LastErr != nil {
		fmt.Fprintf(&b, "; last poll failed: %s", oneLine(e.LastErr.Error()))
	}
	return b.String()
}

// Unwrap returns the context's error and the last poll error.
func (e *WaitError) Unwrap() []error {
	if e.LastErr == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.LastErr}
}
