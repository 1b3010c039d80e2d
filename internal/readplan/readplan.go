// Package readplan finds the read times that see the most jobs soon after
// they end, within a read budget: the method of the bench's theoretical
// limit (internal/bench/limit) and of the learnt plans of internal/poll.
//
// A read at t sees, within a relative delay x, every job that ended in
// [t/(1+x), t] since the read before. For a given x, a dynamic program over
// read times on a logarithmic grid finds the largest share of durations
// that k reads can see within x, for every k the budget allows by each
// time; the least x whose best share reaches a quantile is found by
// bisection. Each layer of the program is linear in the grid (a prefix
// maximum and a sliding-window maximum).
package readplan

import (
	"math"
	"slices"
)

// Grid is the problem: a distribution of durations on an evenly spaced
// logarithmic grid, and the budget on it.
type Grid struct {
	U     []float64 // log of the grid times in seconds, ascending, evenly spaced
	CDF   []float64 // the distribution at each grid time
	Layer []int     // how many reads the budget allows by each grid time (counting Done)
	Done  int       // reads made before the grid's first time
}

// Least returns the least relative delay x within which reads in the
// budget see a share q of the durations, to a relative precision tol.
func (g *Grid) Least(q, tol float64) float64 {
	lo, hi := 0.0, math.Exp(g.U[len(g.U)-1]-g.U[0]) // one read at the top sees all
	for range 60 {
		mid := (lo + hi) / 2
		if g.Coverage(mid, q, nil) >= q {
			hi = mid
		} else {
			lo = mid
		}
		if hi-lo <= tol*hi {
			break
		}
	}
	return hi
}

// Coverage returns the largest share of the durations that reads within
// the budget see within relative delay x. Without reads it stops once the
// share reaches want; with reads it runs every layer and sets *reads to
// the grid indices of the reads that see the most.
//
// prev[i] is the best share seen by the reads so far, the last at grid
// index i (index 0 also stands for "no read on the grid yet"). A read at j
// after one at i sees the share in (i, j] above t_j/(1+x): the
// distribution at j less that at t_j/(1+x) when i is at or below it, else
// less that at i.
func (g *Grid) Coverage(x, want float64, reads *[]int) float64 {
	n := len(g.U)
	step := (g.U[n-1] - g.U[0]) / float64(n-1)
	w := math.Log1p(x)
	back := int(math.Ceil(w / step)) // i <= j−back lies at or below t_j/(1+x)
	inf := math.Inf(-1)
	prev, cur := make([]float64, n), make([]float64, n)
	for i := range prev {
		prev[i] = inf
	}
	prev[0] = 0
	below := g.below(x)
	var from [][]int32 // from[k][j]: the read before the one at j in layer k
	best, bestJ, bestK := 0.0, 0, 0
	var win window // prev[i]−cdf[i] over the reads i inside the window of j
	for k := g.Done + 1; k <= g.Layer[n-1]; k++ {
		var at []int32
		if reads != nil {
			at = make([]int32, n)
		}
		prefix, prefixAt := inf, -1 // max prev[i] for i <= j−back
		win.reset()
		for j := range n {
			if i := j - back; i >= 0 && prev[i] > prefix {
				prefix, prefixAt = prev[i], i
			}
			if i := j - 1; i >= 0 && i > j-back {
				win.push(i, prev[i]-g.CDF[i])
			}
			win.drop(j - back)
			cur[j] = inf
			if j == 0 || g.Layer[j] < k {
				continue
			}
			v, i := prefix+g.CDF[j]-below[j], prefixAt
			if c, ci, ok := win.max(); ok && c+g.CDF[j] > v {
				v, i = c+g.CDF[j], ci
			}
			cur[j] = v
			if at != nil {
				at[j] = int32(i)
			}
			if v > best {
				best, bestJ, bestK = v, j, k
			}
		}
		if reads != nil {
			from = append(from, at)
		} else if best >= want {
			return best
		}
		prev, cur = cur, prev
	}
	if reads != nil {
		*reads = g.trace(from, best, bestJ, bestK)
	}
	return best
}

// trace returns the reads of the best schedule, which ends with a read at
// grid index j in layer k, from the layers' back links.
func (g *Grid) trace(from [][]int32, best float64, j, k int) []int {
	var rs []int
	for ; best > 0 && k > g.Done && j > 0; k-- {
		rs = append(rs, j)
		j = int(from[k-g.Done-1][j])
	}
	slices.Reverse(rs)
	return rs
}
