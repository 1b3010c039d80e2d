package harness

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"github.com/daaskit/daas/internal/bench/limit"
	"github.com/daaskit/daas/internal/poll"
)

// The exact simulation: the library's own schedule code (internal/poll)
// run on a virtual clock, every read exactly when the schedule says, over
// thousands of jobs per band, and Citrix's reads counted from its exact
// schedule. It does not depend on the machine's load, so it is the measure
// of every figure about schedules; the theoretical limit
// (internal/bench/limit) is computed in the same run and printed beside
// each figure.

// ExactConfig configures the exact simulation.
type ExactConfig struct {
	Jobs  int     // jobs per band (default 4000)
	Seed  uint64  // durations and histories
	Sigma float64 // shape of each band's log-normal durations (default 0.3)
	// Medians are the medians of the bands (default ExactMedians).
	Medians []time.Duration
}

func (c *ExactConfig) defaults() {
	if c.Jobs <= 0 {
		c.Jobs = 4000
	}
	if c.Sigma <= 0 {
		c.Sigma = 0.3
	}
	if len(c.Medians) == 0 {
		c.Medians = ExactMedians
	}
}

// ExactMedians are the medians of the bands of the exact simulation.
var ExactMedians = []time.Duration{10 * time.Second, 30 * time.Second, time.Minute, 3 * time.Minute,
	5 * time.Minute, 10 * time.Minute, 30 * time.Minute, 2 * time.Hour}

// The curves of the exact simulation, as the fake reports them.
var exactCurves = []daastest.ProgressCurve{daastest.ProgressNone, daastest.ProgressSteps, daastest.ProgressLinear}

// Policies of the exact simulation.
const (
	ExactLearnt    = "daas, learnt"
	ExactFirstSeen = "daas, first seen"
	ExactCitrix    = "Citrix SDK"
)

// ExactRow is one policy under one curve over one set of jobs.
type ExactRow struct {
	Band      string // "m = 1m0s" or "mix"
	Median    time.Duration
	Curve     daastest.ProgressCurve
	Policy    string
	Jobs      int
	MedianPct float64 // median detection delay, % of the job's duration
	P95Pct    float64
	Reads     float64 // mean reads per job
	OverMax   int     // the most reads over Citrix's by any time, any job
	// The limit of the median and p95 under the same budget (Citrix + 3
	// by any time; for the mix, Citrix's reads by any time); 0 when not
	// computed.
	LimitMedian, LimitP95 float64
	// LimitJoint is the least factor over both limits within which one
	// schedule the program finds has its median and its p95 (see
	// limit.Joint); 0 when not computed.
	LimitJoint float64
}

// ExactResult is the exact simulation's rows.
type ExactResult struct {
	Config ExactConfig
	Rows   []ExactRow
	Wall   time.Duration
}

// RunExact runs the exact simulation: for each band (log-normal durations
// around each of ExactMedians) the learnt schedule (one of exactHistories
// histories of 32 jobs of the band) against the limit at Citrix + 3;
// and over the single-job workload's mix (log-uniform 2 s – 30 min) the
// first-seen schedule against Citrix's.
func RunExact(cfg ExactConfig) *ExactResult {
	cfg.defaults()
	start := time.Now()
	res := &ExactResult{Config: cfg}
	pol := exactPolicy()
	r := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	for _, m := range cfg.Medians {
		dist := limit.LogNormal{Median: m, Sigma: cfg.Sigma}
		budget := limit.CitrixPlus(3, pol.MaxInterval)
		lm := limit.Quantile(dist, budget, 0.5, limit.Options{})
		lp := limit.Quantile(dist, budget, 0.95, limit.Options{})
		joint := limit.Joint(dist, budget, 0.5, 0.95, 0.005, limit.Options{Grid: 4000})
		durs := make([]time.Duration, cfg.Jobs)
		for i := range durs {
			durs[i] = logNormal(r, m, cfg.Sigma)
		}
		hists := make([]*poll.Stats, exactHistories)
		for i := range hists {
			h := make([]time.Duration, 32)
			for j := range h {
				h[j] = logNormal(r, m, cfg.Sigma)
			}
			hists[i] = poll.NewStats()
			hists[i].Load([]poll.TypeDurations{{Type: "T", Durations: h}})
		}
		for _, c := range exactCurves {
			row := simulate(pol, durs, hists, c, ExactLearnt)
			row.Band, row.Median = "m = "+fmtDur(m), m
			if c != daastest.ProgressLinear {
				row.LimitMedian, row.LimitP95, row.LimitJoint = 100*lm, 100*lp, joint
			}
			res.Rows = append(res.Rows, row)
		}
	}
	mix := LogUniformDurations(cfg.Jobs, 2*time.Second, 30*time.Minute, r)
	mixDist := logUniform{2 * time.Second, 30 * time.Minute}
	lm := limit.Quantile(mixDist, limit.CitrixPlus(0, pol.MaxInterval), 0.5, limit.Options{})
	for _, c := range exactCurves {
		for _, name := range []string{ExactFirstSeen, ExactCitrix} {
			row := simulate(pol, mix, nil, c, name)
			row.Band = "mix"
			if c == daastest.ProgressNone && name == ExactFirstSeen {
				row.LimitMedian = 100 * lm
			}
			res.Rows = append(res.Rows, row)
		}
	}
	res.Wall = time.Since(start)
	return res
}

