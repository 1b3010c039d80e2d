package harness

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// ManyConfig configures the many-jobs workload.
type ManyConfig struct {
	Scale  float64       // fake time scale
	Jobs   int           // concurrent waits
	Seed   uint64        // job durations
	MinDur time.Duration // job durations are uniform in [MinDur, MaxDur]
	MaxDur time.Duration // (default 45 s to 75 s: "about a minute")
	Policy daas.PollPolicy
	// Retained finished jobs the client ran earlier (daastest's
	// AddFinishedJobs): every GET /Jobs carries them too.
	Retained int
}

func (c *ManyConfig) defaults() {
	if c.MinDur == 0 && c.MaxDur == 0 {
		c.MinDur, c.MaxDur = 45*time.Second, 75*time.Second
	}
	if c.Policy.MinInterval == 0 {
		c.Policy = daas.DefaultPollPolicy()
	}
}

// ManyResult is one mode (batch on or off) of the many-jobs workload.
type ManyResult struct {
	Batch          bool
	Jobs           int
	Retained       int // finished jobs seeded before the waits
	Scale          float64
	MinDur, MaxDur time.Duration // job durations, uniform

	JobReads  int // GET /Jobs/{id}
	ListReads int // GET /Jobs
	// ServerReads is what the fake counted (GET /Jobs/{id} + GET /Jobs), a
	// cross-check of the harness's count.
	ServerReads int
	Bytes       int64 // body bytes of the status read answers
	ListBytes   int64 // ... of them in GET /Jobs answers
	PeakPerSec  int   // most status reads in one second of service time
	PeakAt      int   // that second, counted from the start of the waits

	// Memory and goroutines with every job waiting, against before the
	// waits: medians of a few samples.
	HeapPerJob       float64 // HeapAlloc delta / jobs, bytes
	HeapMin, HeapMax float64 // the smallest and largest of the samples behind HeapPerJob
	Samples          int     // heap samples taken
	Busy             int     // ... of them with a status read in flight right after (the quiesce wait ran out)
	HeapPerJobNoIdl  float64 // the same with the idle connections closed first
	StackPerJob      float64 // StackInuse delta / jobs, bytes
	Goroutines       int     // runtime.NumGoroutine() with all waiting
	GoroutinesIdle   int     // ... before the waits started (after the jobs)
	Conns            int     // idle connections closed for HeapPerJobNoIdl (estimate: goroutine drop / 3)

	// ListReadMs is the median real time of a GET /Jobs, to the end of its
	// body (decoded); ListReadKB its mean size.
	ListReadMs, ListReadKB float64

	DelayMedian, DelayP95 float64 // detection delay, seconds of service time
	Wall                  time.Duration
}

// Requests is the total of status reads.
func (r *ManyResult) Requests() int { return r.JobReads + r.ListReads }

