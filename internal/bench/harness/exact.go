package harness

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/daaskit/daas/daastest"
	"github.com/daaskit/daas/internal/bench/limit"
	"github.com/daaskit/daas/internal/poll"
)

// The exact simulation: every policy's schedule (the library's own code,
// internal/poll, and the competitors' loops) run on a virtual clock, every
// read exactly when the schedule says, over thousands of jobs, and
// Citrix's reads counted from its exact schedule. It does not depend on
// the machine's load, so it is the measure of every figure about
// schedules; the theoretical limit (internal/bench/limit) is computed in
// the same run and printed beside each figure.

// ExactConfig configures the exact simulation.
type ExactConfig struct {
	Jobs  int     // jobs per band, of the mix and of the job types (default 4000)
	Types int     // job types of the types set (default 400)
	Seed  uint64  // durations, histories and Google's jitter
	Sigma float64 // shape of the log-normal durations of a band or a type (default 0.3)
	// Medians are the medians of the bands (default ExactMedians).
	Medians []time.Duration
}

func (c *ExactConfig) defaults() {
	if c.Jobs <= 0 {
		c.Jobs = 4000
	}
	if c.Types <= 0 {
		c.Types = 400
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

// The sets of jobs besides the bands: the mix (log-uniform durations
// over [mixLo, mixHi], every policy) and the job types (medians
// log-uniform over the same range, log-normal durations around each).
const (
	BandMix   = "mix"
	BandTypes = "types"
	mixLo     = 2 * time.Second
	mixHi     = 30 * time.Minute
)

// citrixMax is the longest interval of Citrix's SDK schedule.
const citrixMax = 30 * time.Second

// ExactRow is one policy under one curve over one set of jobs.
type ExactRow struct {
	Band      string // "m = 1 min", BandMix or BandTypes
	Median    time.Duration
	Curve     daastest.ProgressCurve
	Policy    string
	Jobs      int
	MedianPct float64 // median detection delay, % of the job's duration
	P95Pct    float64
	// MedianDelay is the median detection delay itself.
	MedianDelay time.Duration
	Reads       float64 // mean reads per job
	OverMax     int     // the most reads over Citrix's by any time, any job
	// The limit of the median and p95 under the same budget (Citrix + 3
	// by any time; for the mix, Citrix's reads by any time); 0 when not
	// computed.
	LimitMedian, LimitP95 float64
	// LimitJoint is the least factor over both limits within which one
	// schedule the program finds has its median and its p95 (see
	// limit.Joint); 0 when not computed.
	LimitJoint float64
	// GuardJoint is the same factor for a schedule that makes the guard
	// read first (below), over the limits above: how close one schedule
	// can come to both when it must spend a read to learn the job's type.
	GuardJoint float64
	// The limits of a schedule that makes the guard read first (the read
	// that shows the job's type, before any plan), which leaves Citrix + 2
	// for the rest; 0 when not computed.
	GuardMedian, GuardP95 float64
}

// ExactResult is the exact simulation's rows.
type ExactResult struct {
	Config ExactConfig
	Rows   []ExactRow
	Wall   time.Duration
}

// Row returns the row of policy under curve c in band, if there is one.
func (x *ExactResult) Row(band string, c daastest.ProgressCurve, policy string) (ExactRow, bool) {
	for _, r := range x.Rows {
		if r.Band == band && r.Curve == c && r.Policy == policy {
			return r, true
		}
	}
	return ExactRow{}, false
}

// MixPolicies are the policies run over the mix: the library's and the
// competitors' schedules, four settings of the library's policy with one
// knob moved (for the frontier: what Multiplier and MaxInterval trade),
// and the library's first-seen schedule.
func MixPolicies() []Policy {
	variant := func(name string, mult float64, maxInterval time.Duration) Policy {
		p := DaasDefault()
		p.Name, p.Lib.Multiplier, p.Lib.MaxInterval = name, mult, maxInterval
		p.Desc = fmt.Sprintf("as daas default, with Multiplier %g and MaxInterval %v", mult, maxInterval)
		return p
	}
	return append(Policies(),
		variant("daas ×1.5", 1.5, 30*time.Second),
		variant("daas ×3", 3, 30*time.Second),
		variant("daas max 10 s", 2, 10*time.Second),
		variant("daas max 2 min", 2, 2*time.Minute),
		DaasFirstSeen(),
	)
}

// typePolicies are the policies run over the job types.
func typePolicies() []Policy {
	return []Policy{DaasFirstSeen(), DaasWithHistory(), CitrixSDK()}
}

// RunExact runs the exact simulation:
//   - for each band (log-normal durations around each of ExactMedians),
//     the library's schedule with a history of the band (one of
//     exactHistories histories of 32 jobs) against the limit at Citrix + 3;
//   - over the mix (log-uniform 2 s – 30 min), every policy of
//     MixPolicies, the library's with a history of 32 durations drawn from
//     the mix (one that does not predict) but for the first-seen one;
//   - over the job types (Types medians log-uniform 2 s – 30 min,
//     Jobs/Types jobs of each), the first-seen schedule, the schedule with
//     a history of 32 durations of the job's type, and Citrix's.
func RunExact(cfg ExactConfig) *ExactResult {
	cfg.defaults()
	start := time.Now()
	res := &ExactResult{Config: cfg}
	// The limits take as long as the simulation: they are computed on a
	// second core meanwhile. lims[i] is band i's median, p95, joint
	// factor, median and p95 after a guard read, and the joint factor
	// after it over the first two; the last, the mix's median.
	lims := make([][6]float64, len(cfg.Medians)+1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		budget, guarded := limit.CitrixPlus(3, citrixMax), limit.CitrixPlus(2, citrixMax)
		for i, m := range cfg.Medians {
			dist := limit.LogNormal{Median: m, Sigma: cfg.Sigma}
			// The joint factors on a coarser grid, over the limits on it:
			// a grid much coarser than a limit's delay would place the
			// reads a grid step from it.
			coarse := limit.Options{Grid: 4000}
			c50, c95 := limit.Quantile(dist, budget, 0.5, coarse), limit.Quantile(dist, budget, 0.95, coarse)
			lims[i] = [6]float64{100 * limit.Quantile(dist, budget, 0.5, limit.Options{}), 100 * limit.Quantile(dist, budget, 0.95, limit.Options{}),
				limit.Joint(dist, budget, 0.5, c50, 0.95, c95, 0.005, coarse),
				100 * limit.Quantile(dist, guarded, 0.5, limit.Options{}), 100 * limit.Quantile(dist, guarded, 0.95, limit.Options{}),
				limit.Joint(dist, guarded, 0.5, c50, 0.95, c95, 0.005, coarse)}
		}
		lims[len(cfg.Medians)][0] = 100 * limit.Quantile(logUniform{mixLo, mixHi}, limit.CitrixPlus(0, citrixMax), 0.5, limit.Options{})
	}()

	r := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	learnt := DaasWithHistory()
	for _, m := range cfg.Medians {
		durs := logNormals(r, cfg.Jobs, m, cfg.Sigma)
		hists := make([]*poll.Stats, exactHistories)
		for i := range hists {
			hists[i] = history(logNormals(r, 32, m, cfg.Sigma))
		}
		for _, c := range exactCurves {
			row := simulate(learnt, durs, hists, c, r)
			row.Band, row.Median = "m = "+fmtDur(m), m
			res.Rows = append(res.Rows, row)
		}
	}

	mix := LogUniformDurations(cfg.Jobs, mixLo, mixHi, r)
	mixHists := make([]*poll.Stats, mixHistories)
	for i := range mixHists {
		mixHists[i] = history(LogUniformDurations(32, mixLo, mixHi, r))
	}
	res.sets(BandMix, MixPolicies(), mix, mixHists, r)

	var durs []time.Duration
	var hists []*poll.Stats // job i's type's: one per type, whose plans are computed once
	per := max(1, cfg.Jobs/cfg.Types)
	for _, m := range LogUniformDurations(cfg.Types, mixLo, mixHi, r) {
		h := history(logNormals(r, 32, m, cfg.Sigma))
		for range per {
			durs = append(durs, logNormal(r, m, cfg.Sigma))
			hists = append(hists, h)
		}
	}
	res.sets(BandTypes, typePolicies(), durs, hists, r)

	<-done
	for i := range res.Rows {
		row := &res.Rows[i]
		switch {
		case row.Median > 0 && row.Curve != daastest.ProgressLinear:
			l := lims[slices.Index(cfg.Medians, row.Median)]
			row.LimitMedian, row.LimitP95, row.LimitJoint = l[0], l[1], l[2]
			row.GuardMedian, row.GuardP95, row.GuardJoint = l[3], l[4], l[5]
		case row.Band == BandMix && row.Curve == daastest.ProgressNone && row.Policy == DaasFirstSeen().Name:
			row.LimitMedian = lims[len(cfg.Medians)][0]
		}
	}
	res.Wall = time.Since(start)
	return res
}

// sets adds the rows of every policy under every curve over durs, curve
// by curve; the library's policies but the first-seen ones wait with
// hists. A history keeps the plan of one policy: each policy runs every
// curve before the next, so that it computes each plan once.
func (x *ExactResult) sets(band string, pols []Policy, durs []time.Duration, hists []*poll.Stats, r *rand.Rand) {
	rows := make([]ExactRow, len(exactCurves)*len(pols))
	for pi, pol := range pols {
		var h []*poll.Stats
		if pol.IsLib() && !pol.Fresh {
			h = hists
		}
		for ci, c := range exactCurves {
			rows[ci*len(pols)+pi] = simulate(pol, durs, h, c, r)
			rows[ci*len(pols)+pi].Band = band
		}
	}
	x.Rows = append(x.Rows, rows...)
}

// history is a history of one job type of the given durations.
func history(durs []time.Duration) *poll.Stats {
	st := poll.NewStats()
	st.Load([]poll.TypeDurations{{Type: "T", Durations: durs}})
	return st
}

func logNormal(r *rand.Rand, m time.Duration, sigma float64) time.Duration {
	return time.Duration(float64(m) * math.Exp(sigma*r.NormFloat64())).Round(time.Millisecond)
}

func logNormals(r *rand.Rand, n int, m time.Duration, sigma float64) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = logNormal(r, m, sigma)
	}
	return out
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

// exactHistories is how many histories of 32 jobs a band draws, and
// mixHistories the mix; job i waits with the (i mod len)-th. A plan of
// the mix's durations, spread 900×, costs tens of milliseconds.
const (
	exactHistories = 64
	mixHistories   = 16
)

// simulate waits under pol for each job of durs, started with its 202 at
// time 0 and ended at its duration, reporting progress by curve c, and
// returns the row: the first read at or after the end sees it. A library
// policy waits with the history hists[i%len(hists)] (none when hists is
// empty); r is the source of a loop schedule's jitter.
func simulate(pol Policy, durs []time.Duration, hists []*poll.Stats, c daastest.ProgressCurve, r *rand.Rand) ExactRow {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pcts := make([]float64, len(durs))
	secs := make([]float64, len(durs))
	reads, over := 0, math.MinInt
	for i, d := range durs {
		var hist *poll.Stats
		if len(hists) > 0 {
			hist = hists[i%len(hists)]
		}
		s := pol.schedule(r, t0, hist)
		at, n := s.First(), 1
		for ; ; n++ {
			over = max(over, n-citrixReadsBy(at))
			if at >= d {
				break
			}
			at += s.Next(at, exactProgress(c, at, d))
		}
		reads += n
		pcts[i] = 100 * float64(at-d) / float64(d)
		secs[i] = (at - d).Seconds()
	}
	slices.Sort(pcts)
	slices.Sort(secs)
	return ExactRow{Curve: c, Policy: pol.Name, Jobs: len(durs), Reads: float64(reads) / float64(len(durs)),
		MedianPct: percentileSorted(pcts, 0.5), P95Pct: percentileSorted(pcts, 0.95),
		MedianDelay: time.Duration(percentileSorted(secs, 0.5) * float64(time.Second)), OverMax: over}
}

// citrixReadsBy is how many reads Citrix's schedule has made by t.
func citrixReadsBy(t time.Duration) int {
	n := 0
	for limit.CitrixRead(n+1, citrixMax) <= t {
		n++
		if n > 4 {
			return 3 + int(t/citrixMax)
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
	p("## 1. Schedules, exactly\n\n")
	p("Every policy's schedule run on a virtual clock, every read exactly when it says: the library's own schedule code (`internal/poll`) and the competitors' loops, ")
	p("seed %d, %s of wall time. A job ends at its duration and the first read at or after its end sees it; its detection delay is that read's time − its end. ", x.Config.Seed, x.Wall.Round(time.Millisecond))
	p("Delays are %% of the job's duration; reads are per job; *over* is the most reads over Citrix's SDK (reads at 0, 10, 20, 30 s, then every 30 s) by any time, in any job. ")
	p("Progress as the fake reports it: none; steps (0, 25, 50, 75%%); linear (0→99%% with time).\n\n")
	p("### Learnt durations (history of 32 jobs, log-normal σ = %g around m)\n\n", x.Config.Sigma)
	p("%d jobs per band, each waited for by daas with history (one of %d histories of 32 jobs of the band). ", x.Config.Jobs, exactHistories)
	p("*Limit* is the least median / p95 any schedule achieves within the same budget (Citrix's reads + 3 by any time; `internal/bench/limit`, computed in this run); *×* is the figure over its limit. The two limits are reached by ")
	p("different schedules: *both* is the least factor within which one schedule the program finds has its median and its p95 (`limit.Joint`), ")
	p("knowing the distribution exactly, where the learnt schedule knows 32 durations. ")
	p("*After the guard* is the median / p95 limit, and the figures over it, of a schedule that first makes the guard read (the read that shows the job's type, before which no plan is known), ")
	p("as the learnt schedule does: Citrix's reads + 2 are left for the rest. *Both after the guard* is *both* for such a schedule, over the limits without the guard: ")
	p("the least factor of the two limits that a learnt schedule can reach, even knowing the distribution exactly.\n\n")
	p("| band | progress | median | limit | × | p95 | limit | × | both | after the guard | both after the guard | reads | over |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range x.Rows {
		if r.Median == 0 {
			continue
		}
		if r.LimitMedian > 0 {
			both, guard, guardBoth := "", "", ""
			if r.Curve == daastest.ProgressNone {
				both = fmt.Sprintf("%.2f", r.LimitJoint)
				guard = fmt.Sprintf("%.2f%% / %.2f%% (%.2f / %.2f)", r.GuardMedian, r.GuardP95, r.MedianPct/r.GuardMedian, r.P95Pct/r.GuardP95)
				guardBoth = fmt.Sprintf("%.2f", r.GuardJoint)
			}
			p("| %s | %s | %.2f%% | %.2f%% | %.2f | %.2f%% | %.2f%% | %.2f | %s | %s | %s | %.1f | %+d |\n", r.Band, r.Curve, r.MedianPct, r.LimitMedian, r.MedianPct/r.LimitMedian,
				r.P95Pct, r.LimitP95, r.P95Pct/r.LimitP95, both, guard, guardBoth, r.Reads, r.OverMax)
		} else {
			p("| %s | %s | %.2f%% | | | %.2f%% | | | | | | %.1f | %+d |\n", r.Band, r.Curve, r.MedianPct, r.P95Pct, r.Reads, r.OverMax)
		}
	}

	p("\n### The mix: every policy over jobs of 2 s – 30 min\n\n")
	p("%d jobs, durations log-uniform from 2 s to 30 min (stratified), each waited for by every policy under each curve. ", x.Config.Jobs)
	p("The library's policies but the first-seen one wait with a history of 32 durations drawn from the mix (one of %d): one type spread 900×, a history that does not predict. ", mixHistories)
	p("A loop's clock starts at the 202, with a read at once; Google's jitter comes from the seeded source.\n\n")
	for _, pol := range MixPolicies() {
		p("- **%s**: %s\n", pol.Name, pol.Desc)
	}
	p("\n")
	x.table(&b, BandMix)
	p("\nFirst seen against Citrix's schedule (below-left: fewer reads per job and a lower median). The limit is the least median any schedule reaches with at most Citrix's reads by any time.\n\n")
	fs := DaasFirstSeen().Name
	for _, c := range exactCurves {
		f, ok1 := x.Row(BandMix, c, fs)
		ct, ok2 := x.Row(BandMix, c, CitrixSDK().Name)
		if !ok1 || !ok2 {
			continue
		}
		verdict := "below-left"
		if !(f.Reads < ct.Reads && f.MedianPct < ct.MedianPct) {
			verdict = "not below-left"
		}
		p("- **%s**: %s (reads %+.2f, median %+.2f points)", c, verdict, f.Reads-ct.Reads, f.MedianPct-ct.MedianPct)
		if f.LimitMedian > 0 {
			p("; limit of the median at Citrix's reads %.2f%% (%.2f points from it)", f.LimitMedian, f.MedianPct-f.LimitMedian)
		}
		p(".\n")
	}

	per := max(1, x.Config.Jobs/x.Config.Types)
	p("\n### Job types: learnt durations\n\n")
	p("%d job types, medians log-uniform from 2 s to 30 min; %d jobs of each, durations log-normal around the type's median, σ = %g. ", x.Config.Types, per, x.Config.Sigma)
	p("Each job is waited for by **%s** (no history), **%s** (a history of 32 durations of its type, one per type) and **%s**.\n\n", fs, DaasWithHistory().Name, CitrixSDK().Name)
	x.table(&b, BandTypes)
	p("\nHow the learnt schedule places its reads, and the budget it keeps: docs/polling.md, \"Learnt durations\".\n\n")
	p("### Targets (schedules)\n\n")
	b.WriteString(targetText(ScheduleTargets(x)))
	return b.String()
}

// table writes the rows of band, with each against Citrix's under the
// same curve.
func (x *ExactResult) table(b *strings.Builder, band string) {
	fmt.Fprintf(b, "| progress | policy | median | p95 | median delay | reads | over | Citrix median ÷ this |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range x.Rows {
		if r.Band != band {
			continue
		}
		ratio := "–"
		if c, ok := x.Row(band, r.Curve, CitrixSDK().Name); ok && r.MedianDelay > 0 {
			ratio = fmt.Sprintf("%.1f×", c.MedianDelay.Seconds()/r.MedianDelay.Seconds())
		}
		fmt.Fprintf(b, "| %s | %s | %.2f%% | %.2f%% | %.2f s | %.2f | %+d | %s |\n", r.Curve, r.Policy, r.MedianPct, r.P95Pct, r.MedianDelay.Seconds(), r.Reads, r.OverMax, ratio)
	}
}
