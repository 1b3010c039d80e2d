package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

func TestPercentile(t *testing.T) {
	xs := []float64{4, 1, 3, 2}
	for _, tc := range []struct{ p, want float64 }{
		{0, 1}, {0.5, 2.5}, {1, 4}, {0.95, 3.85}, {0.25, 1.75}, {-1, 1}, {2, 4},
	} {
		if got := Percentile(xs, tc.p); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("Percentile(%v, %v) = %v, want %v", xs, tc.p, got, tc.want)
		}
	}
	if !reflect.DeepEqual(xs, []float64{4, 1, 3, 2}) {
		t.Errorf("Percentile sorted its input: %v", xs)
	}
	if got := Median([]float64{7}); got != 7 {
		t.Errorf("Median of one value = %v", got)
	}
	if got := Median([]float64{1, 2, 3}); got != 2 {
		t.Errorf("Median(1, 2, 3) = %v", got)
	}
	if !math.IsNaN(Percentile(nil, 0.5)) || !math.IsNaN(Mean(nil)) {
		t.Error("empty input must give NaN")
	}
	if got := Mean([]float64{1, 2, 6}); got != 3 {
		t.Errorf("Mean = %v", got)
	}
}

func TestBucketOf(t *testing.T) {
	for d, want := range map[time.Duration]int{
		2 * time.Second: 0, 9999 * time.Millisecond: 0, 10 * time.Second: 1, 59 * time.Second: 1,
		time.Minute: 2, 599 * time.Second: 2, 10 * time.Minute: 3, 30 * time.Minute: 3, -time.Second: 0,
	} {
		if got := BucketOf(d); got != want {
			t.Errorf("BucketOf(%v) = %d (%s), want %d (%s)", d, got, Buckets[got].Name, want, Buckets[want].Name)
		}
	}
}

func TestLogUniformDurations(t *testing.T) {
	lo, hi := 2*time.Second, 30*time.Minute
	ds := LogUniformDurations(900, lo, hi, rand.New(rand.NewPCG(1, 2)))
	again := LogUniformDurations(900, lo, hi, rand.New(rand.NewPCG(1, 2)))
	if !reflect.DeepEqual(ds, again) {
		t.Fatal("same seed, different durations")
	}
	var count [4]int
	for _, d := range ds {
		if d < lo || d > hi {
			t.Fatalf("duration %v outside [%v, %v]", d, lo, hi)
		}
		count[BucketOf(d)]++
	}
	// Stratified log-uniform: each bucket holds its share of ln(hi/lo) to
	// within a job or two.
	total := math.Log(float64(hi) / float64(lo))
	for i, b := range Buckets {
		top := b.Hi
		if top == 0 {
			top = hi
		}
		want := 900 * math.Log(float64(top)/float64(max(b.Lo, lo))) / total
		if math.Abs(float64(count[i])-want) > 2 {
			t.Errorf("bucket %s: %d jobs, want %.1f", b.Name, count[i], want)
		}
	}
}

func TestRouteOf(t *testing.T) {
	for _, tc := range []struct{ method, path, route, id string }{
		{"GET", "/cvad/manage/Jobs/abc", routeJob, "abc"},
		{"GET", "/cvad/manage/Jobs", routeJobList, ""},
		{"GET", "/cvad/manage/Jobs/", routeJobList, ""},
		{"GET", "/cvad/manage/Jobs/abc/Results", "", ""},
		{"POST", "/cvad/manage/Jobs/abc/$cancel", "", ""},
		{"DELETE", "/cvad/manage/Jobs/abc", "", ""},
		{"GET", "/cvad/manage/MachineCatalogs", "", ""},
	} {
		route, id := routeOf(tc.method, tc.path)
		if route != tc.route || id != tc.id {
			t.Errorf("routeOf(%s %s) = %q, %q; want %q, %q", tc.method, tc.path, route, id, tc.route, tc.id)
		}
	}
}

