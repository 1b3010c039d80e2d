package daastest_test

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// zoneStore is a test's own state behind its registered Zones routes.
type zoneStore struct {
	mu    sync.Mutex
	zones map[string]string // id -> name
	next  int
}

func (z *zoneStore) names() []string {
	z.mu.Lock()
	defer z.mu.Unlock()
	var out []string
	for _, n := range z.zones {
		out = append(out, n)
	}
	return out
}

// register adds POST /Zones (sync, or a CreateZone job whose results
// redirect to the zone) and GET /Zones/{id}.
func (z *zoneStore) register(s *daastest.Server) {
	z.zones = map[string]string{}
	s.Handle("POST /Zones", func(c *daastest.Call) daastest.Reply {
		var in struct{ Name string }
		if err := c.DecodeJSON(&in); err != nil || in.Name == "" {
			return daastest.ErrorReply(http.StatusBadRequest, "missing", "The Name property is required", "name", "Name")
		}
		z.mu.Lock()
		z.next++
		id := "zone-" + string(rune('0'+z.next))
		z.mu.Unlock()
		create := func() error {
			z.mu.Lock()
			defer z.mu.Unlock()
			for _, n := range z.zones {
				if n == in.Name {
					return &daastest.JobFailure{Code: "DuplicateObject", Message: "A zone named '" + in.Name + "' already exists."}
				}
			}
			z.zones[id] = in.Name
			return nil
		}
		if !c.Async() {
			if err := create(); err != nil {
				return daastest.ErrorReply(http.StatusConflict, "duplicate", err.Error())
			}
			return daastest.Reply{Status: http.StatusCreated, Body: map[string]string{"Id": id, "Name": in.Name}}
		}
		return daastest.Reply{Job: &daastest.JobSpec{
			Type:       "CreateZone",
			Parameters: []daastest.NameValue{{Name: "Name", Value: in.Name}},
			ResultPath: "/Zones/" + id,
			OnComplete: create,
		}}
	})
	s.Handle("GET /Zones/{id}", func(c *daastest.Call) daastest.Reply {
		z.mu.Lock()
		defer z.mu.Unlock()
		name, ok := z.zones[c.PathValue("id")]
		if !ok {
			return daastest.ErrorReply(http.StatusNotFound, "notFound", "Zone not found", "id", c.PathValue("id"))
		}
		return daastest.Reply{Body: map[string]string{"Id": c.PathValue("id"), "Name": name}}
	})
}

type zone struct {
	ID   string `json:"Id"`
	Name string
}

func TestRegisteredJobOnServiceTime(t *testing.T) {
	f := newFixture(t, daastest.WithJobDurationFor("CreateZone", 10*time.Minute), daastest.WithProgress(daastest.ProgressSteps))
	var z zoneStore
	z.register(f.s)

	id := f.startJob("POST", "/Zones?async=true", `{"Name":"Paris"}`)
	job := f.job(id)
	eq(t, "Type", job["Type"], any("CreateZone"))
	eq(t, "Parameters", job["Parameters"], any([]any{map[string]any{"Name": "Name", "Value": "Paris"}}))
	f.s.Advance(6 * time.Minute)
	job = f.job(id)
	eq(t, "Status mid-run", job["Status"], any("InProgress"))
	eq(t, "progress mid-run", job["OverallProgressPercent"], any(50.0))
	eq(t, "zones mid-run", len(z.names()), 0) // the effect waits for the end
	f.want(http.StatusBadRequest, "GET", "/Jobs/"+id+"/Results", "")

	f.s.Advance(4 * time.Minute)
	job = f.job(id)
	eq(t, "Status", job["Status"], any("Complete"))
	eq(t, "ResultLocation", job["ResultLocation"], any(f.s.URL+"/Zones/zone-1"))
	eq(t, "zones", z.names(), []string{"Paris"})
	resp, _ := f.call("GET", "/Jobs/"+id+"/Results", "")
	eq(t, "Results status", resp.StatusCode, http.StatusSeeOther)
	eq(t, "Results Location", resp.Header.Get("Location"), f.s.URL+"/Zones/zone-1")
	eq(t, "JobsCreated", f.s.Stats().JobsCreated, 1)
	eq(t, "Count", f.s.Count("POST /Zones"), 1)
}

func TestRegisteredJobResultBody(t *testing.T) {
	f := newFixture(t, daastest.WithJobDuration(0))
	f.s.Handle("GET /Zones", func(c *daastest.Call) daastest.Reply {
		items := map[string]any{"Items": []map[string]string{{"Name": "Paris"}, {"Name": "Lyon"}}}
		if !c.Async() {
			return daastest.Reply{Body: items}
		}
		return daastest.Reply{Job: &daastest.JobSpec{Type: "GetZones", Result: items}}
	})
	f.s.Handle("POST /Zones/$noop", func(*daastest.Call) daastest.Reply {
		return daastest.Reply{Job: &daastest.JobSpec{}}
	})
	id := f.startJob("GET", "/Zones?async=true", "")
	got := f.want(http.StatusOK, "GET", "/Jobs/"+id+"/Results", "")
	eq(t, "result", len(items(t, got)), 2)
	eq(t, "ResultLocation", f.job(id)["ResultLocation"], any(f.s.URL+"/Jobs/"+id+"/Results"))

	id = f.startJob("POST", "/Zones/$noop", "")
	eq(t, "Type", f.job(id)["Type"], any("Unknown"))
	resp, body := f.call("GET", "/Jobs/"+id+"/Results", "")
	eq(t, "empty result", resp.StatusCode, http.StatusOK)
	eq(t, "empty result body", string(body), "null")
}

