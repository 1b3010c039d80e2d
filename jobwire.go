package daas

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// The fast decoder of jobs: a job (JobResponseModel) decoded in one typed
// pass, field by field into the types the service sends. It gives what
// the lenient decoder (JobInfo.decode) gives for every input it accepts;
// an input it cannot read that way (a field of an unexpected JSON type, a
// null item in an array) makes the caller fall back to the lenient
// decoder, which reads each field on its own.

// jobWire is a JobResponseModel as the service sends it. Each field
// decodes leniently by itself, as the lenient decoder reads it, and
// starts afresh when a key comes twice (the last one counts).
type jobWire struct {
	ID                     wireString `json:"Id"`
	Type                   wireString
	Status                 wireString
	OverallProgressPercent jobPercent
	IsCancellable          wireBool
	Parameters             wirePairs
	SubJobs                wireArray // decoded by info, to maxJobDepth levels only
	ResultLocation         wireString
	ErrorString            wireString
	ErrorCode              wireString
	ErrorParameters        wirePairs
	CreationTime           jobTime
	FormattedCreationTime  jobTime
	StartTime              jobTime
	FormattedStartTime     jobTime
	EndTime                jobTime
	FormattedEndTime       jobTime
}

// empty reports whether nothing was decoded into w: the typed pass cannot
// tell an item {} from an item null, which the lenient decoder keeps and
// skips.
func (w *jobWire) empty() bool {
	return w.ID == "" && w.Type == "" && w.Status == "" && !w.OverallProgressPercent.set && !bool(w.IsCancellable) &&
		w.Parameters == nil && w.SubJobs == nil && w.ResultLocation == "" && w.ErrorString == "" &&
		w.ErrorCode == "" && w.ErrorParameters == nil &&
		!w.CreationTime.set && !w.FormattedCreationTime.set && !w.StartTime.set &&
		!w.FormattedStartTime.set && !w.EndTime.set && !w.FormattedEndTime.set
}

// info converts w into j, w's sub jobs to maxJobDepth levels below depth.
// It reports false when w holds what only the lenient decoder reads
// right (see empty).
func (w *jobWire) info(j *JobInfo, depth int) bool {
	if w.empty() {
		return false
	}
	params, ok1 := w.Parameters.pairs()
	errParams, ok2 := w.ErrorParameters.pairs()
	if !ok1 || !ok2 {
		return false
	}
	*j = JobInfo{
		ID: string(w.ID), Type: string(w.Type), Status: JobStatus(w.Status), Progress: -1,
		IsCancellable: bool(w.IsCancellable), Parameters: params,
		ResultLocation: string(w.ResultLocation), ErrorString: string(w.ErrorString), ErrorCode: string(w.ErrorCode),
		ErrorParameters: errParams,
		CreatedAt:       pickTime(w.FormattedCreationTime, w.CreationTime),
		StartedAt:       pickTime(w.FormattedStartTime, w.StartTime),
		EndedAt:         pickTime(w.FormattedEndTime, w.EndTime),
	}
	if p := w.OverallProgressPercent; p.set {
		j.Progress = int(min(max(p.v, 0), 100))
	}
	if depth >= maxJobDepth || w.SubJobs == nil {
		return true
	}
	var subs []jobWire
	if json.Unmarshal(w.SubJobs, &subs) != nil {
		return false
	}
	if len(subs) > 0 {
		j.SubJobs = make([]JobInfo, len(subs))
	}
	for i := range subs {
		if !subs[i].info(&j.SubJobs[i], depth+1) {
			return false
		}
	}
	return true
}

// wireString is a string field: a JSON string's value, else "".
type wireString string

// UnmarshalJSON copies a plain string once, without a second decode.
func (s *wireString) UnmarshalJSON(b []byte) error {
	*s = ""
	if len(b) < 2 || b[0] != '"' {
		return nil
	}
	if in := b[1 : len(b)-1]; bytes.IndexByte(in, '\\') < 0 && utf8.Valid(in) {
		*s = wireString(in)
		return nil
	}
	var str string
	_ = json.Unmarshal(b, &str)
	*s = wireString(str)
	return nil
}

// wireBool is a bool field: true only for JSON true.
type wireBool bool