// exactPolicy is the library's default policy as the engine sees it.
func exactPolicy() poll.Policy {
	p := daas.DefaultPollPolicy()
	return poll.Policy{MinInterval: p.MinInterval, MaxInterval: p.MaxInterval, Multiplier: p.Multiplier, Jitter: p.Jitter}
}

func logNormal(r *rand.Rand, m time.Duration, sigma float64) time.Duration {
	return time.Duration(float64(m) * math.Exp(sigma*r.NormFloat64())).Round(time.Millisecond)
}

// logUniform is the log-uniform distribution over [lo, hi].
type logUniform struct{ lo, hi time.Duration }

func (d logUniform) CDF(t time.Duration) float64 {
	switch {
	case t <= d.lo:
		return 0
	case t >= d.hi:
		return 1
	}
	return math.Log(float64(t)/float64(d.lo)) / math.Log(float64(d.hi)/float64(d.lo))
}

func (d logUniform) Span() (time.Duration, time.Duration) { return d.lo, d.hi }

// exactProgress is what the fake reports of a job of duration d at time at
// after its start under curve c (-1: nothing).
func exactProgress(c daastest.ProgressCurve, at, d time.Duration) int {
	f := float64(at) / float64(d)
	switch c {
	case daastest.ProgressSteps:
		return min(int(f*4), 3) * 25
	case daastest.ProgressLinear:
		return min(int(f*100), 99)
	}
	return -1
}

// exactHistories is how many histories of 32 jobs each band draws; job i
// waits with the (i mod exactHistories)-th.
const exactHistories = 64

// simulate waits for each job of durs (with the history
// hists[i%len(hists)], none when hists is nil) under policy and returns
// the row.
func simulate(pol poll.Policy, durs []time.Duration, hists []*poll.Stats, c daastest.ProgressCurve, policy string) ExactRow {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	delays := make([]float64, len(durs))
	reads, over := 0, math.MinInt
	for i, d := range durs {
		var at time.Duration
		n := 0
		if policy == ExactCitrix {
			for n = 1; limit.CitrixRead(n, pol.MaxInterval) < d; n++ {
			}
			at = limit.CitrixRead(n, pol.MaxInterval)
		} else {
			var st *poll.Stats
			if hists != nil {
				st = hists[i%len(hists)]
			}
			s := poll.NewSchedule(pol, t0, st)
			at = s.First()
			for n = 1; ; n++ {
				over = max(over, n-citrixReadsBy(at, pol.MaxInterval))
				if at >= d {
					break
				}
				at += s.Next(t0.Add(at), &poll.Status{Type: "T", Progress: exactProgress(c, at, d)})
			}
		}
		reads += n
		delays[i] = 100 * float64(at-d) / float64(d)
	}
	slices.Sort(delays)
	row := ExactRow{Curve: c, Policy: policy, Jobs: len(durs), Reads: float64(reads) / float64(len(durs)),
		MedianPct: percentileSorted(delays, 0.5), P95Pct: percentileSorted(delays, 0.95)}
	if policy != ExactCitrix {
		row.OverMax = over
	}
	return row
}

