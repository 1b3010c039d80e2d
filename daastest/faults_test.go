package daastest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

func TestStatusFaults(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithCatalogs(1))
	f.s.InjectFault(daastest.Fault{Route: "GET /Jobs", Count: 1, Status: 503, RetryDelay: 4, RetryAfter: "4"})
	f.s.InjectFault(daastest.Fault{Route: "GET /Jobs", Count: 1, Status: 429, RetryDelay: 2})
	f.s.InjectFault(daastest.Fault{Route: "GET /Jobs", Count: 1, Status: 502})
	f.s.InjectFault(daastest.Fault{Route: "GET /Jobs", Count: 1, Status: 500})
	f.s.InjectFault(daastest.Fault{Route: "GET /Jobs", Count: 1, Status: 429})

	req := f.request("GET", "/Jobs", "")
	req.Header.Set("Citrix-TransactionId", "t-1")
	resp, b := f.do(req)
	eq(t, "503", resp.StatusCode, 503)
	eq(t, "503 Retry-After", resp.Header.Get("Retry-After"), "4")
	eq(t, "503 transaction id", resp.Header.Get("Citrix-TransactionId"), "t-1")
	m := object(t, b)
	eq(t, "503 body", errorBody(t, m, "serviceUnavailable"), map[string]string{"retryDelay": "4"})
	eq(t, "503 detail", m["detail"], any("Service is unavailable; try again in 4 seconds"))

	resp, b = f.call("GET", "/Jobs", "")
	eq(t, "429", resp.StatusCode, 429)
	eq(t, "429 no Retry-After", resp.Header.Get("Retry-After"), "")
	m = object(t, b)
	eq(t, "429 body", errorBody(t, m, "rateLimitExceeded"), map[string]string{"retryDelay": "2"})
	eq(t, "429 detail", m["detail"], any("Rate limit exceeded; try again in 2 seconds"))

	resp, b = f.call("GET", "/Jobs", "")
	eq(t, "502", resp.StatusCode, 502)
	eq(t, "502 has no transaction id", resp.Header.Get("Citrix-TransactionId"), "")
	eq(t, "502 content type", resp.Header.Get("Content-Type"), "text/html")
	if !strings.Contains(string(b), "502 Bad Gateway") {
		t.Errorf("502 body %q", b)
	}

	resp, b = f.call("GET", "/Jobs", "")
	eq(t, "500", resp.StatusCode, 500)
	eq(t, "500 body", object(t, b)["message"], any("Internal server error"))

	resp, b = f.call("GET", "/Jobs", "")
	eq(t, "429 without delay", resp.StatusCode, 429)
	eq(t, "429 without delay body", errorBody(t, object(t, b), "rateLimitExceeded"), map[string]string{})

	resp, _ = f.call("GET", "/Jobs", "")
	eq(t, "faults used up", resp.StatusCode, 200)
	f.want(200, "GET", "/MachineCatalogs", "") // other routes were never hit

	st := f.s.Stats()
	eq(t, "Faults", st.Faults, 5)
	eq(t, "ByStatus", st.ByStatus, map[int]int{200: 3, 429: 2, 500: 1, 502: 1, 503: 1})
	eq(t, "Count", f.s.Count("GET /Jobs"), 6)
	var faulted []bool
	for _, r := range f.s.Requests() {
		faulted = append(faulted, r.Faulted)
	}
	eq(t, "Faulted", faulted, []bool{false, true, true, true, true, true, false, false})
}

func TestFaultOnEveryRoute(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.s.InjectFault(daastest.Fault{Status: 503})
	for _, path := range []string{"/me", "/Jobs", "/Nowhere"} {
		resp, _ := f.call("GET", path, "")
		eq(t, path, resp.StatusCode, 503)
	}
	resp, _ := f.form(f.s.TokenURL, nil)
	eq(t, "token", resp.StatusCode, 503)
	f.s.ClearFaults()
	f.want(200, "GET", "/me", "")
}

