package daas

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// decodeWithoutScan decodes a page as decodeFrom does when the scanner
// gives up: the typed pass, else the lenient decoder.
func decodeWithoutScan(data []byte) (jobPage, error) {
	l := jobPage{budget: maxJobListBytes}
	var w struct {
		Items             []jobWire
		ContinuationToken *string
	}
	if json.Unmarshal(data, &w) == nil && l.fromWire(w.Items) {
		l.ContinuationToken = w.ContinuationToken
		return l, nil
	}
	err := l.lenient(data)
	return l, err
}

// scanSeeds are pages the scanner reads, and pages it must leave to the
// other decoders, or read as they do.
var scanSeeds = []string{
	`{"Items":[],"ContinuationToken":null}`,
	`{"Items":null}`,
	`{}`,
	` {"Items":[{"Id":"a"}],"ContinuationToken":"t\u00e9ok"} `,
	`{"Items":[{"Id":"a\"b","Status":"InProgress","OverallProgressPercent":12.5,"IsCancellable":true,"Extra":{"x":[1,2,{"y":null}]}}]}`,
	`{"Items":[{"id":"lower case key"}]}`,
	`{"items":[{"Id":"a"}]}`,
	`{"Items":[{"Id":"a"}],"Items":[{"Type":"b"}]}`,
	`{"Items":[{"Id":"a","Id":"b","Status":null}]}`,
	`{"Items":[null]}`,
	`{"Items":[{}]}`,
	`{"Items":[{"Id":"a","Parameters":[{"Name":"n","Value":"v"},{"Name":null,"Value":"w"}]}]}`,
	`{"Items":[{"Id":"a","Parameters":[{}]}]}`,
	`{"Items":[{"Id":"a","Parameters":[{"Name":"n","Value":7}]}]}`,
	`{"Items":[{"Id":"a","Parameters":"none"}]}`,
	`{"Items":[{"Id":"a","SubJobs":[{"Id":"b","SubJobs":[{"Id":"c","SubJobs":[{"Id":"d","SubJobs":[{"Id":"e","SubJobs":[{"Id":"f"}]}]}]}]}]}]}`,
	`{"Items":[{"Id":"a","SubJobs":[ ]}]}`,
	`{"Items":[{"Id":"a","SubJobs":[null]}]}`,
	`{"Items":[{"Id":"a","OverallProgressPercent":1e400}]}`,
	`{"Items":[{"Id":"a","OverallProgressPercent":-3}]}`,
	`{"Items":[{"Id":"a","OverallProgressPercent":"12"}]}`,
	`{"Items":[{"Id":"a","OverallProgressPercent":01}]}`,
	`{"Items":[{"Id":"a","StartTime":"2026-03-01T12:00:01Z","FormattedStartTime":"03/01/2026 12:00:01"}]}`,
	`{"Items":[{"Id":"a","EndTime":"0001-01-01T00:00:00","CreationTime":"not a time"}]}`,
	`{"Items":[{"Id":"a","CreationTime":"2026-03-01T12:00:00\u002e000+00:00"}]}`,
	`{"Items":[{"Id":"a",}]}`,
	`{"Items":[{"Id":"a"}]} x`,
	`{"Items":[{"Id":"a\x01"}]}`,
	`{"Items":[{"Id":"\xff"}]}`,
	`{"Items":[{"Id":"a","IsCancellable":truex}]}`,
	`null`,
	`[]`,
}

// The scanner reads what the typed pass and the lenient decoder read, and
// leaves to them what it does not read.
func FuzzJobScan(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Add(benchJobList(3))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, token, ok := scanJobPage(data)
		if !ok {
			return
		}
		want, err := decodeWithoutScan(data)
		if err != nil {
			t.Fatalf("the scanner read %q, which the other decoders refuse: %v", data, err)
		}
		if !reflect.DeepEqual(items, want.Items) || !reflect.DeepEqual(token, want.ContinuationToken) {
			t.Fatalf("the scanner disagrees on %q:\n%+v %v\n%+v %v", data, items, token, want.Items, want.ContinuationToken)
		}
	})
}

// The pages the service writes take the scanner's path: the fast path is
// the one that runs.
func TestJobScanReadsServicePages(t *testing.T) {
	for _, data := range [][]byte{benchJobList(20), []byte(scanSeeds[3]), []byte(scanSeeds[4]), []byte(scanSeeds[15])} {
		items, _, ok := scanJobPage(data)
		if !ok || len(items) == 0 {
			t.Fatalf("the scanner left %.80q… to the typed pass", data)
		}
	}
	// Strings that repeat across the page are shared.
	items, _, _ := scanJobPage(benchJobList(2))
	if unsafe.StringData(items[0].Type) != unsafe.StringData(items[1].Type) {
		t.Error("the job type is allocated once per job")
	}
}

// A page the scanner leaves still decodes, as before.
func TestJobScanLeavesOthersToTypedPass(t *testing.T) {
	for _, s := range []string{scanSeeds[5], scanSeeds[9], scanSeeds[13]} {
		if _, _, ok := scanJobPage([]byte(s)); ok {
			t.Errorf("the scanner read %s", s)
		}
		l := jobPage{budget: maxJobListBytes}
		if err := l.decodeFrom(io.NopCloser(bytes.NewReader([]byte(s))), -1, 1<<20); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
}

// A page whose first job is tiny and whose others are large is decoded in
// memory of the order of its size: the jobs slice is sized from the first
// job's size, taken as at least minJobBytes. Before, a 7-byte first job
// before one job of 4 MiB made the scanner reserve 600,000 JobInfos
// (about 150 MB for this 4 MiB page).
func TestJobPageSizedForATinyFirstJob(t *testing.T) {
	big := `{"Id":"` + strings.Repeat("x", 4<<20) + `"}`
	data := []byte(`{"Items":[{"a":0},` + big + `]}`)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	items, _, ok := scanJobPage(data)
	runtime.ReadMemStats(&after)
	if !ok || len(items) != 2 {
		t.Fatalf("scanned %d jobs, ok %v", len(items), ok)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 4*uint64(len(data)) {
		t.Errorf("%d bytes allocated for a page of %d bytes", got, len(data))
	}
}