func TestIdealDelay(t *testing.T) {
	for _, tc := range []struct {
		pol  Policy
		d    time.Duration
		want time.Duration
	}{
		{CitrixSDK(), 5 * time.Second, 5 * time.Second},   // reads at 0, 10
		{CitrixSDK(), 25 * time.Second, 5 * time.Second},  // 0, 10, 20, 30
		{CitrixSDK(), 31 * time.Second, 29 * time.Second}, // then every 30 s: 60
		{CitrixSDK(), 95 * time.Second, 25 * time.Second}, // 90, 120
		{Azure(), 31 * time.Second, 29 * time.Second},
		{Naive(), 2500 * time.Millisecond, 500 * time.Millisecond},
	} {
		got, ok := idealDelay(tc.pol, tc.d)
		if !ok || got != tc.want {
			t.Errorf("%s, %v job: ideal delay %v (%v), want %v", tc.pol.Name, tc.d, got, ok, tc.want)
		}
	}
	if _, ok := idealDelay(Google(), time.Minute); ok {
		t.Error("Google's schedule has jitter: no exact delay")
	}
	if _, ok := idealDelay(DaasDefault(), time.Minute); ok {
		t.Error("the library's schedule is no loop")
	}
}

func TestGoogleSchedule(t *testing.T) {
	s := Google().Schedule(rand.New(rand.NewPCG(3, 4)))
	if s.First() != 0 {
		t.Errorf("first read after %v, want at once", s.First())
	}
	cur := time.Second
	for i := range 20 {
		d := s.Next(0, nil)
		if d <= 0 || d > cur {
			t.Fatalf("pause %d = %v, want in (0, %v]", i, d, cur)
		}
		cur = min(2*cur, time.Minute)
	}
}

func TestTargets(t *testing.T) {
	single := &SingleResult{
		Config:    SingleConfig{Curves: []daastest.ProgressCurve{daastest.ProgressLinear}, Policies: []Policy{DaasDefault(), CitrixSDK()}},
		Durations: []time.Duration{10 * time.Second, 100 * time.Second},
		Jobs: []JobResult{
			{Policy: "daas default", Index: 0, Duration: 10 * time.Second, Delay: 200 * time.Millisecond, Polls: 4},
			{Policy: "daas default", Index: 1, Duration: 100 * time.Second, Delay: 300 * time.Millisecond, Polls: 9},
			{Policy: "Citrix SDK", Index: 0, Duration: 10 * time.Second, Delay: 10 * time.Second, Polls: 2},
			{Policy: "Citrix SDK", Index: 1, Duration: 100 * time.Second, Delay: 20 * time.Second, Polls: 5},
		},
	}
	many := []*ManyResult{{Batch: true, Jobs: 1000, ListReads: 20, JobReads: 5, HeapPerJob: 5000}}
	over := []OverheadRow{
		{Client: OverheadSDK, Server: "fake", NsPerOp: 120, CPUPerOp: 110, Allocs: 200},
		{Client: OverheadBaseline, Server: "fake", NsPerOp: 100, CPUPerOp: 100, Allocs: 100},
	}
	got := map[string]Target{}
	for _, tg := range Targets(single, many, over) {
		got[tg.Goal] = tg
	}
	check := func(prefix string, run, pass bool) {
		t.Helper()
		for goal, tg := range got {
			if strings.HasPrefix(goal, prefix) {
				if tg.Run != run || tg.Pass != pass {
					t.Errorf("%s: run %v pass %v (%s; %s), want run %v pass %v", goal, tg.Run, tg.Pass, tg.Measured, tg.Margin, run, pass)
				}
				return
			}
		}
		t.Errorf("no target %q", prefix)
	}
	check("daas default, linear progress: median", true, true) // 2% and 0.3%
	check("daas default, linear progress: p95", true, true)
	check("daas default, steps progress: median", false, false) // not run
	check("daas default: polls per job", true, false)           // +4 on the 100 s job
	check("daas default: median detection delay ≥ 10× lower than Citrix's schedule (linear", true, true)
	check("1,000 concurrent waits: batch mode", true, true) // 20000 vs 25
	check("1,000 concurrent waits: heap per waiting job ≤ 4 KiB (batch on)", true, false)
	check("1,000 concurrent waits: heap per waiting job ≤ 4 KiB (batch off)", false, false)
	check("List of 250 catalogs: CPU", true, true)
	check("List of 250 catalogs: allocations", true, false)
}

