package daastest_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

// jobKeys are the properties of JobResponseModel, sorted.
func jobKeys() []string {
	return []string{
		"CreationTime", "EndTime", "ErrorCode", "ErrorParameters", "ErrorString", "FormattedCreationTime",
		"FormattedEndTime", "FormattedStartTime", "Id", "IsCancellable", "OverallProgressPercent", "Parameters",
		"ResultLocation", "StartTime", "Status", "SubJobs", "Type",
	}
}

func TestAsyncAccepted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.request("POST", "/MachineCatalogs?async=true", `{"Name":"N","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`)
	req.Header.Set("Citrix-TransactionId", "abc-123")
	resp, body := f.do(req)
	eq(t, "status", resp.StatusCode, http.StatusAccepted)
	eq(t, "body", len(body), 0)
	eq(t, "Content-Length", resp.Header.Get("Content-Length"), "0")
	eq(t, "Content-Type", resp.Header.Get("Content-Type"), "application/json; charset=utf-8")
	eq(t, "transaction id", resp.Header.Get("Citrix-TransactionId"), "abc-123")
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "http://127.0.0.1:1/cvad/manage/Jobs/") || len(loc) != len("http://127.0.0.1:1/cvad/manage/Jobs/")+36 {
		t.Errorf("Location %q is not an absolute job URL", loc)
	}
	eq(t, "jobs created", f.s.Stats().JobsCreated, 1)
	eq(t, "catalog not created yet", len(f.s.Catalogs()), 0)
}

func TestJobLifecycle(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithJobDuration(100*time.Second))
	id := f.startJob("POST", "/MachineCatalogs?async=true", `{"Name":"N","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`)

	j := f.job(id)
	eq(t, "keys", sortedKeys(j), jobKeys())
	eq(t, "Id", j["Id"], any(id))
	eq(t, "Type", j["Type"], any("CreateMachineCatalog"))
	eq(t, "Parameters", j["Parameters"], any([]any{map[string]any{"Name": "Name", "Value": "N"}}))
	eq(t, "Status", j["Status"], any("NotStarted"))
	eq(t, "progress", j["OverallProgressPercent"], any(0.0))
	eq(t, "IsCancellable", j["IsCancellable"], any(true))
	eq(t, "ErrorCode", j["ErrorCode"], any("Unknown"))
	eq(t, "ErrorString", j["ErrorString"], nil)
	eq(t, "ErrorParameters", j["ErrorParameters"], any([]any{}))
	eq(t, "ResultLocation", j["ResultLocation"], nil)
	eq(t, "CreationTime", j["CreationTime"], any("2026-03-01T12:00:00.000+00:00"))
	eq(t, "FormattedCreationTime", j["FormattedCreationTime"], any("2026-03-01T12:00:00.000+00:00"))
	eq(t, "StartTime", j["StartTime"], nil)
	eq(t, "EndTime", j["EndTime"], nil)
	eq(t, "FormattedEndTime", j["FormattedEndTime"], nil)
	subs := j["SubJobs"].([]any)
	eq(t, "sub jobs", len(subs), 2)
	eq(t, "sub job keys", sortedKeys(subs[0].(map[string]any)), jobKeys())

	f.s.Advance(30 * time.Second)
	j = f.job(id)
	eq(t, "Status at 30%", j["Status"], any("InProgress"))
	eq(t, "progress at 30%", j["OverallProgressPercent"], any(30.0))
	eq(t, "StartTime", j["StartTime"], any("2026-03-01T12:00:02.000+00:00")) // after 2% of the duration
	subs = j["SubJobs"].([]any)
	eq(t, "sub 1", subs[0].(map[string]any)["Status"], any("InProgress"))
	eq(t, "sub 2", subs[1].(map[string]any)["Status"], any("NotStarted"))
	eq(t, "still no catalog", len(f.s.Catalogs()), 0)

	f.s.Advance(69 * time.Second)
	j = f.job(id)
	eq(t, "progress at 99%", j["OverallProgressPercent"], any(99.0))
	subs = j["SubJobs"].([]any)
	eq(t, "sub 1 done", subs[0].(map[string]any)["Status"], any("Complete"))
	eq(t, "sub 2 running", subs[1].(map[string]any)["Status"], any("InProgress"))

	f.s.Advance(time.Second)
	j = f.job(id)
	eq(t, "Status", j["Status"], any("Complete"))
	eq(t, "progress", j["OverallProgressPercent"], any(100.0))
	eq(t, "IsCancellable", j["IsCancellable"], any(false))
	eq(t, "EndTime", j["EndTime"], any("2026-03-01T12:01:40.000+00:00"))
	eq(t, "FormattedEndTime", j["FormattedEndTime"], any("2026-03-01T12:01:40.000+00:00"))
	cats := f.s.Catalogs()
	eq(t, "catalog created", len(cats), 1)
	eq(t, "ResultLocation", j["ResultLocation"], any("http://127.0.0.1:1/cvad/manage/MachineCatalogs/"+cats[0].ID))
	for _, s := range j["SubJobs"].([]any) {
		eq(t, "sub status", s.(map[string]any)["Status"], any("Complete"))
	}

	resp, b := f.call("GET", "/Jobs/"+id+"/Results", "")
	eq(t, "results status", resp.StatusCode, http.StatusSeeOther)
	eq(t, "results body", len(b), 0)
	eq(t, "results Location", resp.Header.Get("Location"), "http://127.0.0.1:1/cvad/manage/MachineCatalogs/"+cats[0].ID)
	snap, _ := f.s.Job(id)
	eq(t, "snapshot", [3]any{snap.Status, snap.Progress, snap.ResourceID}, [3]any{"Complete", 100, cats[0].ID})
	eq(t, "created once", f.s.Stats().CatalogsCreated, 1)

	list := items(t, f.want(200, "GET", "/Jobs", ""))
	eq(t, "GET /Jobs", len(list), 1)
	eq(t, "GET /Jobs item keys", sortedKeys(list[0]), jobKeys())
}

