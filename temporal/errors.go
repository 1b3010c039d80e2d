package temporal

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/daaskit/daas"
	temporalsdk "go.temporal.io/sdk/temporal"
)

// The types of the application errors the activities fail with. Every one
// is non-retryable: trying again cannot change the outcome.
const (
	// ErrorTypeJobFailed: the job ended Failed; the details are a
	// [JobFailure].
	ErrorTypeJobFailed = "DaasJobFailed"
	// ErrorTypeJobCanceled: the job ended Canceled; the details are a
	// [JobFailure].
	ErrorTypeJobCanceled = "DaasJobCanceled"
	// ErrorTypeAmbiguousStart: a retried start found more than one job
	// that could be the one its earlier attempt started; the details are
	// their ids.
	ErrorTypeAmbiguousStart = "DaasAmbiguousStart"
	// ErrorTypeInvalidInput: the request is malformed; nothing was sent.
	ErrorTypeInvalidInput = "DaasInvalidInput"
	// ErrorTypeConflict: the service answered DuplicateObject (409) and no
	// job of an earlier attempt explains it.
	ErrorTypeConflict = "DaasConflict"
	// ErrorTypeRejected: the service refused the request or read for good
	// (a 4xx other than 408, 409 and 429, a job that is gone, a malformed
	// job id).
	ErrorTypeRejected = "DaasRejected"
)

// nonRetryableTypes returns the error types a retry policy must not retry.
func nonRetryableTypes() []string {
	return []string{
		ErrorTypeJobFailed, ErrorTypeJobCanceled, ErrorTypeAmbiguousStart,
		ErrorTypeInvalidInput, ErrorTypeConflict, ErrorTypeRejected,
	}
}

// JobFailure is the details of an [ErrorTypeJobFailed] or
// [ErrorTypeJobCanceled] error: the job's error as the service reports it.
type JobFailure struct {
	JobID      string
	Type       string
	Status     daas.JobStatus
	Code       string           // the job's ErrorCode, such as DuplicateObject
	Message    string           // the job's ErrorString
	Parameters []daas.NameValue // the job's ErrorParameters
	// SubJobs are the sub-jobs that ended Failed or Canceled.
	SubJobs []SubJobFailure
}

// SubJobFailure is a failed or canceled sub-job of a [JobFailure].
type SubJobFailure struct {
	JobID   string
	Type    string
	Status  daas.JobStatus
	Code    string
	Message string
}

// jobFailureError turns a *daas.JobError into its application error.
func jobFailureError(je *daas.JobError) error {
	f := JobFailure{
		JobID: je.JobID, Type: je.Type, Status: je.Status,
		Code: je.Code, Message: je.Message, Parameters: je.Parameters,
	}
	for _, s := range je.SubJobs {
		f.SubJobs = append(f.SubJobs, SubJobFailure{JobID: s.ID, Type: s.Type, Status: s.Status, Code: s.ErrorCode, Message: s.ErrorString})
	}
	typ := ErrorTypeJobFailed
	if je.Status == statusCanceled {
		typ = ErrorTypeJobCanceled
	}
	return temporalsdk.NewNonRetryableApplicationError(
		fmt.Sprintf("job %s (%s) ended %s: %s: %s", je.JobID, je.Type, je.Status, je.Code, je.Message), typ, je, f)
}

// classify turns an error of the library into what the activity returns:
// a non-retryable application error when trying again cannot help, else
// err itself, which the activity's retry policy retries.
func classify(err error) error {
	var je *daas.JobError
	var ae *daas.APIError
	switch {
	case errors.As(err, &je):
		return jobFailureError(je)
	case errors.Is(err, daas.ErrInvalidInput):
		return temporalsdk.NewNonRetryableApplicationError(err.Error(), ErrorTypeInvalidInput, err)
	case errors.Is(err, daas.ErrConflict):
		return temporalsdk.NewNonRetryableApplicationError(err.Error(), ErrorTypeConflict, err)
	case errors.Is(err, daas.ErrBadJobID), errors.Is(err, daas.ErrNotFound):
		return temporalsdk.NewNonRetryableApplicationError(err.Error(), ErrorTypeRejected, err)
	case errors.As(err, &ae) && ae.StatusCode >= 400 && ae.StatusCode < 500 &&
		ae.StatusCode != http.StatusRequestTimeout && ae.StatusCode != http.StatusTooManyRequests:
		return temporalsdk.NewNonRetryableApplicationError(err.Error(), ErrorTypeRejected, err)
	}
	return err
}

// The job statuses this package tells apart, as the service spells them.
const (
	statusComplete daas.JobStatus = "Complete"
	statusCanceled daas.JobStatus = "Canceled"
)
