package harness

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// SingleConfig configures the single-job workload.
type SingleConfig struct {
	Scale    float64                  // fake time scale; every interval is divided by it
	Jobs     int                      // jobs per policy and curve
	Seed     uint64                   // durations and Google's jitter
	MinDur   time.Duration            // shortest job (default 2 s)
	MaxDur   time.Duration            // longest job (default 30 min)
	Curves   []daastest.ProgressCurve // default linear, steps, none
	Policies []Policy                 // default Policies()
}

func (c *SingleConfig) defaults() {
	if c.MinDur == 0 {
		c.MinDur = 2 * time.Second
	}
	if c.MaxDur == 0 {
		c.MaxDur = 30 * time.Minute
	}
	if c.Curves == nil {
		c.Curves = []daastest.ProgressCurve{daastest.ProgressLinear, daastest.ProgressSteps, daastest.ProgressNone}
	}
	if c.Policies == nil {
		c.Policies = Policies()
	}
}

// JobResult is one waited job of the single-job workload.
type JobResult struct {
	Policy   string
	Curve    daastest.ProgressCurve
	Index    int           // the job's index in the duration list (same job across policies)
	Duration time.Duration // planned duration, service time
	Delay    time.Duration // detection delay, service time: seen terminal − ended
	Polls    int           // GET /Jobs/{id} reads of this job
	// Values is how many different progress percents strictly between 0
	// and 100 the wait saw while the job ran: what it had to estimate the
	// finish from.
	Values int
}

// DelayPct is the detection delay as a percentage of the job's duration.
func (r JobResult) DelayPct() float64 {
	return 100 * r.Delay.Seconds() / r.Duration.Seconds()
}

// SingleResult is the outcome of the single-job workload.
type SingleResult struct {
	Config    SingleConfig
	Durations []time.Duration
	Jobs      []JobResult
	Wall      time.Duration
	// Reads counted by the fake (GET /Jobs/{id}), against those counted by
	// the harness: a cross-check.
	ServerReads, HarnessReads int
}

// RunSingle runs the single-job workload: every policy waits for the same
// set of jobs (durations log-uniform over [MinDur, MaxDur]) under each
// progress curve, all at once, and records when each saw its job end.
//
// Each curve has its own fake, in process (no sockets: less scheduler noise),
// running cfg.Scale times faster than real time. Each policy has its own
// client; the daas policy uses Job.Wait with batch reads disabled so that
// every read is one job's, the others a loop of Job.Poll on their schedule,
// scaled. A job's detection delay is the fake's service time when the wait
// returned minus the job's EndedAt.
func RunSingle(ctx context.Context, cfg SingleConfig) (*SingleResult, error) {
	cfg.defaults()
	if cfg.Scale <= 0 || cfg.Jobs <= 0 {
		return nil, errors.New("harness: single: scale and jobs must be positive")
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5151))
	durs := LogUniformDurations(cfg.Jobs, cfg.MinDur, cfg.MaxDur, rng)
	// Jobs start at random times over the run, each early enough to end by
	// MaxDur: the load (and its scheduling noise) spreads over the run
	// instead of piling up at its start, when the short jobs are measured.
	offsets := make([]time.Duration, len(durs))
	for i, d := range durs {
		offsets[i] = time.Duration(rng.Float64() * float64(cfg.MaxDur-d))
	}
	longest := cfg.MaxDur + 2*time.Minute // past the longest job, with room for the slowest schedule
	ctx, cancel := context.WithTimeout(ctx, time.Duration(float64(longest)/cfg.Scale)+time.Minute)
	defer cancel()

	res := &SingleResult{Config: cfg, Durations: durs}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
			cancel()
		}
		mu.Unlock()
	}
	start := time.Now().Add(50 * time.Millisecond) // time to set up every server and client
	var servers []*daastest.Server
	var transports []*countingTransport
	for ci, curve := range cfg.Curves {
		srv := daastest.NewServer(
			daastest.WithoutListener(),
			daastest.WithTimeScale(cfg.Scale),
			daastest.WithProgress(curve),
			daastest.WithRequestLogLimit(0),
			daastest.WithSeed(int64(cfg.Seed)+int64(ci)),
		)
		defer srv.Close()
		servers = append(servers, srv)
		var startMu sync.Mutex // pairs each NextJob with the start that takes it
		for pi, pol := range cfg.Policies {
			ct := newCountingTransport(&realTimes{next: srv.Transport(), epoch: srv.Now(), scale: cfg.Scale}, cfg.Scale, 1, true)
			transports = append(transports, ct)
			opts := []daas.Option{daas.WithHTTPClient(&http.Client{Transport: ct})}
			if pol.IsLib() {
				p := ScalePollPolicy(*pol.Lib, cfg.Scale)
				p.DisableBatch = true
				opts = append(opts, daas.WithPollPolicy(p))
			}
			shared := srv.Client(opts...)
			for ji, d := range durs {
				client := shared
				if pol.Fresh {
					client = srv.Client(opts...)
				}
				jr := rand.New(rand.NewPCG(cfg.Seed, uint64(ci<<40|pi<<20|ji)))
				wg.Add(1)
				go func() {
					defer wg.Done()
					if !sleepUntil(ctx, start.Add(scaleDown(offsets[ji], cfg.Scale))) {
						return
					}
					r, err := waitOne(ctx, srv, client, &startMu, pol, d, cfg.Scale, jr)
					if err != nil {
						fail(fmt.Errorf("%s, %s curve, %v job: %w", pol.Name, curve, d, err))
						return
					}
					r.Policy, r.Curve, r.Index, r.Duration = pol.Name, curve, ji, d
					r.Polls = ct.jobPolls(r.id)
					mu.Lock()
					res.Jobs = append(res.Jobs, r.JobResult)
					mu.Unlock()
				}()
			}
		}
	}
	wg.Wait()
	res.Wall = time.Since(start)
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil { // interrupted or out of time: some waits never ran
		return nil, err
	}
	for _, s := range servers {
		res.ServerReads += s.Count(routeJob)
	}
	for _, t := range transports {
		res.HarnessReads += int(t.jobReads.Load())
	}
	return res, nil
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

