package poll

import (
	"math"
	"slices"
	"time"

	"github.com/daaskit/daas/internal/readplan"
)

// A learnt plan: the read times, from a job's start, that see the most
// jobs of a type soon after they end, within the read budget.
//
// The durations kept of the type are smoothed into a distribution (a
// Gaussian kernel over their logarithms), and a dynamic program over read
// times on a logarithmic grid finds, for the least relative delay x, the
// reads within the budget that see planQuantile of that distribution
// within x of the end: a read at t sees the jobs that ended in
// [t/(1+x), t] since the read before. Reads go where the durations are:
// dense where they crowd, sparse in the tails, none where none end. It is
// the method of the bench's theoretical limit, run on what the client
// learnt; the bench measures the distance between the two.
//
// The plan of a job that reports progress serves the shortest
// planProgressShare of the durations alone: a job's progress shows where
// it will end only once it has moved, so the short jobs, which end before
// a read shows any, are the plan's to see, while the long ones are found
// by the reads their progress aims (see Schedule.Next).
const (
	// planQuantile is the share of jobs the plan sees within its delay:
	// it balances the median delay (best with reads crowded at the centre)
	// against the p95 (best with reads spread over the tails).
	planQuantile = 0.95
	// planGrid is the least number of grid points of the program, and
	// planGridPerRead how many it has for each read the budget allows
	// between the shortest and the longest duration, up to planGridMax:
	// the plan's delays are a fraction of the spacing of its reads, so a
	// grid much coarser than that spacing places reads a grid step from
	// where they belong. A type of two hours has about 300 reads over its
	// durations: on 1,200 points its median and p95 delays were 1.43 and
	// 1.42 times the limit, on this grid 1.33 and 1.18 (the bench's exact
	// simulation). planGridMax bounds the cost: a type spread over half an
	// hour under a 2 s MaxInterval takes 160 ms and 24 MB to plan
	// (BenchmarkPlanWideType), once per change of its durations.
	planGrid        = 1200
	planGridPerRead = 8
	planGridMax     = 4096
	// planMaxReads bounds the reads of a plan: the program's memory and
	// time grow with the reads the budget allows over the durations, which
	// a type spread over hours, or a policy of a short MaxInterval, makes
	// thousands. Past the plan the reads go on at the policy's pace, so
	// the bound costs only jobs that outlast planMaxReads reads.
	planMaxReads = 1024
	// planProgressShare is the share of the durations the plan of a job
	// that reports progress serves (see above). In the bench's exact
	// simulation (seeds 1–3), with steps of 25%, it took the p95 of types
	// of 10 s to 10 min from 0.97–1.20 times the no-progress limit (seed
	// 1) to 0.76–0.98; types of 30 min and 2 h stay at 0.98–1.04. The
	// linear p95s fell too.
	planProgressShare = 0.7
)

// planReads returns the plan's read times, ascending, for the durations
// ds of a type whose jobs report progress or not; the budget's floor(k)
// is the earliest time of the k-th read, of which the first done are made
// before the plan begins (at or below the grid's start). The last read is
// at or past the longest duration the distribution holds.
func planReads(ds []time.Duration, floor func(k int) time.Duration, done int, progress bool) []time.Duration {
	g := planProgram(ds, floor, done)
	if progress {
		// The plan sees the shortest planProgressShare as it would all.
		for i, c := range g.CDF {
			g.CDF[i] = min(1, c/planProgressShare)
		}
	}
	u := g.U
	xhi := g.Least(planQuantile, 5e-3)
	var reads []int
	g.Coverage(xhi, planQuantile, &reads)
	out := make([]time.Duration, 0, len(reads)+1)
	for _, j := range reads {
		out = append(out, time.Duration(math.Exp(u[j])*float64(time.Second)))
	}
	// Up to the top of the distribution, reads (1+x) apart.
	top := time.Duration(math.Exp(u[len(u)-1]) * float64(time.Second))
	if len(out) == 0 {
		out = append(out, time.Duration(math.Exp(u[0])*float64(time.Second)))
	}
	for float64(out[len(out)-1])*(1+xhi) < float64(top) {
		out = append(out, time.Duration(float64(out[len(out)-1])*(1+xhi))+time.Millisecond)
	}
	return out
}