func TestRegisteredJobFails(t *testing.T) {
	f := newFixture(t, daastest.WithJobDuration(time.Minute))
	var z zoneStore
	z.register(f.s)

	// An Outcome for the job type: Failed, so no effect.
	f.s.JobsMatching("CreateZone", daastest.Outcome{Status: "Failed", ErrorCode: "PermissionDenied", ErrorString: "No."})
	id := f.startJob("POST", "/Zones?async=true", `{"Name":"Paris"}`)
	f.s.Advance(time.Minute)
	snap, _ := f.s.Job(id)
	eq(t, "status", snap.Status, "Failed")
	eq(t, "code", snap.ErrorCode, "PermissionDenied")
	eq(t, "zones after a failed job", len(z.names()), 0)
	f.want(http.StatusBadRequest, "GET", "/Jobs/"+id+"/Results", "")
	f.s.ClearOutcomes()

	// The effect itself fails the job.
	f.want(http.StatusCreated, "POST", "/Zones", `{"Name":"Lyon"}`)
	id = f.startJob("POST", "/Zones?async=true", `{"Name":"Lyon"}`)
	f.s.Advance(time.Minute)
	snap, _ = f.s.Job(id)
	eq(t, "status", snap.Status, "Failed")
	eq(t, "code", snap.ErrorCode, "DuplicateObject")
	eq(t, "message", snap.ErrorString, "A zone named 'Lyon' already exists.")

	// A plain error: UnknownError with its text.
	f.s.Handle("POST /Zones/$broken", func(*daastest.Call) daastest.Reply {
		return daastest.Reply{Job: &daastest.JobSpec{Type: "EditZone", OnComplete: func() error { return errors.New("disk full") }}}
	})
	id = f.startJob("POST", "/Zones/$broken", "")
	f.s.Advance(time.Minute)
	snap, _ = f.s.Job(id)
	eq(t, "status", snap.Status, "Failed")
	eq(t, "code", snap.ErrorCode, "UnknownError")
	eq(t, "message", snap.ErrorString, "disk full")

	// Cancel: no effect either.
	id = f.startJob("POST", "/Zones?async=true", `{"Name":"Nice"}`)
	f.want(http.StatusOK, "POST", "/Jobs/"+id+"/$cancel", "")
	f.s.Advance(time.Minute)
	eq(t, "zones", len(z.names()), 1)
}

// TestStartJobOnRegisteredRoute drives a registered job with the SDK's
// StartJob inside a synctest bubble: a 30-minute job, no real wait.
func TestStartJobOnRegisteredRoute(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(daastest.WithoutListener(), daastest.WithJobDurationFor("CreateZone", 30*time.Minute))
		defer s.Close()
		var z zoneStore
		z.register(s)
		c := s.Client()

		start := time.Now()
		job, err := daas.StartJob[zone](t.Context(), c, "POST", "Zones", map[string]string{"Name": "Paris"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := job.Wait(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "zone", got, zone{ID: "zone-1", Name: "Paris"})
		if d := time.Since(start); d < 30*time.Minute {
			t.Errorf("job took %v of bubble time, want at least 30m", d)
		}

		s.NextJob(daastest.Outcome{Status: "Failed", ErrorCode: "UnknownError", ErrorString: "Hypervisor unreachable"})
		job, err = daas.StartJob[zone](t.Context(), c, "POST", "Zones", map[string]string{"Name": "Lyon"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = job.Wait(t.Context())
		var je *daas.JobError
		if !errors.As(err, &je) || !errors.Is(err, daas.ErrJobFailed) {
			t.Fatalf("Wait: %v, want a *daas.JobError matching ErrJobFailed", err)
		}
		eq(t, "job type", je.Type, "CreateZone")
		eq(t, "zones", z.names(), []string{"Paris"})
	})
}

// TestRegisteredJobTimeScale runs a registered job on a scaled clock over
// TCP: a one-hour job finishes in about 36 ms of real time.
func TestRegisteredJobTimeScale(t *testing.T) {
	s := daastest.NewServer(daastest.WithTimeScale(100000), daastest.WithJobDuration(time.Hour))
	t.Cleanup(s.Close)
	var z zoneStore
	z.register(s)
	job, err := daas.StartJob[zone](t.Context(), s.Client(), "POST", "Zones", map[string]string{"Name": "Paris"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := job.Wait(t.Context(), daas.PollInterval(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "zone", got.Name, "Paris")
	eq(t, "job created", s.Stats().JobsCreated, 1)
	if s.Count("GET /Zones/{id}") != 1 {
		t.Errorf("the 303 was followed %d times, want 1", s.Count("GET /Zones/{id}"))
	}
}