func TestProgressCurves(t *testing.T) {
	t.Parallel()
	at := []time.Duration{0, 10, 30, 60, 80, 99, 100} // seconds of a 100 s job
	for curve, want := range map[daastest.ProgressCurve][]any{
		daastest.ProgressLinear: {0.0, 10.0, 30.0, 60.0, 80.0, 99.0, 100.0},
		daastest.ProgressSteps:  {0.0, 0.0, 25.0, 50.0, 75.0, 75.0, 100.0},
		daastest.ProgressNone:   {nil, nil, nil, nil, nil, nil, nil},
	} {
		t.Run(curve.String(), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, daastest.WithProgress(curve), daastest.WithJobDuration(100*time.Second))
			id := f.startJob("GET", "/MachineCatalogs?async=true", "")
			var got []any
			var elapsed time.Duration
			for _, s := range at {
				f.s.Advance(s*time.Second - elapsed)
				elapsed = s * time.Second
				got = append(got, f.job(id)["OverallProgressPercent"])
			}
			eq(t, "progress", got, want)
		})
	}
}

func TestAsyncListResults(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithCatalogs(5), daastest.WithJobDuration(time.Minute))
	id := f.startJob("GET", "/MachineCatalogs?async=true", "")
	j := f.job(id)
	eq(t, "Type", j["Type"], any("GetMachineCatalogs"))
	eq(t, "Parameters", j["Parameters"], any([]any{}))
	eq(t, "no sub jobs", j["SubJobs"], any([]any{}))
	m := f.want(http.StatusBadRequest, "GET", "/Jobs/"+id+"/Results", "")
	eq(t, "not ready", errorBody(t, m, "invalidState")["status"], "NotStarted")

	// A catalog created while the job runs is in the results: they are
	// taken when the job completes.
	f.want(200, "POST", "/MachineCatalogs", `{"Name":"Late","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`)
	f.s.Advance(time.Minute)
	j = f.job(id)
	eq(t, "ResultLocation", j["ResultLocation"], any(f.s.URL+"/Jobs/"+id+"/Results"))
	m = f.want(200, "GET", "/Jobs/"+id+"/Results", "")
	eq(t, "keys", sortedKeys(m), []string{"ContinuationToken", "Items", "TotalItems"})
	eq(t, "items", len(items(t, m)), 6)
	eq(t, "ContinuationToken", m["ContinuationToken"], nil)
	eq(t, "item keys", sortedKeys(items(t, m)[0]), catalogKeys())

	// limit pages the results; so does WithResultPageSize. The page's
	// ContinuationToken belongs to the list: passed back to it with
	// async=true it starts a job for the next page, as Citrix's Terraform
	// provider does; passed to the sync list it reads the next page at once.
	id = f.startJob("GET", "/MachineCatalogs?async=true&limit=4&fields=Name", "")
	f.s.Advance(time.Minute)
	m = f.want(200, "GET", "/Jobs/"+id+"/Results", "")
	eq(t, "first page", len(items(t, m)), 4)
	eq(t, "fields", sortedKeys(items(t, m)[0]), []string{"Name"})
	tok := m["ContinuationToken"].(string)
	// Results has no continuationToken parameter in the spec: ignored.
	again := f.want(200, "GET", "/Jobs/"+id+"/Results?continuationToken="+tok, "")
	eq(t, "Results ignores continuationToken", again, m)
	next := f.startJob("GET", "/MachineCatalogs?async=true&limit=4&fields=Name&continuationToken="+tok, "")
	f.s.Advance(time.Minute)
	m = f.want(200, "GET", "/Jobs/"+next+"/Results", "")
	eq(t, "second page", len(items(t, m)), 2)
	eq(t, "last page", m["ContinuationToken"], nil)
	m = f.want(200, "GET", "/MachineCatalogs?limit=4&fields=Name&continuationToken="+tok, "")
	eq(t, "sync second page", len(items(t, m)), 2)
	m = f.want(400, "GET", "/MachineCatalogs?async=true&continuationToken=bad", "")
	errorBody(t, m, "invalidString")

	g := newFixture(t, daastest.WithCatalogs(5), daastest.WithResultPageSize(2), daastest.WithJobDuration(0))
	var names []string
	for tok := ""; ; {
		path := "/MachineCatalogs?async=true"
		if tok != "" {
			path += "&continuationToken=" + tok
		}
		m := g.want(200, "GET", "/Jobs/"+g.startJob("GET", path, "")+"/Results", "")
		for _, it := range items(t, m) {
			names = append(names, it["Name"].(string))
		}
		if m["ContinuationToken"] == nil {
			break
		}
		tok = m["ContinuationToken"].(string)
	}
	eq(t, "all pages", len(names), 5)
	eq(t, "list jobs", g.s.Count("GET /MachineCatalogs"), 3)
}

