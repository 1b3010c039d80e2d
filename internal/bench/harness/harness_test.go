package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas"
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
	if !math.IsNaN(Percentile(nil, 0.5)) {
		t.Error("empty input must give NaN")
	}
}

func TestLogUniformDurations(t *testing.T) {
	lo, hi := 2*time.Second, 30*time.Minute
	ds := LogUniformDurations(900, lo, hi, rand.New(rand.NewPCG(1, 2)))
	again := LogUniformDurations(900, lo, hi, rand.New(rand.NewPCG(1, 2)))
	if !reflect.DeepEqual(ds, again) {
		t.Fatal("same seed, different durations")
	}
	// Stratified log-uniform: each range holds its share of ln(hi/lo) to
	// within a job or two.
	edges := []time.Duration{lo, 10 * time.Second, time.Minute, 10 * time.Minute, hi + 1}
	count := make([]int, len(edges)-1)
	for _, d := range ds {
		if d < lo || d > hi {
			t.Fatalf("duration %v outside [%v, %v]", d, lo, hi)
		}
		for i := range count {
			if d >= edges[i] && d < edges[i+1] {
				count[i]++
			}
		}
	}
	total := math.Log(float64(hi) / float64(lo))
	for i := range count {
		want := 900 * math.Log(float64(min(edges[i+1], hi))/float64(edges[i])) / total
		if math.Abs(float64(count[i])-want) > 2 {
			t.Errorf("[%v, %v): %d jobs, want %.1f", edges[i], edges[i+1], count[i], want)
		}
	}
}

func TestRouteOf(t *testing.T) {
	for _, tc := range []struct{ method, path, route string }{
		{"GET", "/cvad/manage/Jobs/abc", routeJob},
		{"GET", "/cvad/manage/Jobs", routeJobList},
		{"GET", "/cvad/manage/Jobs/", routeJobList},
		{"GET", "/cvad/manage/Jobs/abc/Results", ""},
		{"POST", "/cvad/manage/Jobs/abc/$cancel", ""},
		{"DELETE", "/cvad/manage/Jobs/abc", ""},
		{"GET", "/cvad/manage/MachineCatalogs", ""},
	} {
		if route := routeOf(tc.method, tc.path); route != tc.route {
			t.Errorf("routeOf(%s %s) = %q; want %q", tc.method, tc.path, route, tc.route)
		}
	}
}

func TestGoogleSchedule(t *testing.T) {
	s := Google().Loop(rand.New(rand.NewPCG(3, 4)))
	if s.First() != 0 {
		t.Errorf("first read after %v, want at once", s.First())
	}
	cur := time.Second
	for i := range 20 {
		d := s.Next(0, -1)
		if d <= 0 || d > cur {
			t.Fatalf("pause %d = %v, want in (0, %v]", i, d, cur)
		}
		cur = min(2*cur, time.Minute)
	}
}

func TestTargets(t *testing.T) {
	many := []*ManyResult{{Batch: true, Jobs: 1000, ListReads: 20, JobReads: 5, HeapPerJob: 5000}}
	over := []OverheadRow{
		{Client: OverheadSDK, Server: "fake", NsPerOp: 120, CPUPerOp: 110, Allocs: 200},
		{Client: OverheadBaseline, Server: "fake", NsPerOp: 100, CPUPerOp: 100, Allocs: 100},
	}
	got := map[string]Target{}
	for _, tg := range append(ManyTargets(many), OverheadTargets(over)...) {
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
	x := &ExactResult{Config: ExactConfig{Jobs: 10, Types: 2, Seed: 1, Sigma: 0.3}}
	for _, c := range exactCurves {
		x.Rows = append(x.Rows,
			ExactRow{Band: BandMix, Curve: c, Policy: DaasDefault().Name, Jobs: 10, MedianPct: 30, P95Pct: 90, MedianDelay: 10 * time.Second, Reads: 14, OverMax: 5},
			ExactRow{Band: BandMix, Curve: c, Policy: CitrixSDK().Name, Jobs: 10, MedianPct: 15, P95Pct: 250, MedianDelay: 8 * time.Second, Reads: 12},
			ExactRow{Band: BandMix, Curve: c, Policy: DaasFirstSeen().Name, Jobs: 10, MedianPct: 20, P95Pct: 100, MedianDelay: 9 * time.Second, Reads: 13, OverMax: 4},
			ExactRow{Band: BandTypes, Curve: c, Policy: DaasWithHistory().Name, Jobs: 10, MedianPct: 10, P95Pct: 40, MedianDelay: 3 * time.Second, Reads: 11, OverMax: 4},
			ExactRow{Band: BandTypes, Curve: c, Policy: CitrixSDK().Name, Jobs: 10, MedianPct: 15, P95Pct: 250, MedianDelay: 8 * time.Second, Reads: 12})
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
	rep := &Report{Exact: x, Frontier: FrontierPoints(x), Many: many, Overhead: over, Retained: syntheticRetained(200),
		Machine: ThisMachine(), Command: "test", LoadBefore: "1 2 3", LoadAfter: "1 2 3"}
	all := slices.Concat(ScheduleTargets(x), ManyTargets(many), OverheadTargets(over), RetainedTargets(rep.Retained))
	for _, tg := range all {
		if !tg.Run || tg.Pass {
			t.Errorf("%s: run %v pass %v, want every target missed", tg.Goal, tg.Run, tg.Pass)
		}
	}
	md := rep.Markdown()
	if os.Getenv("DUMP") != "" {
		t.Log(md)
	}
	// Every target is in the table, missed, with how far from its goal.
	for _, tg := range all {
		if want := "| " + tg.Goal + " | " + tg.Measured + " | **miss**: " + tg.Margin + " |"; !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, s := range []string{"## 1. Schedules, exactly", "### The mix", "### Job types", "## 2. The frontier", "docs/frontier.svg",
		"## 3. Many jobs", "## 4. Call overhead", "## 5. Batch reads with retained jobs"} {
		if !strings.Contains(md, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	for _, bad := range []string{"%!", "NaN", "+Inf"} {
		if i := strings.Index(md, bad); i >= 0 {
			t.Errorf("report has %q: ...%s...", bad, md[max(0, i-200):min(len(md), i+100)])
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
