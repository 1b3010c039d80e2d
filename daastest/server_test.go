package daastest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/daaskit/daas/daastest"
)

func TestListenerAndTLS(t *testing.T) {
	t.Parallel()
	for _, tls := range []bool{false, true} {
		t.Run(fmt.Sprint("tls=", tls), func(t *testing.T) {
			t.Parallel()
			opts := []daastest.Option{daastest.WithClock(epoch), daastest.WithJobDuration(0)}
			if tls {
				opts = append(opts, daastest.WithTLS())
			}
			s := daastest.NewServer(opts...)
			t.Cleanup(s.Close)
			scheme := "http://127.0.0.1:"
			if tls {
				scheme = "https://127.0.0.1:"
			}
			if !strings.HasPrefix(s.URL, scheme) || !strings.HasSuffix(s.URL, "/cvad/manage") {
				t.Fatalf("URL %q", s.URL)
			}
			eq(t, "TokenURL", s.TokenURL, strings.TrimSuffix(s.URL, "/cvad/manage")+"/cctrustoauth2/"+s.CustomerID+"/tokens/clients")

			// Over the network and in process, the answers are the same.
			for name, hc := range map[string]*http.Client{
				"network":   s.HTTPClient(),
				"in memory": {Transport: s.Transport(), CheckRedirect: s.HTTPClient().CheckRedirect},
			} {
				f := &fixture{t: t, s: s, hc: hc}
				f.token = f.fetchToken(s.ClientID, s.ClientSecret)
				id := f.startJob("POST", "/MachineCatalogs?async=true", `{"Name":"`+name+`","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`)
				resp, _ := f.call("GET", "/Jobs/"+id+"/Results", "")
				eq(t, name+": 303", resp.StatusCode, http.StatusSeeOther)
				if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, s.URL+"/MachineCatalogs/") {
					t.Errorf("%s: Location %q", name, loc)
				}
			}
			eq(t, "catalogs", len(s.Catalogs()), 2)
		})
	}
}

func TestResetFaultsOverTheNetwork(t *testing.T) {
	t.Parallel()
	s := daastest.NewServer(daastest.WithCatalogs(1))
	t.Cleanup(s.Close)
	// A client that does not retry on its own: net/http's transport
	// replays idempotent requests whose reused connection broke.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	f := &fixture{t: t, s: s, hc: hc}
	f.token = f.fetchToken(s.ClientID, s.ClientSecret)

	body := `{"Name":"Net","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`
	for _, mode := range []daastest.ResetMode{daastest.ResetBeforeHandler, daastest.ResetAfterHandler} {
		s.InjectFault(daastest.Fault{Route: "POST /MachineCatalogs", Count: 1, Reset: mode})
		resp, err := hc.Do(f.request("POST", "/MachineCatalogs", body))
		if err == nil {
			resp.Body.Close()
			t.Fatalf("reset %d: got a %d response", mode, resp.StatusCode)
		}
	}
	eq(t, "created by the reset-after request only", s.Stats().CatalogsCreated, 1)
	f.want(200, "GET", "/MachineCatalogs/Net", "")
}

func TestWithListener(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := daastest.NewServer(daastest.WithListener(l))
	t.Cleanup(s.Close)
	eq(t, "origin", s.URL, "http://"+l.Addr().String()+"/cvad/manage")
	f := &fixture{t: t, s: s, hc: s.HTTPClient()}
	f.token = f.fetchToken(s.ClientID, s.ClientSecret)
	f.want(200, "GET", "/me", "")
}

