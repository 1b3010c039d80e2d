package limit

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// never is a budget time no grid reaches.
const never = time.Duration(math.MaxInt64)

// reads returns a budget of n reads at any time and none after.
func reads(n int) Budget {
	return func(k int) time.Duration {
		if k <= n {
			return 0
		}
		return never
	}
}

func TestOneReadMedianIsTheCentralInterval(t *testing.T) {
	// One read sees the durations in [t/(1+x), t]; the shortest such log
	// interval holding half the mass of a log-normal is centred on the
	// median and ±0.67449σ wide, so x = exp(2·0.67449σ) − 1.
	d := LogNormal{Median: time.Minute, Sigma: 0.3}
	want := math.Exp(2*0.6744897501960817*0.3) - 1
	got := Quantile(d, reads(1), 0.5, Options{})
	assert.InEpsilon(t, want, got, 0.002)
}

func TestTwoReadsMatchExhaustiveSearch(t *testing.T) {
	// On a coarse grid, try every pair of reads by brute force.
	d := LogNormal{Median: 30 * time.Second, Sigma: 0.4}
	const grid = 150
	for _, q := range []float64{0.5, 0.8, 0.95} {
		p := newGrid(d, reads(2), Options{Grid: grid})
		step := p.U[1] - p.U[0]
		cdfAt := func(u float64) float64 { // the grid's distribution, linear between points
			f := (u - p.U[0]) / step
			if f < 0 {
				return 0
			}
			i := int(f)
			return p.CDF[i] + (f-float64(i))*(p.CDF[min(i+1, grid)]-p.CDF[i])
		}
		covered := func(x float64) float64 {
			w := math.Log1p(x)
			see := func(from float64, j int) float64 { // mass read j sees after a read at log time from
				low := math.Max(from, p.U[j]-w)
				return math.Max(0, p.CDF[j]-cdfAt(low))
			}
			best := 0.0
			for j := range p.U {
				if j == 0 {
					continue // index 0 stands for no read
				}
				best = math.Max(best, see(math.Inf(-1), j))
				for i := 1; i < j; i++ {
					best = math.Max(best, see(math.Inf(-1), i)+see(p.U[i], j))
				}
			}
			return best
		}
		lo, hi := 0.0, 100.0
		for hi-lo > 1e-6*hi {
			if mid := (lo + hi) / 2; covered(mid) >= q {
				hi = mid
			} else {
				lo = mid
			}
		}
		got := Quantile(d, reads(2), q, Options{Grid: grid})
		assert.InEpsilon(t, hi, got, 2e-4, "q=%v", q)
	}
}

func TestMoreBudgetIsNeverWorse(t *testing.T) {
	d := LogNormal{Median: 40 * time.Second, Sigma: 0.3}
	o := Options{Grid: 4000}
	for _, q := range []float64{0.5, 0.95} {
		l1 := Quantile(d, CitrixPlus(1, 30*time.Second), q, o)
		l3 := Quantile(d, CitrixPlus(3, 30*time.Second), q, o)
		l6 := Quantile(d, CitrixPlus(6, 30*time.Second), q, o)
		assert.Greater(t, l1, l3, "q=%v", q)
		assert.Greater(t, l3, l6, "q=%v", q)
	}
}

func TestCitrixPlusThreeMatchesAnIndependentComputation(t *testing.T) {
	// The limits quoted in the project's planning, computed separately
	// with the same method on another grid: median and p95 for σ = 0.3 at
	// Citrix's reads + 3.
	for _, c := range []struct {
		m        time.Duration
		med, p95 float64
	}{
		{10 * time.Second, 0.083, 0.226},
		{time.Minute, 0.048, 0.130},
	} {
		d := LogNormal{Median: c.m, Sigma: 0.3}
		b := CitrixPlus(3, 30*time.Second)
		assert.InEpsilon(t, c.med, Quantile(d, b, 0.5, Options{}), 0.03, "median, m=%v", c.m)
		assert.InEpsilon(t, c.p95, Quantile(d, b, 0.95, Options{}), 0.03, "p95, m=%v", c.m)
	}
}

func TestCitrixRead(t *testing.T) {
	var got []time.Duration
	for j := 0; j <= 7; j++ {
		got = append(got, CitrixRead(j, 30*time.Second))
	}
	s := time.Second
	assert.Equal(t, []time.Duration{0, 0, 10 * s, 20 * s, 30 * s, 60 * s, 90 * s, 120 * s}, got)
}

// One schedule serves one quantile at its limit; two quantiles of a
// log-normal distribution pull the reads apart, so one schedule meets both
// only some way above each limit.
func TestJoint(t *testing.T) {
	d := LogNormal{Median: time.Minute, Sigma: 0.3}
	b := CitrixPlus(3, 30*time.Second)
	opt := Options{Grid: 2000}
	l1, l2 := Quantile(d, b, 0.5, opt), Quantile(d, b, 0.95, opt)
	assert.InDelta(t, 1, Joint(d, b, 0.5, l1, 0.5, l1, 0.01, opt), 0.02)
	j := Joint(d, b, 0.5, l1, 0.95, l2, 0.01, opt)
	assert.Greater(t, j, 1.05)
	assert.Less(t, j, 1.6)
}

// Against the limits of a looser budget, a schedule under a tighter one
// comes no closer than one under the looser: one read fewer by any time
// (the read that shows a job's type, made before any plan) moves the
// joint factor of one-minute jobs up by a tenth or more.
func TestJointAgainstALooserBudget(t *testing.T) {
	d := LogNormal{Median: time.Minute, Sigma: 0.3}
	b, tight := CitrixPlus(3, 30*time.Second), CitrixPlus(2, 30*time.Second)
	opt := Options{Grid: 2000}
	l1, l2 := Quantile(d, b, 0.5, opt), Quantile(d, b, 0.95, opt)
	loose := Joint(d, b, 0.5, l1, 0.95, l2, 0.01, opt)
	assert.Greater(t, Joint(d, tight, 0.5, l1, 0.95, l2, 0.01, opt), loose*1.1)
}

// A share no schedule sees (all of the durations: the distribution has
// mass past any read) has no factor: Joint says so rather than search on.
func TestJointOfAShareNoneSees(t *testing.T) {
	d := LogNormal{Median: time.Minute, Sigma: 0.3}
	assert.True(t, math.IsInf(Joint(d, CitrixPlus(3, 30*time.Second), 0.5, 0.05, 1, 0.2, 0.01, Options{Grid: 500}), 1))
}
