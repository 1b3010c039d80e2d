package harness

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Route keys the counting transport tells apart.
const (
	routeJob     = "GET /Jobs/{id}"
	routeJobList = "GET /Jobs"
)

// routeOf classifies a request by the API path after /cvad/manage: a status
// read of one job, the job list, or something else ("").
func routeOf(method, path string) string {
	if method != http.MethodGet {
		return ""
	}
	i := strings.Index(path, "/Jobs")
	if i < 0 {
		return ""
	}
	rest := path[i+len("/Jobs"):]
	switch {
	case rest == "" || rest == "/":
		return routeJobList
	case rest[0] == '/' && !strings.Contains(rest[1:], "/"):
		return routeJob
	}
	return ""
}

// countingTransport counts the status reads that go through it: per route,
// per second of service time, and the bytes of their answers.
type countingTransport struct {
	next http.RoundTripper

	// Service time: scale × real time since start.
	start time.Time
	scale float64

	jobReads  atomic.Int64 // GET /Jobs/{id}
	listReads atomic.Int64 // GET /Jobs
	other     atomic.Int64
	bytes     atomic.Int64    // Content-Length of status read answers
	listBytes atomic.Int64    // ... of GET /Jobs answers
	perSecond []atomic.Int32  // status reads by service second since start
	late      atomic.Int64    // reads past the end of perSecond
	inflight  atomic.Int64    // status reads waiting for their answer
	listMu    sync.Mutex      // guards listTimes
	listTimes []time.Duration // real time of each GET /Jobs, to the end of its body
}

func newCountingTransport(next http.RoundTripper, scale float64, seconds int) *countingTransport {
	return &countingTransport{next: next, start: time.Now(), scale: scale, perSecond: make([]atomic.Int32, seconds)}
}

// serviceSince returns the service time elapsed since the transport's start.
func (t *countingTransport) serviceSince() time.Duration {
	return time.Duration(float64(time.Since(t.start)) * t.scale)
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	route := routeOf(req.Method, req.URL.Path)
	switch route {
	case routeJob:
		t.jobReads.Add(1)
	case routeJobList:
		t.listReads.Add(1)
	default:
		t.other.Add(1)
		return t.next.RoundTrip(req)
	}
	if sec := int(t.serviceSince() / time.Second); sec < len(t.perSecond) {
		t.perSecond[sec].Add(1)
	} else {
		t.late.Add(1)
	}
	t.inflight.Add(1)
	t0 := time.Now()
	resp, err := t.next.RoundTrip(req)
	t.inflight.Add(-1)
	if route == routeJobList && err == nil {
		// The time to the answer's headers, and then to its last byte.
		resp.Body = &timedBody{ReadCloser: resp.Body, t: t, start: t0}
	}
	if err == nil && resp.ContentLength > 0 {
		t.bytes.Add(resp.ContentLength)
		if route == routeJobList {
			t.listBytes.Add(resp.ContentLength)
		}
	}
	return resp, err
}

// peakPerSecond returns the most status reads in one second of service
// time, and that second.
func (t *countingTransport) peakPerSecond() (peak, at int) {
	for i := range t.perSecond {
		if n := int(t.perSecond[i].Load()); n > peak {
			peak, at = n, i
		}
	}
	return peak, at
}

// reset zeroes the counters and restarts the service clock.
func (t *countingTransport) reset() {
	t.start = time.Now()
	t.jobReads.Store(0)
	t.listReads.Store(0)
	t.other.Store(0)
	t.bytes.Store(0)
	t.listBytes.Store(0)
	t.late.Store(0)
	t.listMu.Lock()
	t.listTimes = nil
	t.listMu.Unlock()
	for i := range t.perSecond {
		t.perSecond[i].Store(0)
	}
}

// quiesce waits (up to 50 ms) for a moment with no status read in flight, so
// that a heap sample holds no half-decoded answer.
func (t *countingTransport) quiesce(ctx context.Context) {
	deadline := time.Now().Add(50 * time.Millisecond)
	for t.inflight.Load() > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(100 * time.Microsecond)
	}
}

// timedBody records, when the body of a GET /Jobs answer is closed, the real
// time since the request went out.
type timedBody struct {
	io.ReadCloser
	t     *countingTransport
	start time.Time
	once  sync.Once
}

func (b *timedBody) Close() error {
	b.once.Do(func() {
		d := time.Since(b.start)
		b.t.listMu.Lock()
		b.t.listTimes = append(b.t.listTimes, d)
		b.t.listMu.Unlock()
	})
	return b.ReadCloser.Close()
}