func TestAsyncGetUpdateDelete(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithCatalogs(2), daastest.WithJobDuration(10*time.Second))
	cats := f.s.Catalogs()

	get := f.startJob("GET", "/MachineCatalogs/"+cats[0].Name+"?async=true&fields=Id,Name", "")
	upd := f.startJob("PATCH", "/MachineCatalogs/"+cats[0].Name+"?async=true", `{"Name":"Renamed"}`)
	del := f.startJob("DELETE", "/MachineCatalogs/"+cats[1].ID+"?async=true&deleteVm=true", "")
	eq(t, "get params", f.job(get)["Parameters"], any([]any{map[string]any{"Name": "NameOrId", "Value": cats[0].Name}}))
	eq(t, "update params", f.job(upd)["Parameters"], any([]any{
		map[string]any{"Name": "Id", "Value": cats[0].ID}, map[string]any{"Name": "Name", "Value": cats[0].Name}}))
	eq(t, "delete type", f.job(del)["Type"], any("DeleteMachineCatalog"))
	eq(t, "nothing yet", f.s.Catalogs()[0].Name, cats[0].Name)
	eq(t, "nothing deleted yet", len(f.s.Catalogs()), 2)

	f.s.Advance(10 * time.Second)
	eq(t, "get Type", f.job(get)["Type"], any("GetMachineCatalogDetails"))
	m := f.want(200, "GET", "/Jobs/"+get+"/Results", "")
	eq(t, "get result", m, map[string]any{"Id": cats[0].ID, "Name": cats[0].Name})
	resp, _ := f.call("GET", "/Jobs/"+upd+"/Results", "")
	eq(t, "update 303", resp.StatusCode, http.StatusSeeOther)
	eq(t, "update Location", resp.Header.Get("Location"), f.s.URL+"/MachineCatalogs/"+cats[0].ID)
	resp, _ = f.call("GET", "/Jobs/"+del+"/Results", "")
	eq(t, "delete 303", resp.StatusCode, http.StatusSeeOther)
	eq(t, "delete Location", resp.Header.Get("Location"), f.s.URL+"/MachineCatalogs")
	after := f.s.Catalogs()
	eq(t, "after", len(after), 1)
	eq(t, "renamed", after[0].Name, "Renamed")
	st := f.s.Stats()
	eq(t, "effects", [2]int{st.CatalogsUpdated, st.CatalogsDeleted}, [2]int{1, 1})
}

