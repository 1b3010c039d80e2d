// Package limit computes the theoretical best a poll schedule can do: for
// job durations drawn from a known distribution and a read budget (the k-th
// read of a job no earlier than a given time after its start), the least
// quantile of the detection delay — the time from a job's end to the read
// that sees it, relative to the job's duration — that any schedule within
// the budget achieves.
//
// The bench prints it beside each measured figure, so that a schedule is
// judged by its distance to what is possible rather than by a fixed target.
//
// # Method
//
// The dynamic program of internal/readplan (which the library's learnt
// plans also use) on a fine logarithmic grid over the distribution: a
// limit costs O(bisection steps × reads × grid points). Reads are placed on grid points,
// so the schedule found is a real one and the figure is achievable; the true
// continuous limit is below it by at most about one grid step.
package limit

import (
	"math"
	"time"

	"github.com/daaskit/daas/internal/readplan"
)

// Distribution is a distribution of job durations.
type Distribution interface {
	// CDF returns the probability that a job lasts at most t.
	CDF(t time.Duration) float64
	// Span returns durations outside of which the distribution has
	// negligible mass (below about 1e-9 on each side).
	Span() (lo, hi time.Duration)
}

// LogNormal is a log-normal distribution of durations around Median with
// shape Sigma (the standard deviation of the duration's logarithm).
type LogNormal struct {
	Median time.Duration
	Sigma  float64
}

// CDF implements [Distribution].
func (d LogNormal) CDF(t time.Duration) float64 {
	if t <= 0 {
		return 0
	}
	z := math.Log(float64(t)/float64(d.Median)) / d.Sigma
	return 0.5 * math.Erfc(-z/math.Sqrt2)
}

// Span implements [Distribution]: six standard deviations either side.
func (d LogNormal) Span() (lo, hi time.Duration) {
	f := math.Exp(6 * d.Sigma)
	return time.Duration(float64(d.Median) / f), time.Duration(float64(d.Median) * f)
}

// Budget returns the earliest time, after a job's start, of its k-th read
// (k >= 1). It must not decrease as k grows.
type Budget func(k int) time.Duration

// CitrixRead returns the time of the j-th read of Citrix's own Go SDK
// schedule for a maximum interval of max (30 s in Citrix's SDK): at once,
// then every max/3 up to max, then every max. It is 0 for j <= 1.
func CitrixRead(j int, max time.Duration) time.Duration {
	switch {
	case j <= 1:
		return 0
	case j <= 4:
		return time.Duration(j-1) * max / 3
	default:
		return time.Duration(j-3) * max
	}
}

// CitrixPlus is the budget of at most extra reads more than Citrix's SDK
// schedule by any time: the k-th read no earlier than Citrix's
// (k−extra)-th.
func CitrixPlus(extra int, max time.Duration) Budget {
	return func(k int) time.Duration { return CitrixRead(k-extra, max) }
}

// Options tune the computation; the zero value is a good default.
type Options struct {
	// Grid is the number of grid points over the distribution's span
	// (default 20000). The figure is exact to about Span's log-width / Grid.
	Grid int
}

// Quantile returns the least q-quantile (0 < q < 1) of the relative
// detection delay over jobs of dist that any read schedule within budget
// achieves: 0.05 means a read within 5% of the job's duration after its end.
func Quantile(dist Distribution, budget Budget, q float64, opt Options) float64 {
	return newGrid(dist, budget, opt).Least(q, 1e-4)
}

// newGrid returns the program of one limit: the distribution and the
// budget on Grid points over the distribution's span.
func newGrid(dist Distribution, budget Budget, opt Options) *readplan.Grid {
	n := opt.Grid
	if n <= 0 {
		n = 20000
	}
	lo, hi := dist.Span()
	a, b := math.Log(lo.Seconds()), math.Log(hi.Seconds())
	g := &readplan.Grid{U: make([]float64, n+1), CDF: make([]float64, n+1), Layer: make([]int, n+1)}
	k := 0
	for i := range g.U {
		g.U[i] = a + float64(i)*(b-a)/float64(n)
		t := seconds(math.Exp(g.U[i]))
		g.CDF[i] = dist.CDF(t)
		for budget(k+1) <= t {
			k++
		}
		g.Layer[i] = k
	}
	return g
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// jointMaxFactor bounds the factor Joint searches.
const jointMaxFactor = 1 << 10

// Joint returns a factor a ≥ 1 such that one schedule within budget has
// its q1-quantile within a·ref1 and its q2-quantile within a·ref2, to
// within tol. With ref1 and ref2 the least quantiles under the same
// budget (what Quantile returns), which different schedules reach, it says
// how close one schedule comes to both; with the limits of a looser
// budget, how close a schedule under this one can come to them. It is the
// least factor the program (readplan's Joint, over a few weights of the
// two delays) finds a schedule for, so the true joint factor is at most
// it; +Inf when none is found within jointMaxFactor (a share no reads in
// the budget see, such as 1).
func Joint(dist Distribution, budget Budget, q1, ref1, q2, ref2, tol float64, opt Options) float64 {
	_, a := newGrid(dist, budget, opt).Joint(ref1, q1, ref2, q2, tol, jointMaxFactor, []float64{1, 1.5, 2, 3})
	return a
}