// readsBetween returns how many reads the budget (floor, after done)
// allows in (lo, hi], at most planMaxReads.
func readsBetween(floor func(k int) time.Duration, done int, lo, hi time.Duration) int {
	k := done
	for k < done+planMaxReads && floor(k+1) <= lo {
		k++
	}
	n := 0
	for n < planMaxReads && floor(k+n+1) <= hi {
		n++
	}
	return n
}

// kernelCDF is the smoothed distribution of the logarithms logs (kernel
// width h) at u.
func kernelCDF(logs []float64, h, u float64) float64 {
	s := 0.0
	for _, l := range logs {
		s += 0.5 * math.Erfc(-(u-l)/h/math.Sqrt2)
	}
	return s / float64(len(logs))
}

// planProgram returns the program of the plan of the durations ds: their
// smoothed distribution on a logarithmic grid (see planGrid), and the
// reads the budget allows by each point (at most done+planMaxReads).
func planProgram(ds []time.Duration, floor func(k int) time.Duration, done int) *readplan.Grid {
	logs := make([]float64, len(ds))
	mean := 0.0
	for i, d := range ds {
		logs[i] = math.Log(d.Seconds())
		mean += logs[i]
	}
	mean /= float64(len(ds))
	vr := 0.0
	for _, l := range logs {
		vr += (l - mean) * (l - mean)
	}
	sd := math.Sqrt(vr / float64(len(ds)))
	h := max(1.06*sd*math.Pow(float64(len(ds)), -0.2), 0.01)
	lo, hi := slices.Min(logs)-3*h, slices.Max(logs)+3*h
	n := min(max(planGrid, planGridPerRead*readsBetween(floor, done, slices.Min(ds), slices.Max(ds))), planGridMax) + 1
	step := (hi - lo) / float64(n-1)
	g := &readplan.Grid{U: make([]float64, n), CDF: make([]float64, n), Layer: make([]int, n), Done: done}
	k := done
	for i := range g.U {
		g.U[i] = lo + float64(i)*step
		g.CDF[i] = kernelCDF(logs, h, g.U[i])
		t := time.Duration(math.Exp(g.U[i]) * float64(time.Second))
		for k < done+planMaxReads && floor(k+1) <= t {
			k++
		}
		g.Layer[i] = k
	}
	return g
}

// fillPlan returns plan with reads added where it is sparser than the
// first-seen schedule (step(t) is that schedule's interval at t) and the
// budget has reads to spare: a read goes in a gap only if every later
// read of the plan still keeps to the budget. The plan sees a share of
// the durations within its delay and spends no read beyond; where the
// durations spread wide (a type whose jobs take seconds to hours) that
// delay is large, the plan's reads far apart, and the budget unspent.
func fillPlan(plan []time.Duration, floor func(k int) time.Duration, done int, step func(time.Duration) time.Duration) []time.Duration {
	n := len(plan)
	// spare[i] is how many reads may go before plan[i] without moving
	// plan[i] or any later read before its floor.
	spare := make([]int, n+1)
	spare[n] = planMaxReads
	for i := n - 1; i >= 0; i-- {
		m := 0
		for m < spare[i+1] && floor(done+i+1+m+1) <= plan[i] {
			m++
		}
		spare[i] = m
	}
	out := make([]time.Duration, 0, n)
	added := 0
	for i, p := range plan {
		if i > 0 {
			for t := plan[i-1]; added < spare[i]; added++ {
				s := max(t+step(t), floor(done+len(out)+1))
				if s >= p {
					break
				}
				out, t = append(out, s), s
			}
		}
		out = append(out, p)
	}
	return out
}