func TestEffectsCheckedAtJobTime(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithCatalogs(2), daastest.WithJobDuration(10*time.Second))
	cats := f.s.Catalogs()
	body := `{"Name":"Twin","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`
	first := f.startJob("POST", "/MachineCatalogs?async=true", body)
	f.s.Advance(time.Second)
	second := f.startJob("POST", "/MachineCatalogs?async=true", body) // accepted: names are checked by the job
	upd := f.startJob("PATCH", "/MachineCatalogs/"+cats[0].ID+"?async=true", `{"Name":"`+cats[1].Name+`"}`)
	del := f.startJob("DELETE", "/MachineCatalogs/"+cats[1].ID+"?async=true", "")
	gone := f.startJob("PATCH", "/MachineCatalogs/"+cats[1].ID+"?async=true", `{"Description":"x"}`)
	f.s.Advance(5 * time.Second)
	f.want(204, "DELETE", "/MachineCatalogs/"+cats[1].ID, "") // gone before del and gone finish
	f.s.Advance(time.Minute)

	eq(t, "first", f.job(first)["Status"], any("Complete"))
	j := f.job(second)
	eq(t, "second", j["Status"], any("Failed"))
	eq(t, "second code", j["ErrorCode"], any("DuplicateObject"))
	eq(t, "second details", j["ErrorParameters"], any([]any{map[string]any{"Name": "ErrorDetails", "Value": "ErrorMessage : A machine catalog named 'Twin' already exists."}}))
	eq(t, "second sub 2", j["SubJobs"].([]any)[1].(map[string]any)["Status"], any("Failed"))
	eq(t, "second ResultLocation", j["ResultLocation"], nil)
	m := f.want(http.StatusBadRequest, "GET", "/Jobs/"+second+"/Results", "")
	eq(t, "failed results", errorBody(t, m, "invalidState")["status"], "Failed")
	// The rename's target was deleted before it ran: it succeeds.
	eq(t, "update", f.job(upd)["Status"], any("Complete"))
	eq(t, "delete of deleted", f.job(del)["ErrorCode"], any("ObjectNotFound"))
	eq(t, "update of deleted", f.job(gone)["Status"], any("Failed"))
	eq(t, "created once", f.s.Stats().CatalogsCreated, 1)
}

