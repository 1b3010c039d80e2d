package harness

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// The concurrency workload: many waits on one client, against the fake in
// process over loopback. Every job runs longer than the measurement, the
// poll interval is fixed (one tick), and the figures are taken over whole
// ticks once every wait has made its first read.

// ConcurrencyConfig configures the concurrency workload.
type ConcurrencyConfig struct {
	Waits []int         // waits of each run (default 100, 1,000, 10,000, 50,000)
	Tick  time.Duration // the poll interval, real time (default 5 s)
	Ticks int           // ticks measured (default 3)
}

// ConcurrencyResult is one run: n waits on one client.
type ConcurrencyResult struct {
	Waits int
	// HeapPerWait is the live heap with every wait parked, less the live
	// heap with the jobs started and the goroutines that wait started but
	// not yet waiting, per wait (bytes): what the library holds for a wait.
	HeapPerWait float64
	// GoroutinePerWait is the live heap the goroutine that waits takes
	// before it waits (its descriptor and its closure), per wait (bytes):
	// the caller's, since Wait blocks, but a cost of every concurrent wait.
	GoroutinePerWait float64
	// CPUPerWaitTick is the process's CPU per wait per tick over the
	// measured ticks: the client's, the list being replayed (listReplay).
	CPUPerWaitTick  time.Duration
	RequestsPerTick float64       // status reads (GET /Jobs and GET /Jobs/{id}) per tick
	Ticks           float64       // ticks measured (wall / Tick)
	Start           time.Duration // the time it took to start the jobs
}

func (c *ConcurrencyConfig) defaults() {
	if len(c.Waits) == 0 {
		c.Waits = []int{100, 1000, 10000, 50000}
	}
	if c.Tick <= 0 {
		c.Tick = 5 * time.Second
	}
	if c.Ticks <= 0 {
		c.Ticks = 3
	}
}

// RunConcurrency runs the workload once for each count of waits.
func RunConcurrency(ctx context.Context, cfg ConcurrencyConfig) ([]ConcurrencyResult, error) {
	cfg.defaults()
	var out []ConcurrencyResult
	for _, n := range cfg.Waits {
		r, err := runConcurrency(ctx, n, cfg)
		if err != nil {
			return out, fmt.Errorf("concurrency, %d waits: %w", n, err)
		}
		out = append(out, *r)
	}
	return out, nil
}

// listReplay serves GET /Jobs, once the waits have started, from the
// fake's own answer, recorded the first time each page is asked for: the
// jobs run for a day, so the answer stays true, and the process's CPU is
// then the client's own (and the fake's single reads, if any), not the
// fake's rendering of the list.
type listReplay struct {
	h      http.Handler
	mu     sync.Mutex
	replay bool
	pages  map[string]*httptest.ResponseRecorder
	served int // list pages replayed
}

func (l *listReplay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route := routeOf(r.Method, r.URL.Path)
	l.mu.Lock()
	replay := l.replay && route == routeJobList
	rec := l.pages[r.URL.RawQuery]
	l.mu.Unlock()
	if !replay {
		l.h.ServeHTTP(w, r)
		return
	}
	if rec == nil {
		rec = httptest.NewRecorder()
		l.h.ServeHTTP(rec, r)
		l.mu.Lock()
		l.pages[r.URL.RawQuery] = rec
		l.mu.Unlock()
	}
	l.mu.Lock()
	l.served++
	l.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func (l *listReplay) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.served
}

