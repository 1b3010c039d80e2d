package harness

import (
	"math"
	"slices"
	"time"
)

// Percentile returns the p-quantile (p in [0, 1]) of xs by linear
// interpolation between the closest ranks (the "type 7" estimator of R and
// NumPy's default). xs need not be sorted and is not modified. It returns NaN
// for an empty slice.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return percentileSorted(s, p)
}

func percentileSorted(s []float64, p float64) float64 {
	p = min(max(p, 0), 1)
	h := p * float64(len(s)-1)
	lo := int(math.Floor(h))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (h-float64(lo))*(s[hi]-s[lo])
}

// Median is Percentile(xs, 0.5).
func Median(xs []float64) float64 { return Percentile(xs, 0.5) }

// LogUniformDurations returns n durations log-uniformly distributed over
// [lo, hi], stratified: the i-th falls in the i-th of n equal slices of
// [ln lo, ln hi] at a position drawn from r, so that every part of the range
// is covered even for small n. The result is shuffled by r.
func LogUniformDurations(n int, lo, hi time.Duration, r interface {
	Float64() float64
	Shuffle(int, func(int, int))
}) []time.Duration {
	out := make([]time.Duration, n)
	a, b := math.Log(float64(lo)), math.Log(float64(hi))
	for i := range out {
		u := (float64(i) + r.Float64()) / float64(n)
		out[i] = time.Duration(math.Exp(a + u*(b-a))).Round(time.Millisecond)
		out[i] = min(max(out[i], lo), hi)
	}
	r.Shuffle(n, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
