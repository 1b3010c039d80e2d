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
// A read at time t sees, within a relative delay x, every job that ended in
// [t/(1+x), t] since the previous read. For a given x, a dynamic program
// over read times on a fine logarithmic grid finds the largest probability
// mass of durations that k reads can see within x, for every k the budget
// allows by each time; x is then found by bisection as the least value whose
// best coverage reaches the quantile. Each layer of the program is linear in
// the grid (a prefix maximum and a sliding-window maximum), so a limit costs
// O(bisection steps × reads × grid points). Reads are placed on grid points,
// so the schedule found is a real one and the figure is achievable; the true
// continuous limit is below it by at most about one grid step.
package limit

import (
	"math"
	"time"
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
	p := newProgram(dist, budget, opt)
	lo, hi := 0.0, math.Exp(p.u[len(p.u)-1]-p.u[0]) // one read at the top sees all
	for range 60 {
		mid := (lo + hi) / 2
		if p.coverage(mid, q) >= q {
			hi = mid
		} else {
			lo = mid
		}
		if hi-lo <= 1e-4*hi {
			break
		}
	}
	return hi
}

// program is the grid and budget of one limit.
type program struct {
	dist   Distribution
	u      []float64 // log of grid times in seconds, ascending, evenly spaced
	step   float64
	cdf    []float64 // CDF at each grid time
	layers []int     // layers[j]: how many reads the budget allows by grid time j
	first  []int     // first[k]: the first grid index where k reads are allowed
}

func newProgram(dist Distribution, budget Budget, opt Options) *program {
	g := opt.Grid
	if g <= 0 {
		g = 20000
	}
	lo, hi := dist.Span()
	a, b := math.Log(lo.Seconds()), math.Log(hi.Seconds())
	p := &program{dist: dist, step: (b - a) / float64(g)}
	p.u = make([]float64, g+1)
	p.cdf = make([]float64, g+1)
	p.layers = make([]int, g+1)
	k := 0
	for i := range p.u {
		p.u[i] = a + float64(i)*p.step
		t := seconds(math.Exp(p.u[i]))
		p.cdf[i] = dist.CDF(t)
		for budget(k+1) <= t {
			k++
		}
		p.layers[i] = k
		for len(p.first) <= k {
			p.first = append(p.first, i)
		}
	}
	return p
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// coverage returns the largest probability mass of durations that a
// schedule within the budget sees within relative delay x; it stops early
// once enough reaches want.
//
// prev[i] is the best mass seen by k−1 reads, the last at grid time i;
// index 0 stands for "no read yet" (grid time 0 has no mass below it). A
// k-th read at j after a read at i sees the mass in (i, j] above
// t_j/(1+x): cdf[j] − cdf at t_j/(1+x) when i is at or below that, else
// cdf[j] − cdf[i].
func (p *program) coverage(x float64, want float64) float64 {
	n := len(p.u)
	w := math.Log1p(x)
	back := int(math.Ceil(w / p.step)) // i <= j−back lies at or below t_j/(1+x)
	inf := math.Inf(-1)
	prev, cur := make([]float64, n), make([]float64, n)
	for i := range prev {
		prev[i] = inf
	}
	prev[0] = 0
	below := make([]float64, n) // cdf at t_j/(1+x)
	for j := range below {
		below[j] = p.dist.CDF(seconds(math.Exp(p.u[j] - w)))
	}
	best := 0.0
	deque := make([]int, 0, n) // window indices, prev[i]−cdf[i] decreasing
	for k := 1; k <= p.layers[n-1]; k++ {
		prefix := inf // max prev[i] for i <= j−back
		deque = deque[:0]
		head := 0
		// prev is −inf below the first index of layer k−1: start there.
		from := p.first[k-1]
		for j := range from {
			cur[j] = inf
		}
		for j := from; j < n; j++ {
			// Indices that left the window (i <= j−back) join the prefix.
			if i := j - back; i >= from {
				prefix = max(prefix, prev[i])
			}
			// Index j−1 joins the window (j−back < i < j).
			if i := j - 1; i >= from && i > j-back {
				v := prev[i] - p.cdf[i]
				for len(deque) > head && prev[deque[len(deque)-1]]-p.cdf[deque[len(deque)-1]] <= v {
					deque = deque[:len(deque)-1]
				}
				deque = append(deque, i)
			}
			for len(deque) > head && deque[head] <= j-back {
				head++
			}
			cur[j] = inf
			if j == 0 || p.layers[j] < k {
				continue
			}
			v := prefix + p.cdf[j] - below[j]
			if len(deque) > head {
				i := deque[head]
				v = max(v, prev[i]-p.cdf[i]+p.cdf[j])
			}
			cur[j] = v
			best = max(best, v)
		}
		if best >= want {
			return best
		}
		prev, cur = cur, prev
	}
	return best
}