func TestFaultRateIsSeeded(t *testing.T) {
	t.Parallel()
	pattern := func(seed int64) string {
		f := newFixture(t, daastest.WithSeed(seed))
		f.s.InjectFault(daastest.Fault{Route: "GET /me", Rate: 0.3, Status: 503})
		var b strings.Builder
		for range 40 {
			resp, _ := f.call("GET", "/me", "")
			if resp.StatusCode == 503 {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	p := pattern(42)
	eq(t, "same seed", pattern(42), p)
	if n := strings.Count(p, "x"); n < 4 || n > 24 {
		t.Errorf("rate 0.3 hit %d of 40: %s", n, p)
	}
	if pattern(43) == p {
		t.Error("another seed gave the same pattern")
	}

	// Rate and Count together: at most Count hits.
	f := newFixture(t)
	f.s.InjectFault(daastest.Fault{Route: "GET /me", Rate: 0.5, Count: 2, Status: 503})
	for range 30 {
		f.call("GET", "/me", "")
	}
	eq(t, "hits", f.s.Stats().ByStatus[503], 2)
}

func TestResetFaultsInMemory(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithJobDuration(0))
	body := `{"Name":"Once","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`

	f.s.InjectFault(daastest.Fault{Route: "POST /MachineCatalogs", Count: 1, Reset: daastest.ResetBeforeHandler})
	_, err := f.hc.Do(f.request("POST", "/MachineCatalogs", body))
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("reset before: err = %v, want ECONNRESET", err)
	}
	eq(t, "not acted on", f.s.Stats().CatalogsCreated, 0)

	f.s.InjectFault(daastest.Fault{Route: "POST /MachineCatalogs", Count: 1, Reset: daastest.ResetAfterHandler})
	_, err = f.hc.Do(f.request("POST", "/MachineCatalogs?async=true", body))
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("reset after: err = %v, want ECONNRESET", err)
	}
	st := f.s.Stats()
	eq(t, "job started once", st.JobsCreated, 1)
	eq(t, "catalog created once", st.CatalogsCreated, 1)
	// The client retries blindly: the duplicate is caught by the job.
	id := f.startJob("POST", "/MachineCatalogs?async=true", body)
	eq(t, "retry fails", f.job(id)["ErrorCode"], any("DuplicateObject"))
	eq(t, "still once", f.s.Stats().CatalogsCreated, 1)

	var statuses []int
	for _, r := range f.s.Requests()[1:] {
		statuses = append(statuses, r.Status)
	}
	eq(t, "logged statuses", statuses, []int{0, 0, 202, 200})
}

func TestLatencyFault(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.s.InjectFault(daastest.Fault{Route: "GET /me", Count: 1, Latency: 30 * time.Millisecond})
	start := time.Now()
	f.want(200, "GET", "/me", "")
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("answered after %v, want >= 30ms", d)
	}

	// A client that gives up ends the wait at once.
	f.s.InjectFault(daastest.Fault{Route: "GET /me", Latency: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, err := f.hc.Do(f.request("GET", "/me", "").WithContext(ctx))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want deadline exceeded", err)
	}
}

func TestCloseEndsLatency(t *testing.T) {
	t.Parallel()
	// The clock tells when the request has reached the server: the server
	// reads it when a request arrives.
	var armed atomic.Bool
	arrived := make(chan struct{}, 1)
	clock := func() time.Time {
		if armed.Load() {
			select {
			case arrived <- struct{}{}:
			default:
			}
		}
		return epoch()
	}
	f := newFixture(t, daastest.WithClock(clock))
	f.s.InjectFault(daastest.Fault{Route: "GET /me", Latency: time.Hour})
	armed.Store(true)
	done := make(chan error, 1)
	go func() {
		_, err := f.hc.Do(f.request("GET", "/me", ""))
		done <- err
	}()
	<-arrived
	f.s.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Error("request during Close succeeded")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not end the latency")
	}
}

func TestInvalidFaultsPanic(t *testing.T) {
	t.Parallel()
	s := daastest.NewServer(daastest.WithoutListener())
	defer s.Close()
	for name, fault := range map[string]daastest.Fault{
		"unknown route": {Route: "GET /Job/{id}", Status: 503},
		"rate":          {Rate: 1.5, Status: 503},
		"status":        {Status: 302},
		"nothing":       {Route: "GET /Jobs"},
		"both":          {Status: 503, Reset: daastest.ResetAfterHandler},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			s.InjectFault(fault)
		}()
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "unknown route") {
			t.Errorf("Count with a typo: %v", r)
		}
	}()
	s.Count("GET /Job")
}

func TestTransportChecksOrigin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req, _ := http.NewRequest("GET", "http://example.com/cvad/manage/me", nil)
	if _, err := f.hc.Do(req); err == nil || !strings.Contains(err.Error(), "serves only") {
		t.Errorf("foreign host: err = %v", err)
	}
	req, _ = http.NewRequest("GET", strings.Replace(f.s.URL, "http:", "https:", 1)+"/me", nil)
	if _, err := f.hc.Do(req); err == nil {
		t.Error("other scheme served")
	}
	f.s.Close()
	if _, err := f.hc.Do(f.request("GET", "/me", "")); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("after Close: err = %v", err)
	}
}