func TestOutcomes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithJobDuration(100*time.Second))
	create := func(name string) string {
		return f.startJob("POST", "/MachineCatalogs?async=true", `{"Name":"`+name+`","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`)
	}
	f.s.NextJob(daastest.Outcome{Status: "Failed", ErrorCode: "CommunicationError", ErrorString: "hypervisor unreachable"})
	f.s.NextJob(daastest.Outcome{Status: "CompleteWithWarning", ErrorString: "slow disk", Duration: 50 * time.Second})
	f.s.JobsMatching("CreateMachineCatalog", daastest.Outcome{NonTerminating: true, ErrorCode: "ServerTimeout"})
	f.s.JobsMatching("", daastest.Outcome{Status: "Canceled"})
	failed, warned, flaky := create("F"), create("W"), create("N")
	listed := f.startJob("GET", "/MachineCatalogs?async=true", "")

	f.s.Advance(50 * time.Second)
	j := f.job(flaky)
	eq(t, "non-terminating", j["Status"], any("NonTerminatingError"))
	eq(t, "non-terminating code", j["ErrorCode"], any("ServerTimeout"))
	if j["ErrorString"] == nil {
		t.Error("NonTerminatingError without ErrorString")
	}
	eq(t, "warned", f.job(warned)["Status"], any("CompleteWithWarning"))
	eq(t, "warned string", f.job(warned)["ErrorString"], any("slow disk"))

	f.s.Advance(50 * time.Second)
	j = f.job(failed)
	eq(t, "failed", j["Status"], any("Failed"))
	eq(t, "failed code", j["ErrorCode"], any("CommunicationError"))
	eq(t, "failed string", j["ErrorString"], any("hypervisor unreachable"))
	eq(t, "failed details", j["ErrorParameters"], any([]any{map[string]any{"Name": "ErrorDetails", "Value": "ErrorMessage : hypervisor unreachable"}}))
	eq(t, "failed progress", j["OverallProgressPercent"], any(99.0))
	eq(t, "flaky recovers", f.job(flaky)["Status"], any("Complete"))
	eq(t, "listed", f.job(listed)["Status"], any("Canceled"))

	var names []string
	for _, c := range f.s.Catalogs() {
		names = append(names, c.Name)
	}
	eq(t, "effects of warned and flaky only", names, []string{"W", "N"})
	eq(t, "canceled", f.s.Stats().JobsCanceled, 1)

	// A rate applies a rule to some jobs, the same ones for the same seed.
	pattern := func(seed int64) string {
		g := newFixture(t, daastest.WithSeed(seed), daastest.WithJobDuration(0))
		g.s.JobsMatching("", daastest.Outcome{Status: "Failed", Rate: 0.5})
		var out strings.Builder
		for range 20 {
			id := g.startJob("GET", "/MachineCatalogs?async=true", "")
			out.WriteString(g.job(id)["Status"].(string)[:1])
		}
		return out.String()
	}
	p := pattern(3)
	eq(t, "same seed, same jobs", pattern(3), p)
	if !strings.Contains(p, "F") || !strings.Contains(p, "C") {
		t.Errorf("rate 0.5 gave %s", p)
	}
	f.s.ClearOutcomes()
	id := f.startJob("GET", "/MachineCatalogs?async=true", "")
	f.s.Advance(100 * time.Second)
	eq(t, "after ClearOutcomes", f.job(id)["Status"], any("Complete"))
}

func TestCancelAndDeleteJobs(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithJobDuration(100*time.Second), daastest.WithTokenLifetime(24*time.Hour))
	body := `{"Name":"C","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`
	running := f.startJob("POST", "/MachineCatalogs?async=true", body)
	f.s.NextJob(daastest.Outcome{NotCancellable: true})
	stubborn := f.startJob("GET", "/MachineCatalogs?async=true", "")
	f.s.Advance(40 * time.Second)

	m := f.want(http.StatusConflict, "DELETE", "/Jobs/"+running, "")
	errorBody(t, m, "optimisticConcurrency")
	m = f.want(200, "POST", "/Jobs/"+running+"/$cancel", "")
	eq(t, "canceled", m["Status"], any("Canceled"))
	eq(t, "progress kept", m["OverallProgressPercent"], any(40.0))
	eq(t, "EndTime", m["EndTime"], any("2026-03-01T12:00:40.000+00:00"))
	eq(t, "IsCancellable", m["IsCancellable"], any(false))
	eq(t, "sub jobs", []any{m["SubJobs"].([]any)[0].(map[string]any)["Status"], m["SubJobs"].([]any)[1].(map[string]any)["Status"]},
		[]any{"Canceled", "Canceled"})
	m = f.want(200, "POST", "/Jobs/"+running+"/$cancel", "") // finished: allowed, unchanged
	eq(t, "cancel again", m["Status"], any("Canceled"))

	eq(t, "not cancellable", f.job(stubborn)["IsCancellable"], any(false))
	f.want(http.StatusConflict, "POST", "/Jobs/"+stubborn+"/$cancel", "")
	eq(t, "CancelJob overrides", f.s.CancelJob(stubborn), true)
	eq(t, "CancelJob on a finished job", f.s.CancelJob(stubborn), false)
	eq(t, "CancelJob on nothing", f.s.CancelJob("nope"), false)

	f.s.Advance(time.Hour)
	eq(t, "no effect", len(f.s.Catalogs()), 0)
	m = f.want(http.StatusBadRequest, "GET", "/Jobs/"+running+"/Results", "")
	eq(t, "canceled results", errorBody(t, m, "invalidState")["status"], "Canceled")
	st := f.s.Stats()
	eq(t, "counts", [2]int{st.JobsCanceled, st.CatalogsCreated}, [2]int{2, 0})

	resp, b := f.call("DELETE", "/Jobs/"+running, "")
	eq(t, "delete", resp.StatusCode, http.StatusNoContent)
	eq(t, "delete body", len(b), 0)
	f.want(http.StatusNotFound, "GET", "/Jobs/"+running, "")
	f.want(http.StatusNotFound, "DELETE", "/Jobs/"+running, "")
	_, ok := f.s.Job(running)
	eq(t, "Job() after delete", ok, false)
	eq(t, "list", len(items(t, f.want(200, "GET", "/Jobs", ""))), 1)
}

