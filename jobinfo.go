package daas

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

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
	SubJobs         []JobInfo // nested at most 4 levels; deeper ones are dropped
	ResultLocation  string
	ErrorString     string
	ErrorCode       string // "Unknown" ([JobErrorUnknown]) on jobs without an error
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

// clone returns a deep copy: nothing the copy holds is shared with j.
func (j *JobInfo) clone() *JobInfo {
	if j == nil {
		return nil
	}
	cp := *j
	cp.Parameters = cloneNV(j.Parameters)
	cp.ErrorParameters = cloneNV(j.ErrorParameters)
	if j.SubJobs != nil {
		cp.SubJobs = make([]JobInfo, len(j.SubJobs))
		for i := range j.SubJobs {
			cp.SubJobs[i] = *j.SubJobs[i].clone()
		}
	}
	return &cp
}

func cloneNV(nv []NameValue) []NameValue {
	if nv == nil {
		return nil
	}
	return append([]NameValue(nil), nv...)
}

// failedSubJobs returns the sub-jobs (at any depth) that ended Failed or
// Canceled, and how many sub-jobs there are in all.
func (j *JobInfo) failedSubJobs() (failed []JobInfo, total int) {
	for i := range j.SubJobs {
		sj := &j.SubJobs[i]
		total++
		if sj.Status == JobStatusFailed || sj.Status == JobStatusCanceled {
			cp := sj.clone()
			cp.SubJobs = nil
			failed = append(failed, *cp)
		}
		f, t := sj.failedSubJobs()
		failed, total = append(failed, f...), total+t
	}
	return failed, total
}

// maxJobDepth caps how deep sub-jobs are decoded. Real jobs nest one or two
// levels; what lies deeper is dropped, not failed, so that decoding stays
// linear in the input whatever a server sends.
const maxJobDepth = 4

// errJobNull is the error of a job answer that is JSON null.
var errJobNull = errors.New("daas: job is null")

// jobFields is the one field table of JobResponseModel. Every field is
// kept raw and converted on its own, so that one of an unexpected type is
// skipped (left zero) instead of failing the job. encoding/json matches the
// names case-insensitively.
type jobFields struct {
	ID                     json.RawMessage `json:"Id"`
	Type                   json.RawMessage `json:"Type"`
	Status                 json.RawMessage `json:"Status"`
	OverallProgressPercent json.RawMessage `json:"OverallProgressPercent"`
	IsCancellable          json.RawMessage `json:"IsCancellable"`
	Parameters             json.RawMessage `json:"Parameters"`
	SubJobs                json.RawMessage `json:"SubJobs"`
	ResultLocation         json.RawMessage `json:"ResultLocation"`
	ErrorString            json.RawMessage `json:"ErrorString"`
	ErrorCode              json.RawMessage `json:"ErrorCode"`
	ErrorParameters        json.RawMessage `json:"ErrorParameters"`
	CreationTime           json.RawMessage `json:"CreationTime"`
	FormattedCreationTime  json.RawMessage `json:"FormattedCreationTime"`
	StartTime              json.RawMessage `json:"StartTime"`
	FormattedStartTime     json.RawMessage `json:"FormattedStartTime"`
	EndTime                json.RawMessage `json:"EndTime"`
	FormattedEndTime       json.RawMessage `json:"FormattedEndTime"`
}

// UnmarshalJSON decodes a JobResponseModel leniently: one typed pass
// (jobWire) when the job is as the service documents it, else each field
// decoded on its own and one of the wrong type skipped, so that a surprise in one
// field never fails a wait. Only a body that is not a JSON object is an
// error. Decoding takes time linear in the input: each level is read once,
// and sub-jobs nested deeper than a few levels are dropped.
func (j *JobInfo) UnmarshalJSON(data []byte) error {
	return decodeJob(j, data)
}

func (j *JobInfo) decode(data []byte, depth int) error {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		return errJobNull
	}
	var f jobFields
	if err := json.Unmarshal(data, &f); err != nil {
		return err
	}
	*j = JobInfo{
		ID:              jsonString(f.ID),
		Type:            jsonString(f.Type),
		Status:          JobStatus(jsonString(f.Status)),
		Progress:        -1,
		ResultLocation:  jsonString(f.ResultLocation),
		ErrorString:     jsonString(f.ErrorString),
		ErrorCode:       jsonString(f.ErrorCode),
		Parameters:      decodePairs(f.Parameters),
		ErrorParameters: decodePairs(f.ErrorParameters),
		CreatedAt:       parseJobTime(jsonString(f.FormattedCreationTime), jsonString(f.CreationTime)),
		StartedAt:       parseJobTime(jsonString(f.FormattedStartTime), jsonString(f.StartTime)),
		EndedAt:         parseJobTime(jsonString(f.FormattedEndTime), jsonString(f.EndTime)),
	}
	var pct float64
	if len(f.OverallProgressPercent) > 0 && f.OverallProgressPercent[0] != 'n' && json.Unmarshal(f.OverallProgressPercent, &pct) == nil {
		j.Progress = int(min(max(pct, 0), 100))
	}
	_ = json.Unmarshal(f.IsCancellable, &j.IsCancellable)
	if depth >= maxJobDepth || len(f.SubJobs) == 0 || f.SubJobs[0] != '[' {
		return nil
	}
	var subs []json.RawMessage
	if json.Unmarshal(f.SubJobs, &subs) != nil {
		return nil
	}
	for _, raw := range subs {
		var sj JobInfo
		if sj.decode(raw, depth+1) == nil {
			j.SubJobs = append(j.SubJobs, sj)
		}
	}
	return nil
}

// jsonString returns raw's value when it is a JSON string, else "".
func jsonString(raw json.RawMessage) string {
	if len(raw) == 0 || raw[0] != '"' {
		return ""
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// decodePairs reads [{"Name": ..., "Value": ...}] and skips broken items.
func decodePairs(raw json.RawMessage) []NameValue {
	if len(raw) == 0 || raw[0] != '[' {
		return nil
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil || len(items) == 0 {
		return nil
	}
	out := make([]NameValue, 0, len(items))
	for _, it := range items {
		var p struct{ Name, Value json.RawMessage }
		if len(it) == 0 || it[0] != '{' || json.Unmarshal(it, &p) != nil {
			continue
		}
		out = append(out, NameValue{Name: rawString(p.Name), Value: rawString(p.Value)})
	}
	if len(out) == 0 {
		return nil
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

// parseJobTime parses the first of vals that holds a time in one of the
// service's layouts. The zero date 0001-01-01 (and nothing) gives the zero
// time.
func parseJobTime(vals ...string) time.Time {
	for _, s := range vals {
		if t, ok := parseOneJobTime(s); ok {
			return t
		}
	}
	return time.Time{}
}

// parseOneJobTime parses s in the first of the service's layouts that
// fits, and reports whether one did. The zero date gives the zero time.
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
