package daastest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/daaskit/daas/daastest"
)

// zoneHandler serves GET /Zones/{nameOrId} from a fixed set of zones and
// counts its calls.
func zoneHandler(calls *atomic.Int32) daastest.RouteHandler {
	return func(c *daastest.Call) daastest.Reply {
		calls.Add(1)
		name := c.PathValue("nameOrId")
		if name != "Paris" {
			return daastest.ErrorReply(http.StatusNotFound, "notFound", "Zone '"+name+"' was not found", "entityType", "Zone", "id", name)
		}
		return daastest.Reply{Body: map[string]any{
			"Name": name, "Fields": c.Query.Get("fields"), "Client": c.ClientID, "Site": c.SiteID, "Route": c.Route,
		}}
	}
}

func TestHandleSyncRoute(t *testing.T) {
	f := newFixture(t)
	var calls atomic.Int32
	f.s.Handle("GET /Zones/{nameOrId}", zoneHandler(&calls))

	got := f.want(http.StatusOK, "GET", "/zones/Paris?fields=Name", "")
	eq(t, "reply", got, map[string]any{
		"Name": "Paris", "Fields": "Name", "Client": f.s.ClientID, "Site": f.s.SiteID, "Route": "GET /Zones/{nameOrId}",
	})
	params := errorBody(t, f.want(http.StatusNotFound, "GET", "/Zones/Lyon", ""), "notFound")
	eq(t, "error params", params, map[string]string{"entityType": "Zone", "id": "Lyon"})

	// The fake's checks come first: the handler never sees these.
	req := f.request("GET", "/Zones/Paris", "")
	req.Header.Del("Authorization")
	resp, _ := f.do(req)
	eq(t, "status without token", resp.StatusCode, http.StatusUnauthorized)
	req = f.request("GET", "/Zones/Paris", "")
	req.Header.Del("Citrix-InstanceId")
	resp, _ = f.do(req)
	eq(t, "status without site", resp.StatusCode, http.StatusBadRequest)
	f.want(http.StatusMethodNotAllowed, "PUT", "/Zones/Paris", "")
	eq(t, "handler calls", calls.Load(), int32(2))

	eq(t, "Count", f.s.Count("GET /Zones/{nameOrId}"), 4)
	eq(t, "ByRoute", f.s.Stats().ByRoute["GET /Zones/{nameOrId}"], 4)
	log := f.s.Requests()
	last := log[len(log)-2] // the one before the 405
	eq(t, "logged route", last.Route, "GET /Zones/{nameOrId}")
	eq(t, "logged status", last.Status, http.StatusBadRequest)
}

func TestHandleDuplicateRoutePanics(t *testing.T) {
	s := daastest.NewServer(daastest.WithoutListener())
	t.Cleanup(s.Close)
	noop := func(*daastest.Call) daastest.Reply { return daastest.Reply{} }
	s.Handle("GET /Zones/{id}", noop)
	for _, key := range []string{
		"GET /Zones/{id}",
		"GET /zones/{nameOrId}/", // same pattern, other case and name
		"POST /tokens",           // the token endpoint's key
		"GET Zones", "get /Zones", "GET /", "GET /a//b", "GET /a/{b}/{b}", "GET /a{b}", "GET /cvad/manage",
	} {
		func() {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, "daastest: Handle(") {
					t.Errorf("Handle(%q): panic %v, want a daastest: Handle message", key, r)
				}
			}()
			s.Handle(key, noop)
		}()
	}
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Error("Handle with a nil handler did not panic")
			}
		}()
		s.Handle("GET /Other", nil)
	}()
	// Other methods and longer patterns on a known path are new routes.
	s.Handle("DELETE /Zones/{id}", noop)
	s.Handle("GET /MachineCatalogs/{nameOrId}/Tags", noop)

	defer func() {
		if r := recover(); r == nil {
			t.Error("WithRoute twice on one route did not panic")
		}
	}()
	daastest.NewServer(daastest.WithoutListener(), daastest.WithRoute("GET /Jobs", noop), daastest.WithRoute("GET /jobs", noop))
}