func runConcurrency(ctx context.Context, n int, cfg ConcurrencyConfig) (*ConcurrencyResult, error) {
	srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithRequestLogLimit(0),
		daastest.WithJobDuration(24*time.Hour))
	defer srv.Close()
	lr := &listReplay{h: srv.Handler(), pages: map[string]*httptest.ResponseRecorder{}}
	hs := httptest.NewServer(lr)
	defer hs.Close()
	u, err := url.Parse(srv.URL)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	defer tr.CloseIdleConnections()
	pol := daas.DefaultPollPolicy()
	pol.MinInterval, pol.MaxInterval = cfg.Tick, cfg.Tick
	client := srv.Client(daas.WithBaseURL(hs.URL+u.Path), daas.WithBearerToken(srv.IssueToken()),
		daas.WithHTTPClient(&http.Client{Transport: tr}), daas.WithPollPolicy(pol))

	begin := time.Now()
	jobs := make([]*daas.Job[struct{}], n)
	if err := parallel(8, n, func(i int) error {
		j, err := daas.StartJob[struct{}](ctx, client, http.MethodGet, "MachineCatalogs", nil)
		jobs[i] = j
		return err
	}); err != nil {
		return nil, fmt.Errorf("starting jobs: %w", err)
	}
	res := &ConcurrencyResult{Waits: n, Start: time.Since(begin)}
	lr.mu.Lock()
	lr.replay = true
	lr.mu.Unlock()
	// Record the list before the heap is measured: the recording is the
	// fake's, not the waits'.
	if _, err := client.Jobs.List(ctx); err != nil {
		return nil, fmt.Errorf("recording the list: %w", err)
	}

	// The goroutines that wait are the caller's, not the library's (it
	// starts none per wait): they are started, and their descriptors
	// allocated, before the waits' heap is measured, and measured apart.
	// A process that has run goroutines before reuses their descriptors:
	// measured together, the two figures came to 1,046 B per wait in a run
	// of every workload and to 1,237 B in this workload alone.
	noGoroutines := memSample()
	wctx, cancel := context.WithCancel(ctx)
	var wg, ready sync.WaitGroup
	start := make(chan struct{})
	for _, j := range jobs {
		wg.Add(1)
		ready.Add(1)
		go func() {
			defer wg.Done()
			ready.Done()
			<-start
			_, _ = j.Wait(wctx)
		}()
	}
	defer func() { cancel(); wg.Wait() }()
	ready.Wait()
	before := memSample()
	res.GoroutinePerWait = delta(before.heap, noGoroutines.heap) / float64(n)
	close(start)

	// Two ticks for every wait to make its first reads and settle on the
	// shared list; then the measured ticks.
	if !sleepUntil(ctx, time.Now().Add(2*cfg.Tick)) {
		return nil, ctx.Err()
	}
	reads0 := srv.Count(routeJob) + lr.count()
	cpu0, t0 := rusage(), time.Now()
	if !sleepUntil(ctx, t0.Add(time.Duration(cfg.Ticks)*cfg.Tick)) {
		return nil, ctx.Err()
	}
	cpu, wall := rusage()-cpu0, time.Since(t0)
	reads := srv.Count(routeJob) + lr.count() - reads0
	res.Ticks = float64(wall) / float64(cfg.Tick)
	res.CPUPerWaitTick = time.Duration(float64(cpu) / (float64(n) * res.Ticks))
	res.RequestsPerTick = float64(reads) / res.Ticks

	// The heap: the least of a few samples a fifth of a tick apart, so
	// that a list read in flight (its page, being decoded) is not counted
	// as the waits' own.
	for i := range 5 {
		if i > 0 && !sleepUntil(ctx, time.Now().Add(cfg.Tick/5)) {
			return nil, ctx.Err()
		}
		m := memSample()
		h := delta(m.heap, before.heap) / float64(n)
		if i == 0 || h < res.HeapPerWait {
			res.HeapPerWait = h
		}
	}
	return res, nil
}

// WriteConcurrency writes the results as a Markdown table.
func WriteConcurrency(w io.Writer, cfg ConcurrencyConfig, rs []ConcurrencyResult) {
	cfg.defaults()
	fmt.Fprintf(w, "Concurrent waits on one client against the fake in process (loopback), every job running for a day, poll interval fixed at %s; %d ticks measured after 2 of warm-up. GET /Jobs is replayed from the fake's own answer, so the CPU (the process's, per wait per tick) is the client's. Heap per wait: the live heap with every wait parked less that with the jobs started and the goroutines that wait started, the least of 5 samples; the goroutine's: the live heap of those goroutines, started and not yet waiting (a process that ran goroutines before reuses their descriptors, and shows less). The CPU depends on the stacks of the goroutines that wait: held before they wait (here, to measure their heap apart), they have their stacks shrunk by the GC and grow them again on every tick's wake; with GODEBUG=gcshrinkstackoff=1 the figure at 10,000 waits was 10.8–11.4 µs, and 10.6–11.9 µs with goroutines that waited at once.\n\n", cfg.Tick, cfg.Ticks)
	fmt.Fprintln(w, "| waits | heap per wait | its goroutine's | client CPU per wait per tick | requests per tick | jobs started in |")
	fmt.Fprintln(w, "| ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range rs {
		fmt.Fprintf(w, "| %d | %.0f B | %.0f B | %.1f µs | %.2f | %s |\n", r.Waits, r.HeapPerWait, r.GoroutinePerWait,
			float64(r.CPUPerWaitTick)/1e3, r.RequestsPerTick, r.Start.Round(time.Millisecond))
	}
	fmt.Fprintf(w, "\n%s", targetText(ConcurrencyTargets(rs)))
}
