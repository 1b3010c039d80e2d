package daas

import (
	"bytes"
	"encoding/json"
	"io"
)

// jobPage is one page of the job list (JobResponseModelCollection).
type jobPage struct {
	Items             []JobInfo
	ContinuationToken *string

	budget int64 // the bytes the page may hold: what the list has left of maxJobListBytes
	size   int64 // the bytes it held
}

// decodeFrom is how Client.call decodes a page of jobs (see bodyDecoder):
// by the scanner (scanJobPage), else in one typed pass (jobWire); a page
// that does not decode that way is decoded again leniently, item by item, so that one broken job never
// fails the read of the others. A page past the list's budget is an
// error.
func (l *jobPage) decodeFrom(body io.Reader, size, limit int64) error {
	data, err := readBody(body, size, min(limit, l.budget+1))
	if err != nil {
		return err
	}
	l.size = int64(len(data))
	if l.size > l.budget {
		return errJobListCap
	}
	if items, token, ok := scanJobPage(data); ok {
		l.Items, l.ContinuationToken = items, token
		return nil
	}
	var w struct {
		Items             []jobWire
		ContinuationToken *string
	}
	if json.Unmarshal(data, &w) == nil && l.fromWire(w.Items) {
		l.ContinuationToken = w.ContinuationToken
		return nil
	}
	return l.lenient(data)
}

// fromWire converts the items of the typed pass; false when one holds
// what only the lenient decoder reads right.
func (l *jobPage) fromWire(items []jobWire) bool {
	l.Items = make([]JobInfo, len(items))
	for i := range items {
		if !items[i].info(&l.Items[i], 0) {
			l.Items = nil
			return false
		}
	}
	return true
}

// lenient decodes the page item by item and skips items that are not job
// objects. A body that is not a page is an error; an empty one is an
// empty page.
func (l *jobPage) lenient(data []byte) error {
	var raw struct {
		Items             []json.RawMessage
		ContinuationToken *string
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&raw); err != nil && err != io.EOF {
		return err
	}
	l.ContinuationToken = raw.ContinuationToken
	l.Items = make([]JobInfo, 0, len(raw.Items))
	for _, it := range raw.Items {
		var ji JobInfo
		if decodeJob(&ji, it) == nil {
			l.Items = append(l.Items, ji)
		}
	}
	return nil
}

// readBody reads body, at most limit bytes, into one buffer sized from the
// body's announced length size (-1 when unknown): a job list runs to
// megabytes, and reading it into a buffer that grows as it fills would
// allocate twice its size and copy it as often. A body longer or shorter
// than announced is read all the same, to limit.
func readBody(body io.Reader, size, limit int64) ([]byte, error) {
	if size < 0 || size >= limit {
		return io.ReadAll(io.LimitReader(body, limit))
	}
	// One byte more than announced, so that the end is seen without
	// growing the buffer.
	buf := make([]byte, 0, size+1)
	r := io.LimitedReader{R: body, N: limit}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // longer than announced: grow
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