func TestHandlerMounted(t *testing.T) {
	t.Parallel()
	s := daastest.NewServer(daastest.WithoutListener(), daastest.WithJobDuration(time.Hour))
	t.Cleanup(s.Close)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	f := &fixture{t: t, s: s, hc: ts.Client()}
	// The server's own URLs name the in-memory origin; talk to ts instead.
	tokenURL := ts.URL + "/cctrustoauth2/" + s.CustomerID + "/tokens/clients"
	resp, b := f.form(tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {s.ClientID}, "client_secret": {s.ClientSecret}})
	eq(t, "token", resp.StatusCode, 200)
	f.token = object(t, b)["access_token"].(string)
	req := f.request("GET", "/MachineCatalogs?async=true", "")
	req.URL, _ = url.Parse(ts.URL + "/cvad/manage/MachineCatalogs?async=true")
	req.Host = ""
	resp, _ = f.do(req)
	eq(t, "202", resp.StatusCode, 202)
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, ts.URL+"/cvad/manage/Jobs/") {
		t.Errorf("Location %q does not use the request's host", loc)
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithRequestLogLimit(3))
	req := f.request("PATCH", "/MachineCatalogs/Folder%7CName?async=true", `{"Description":"x"}`)
	req.Header.Set("X-AdminCredential", "Basic c2VjcmV0")
	f.do(req)
	f.call("GET", "/me", "")

	log := f.s.Requests()
	eq(t, "entries", len(log), 3)
	tok := log[0]
	eq(t, "token route", tok.Route, "POST /tokens")
	if strings.Contains(string(tok.Body), f.s.ClientSecret) || !strings.Contains(string(tok.Body), "client_secret=REDACTED") {
		t.Errorf("token body not redacted: %s", tok.Body)
	}
	p := log[1]
	eq(t, "method", p.Method, "PATCH")
	eq(t, "path", p.Path, "/cvad/manage/MachineCatalogs/Folder|Name")
	eq(t, "route", p.Route, "PATCH /MachineCatalogs/{nameOrId}")
	eq(t, "query", p.Query.Get("async"), "true")
	eq(t, "status", p.Status, 404)
	eq(t, "authorization", p.Header.Get("Authorization"), "CWSAuth bearer=REDACTED")
	eq(t, "admin credential", p.Header.Get("X-AdminCredential"), "REDACTED")
	eq(t, "body", string(p.Body), `{"Description":"x"}`)
	eq(t, "time", p.Time, epoch())

	f.call("GET", "/Jobs", "")
	log = f.s.Requests()
	eq(t, "ring", []string{log[0].Route, log[1].Route, log[2].Route}, []string{"PATCH /MachineCatalogs/{nameOrId}", "GET /me", "GET /Jobs"})
	eq(t, "counters are exact", f.s.Stats().Requests, 4)
	eq(t, "ByRoute", f.s.Stats().ByRoute, map[string]int{"POST /tokens": 1, "PATCH /MachineCatalogs/{nameOrId}": 1, "GET /me": 1, "GET /Jobs": 1})
	// 15 site, catalog and job routes, 16 machine routes (TestMachineRoutes), 9 delivery group routes, $batch
	// and 39 of the hand-modelled families (6 connection, 5 pool, 4 image definition, 6 image version,
	// 6 session, 6 zone and 6 admin folder routes).
	eq(t, "routes", len(daastest.Routes()), 80)
	for _, r := range daastest.Routes() {
		f.s.Count(r) // every key is accepted
	}

	f.s.ResetStats()
	eq(t, "after reset", f.s.Stats().Requests, 0)
	eq(t, "log after reset", len(f.s.Requests()), 0)
	eq(t, "state kept", f.s.Count("GET /me"), 0)
	f.want(200, "GET", "/me", "") // the token is still valid
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s := daastest.NewServer(daastest.WithoutListener(), daastest.WithCatalogs(20), daastest.WithJobDuration(0), daastest.WithSeed(9))
	t.Cleanup(s.Close)
	s.InjectFault(daastest.Fault{Route: "GET /Jobs/{id}", Rate: 0.1, Status: 503})
	f := &fixture{t: t, s: s, hc: s.HTTPClient()}
	f.token = f.fetchToken(s.ClientID, s.ClientSecret)

	const workers, each = 16, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				name := fmt.Sprintf("c-%d-%d", w, i)
				req := f.request("POST", "/MachineCatalogs?async=true", `{"Name":"`+name+`","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`)
				resp, err := f.hc.Do(req)
				if err != nil {
					errs <- err
					continue
				}
				resp.Body.Close()
				loc := resp.Header.Get("Location")
				for {
					resp, err := f.hc.Do(f.request("GET", strings.TrimPrefix(loc, s.URL), ""))
					if err != nil {
						errs <- err
						break
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode == 200 {
						break
					}
				}
				if i%3 == 0 {
					s.Stats()
					s.Catalogs()
					s.Requests()
					s.Advance(time.Second)
				}
				resp, err = f.hc.Do(f.request("GET", "/MachineCatalogs?limit=5", ""))
				if err == nil {
					resp.Body.Close()
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := s.Stats()
	eq(t, "jobs", st.JobsCreated, workers*each)
	eq(t, "catalogs created", st.CatalogsCreated, workers*each)
	eq(t, "catalogs", len(s.Catalogs()), 20+workers*each)
}

// TestInsideSynctest shows the fake inside a testing/synctest bubble: no
// listener, time.Now is the bubble's fake clock, and sleeping a job's
// duration costs no real time.
func TestInsideSynctest(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(daastest.WithoutListener(), daastest.WithJobDuration(30*time.Minute), daastest.WithCatalogs(3))
		defer s.Close()
		f := &fixture{t: t, s: s, hc: s.HTTPClient()}
		f.token = f.fetchToken(s.ClientID, s.ClientSecret)
		id := f.startJob("GET", "/MachineCatalogs?async=true", "")
		time.Sleep(10 * time.Minute)
		eq(t, "progress", f.job(id)["OverallProgressPercent"], any(33.0))
		time.Sleep(20 * time.Minute)
		eq(t, "status", f.job(id)["Status"], any("Complete"))
		eq(t, "results", len(items(t, f.want(200, "GET", "/Jobs/"+id+"/Results", ""))), 3)

		// Latency faults use the bubble's timers too.
		s.InjectFault(daastest.Fault{Route: "GET /me", Count: 1, Latency: time.Minute})
		start := time.Now()
		f.want(200, "GET", "/me", "")
		eq(t, "latency", time.Since(start), time.Minute)

		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		s.InjectFault(daastest.Fault{Route: "GET /me", Count: 1, Latency: time.Minute})
		_, err := f.hc.Do(f.request("GET", "/me", "").WithContext(ctx))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestInvalidOptionsPanic(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]daastest.Option{
		"scale":          daastest.WithTimeScale(0),
		"duration":       daastest.WithJobDuration(-time.Second),
		"retention":      daastest.WithJobRetention(0),
		"page size":      daastest.WithResultPageSize(0),
		"token lifetime": daastest.WithTokenLifetime(0),
		"catalog enum":   daastest.WithCatalog(daastest.Catalog{Name: "x", SessionSupport: "Lots"}),
		"catalog name":   daastest.WithCatalog(daastest.Catalog{}),
		"counts":         daastest.WithCatalog(daastest.Catalog{Name: "x", TotalCount: 1, AssignedCount: 2}),
		"sites":          daastest.WithSites(),
		"progress":       daastest.WithProgress(daastest.ProgressCurve(9)),
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			daastest.NewServer(daastest.WithoutListener(), opt).Close()
		}()
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "exists already") {
				t.Errorf("duplicate catalog: %v", r)
			}
		}()
		daastest.NewServer(daastest.WithoutListener(), daastest.WithCatalogs(1), daastest.WithCatalog(daastest.Catalog{Name: "win11-pooled-001"})).Close()
	}()
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Error("invalid outcome: no panic")
			}
		}()
		s := daastest.NewServer(daastest.WithoutListener())
		defer s.Close()
		s.NextJob(daastest.Outcome{Status: "Exploded"})
	}()
}

