package daas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

// The job list decoder against the one it replaced, on a list of 10,000
// jobs shaped as the service (and daastest) writes them:
//
//	go test -run '^$' -bench JobListDecode -benchmem .

// benchJobList is a page of n jobs, each with a parameter, a sub job and
// its times, as JobResponseModelCollection.
func benchJobList(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"Items":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Id":"6f1c2a4e-0b1d-4c2e-9a3f-%012d","Type":"CreateMachineCatalog","Parameters":[{"Name":"Name","Value":"Catalog %d"}],`+
			`"Status":"InProgress","OverallProgressPercent":%d,"IsCancellable":true,`+
			`"SubJobs":[{"Id":"7a2d3b5f-1c2e-4d3f-8b4a-%012d","Type":"SetProvScheme","Parameters":[],"Status":"InProgress","OverallProgressPercent":null,"IsCancellable":false,"SubJobs":[],"ResultLocation":null,"ErrorString":null,"ErrorCode":"Unknown","ErrorParameters":[],"CreationTime":"2026-03-01T12:00:00.000+00:00","FormattedCreationTime":"2026-03-01T12:00:00.000+00:00","StartTime":"2026-03-01T12:00:01.000+00:00","FormattedStartTime":"2026-03-01T12:00:01.000+00:00","EndTime":null,"FormattedEndTime":null}],`+
			`"ResultLocation":null,"ErrorString":null,"ErrorCode":"Unknown","ErrorParameters":[],`+
			`"CreationTime":"2026-03-01T12:00:00.000+00:00","FormattedCreationTime":"2026-03-01T12:00:00.000+00:00",`+
			`"StartTime":"2026-03-01T12:00:01.000+00:00","FormattedStartTime":"2026-03-01T12:00:01.000+00:00","EndTime":null,"FormattedEndTime":null}`,
			i, i, i%100, i)
	}
	b.WriteString(`],"ContinuationToken":null}`)
	return b.Bytes()
}

// lenientPage is the decoder the typed pass replaced, kept as the
// baseline: the items kept raw, then each job's fields kept raw, then
// each field decoded on its own.
type lenientPage struct {
	Items             []JobInfo
	ContinuationToken *string
}

func (l *lenientPage) UnmarshalJSON(data []byte) error {
	var raw struct {
		Items             []json.RawMessage
		ContinuationToken *string
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*l = lenientPage{ContinuationToken: raw.ContinuationToken, Items: make([]JobInfo, 0, len(raw.Items))}
	for _, it := range raw.Items {
		var ji JobInfo
		if ji.decode(it, 0) == nil {
			l.Items = append(l.Items, ji)
		}
	}
	return nil
}

func decodeTyped(tb testing.TB, data []byte) []JobInfo {
	l := jobPage{budget: maxJobListBytes}
	if err := l.decodeFrom(bytes.NewReader(data), int64(len(data)), 1<<30); err != nil {
		tb.Fatal(err)
	}
	return l.Items
}

// decodeTypedOnly is the typed pass without the scanner before it.
func decodeTypedOnly(tb testing.TB, data []byte) []JobInfo {
	l, err := decodeWithoutScan(data)
	if err != nil {
		tb.Fatal(err)
	}
	return l.Items
}

func decodeLenient(tb testing.TB, data []byte) []JobInfo {
	var l lenientPage
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&l); err != nil {
		tb.Fatal(err)
	}
	return l.Items
}

// The scanner and the typed pass give what the lenient decoder gives.
func TestJobListDecodersAgree(t *testing.T) {
	data := benchJobList(50)
	scan, typed, lenient := decodeTyped(t, data), decodeTypedOnly(t, data), decodeLenient(t, data)
	if len(typed) != 50 || !reflect.DeepEqual(typed, lenient) || !reflect.DeepEqual(scan, lenient) {
		t.Fatalf("the decoders disagree:\n%+v\n%+v\n%+v", scan[:1], typed[:1], lenient[:1])
	}
}

func BenchmarkJobListDecode(b *testing.B) {
	data := benchJobList(10000)
	for _, bc := range []struct {
		name   string
		decode func(testing.TB, []byte) []JobInfo
	}{{"lenient", decodeLenient}, {"typed", decodeTypedOnly}, {"scan", decodeTyped}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if got := bc.decode(b, data); len(got) != 10000 {
					b.Fatal(len(got))
				}
			}
		})
	}
}