type waitResult struct {
	JobResult
	id string
}

// waitOne starts one job of duration d on srv and waits for it with pol.
func waitOne(ctx context.Context, srv *daastest.Server, c *daas.Client, startMu *sync.Mutex, pol Policy, d time.Duration, scale float64, r *rand.Rand) (waitResult, error) {
	startMu.Lock()
	srv.NextJob(daastest.Outcome{Duration: d})
	job, err := daas.StartJob[struct{}](ctx, c, http.MethodGet, "MachineCatalogs", nil)
	startMu.Unlock()
	if err != nil {
		return waitResult{}, err
	}
	origin := time.Now() // the 202 arrived: where a competitor's clock starts
	seenPct := map[int]bool{}
	note := func(info daas.JobInfo) {
		if !info.Status.Terminal() && info.Progress > 0 && info.Progress < 100 {
			seenPct[info.Progress] = true
		}
	}
	if pol.IsLib() {
		_, err = job.Wait(ctx, daas.OnProgress(note))
	} else {
		err = pollLoop(ctx, job, pol.Schedule(r), scale, origin, note)
	}
	seen := srv.Now()
	if err != nil {
		return waitResult{}, err
	}
	snap, ok := srv.Job(job.ID())
	if !ok || snap.EndedAt.IsZero() {
		return waitResult{}, fmt.Errorf("job %s: not ended on the fake after the wait returned", job.ID())
	}
	if snap.Duration != d {
		return waitResult{}, fmt.Errorf("job %s: ran %v, want %v", job.ID(), snap.Duration, d)
	}
	return waitResult{JobResult: JobResult{Delay: seen.Sub(snap.EndedAt), Values: len(seenPct)}, id: job.ID()}, nil
}

// pollLoop reads job on schedule s (service time, divided by scale) until it
// is terminal; the schedule's clock starts at origin. note sees every read.
func pollLoop(ctx context.Context, job *daas.Job[struct{}], s Schedule, scale float64, origin time.Time, note func(daas.JobInfo)) error {
	next := origin.Add(scaleDown(s.First(), scale))
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for {
		if wait := time.Until(next); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-timer.C:
			}
		}
		info, err := job.Poll(ctx)
		if err != nil {
			return err
		}
		note(*info)
		if info.Status.Terminal() {
			return nil
		}
		now := time.Now()
		elapsed := time.Duration(float64(now.Sub(origin)) * scale)
		next = now.Add(scaleDown(s.Next(elapsed, info), scale))
	}
}