func TestCountAndFaultRouteNeedRegistration(t *testing.T) {
	f := newFixture(t)
	mustPanic(t, "Count before Handle", func() { f.s.Count("GET /Widgets") })
	mustPanic(t, "InjectFault before Handle", func() { f.s.InjectFault(daastest.Fault{Route: "GET /Widgets", Status: 503}) })
	f.s.Handle("GET /Widgets", func(*daastest.Call) daastest.Reply { return daastest.Reply{Body: []int{}} })
	eq(t, "Count after Handle", f.s.Count("GET /Widgets"), 0)
}

func mustPanic(t *testing.T, what string, fn func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	fn()
}

func TestFaultsOnRegisteredRoute(t *testing.T) {
	f := newFixture(t)
	var created atomic.Int32
	f.s.Handle("POST /Zones", func(c *daastest.Call) daastest.Reply {
		created.Add(1)
		return daastest.Reply{Status: http.StatusCreated, Body: map[string]string{"Id": "z1"}}
	})
	f.s.InjectFault(daastest.Fault{Route: "POST /Zones", Count: 1, Status: http.StatusTooManyRequests, RetryDelay: 3})
	f.s.InjectFault(daastest.Fault{Route: "POST /Zones", Count: 1, Reset: daastest.ResetAfterHandler})
	f.s.InjectFault(daastest.Fault{Route: "POST /Zones", Count: 1, Reset: daastest.ResetBeforeHandler})

	params := errorBody(t, f.want(http.StatusTooManyRequests, "POST", "/Zones", `{}`), "rateLimitExceeded")
	eq(t, "retryDelay", params["retryDelay"], "3")
	eq(t, "handler calls after 429", created.Load(), int32(0))

	_, err := f.hc.Do(f.request("POST", "/Zones", `{}`))
	if err == nil {
		t.Fatal("ResetAfterHandler: no error")
	}
	eq(t, "handler calls after the reset after it", created.Load(), int32(1))
	_, err = f.hc.Do(f.request("POST", "/Zones", `{}`))
	if err == nil {
		t.Fatal("ResetBeforeHandler: no error")
	}
	eq(t, "handler calls after the reset before it", created.Load(), int32(1))

	f.want(http.StatusCreated, "POST", "/Zones", `{}`)
	st := f.s.Stats()
	eq(t, "ByRoute", st.ByRoute["POST /Zones"], 4)
	eq(t, "Faults", st.Faults, 3)
}

// TestHandleWhileServing registers routes while other goroutines use them;
// run with -race.
func TestHandleWhileServing(t *testing.T) {
	f := newFixture(t)
	f.s.Handle("GET /Zones", func(*daastest.Call) daastest.Reply { return daastest.Reply{Body: []int{}} })
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 25 {
				if g == 0 {
					f.s.Handle(fmt.Sprintf("GET /Things%d", i), func(*daastest.Call) daastest.Reply { return daastest.Reply{} })
					continue
				}
				resp, err := f.hc.Do(f.request("GET", "/Zones", ""))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("status %d", resp.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	eq(t, "Count", f.s.Count("GET /Zones"), 75)
	f.want(http.StatusOK, "GET", "/Things24", "")
}

func TestWithRouteOverTCP(t *testing.T) {
	s := daastest.NewServer(daastest.WithRoute("GET /Zones", func(c *daastest.Call) daastest.Reply {
		return daastest.Reply{Body: map[string]any{"Items": []map[string]string{{"Name": "Paris"}}}}
	}))
	t.Cleanup(s.Close)
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/Zones", nil)
	req.Header.Set("Authorization", "CWSAuth bearer="+s.IssueToken())
	req.Header.Set("Citrix-CustomerId", s.CustomerID)
	req.Header.Set("Citrix-InstanceId", s.SiteID)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req) // a real socket, not the in-memory transport
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct{ Items []struct{ Name string } }
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	eq(t, "status", resp.StatusCode, http.StatusOK)
	eq(t, "zone", page.Items[0].Name, "Paris")
	eq(t, "Count", s.Count("GET /Zones"), 1)
}
