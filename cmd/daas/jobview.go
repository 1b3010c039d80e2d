package main

import (
	"time"

	"github.com/daaskit/daas"
)

// jobView is a job as -o json prints it: with the API's own names
// (JobResponseModel), so that it reads like the service's JSON. A time
// not yet set (StartTime before the job starts, EndTime before it ends) is
// omitted, as is a percent the job does not report.
type jobView struct {
	ID                     string           `json:"Id"`
	Type                   string           `json:"Type,omitempty"`
	Status                 daas.JobStatus   `json:"Status,omitempty"`
	OverallProgressPercent *int             `json:"OverallProgressPercent,omitempty"`
	IsCancellable          *bool            `json:"IsCancellable,omitempty"`
	Parameters             []daas.NameValue `json:"Parameters,omitempty"`
	SubJobs                []jobView        `json:"SubJobs,omitempty"`
	ResultLocation         string           `json:"ResultLocation,omitempty"`
	ErrorString            string           `json:"ErrorString,omitempty"`
	ErrorCode              string           `json:"ErrorCode,omitempty"`
	ErrorParameters        []daas.NameValue `json:"ErrorParameters,omitempty"`
	CreationTime           *time.Time       `json:"CreationTime,omitempty"`
	StartTime              *time.Time       `json:"StartTime,omitempty"`
	EndTime                *time.Time       `json:"EndTime,omitempty"`
}

// viewOf is the JSON form of j.
func viewOf(j *daas.JobInfo) jobView {
	v := jobView{
		ID: j.ID, Type: j.Type, Status: j.Status, IsCancellable: &j.IsCancellable,
		Parameters: j.Parameters, ResultLocation: j.ResultLocation,
		ErrorString: j.ErrorString, ErrorCode: j.ErrorCode, ErrorParameters: j.ErrorParameters,
		CreationTime: timeOrNil(j.CreatedAt), StartTime: timeOrNil(j.StartedAt), EndTime: timeOrNil(j.EndedAt),
	}
	if j.Progress >= 0 {
		v.OverallProgressPercent = &j.Progress
	}
	for i := range j.SubJobs {
		v.SubJobs = append(v.SubJobs, viewOf(&j.SubJobs[i]))
	}
	return v
}

// viewsOf is the JSON form of jobs: [] for none.
func viewsOf(jobs []daas.JobInfo) []jobView {
	vs := make([]jobView, len(jobs))
	for i := range jobs {
		vs[i] = viewOf(&jobs[i])
	}
	return vs
}

// timeOrNil is t, or nil when it is not set.
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}