func TestRetention(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithJobDuration(time.Hour), daastest.WithTokenLifetime(100*time.Hour))
	a := f.startJob("GET", "/MachineCatalogs?async=true", "")
	f.s.Advance(30 * time.Minute)
	b := f.startJob("GET", "/MachineCatalogs?async=true", "")
	f.s.Advance(30*time.Minute + 48*time.Hour - time.Second) // a ended 48 h - 1 s ago
	f.job(a)
	f.s.Advance(time.Second)
	m := f.want(http.StatusNotFound, "GET", "/Jobs/"+a, "")
	eq(t, "404 body", errorBody(t, m, "notFound"), map[string]string{"entityType": "Job", "id": a})
	f.want(http.StatusNotFound, "GET", "/Jobs/"+a+"/Results", "")
	f.job(b)
	list := items(t, f.want(200, "GET", "/Jobs", ""))
	eq(t, "listed", len(list), 1)
	f.s.Advance(30 * time.Minute)
	f.want(http.StatusNotFound, "GET", "/Jobs/"+b, "")
	eq(t, "Jobs()", len(f.s.Jobs()), 0)

	g := newFixture(t, daastest.WithJobDuration(0), daastest.WithJobRetention(time.Minute))
	id := g.startJob("GET", "/MachineCatalogs?async=true", "")
	g.job(id)
	g.s.Advance(time.Minute)
	g.want(http.StatusNotFound, "GET", "/Jobs/"+id, "")
}

func TestJobDurations(t *testing.T) {
	t.Parallel()
	f := newFixture(t,
		daastest.WithJobDuration(time.Minute),
		daastest.WithJobDurationFor("GetMachineCatalogs", 5*time.Second),
	)
	f.s.NextJob(daastest.Outcome{Duration: 2 * time.Hour})
	long := f.startJob("GET", "/MachineCatalogs?async=true", "")
	short := f.startJob("GET", "/MachineCatalogs?async=true", "")
	create := f.startJob("POST", "/MachineCatalogs?async=true", `{"Name":"x","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`)
	var durations []time.Duration
	for _, id := range []string{long, short, create} {
		j, _ := f.s.Job(id)
		durations = append(durations, j.Duration)
	}
	eq(t, "durations", durations, []time.Duration{2 * time.Hour, 5 * time.Second, time.Minute})

	g := newFixture(t, daastest.WithJobDurationFunc(func(jobType string, n int) time.Duration {
		return time.Duration(n) * time.Second
	}))
	for range 3 {
		g.startJob("GET", "/MachineCatalogs?async=true", "")
	}
	durations = nil
	for _, j := range g.s.Jobs() {
		durations = append(durations, j.Duration)
	}
	eq(t, "func durations", durations, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second})
}

func TestTimeScale(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := epoch()
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	s := daastest.NewServer(daastest.WithoutListener(), daastest.WithClock(clock), daastest.WithTimeScale(60))
	t.Cleanup(s.Close)
	start := s.Now()
	eq(t, "start", start, epoch())
	mu.Lock()
	now = now.Add(1500 * time.Millisecond)
	mu.Unlock()
	eq(t, "scaled", s.Now().Sub(start), 90*time.Second)
	s.Advance(time.Hour)
	eq(t, "advanced", s.Now().Sub(start), time.Hour+90*time.Second)
}
