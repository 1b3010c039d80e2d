package daas

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// The scanner of job lists: a page of jobs read byte by byte, without
// reflection, for the pages the service writes. It reads only a strict
// subset of JSON (keys spelt as the service spells them, each field of the
// JSON type the service sends, no key twice in a page's envelope) and
// gives what the typed pass (jobWire) gives on it; on anything else it
// gives up, and the typed pass (then the lenient decoder) reads the page.
// Every value it reads or skips is checked against the JSON grammar, so
// that it never accepts a page the other decoders refuse.

// jobScan is the state of one scan.
type jobScan struct {
	b   []byte
	i   int
	bad bool // the scan gave up: the page is left to the typed pass
	// intern shares the strings that repeat across a page's jobs (types,
	// statuses, error codes): one allocation per distinct value.
	intern map[string]string
}

// maxScanDepth bounds the nesting the scanner follows in a skipped value.
const maxScanDepth = 64

// maxInterned bounds the distinct strings shared in one page.
const maxInterned = 256

// scanJobPage reads a page of jobs into items and token; false when the
// page is left to the typed pass.
func scanJobPage(data []byte) (items []JobInfo, token *string, ok bool) {
	s := &jobScan{b: data, intern: make(map[string]string)}
	var seenItems, seenToken bool
	items = make([]JobInfo, 0)
	s.object(func(key []byte) {
		switch string(key) {
		case "Items":
			if seenItems {
				s.bad = true
				return
			}
			seenItems = true
			items = s.jobs(items, 0)
		case "ContinuationToken":
			if seenToken {
				s.bad = true
				return
			}
			seenToken = true
			switch s.peek() {
			case 'n':
				s.literal("null")
			case '"':
				t := s.str()
				token = &t
			default:
				s.bad = true
			}
		default:
			s.other(key, "Items", "ContinuationToken")
		}
	})
	s.ws()
	if s.bad || s.i != len(s.b) {
		return nil, nil, false
	}
	return items, token, true
}

// minJobBytes is the least size a page's first job is taken to have when
// the jobs slice is sized from it: the size of a JobInfo. A job of the
// service is about twice that (an id, a type, a status, times), so its
// pages are sized as before.
const minJobBytes = 256

// jobs reads an array of jobs (or null: none) at depth and appends them
// to dst.
func (s *jobScan) jobs(dst []JobInfo, depth int) []JobInfo {
	if s.peek() == 'n' {
		s.literal("null")
		return dst
	}
	first := -1
	s.array(func() {
		if s.peek() != '{' {
			s.bad = true // null or not a job: the typed pass decides
			return
		}
		start := s.i
		dst = append(dst, JobInfo{})
		s.job(&dst[len(dst)-1], depth)
		if depth == 0 && first < 0 && s.i > start {
			// The jobs of a page are alike: the first one's size tells
			// how many the page holds, and the slice is grown once. The
			// size is taken as at least minJobBytes, so that a tiny
			// first job before large ones reserves at most about the
			// page's size in JobInfos, not dozens of times it.
			first = max(s.i-start, minJobBytes)
			if n := len(dst) + (len(s.b)-s.i)/first + 1; n > cap(dst) {
				dst = append(make([]JobInfo, 0, n), dst...)
			}
		}
	})
	return dst
}

// jobFieldNames are the keys of a job the scanner reads.
var jobFieldNames = []string{"Id", "Type", "Status", "OverallProgressPercent", "IsCancellable", "Parameters", "SubJobs",
	"ResultLocation", "ErrorString", "ErrorCode", "ErrorParameters", "CreationTime", "FormattedCreationTime",
	"StartTime", "FormattedStartTime", "EndTime", "FormattedEndTime"}