// citrixReadsBy is how many reads Citrix's schedule has made by t.
func citrixReadsBy(t, max time.Duration) int {
	n := 0
	for limit.CitrixRead(n+1, max) <= t {
		n++
		if n > 4 {
			return 3 + int(t/max)
		}
	}
	return n
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%d h", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return fmt.Sprintf("%g s", d.Seconds())
}

// Markdown renders the exact simulation's section.
func (x *ExactResult) Markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("## Schedules, exactly\n\n")
	p("The library's schedule code (`internal/poll`) run on a virtual clock, every read exactly when it says: %d jobs per band, ", x.Config.Jobs)
	p("seed %d, %s of wall time. Delays are %% of the job's duration; reads are per job; *over* is the most reads over Citrix's SDK ", x.Config.Seed, x.Wall.Round(time.Millisecond))
	p("(reads at 0, 10, 20, 30 s, then every 30 s) by any time, in any job. *Limit* is the least median / p95 any schedule achieves ")
	p("within the same budget (`internal/bench/limit`, computed in this run); *×* is the figure over its limit. The two limits are reached by ")
	p("different schedules: *both* is the least factor within which one schedule the program finds has its median and its p95 (`limit.Joint`), ")
	p("knowing the distribution exactly, where the learnt schedule knows 32 durations.\n\n")
	p("### Learnt durations (history of 32 jobs, log-normal σ = %g around m)\n\n", x.Config.Sigma)
	p("| band | progress | median | limit | × | p95 | limit | × | both | reads | over |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range x.Rows {
		if r.Band == "mix" {
			continue
		}
		if r.LimitMedian > 0 {
			both := ""
			if r.Curve == daastest.ProgressNone {
				both = fmt.Sprintf("%.2f", r.LimitJoint)
			}
			p("| %s | %s | %.2f%% | %.2f%% | %.2f | %.2f%% | %.2f%% | %.2f | %s | %.1f | %+d |\n", r.Band, r.Curve, r.MedianPct, r.LimitMedian, r.MedianPct/r.LimitMedian,
				r.P95Pct, r.LimitP95, r.P95Pct/r.LimitP95, both, r.Reads, r.OverMax)
		} else {
			p("| %s | %s | %.2f%% | | | %.2f%% | | | | %.1f | %+d |\n", r.Band, r.Curve, r.MedianPct, r.P95Pct, r.Reads, r.OverMax)
		}
	}
	p("\n### First seen (no history), the single-job mix (log-uniform 2 s – 30 min)\n\n")
	p("The limit is the least median any schedule reaches with at most Citrix's reads by any time.\n\n")
	p("| progress | policy | median | p95 | reads | over | below-left of Citrix |\n| --- | --- | ---: | ---: | ---: | ---: | --- |\n")
	for i, r := range x.Rows {
		if r.Band != "mix" || r.Policy == ExactCitrix {
			continue
		}
		c := x.Rows[i+1]
		verdict := "yes"
		if !(r.Reads < c.Reads && r.MedianPct < c.MedianPct) {
			verdict = fmt.Sprintf("no (reads %+.2f, median %+.2f points)", r.Reads-c.Reads, r.MedianPct-c.MedianPct)
		}
		if r.LimitMedian > 0 {
			verdict += fmt.Sprintf("; limit of the median at Citrix's reads %.2f%% (%.2f points from it)", r.LimitMedian, r.MedianPct-r.LimitMedian)
		}
		p("| %s | %s | %.2f%% | %.2f%% | %.2f | %+d | %s |\n", r.Curve, r.Policy, r.MedianPct, r.P95Pct, r.Reads, r.OverMax, verdict)
		p("| %s | %s | %.2f%% | %.2f%% | %.2f | | |\n", c.Curve, c.Policy, c.MedianPct, c.P95Pct, c.Reads)
	}
	p("\n### Targets (schedules)\n\n")
	b.WriteString(targetText(ScheduleTargets(x)))
	return b.String()
}