// RunMany waits for cfg.Jobs jobs of about a minute at once on one client,
// over loopback HTTP, with the library's batch reads on or off, and counts
// the status reads, their peak rate, and the heap and goroutines the waits
// hold.
func RunMany(ctx context.Context, cfg ManyConfig, batch bool) (*ManyResult, error) {
	cfg.defaults()
	if cfg.Scale <= 0 || cfg.Jobs <= 0 || cfg.Retained < 0 {
		return nil, errors.New("harness: many: scale and jobs must be positive")
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x3a7))
	durs := make([]time.Duration, cfg.Jobs)
	for i := range durs {
		durs[i] = cfg.MinDur + time.Duration(rng.Float64()*float64(cfg.MaxDur-cfg.MinDur))
	}
	srv := daastest.NewServer(
		daastest.WithTimeScale(cfg.Scale),
		daastest.WithRequestLogLimit(0),
		daastest.WithSeed(int64(cfg.Seed)),
		daastest.WithJobDurationFunc(func(_ string, n int) time.Duration { return durs[(n-1)%len(durs)] }),
	)
	defer srv.Close()
	srv.AddFinishedJobs("", "UpdateMachineCatalog", cfg.Retained, time.Minute)

	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64 // what the library sets on the transport it makes itself
	defer tr.CloseIdleConnections()
	span := cfg.MaxDur + 2*time.Minute
	ct := newCountingTransport(tr, cfg.Scale, int(span/time.Second)+1)
	pol := ScalePollPolicy(cfg.Policy, cfg.Scale)
	pol.DisableBatch = !batch
	client := srv.Client(daas.WithHTTPClient(&http.Client{Transport: ct}), daas.WithPollPolicy(pol))

	ctx, cancel := context.WithTimeout(ctx, time.Duration(float64(span)/cfg.Scale)+time.Minute)
	defer cancel()

	// Start every job first (8 at a time), then measure the heap with the
	// handles made, then wait for all of them at once.
	jobs := make([]*daas.Job[struct{}], cfg.Jobs)
	if err := parallel(8, cfg.Jobs, func(i int) error {
		j, err := daas.StartJob[struct{}](ctx, client, http.MethodGet, "MachineCatalogs", nil)
		jobs[i] = j
		return err
	}); err != nil {
		return nil, fmt.Errorf("starting jobs: %w", err)
	}
	before := memSample()
	res := &ManyResult{Batch: batch, Jobs: cfg.Jobs, Retained: cfg.Retained, Scale: cfg.Scale, MinDur: cfg.MinDur, MaxDur: cfg.MaxDur, GoroutinesIdle: before.goroutines}

	ct.reset()
	readsBefore := srv.Count(routeJob) + srv.Count(routeJobList)
	start := time.Now()
	seen := make([]time.Time, cfg.Jobs)
	errs := make(chan error, cfg.Jobs)
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := j.Wait(ctx); err != nil {
				errs <- fmt.Errorf("job %s: %w", j.ID(), err)
				return
			}
			seen[i] = srv.Now()
		}()
	}

	// Samples while every job waits: the first read comes after 1 s, the
	// first job ends after MinDur.
	var heap, heapNoIdle, stack []float64
	for _, at := range []float64{0.15, 0.3, 0.45, 0.6, 0.75} {
		if !sleepUntil(ctx, start.Add(scaleDown(time.Duration(at*float64(cfg.MinDur)), cfg.Scale))) {
			break
		}
		ct.quiesce(ctx)
		m := memSample()
		res.Samples++
		if ct.inflight.Load() > 0 {
			res.Busy++
		}
		heap = append(heap, delta(m.heap, before.heap)/float64(cfg.Jobs))
		stack = append(stack, delta(m.stack, before.stack)/float64(cfg.Jobs))
		res.Goroutines = max(res.Goroutines, m.goroutines)
		tr.CloseIdleConnections()
		time.Sleep(20 * time.Millisecond) // let the server's connection goroutines end
		ct.quiesce(ctx)
		m2 := memSample()
		heapNoIdle = append(heapNoIdle, delta(m2.heap, before.heap)/float64(cfg.Jobs))
		res.Conns = max(res.Conns, (m.goroutines-m2.goroutines)/3)
	}
	wg.Wait()
	res.Wall = time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	res.HeapPerJob, res.HeapPerJobNoIdl, res.StackPerJob = Median(heap), Median(heapNoIdle), Median(stack)
	if len(heap) > 0 {
		res.HeapMin, res.HeapMax = slices.Min(heap), slices.Max(heap)
	}
	res.JobReads, res.ListReads = int(ct.jobReads.Load()), int(ct.listReads.Load())
	res.ServerReads = srv.Count(routeJob) + srv.Count(routeJobList) - readsBefore
	res.Bytes, res.ListBytes = ct.bytes.Load(), ct.listBytes.Load()
	res.PeakPerSec, res.PeakAt = ct.peakPerSecond()
	ct.listMu.Lock()
	var lt []float64
	for _, d := range ct.listTimes {
		lt = append(lt, d.Seconds()*1000)
	}
	ct.listMu.Unlock()
	if len(lt) > 0 {
		res.ListReadMs = Median(lt)
		res.ListReadKB = float64(ct.listBytes.Load()) / float64(res.ListReads) / 1024
	}

	ended := map[string]time.Time{}
	for _, s := range srv.Jobs() {
		ended[s.ID] = s.EndedAt
	}
	var delays []float64
	for i, j := range jobs {
		delays = append(delays, seen[i].Sub(ended[j.ID()]).Seconds())
	}
	res.DelayMedian, res.DelayP95 = Median(delays), Percentile(delays, 0.95)
	return res, nil
}

// delta is a − b, negative when the figure shrank.
func delta(a, b uint64) float64 { return float64(int64(a) - int64(b)) }

type mem struct {
	heap, stack uint64
	goroutines  int
}

// memSample collects garbage (twice, so that sync.Pool victims go too) and
// reads the live heap, stacks and goroutines.
func memSample() mem {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return mem{heap: ms.HeapAlloc, stack: ms.StackInuse, goroutines: runtime.NumGoroutine()}
}

// parallel runs f(0..n-1) on k goroutines and returns the first error.
func parallel(k, n int, f func(int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		next  int
		first error
	)
	for range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				stop := first != nil
				mu.Unlock()
				if i >= n || stop {
					return
				}
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// sleepUntil sleeps until t; false if ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}