// job reads one job object into j, its sub jobs to maxJobDepth levels
// below depth.
func (s *jobScan) job(j *JobInfo, depth int) {
	var (
		times [6]jobTime // Creation, FormattedCreation, Start, FormattedStart, End, FormattedEnd
		seen  bool
		subs  []JobInfo
	)
	*j = JobInfo{Progress: -1}
	s.object(func(key []byte) {
		seen = true
		switch string(key) {
		case "Id":
			j.ID = s.text(false)
		case "Type":
			j.Type = s.text(true)
		case "Status":
			j.Status = JobStatus(s.text(true))
		case "ResultLocation":
			j.ResultLocation = s.text(false)
		case "ErrorString":
			j.ErrorString = s.text(false)
		case "ErrorCode":
			j.ErrorCode = s.text(true)
		case "OverallProgressPercent":
			j.Progress = -1
			if s.peek() == 'n' {
				s.literal("null")
				return
			}
			var p jobPercent
			_ = p.UnmarshalJSON(s.number())
			if p.set {
				j.Progress = int(min(max(p.v, 0), 100))
			}
		case "IsCancellable":
			switch s.peek() {
			case 't':
				s.literal("true")
				j.IsCancellable = true
			case 'f':
				s.literal("false")
				j.IsCancellable = false
			case 'n':
				s.literal("null")
				j.IsCancellable = false
			default:
				s.bad = true
			}
		case "Parameters":
			j.Parameters = s.pairs()
		case "ErrorParameters":
			j.ErrorParameters = s.pairs()
		case "SubJobs":
			if depth >= maxJobDepth {
				s.skip(0)
				return
			}
			subs = s.jobs(nil, depth+1)
		case "CreationTime":
			times[0] = s.time()
		case "FormattedCreationTime":
			times[1] = s.time()
		case "StartTime":
			times[2] = s.time()
		case "FormattedStartTime":
			times[3] = s.time()
		case "EndTime":
			times[4] = s.time()
		case "FormattedEndTime":
			times[5] = s.time()
		default:
			s.other(key, jobFieldNames...)
		}
	})
	if !seen {
		s.bad = true // {}: the typed pass cannot tell it from null
		return
	}
	j.CreatedAt = pickTime(times[1], times[0])
	j.StartedAt = pickTime(times[3], times[2])
	j.EndedAt = pickTime(times[5], times[4])
	if len(subs) > 0 {
		j.SubJobs = subs
	}
}

// pairs reads Parameters: an array of {"Name": ..., "Value": ...} with
// string or null values; null is none.
func (s *jobScan) pairs() []NameValue {
	if s.peek() == 'n' {
		s.literal("null")
		return nil
	}
	var out []NameValue
	s.array(func() {
		var nv NameValue
		if s.peek() != '{' {
			s.bad = true
			return
		}
		s.object(func(key []byte) {
			switch string(key) {
			case "Name":
				nv.Name = s.text(true)
			case "Value":
				nv.Value = s.text(false)
			default:
				s.other(key, "Name", "Value")
			}
		})
		if nv == (NameValue{}) {
			s.bad = true // the typed pass cannot tell it from null
		}
		out = append(out, nv)
	})
	return out
}

// text reads a string field: a string, or null for "". Anything else is
// left to the typed pass. shared strings are interned.
func (s *jobScan) text(shared bool) string {
	if s.peek() == 'n' {
		s.literal("null")
		return ""
	}
	raw, plain := s.strToken()
	if s.bad {
		return ""
	}
	if !plain {
		var str string
		if json.Unmarshal(raw, &str) != nil {
			s.bad = true
		}
		return str
	}
	in := raw[1 : len(raw)-1]
	if !shared {
		return string(in)
	}
	if v, ok := s.intern[string(in)]; ok {
		return v
	}
	v := string(in)
	if len(s.intern) < maxInterned {
		s.intern[v] = v
	}
	return v
}

// str reads a string (escapes included).
func (s *jobScan) str() string {
	if s.peek() != '"' {
		s.bad = true
		return ""
	}
	return s.text(false)
}

// time reads a time field as jobTime does.
func (s *jobScan) time() jobTime {
	var jt jobTime
	switch s.peek() {
	case 'n':
		s.literal("null")
	case '"':
		raw, _ := s.strToken()
		if !s.bad {
			_ = jt.UnmarshalJSON(raw)
		}
	default:
		s.bad = true
	}
	return jt
}

// other skips the value of a key the scanner does not read, and gives up
// on a key that encoding/json would match to one of names (it matches
// keys without regard to case).
func (s *jobScan) other(key []byte, names ...string) {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			s.bad = true
			return
		}
	}
	for _, n := range names {
		if strings.EqualFold(string(key), n) {
			s.bad = true
			return
		}
	}
	s.skip(0)
}