// UnmarshalJSON reads true; anything else is false.
func (v *wireBool) UnmarshalJSON(b []byte) error {
	*v = string(b) == "true"
	return nil
}

// wireArray is a JSON array kept raw; anything else is none.
type wireArray []byte

// UnmarshalJSON keeps a non-empty array.
func (a *wireArray) UnmarshalJSON(b []byte) error {
	*a = nil
	if len(b) > 0 && b[0] == '[' && string(b) != "[]" {
		*a = append(wireArray(nil), b...)
	}
	return nil
}

// wirePairs is a Parameters field: [{"Name": ..., "Value": ...}].
type wirePairs []wirePair

// wirePair is one name and value; a value that is not a string is kept
// as its JSON text (rawString).
type wirePair struct{ Name, Value wireText }

// UnmarshalJSON reads an array of pairs; anything else is none. An item
// that is not an object fails the typed pass.
func (p *wirePairs) UnmarshalJSON(b []byte) error {
	*p = nil
	if len(b) == 0 || b[0] != '[' {
		return nil
	}
	return json.Unmarshal(b, (*[]wirePair)(p))
}

// pairs returns p as the lenient decoder does (nil for none), and false
// for an item that may have been null.
func (p wirePairs) pairs() ([]NameValue, bool) {
	if len(p) == 0 {
		return nil, true
	}
	out := make([]NameValue, len(p))
	for i, it := range p {
		if it == (wirePair{}) {
			return nil, false
		}
		out[i] = NameValue{Name: string(it.Name), Value: string(it.Value)}
	}
	return out, true
}

// wireText is a string, or the JSON text of any other value; null is "".
type wireText string

// UnmarshalJSON reads a value as rawString does.
func (t *wireText) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return (*wireString)(t).UnmarshalJSON(b)
	}
	*t = ""
	if string(b) != "null" {
		*t = wireText(b)
	}
	return nil
}

// pickTime is parseJobTime over the formatted and the raw time.
func pickTime(formatted, raw jobTime) time.Time {
	if formatted.set {
		return formatted.t
	}
	return raw.t
}

// jobTime is one time field: set when it held a string in one of the
// service's layouts (parseJobTime). Anything else leaves it unset, as the
// lenient decoder does.
type jobTime struct {
	t   time.Time
	set bool
}

// UnmarshalJSON parses the documented layout without copying the string,
// and any other through parseJobTime.
func (jt *jobTime) UnmarshalJSON(b []byte) error {
	*jt = jobTime{}
	if len(b) < 2 || b[0] != '"' {
		return nil
	}
	s := b[1 : len(b)-1]
	if len(s) == 0 {
		return nil
	}
	var t time.Time
	if bytes.IndexByte(s, '\\') >= 0 || t.UnmarshalText(s) != nil {
		var str string
		var ok bool
		if json.Unmarshal(b, &str) != nil {
			return nil
		}
		if t, ok = parseOneJobTime(str); !ok {
			return nil
		}
	} else if t.Year() <= 1 {
		t = time.Time{}
	}
	jt.t, jt.set = t, true
	return nil
}

// jobPercent is OverallProgressPercent: set when it held a number that
// fits a float64, as the lenient decoder reads it.
type jobPercent struct {
	v   float64
	set bool
}

// UnmarshalJSON reads a number; anything else leaves p unset.
func (p *jobPercent) UnmarshalJSON(b []byte) error {
	*p = jobPercent{}
	if len(b) == 0 || (b[0] != '-' && (b[0] < '0' || b[0] > '9')) {
		return nil
	}
	if len(b) <= 9 {
		n, digits := 0, true
		for _, c := range b {
			if c < '0' || c > '9' {
				digits = false
				break
			}
			n = n*10 + int(c-'0')
		}
		if digits {
			p.v, p.set = float64(n), true
			return nil
		}
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err == nil {
		p.v, p.set = v, true
	}
	return nil
}

// decodeJob decodes one job: the typed pass, else the lenient decoder.
func decodeJob(j *JobInfo, data []byte) error {
	var w jobWire
	if json.Unmarshal(data, &w) == nil && w.info(j, 0) {
		return nil
	}
	return j.decode(data, 0)
}