// TestReportOfMissedTargets renders a report that misses every target and
// checks that each miss is in the table with its figure and its distance
// to the goal, and that no format verb or NaN leaks into the text.
func TestReportOfMissedTargets(t *testing.T) {
	curves := []daastest.ProgressCurve{daastest.ProgressLinear, daastest.ProgressSteps, daastest.ProgressNone}
	single := &SingleResult{
		Config:    SingleConfig{Curves: curves, Policies: Policies(), MinDur: 2 * time.Second, MaxDur: 30 * time.Minute},
		Durations: []time.Duration{4 * time.Second, 40 * time.Second, 5 * time.Minute},
	}
	for _, c := range curves {
		for _, p := range Policies() {
			for i, d := range single.Durations {
				j := JobResult{Policy: p.Name, Curve: c, Index: i, Duration: d, Delay: d / 2, Polls: 3, Values: i}
				if p.Name == CitrixSDK().Name {
					j.Delay, j.Polls = d, 2
				}
				if p.Name == DaasDefault().Name && i == 2 {
					j.Polls = 7 // +5 against Citrix
				}
				single.Jobs = append(single.Jobs, j)
			}
		}
	}
	many := []*ManyResult{
		{Batch: true, Jobs: 1000, ListReads: 20, JobReads: 900, HeapPerJob: 5000, HeapMin: 4900, HeapMax: 5100, ListReadKB: 500, ListReadMs: 80, Bytes: 1e7},
		{Batch: false, Jobs: 1000, JobReads: 3000, HeapPerJob: 4500, HeapMin: 4400, HeapMax: 4600, Bytes: 2e6},
	}
	over := []OverheadRow{
		{Client: OverheadSDK, Server: "fake", NsPerOp: 150, CPUPerOp: 150, Allocs: 200, BPerOp: 300},
		{Client: OverheadBaseline, Server: "fake", NsPerOp: 100, CPUPerOp: 100, Allocs: 100, BPerOp: 200},
		{Client: OverheadSDK, Server: "canned", NsPerOp: 150, CPUPerOp: 150, Allocs: 200, BPerOp: 300},
		{Client: OverheadBaseline, Server: "canned", NsPerOp: 100, CPUPerOp: 100, Allocs: 100, BPerOp: 200},
		{Client: OverheadSDK, Server: ServerInMemory, NsPerOp: 150, CPUPerOp: 150, Allocs: 200, BPerOp: 300},
		{Client: OverheadBaseline, Server: ServerInMemory, NsPerOp: 100, CPUPerOp: 100, Allocs: 100, BPerOp: 200},
	}
	for i := range over {
		over[i].CPURuns = []float64{over[i].CPUPerOp, over[i].CPUPerOp * 1.2}
	}
	rep := &Report{Single: single, Many: many, Overhead: over, Machine: ThisMachine(), Command: "test", LoadBefore: "1 2 3", LoadAfter: "1 2 3"}
	for _, tg := range Targets(single, many, over) {
		if !tg.Run || tg.Pass {
			t.Errorf("%s: run %v pass %v, want every target missed", tg.Goal, tg.Run, tg.Pass)
		}
	}
	md := rep.Markdown()
	if os.Getenv("DUMP") != "" {
		t.Log(md)
	}
	// Every target is in the table, missed, with how far from its goal.
	for _, tg := range Targets(single, many, over) {
		if want := "| " + tg.Goal + " | " + tg.Measured + " | **miss**: " + tg.Margin + " |"; !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, bad := range []string{"%!", "NaN", "+Inf"} {
		if i := strings.Index(md, bad); i >= 0 {
			t.Errorf("report has %q: ...%s...", bad, md[max(0, i-200):min(len(md), i+100)])
		}
	}
}

// TestRunSingleSmall runs the single-job workload end to end: a few short
// jobs, at a high scale.
func TestRunSingleSmall(t *testing.T) {
	cfg := SingleConfig{Scale: 400, Jobs: 2, Seed: 7, MinDur: 2 * time.Second, MaxDur: 10 * time.Second}
	res, err := RunSingle(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	pols := len(Policies())
	if len(res.Jobs) != 2*pols*3 {
		t.Fatalf("%d results, want %d", len(res.Jobs), 2*pols*3)
	}
	if res.ServerReads != res.HarnessReads || res.ServerReads == 0 {
		t.Errorf("fake counted %d reads, harness %d", res.ServerReads, res.HarnessReads)
	}
	for _, j := range res.Jobs {
		if j.Delay < 0 || j.Polls < 1 || j.Duration != res.Durations[j.Index] {
			t.Errorf("%+v: want a delay ≥ 0, a read, the planned duration", j)
		}
	}
	rows := res.Rows()
	if len(rows) == 0 {
		t.Fatal("no rows")
	}
	for _, r := range rows {
		if r.Bucket == AllBuckets && r.N != 2 {
			t.Errorf("row %+v: want both jobs", r)
		}
	}
	md := (&Report{Single: res, Machine: ThisMachine(), Command: "test"}).Markdown()
	for _, want := range []string{"## Targets", "## 1. Single jobs", "| linear | daas default | 2 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestRunManySmall waits for a few jobs at once, batch on and off.
func TestRunManySmall(t *testing.T) {
	for _, batch := range []bool{true, false} {
		res, err := RunMany(context.Background(), ManyConfig{Scale: 100, Jobs: 12, Seed: 3, MinDur: 3 * time.Second, MaxDur: 5 * time.Second}, batch)
		if err != nil {
			t.Fatal(err)
		}
		if res.Requests() == 0 || res.ServerReads != res.Requests() {
			t.Errorf("batch %v: harness counted %d reads, fake %d", batch, res.Requests(), res.ServerReads)
		}
		// With batch on, only the last few waiters (at most BatchThreshold
		// left) read their own jobs.
		if batch && (res.ListReads == 0 || res.JobReads >= res.Jobs) {
			t.Errorf("batch on: %d list reads, %d job reads", res.ListReads, res.JobReads)
		}
		if !batch && res.ListReads != 0 {
			t.Errorf("batch off: %d list reads", res.ListReads)
		}
		if res.Goroutines < 12 || res.DelayMedian < 0 {
			t.Errorf("batch %v: %+v", batch, res)
		}
	}
}

// TestOverheadFixture checks that both clients list the same catalogs.
func TestOverheadFixture(t *testing.T) {
	f, err := NewOverheadFixture()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := t.Context()
	for _, list := range []func(context.Context, bool) (int, error){f.ListSDK, f.ListBaseline, f.ListSDKInMemory, f.ListBaselineInMemory} {
		for _, canned := range []bool{false, true} {
			if n, err := list(ctx, canned); err != nil || n != OverheadCatalogs {
				t.Errorf("listed %d catalogs, err %v; want %d", n, err, OverheadCatalogs)
			}
		}
	}
	// The baseline's struct decodes the same values as the SDK's.
	page, err := f.sdk.MachineCatalogs.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	body, _, err := f.fetch(ctx, f.Fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	f.page = body
	var plain plainPage
	if err := jsonDecode(body, &plain); err != nil {
		t.Fatal(err)
	}
	for i := range page.Items {
		want := daas.MachineCatalog(plain.Items[i])
		// The SDK turns raw JSON nulls into nil; nothing else differs.
		for _, raw := range []*json.RawMessage{&want.ProvisioningScheme, &want.RemotePCEnrollmentScopes, &want.Warnings, &want.UpgradeInfo, &want.UpgradeDetail} {
			if string(*raw) == "null" {
				*raw = nil
			}
		}
		if !reflect.DeepEqual(page.Items[i], want) {
			t.Fatalf("catalog %d differs:\nSDK      %+v\nbaseline %+v", i, page.Items[i], plain.Items[i])
		}
	}
}

func jsonDecode(b []byte, v any) error { return json.NewDecoder(bytes.NewReader(b)).Decode(v) }