// Header keys set by map assignment, not in canonical form (as generated
// clients set them), are read through the in-memory transport as a server
// reading the wire reads them.
func TestTransportCanonicalizesHeaderKeys(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.request("POST", "/MachineCatalogs", `{"Name":"Raw","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`)
	for _, k := range []string{"Authorization", "Citrix-CustomerId", "Citrix-InstanceId", "Accept", "Content-Type"} {
		v := req.Header.Get(k)
		req.Header.Del(k)
		switch k {
		case "Citrix-CustomerId":
			req.Header["Citrix-CustomerId"] = []string{v}
		case "Citrix-InstanceId":
			req.Header["citrix-instanceid"] = []string{v}
		case "Content-Type":
			req.Header["content-type"] = []string{"application/json"}
		default:
			req.Header[strings.ToUpper(k)] = []string{v}
		}
	}
	resp, b := f.do(req)
	eq(t, "status", resp.StatusCode, http.StatusOK)
	eq(t, "created", object(t, b)["Name"], any("Raw"))
}

// DELETE of an unknown job is a 404 without a body, as the spec has it.
func TestDeleteUnknownJobHasNoBody(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	resp, b := f.call("DELETE", "/Jobs/5e1a2b3c-0000-4000-8000-000000000000", "")
	eq(t, "status", resp.StatusCode, http.StatusNotFound)
	eq(t, "body", string(b), "")
}

// countingWriter notes, when the answer starts, how many requests the
// server had counted.
type countingWriter struct {
	*httptest.ResponseRecorder
	s       *daastest.Server
	counted int
}

func (w *countingWriter) WriteHeader(code int) {
	w.counted = w.s.Stats().Requests
	w.ResponseRecorder.WriteHeader(code)
}

// A request is counted (and logged) before its answer goes out, so a
// client that has its answer sees it in Count, Stats and Requests.
func TestRequestCountedBeforeTheAnswer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	before := f.s.Stats().Requests
	w := &countingWriter{ResponseRecorder: httptest.NewRecorder(), s: f.s}
	f.s.Handler().ServeHTTP(w, f.request("GET", "/MachineCatalogs", ""))
	eq(t, "status", w.Code, http.StatusOK)
	eq(t, "counted when the answer started", w.counted, before+1)
}
