package readplan

import "math"

// Both returns the reads within the budget for which Seen(reads, x1) +
// w2·Seen(reads, x2) is the largest any reads in the budget reach (x1 <=
// x2): one schedule for two delays at once, a small one for the median
// and a larger one for the tail, where Coverage serves one and leaves the
// rest of the durations to chance.
//
// The program is Coverage's with two windows: a read at j after one at i
// sees, for each delay, the share in (i, j] above t_j/(1+x). By where i
// lies, the value of the read is prev[i] plus a term of j alone (i below
// both windows: a prefix maximum), less the distribution at i weighted w2
// (i inside the wide window only) or 1+w2 (inside both): each a sliding
// window maximum.
func (g *Grid) Both(x1, x2, w2 float64) []int {
	n := len(g.U)
	step := (g.U[n-1] - g.U[0]) / float64(n-1)
	back1 := int(math.Ceil(math.Log1p(x1) / step))
	back2 := max(back1, int(math.Ceil(math.Log1p(x2)/step)))
	below1, below2 := g.below(x1), g.below(x2)
	inf := math.Inf(-1)
	prev, cur := make([]float64, n), make([]float64, n)
	for i := range prev {
		prev[i] = inf
	}
	prev[0] = 0
	var from [][]int32 // from[k][j]: the read before the one at j in layer k
	best, bestJ, bestK := 0.0, 0, 0
	var once, twice window
	for k := g.Done + 1; k <= g.Layer[n-1]; k++ {
		at := make([]int32, n)
		prefix, prefixAt := inf, -1 // max prev[i] for i <= j−back2
		once.reset()
		twice.reset()
		for j := range n {
			if i := j - back2; i >= 0 && prev[i] > prefix {
				prefix, prefixAt = prev[i], i
			}
			if i := j - back1; i >= 0 && i > j-back2 {
				once.push(i, prev[i]-w2*g.CDF[i])
			}
			once.drop(j - back2)
			if i := j - 1; i >= 0 && i > j-back1 {
				twice.push(i, prev[i]-(1+w2)*g.CDF[i])
			}
			twice.drop(j - back1)
			cur[j] = inf
			if j == 0 || g.Layer[j] < k {
				continue
			}
			w := (1 + w2) * g.CDF[j]
			v, i := prefix+w-below1[j]-w2*below2[j], prefixAt
			if c, ci, ok := once.max(); ok && c+w-below1[j] > v {
				v, i = c+w-below1[j], ci
			}
			if c, ci, ok := twice.max(); ok && c+w > v {
				v, i = c+w, ci
			}
			cur[j], at[j] = v, int32(i)
			if v > best {
				best, bestJ, bestK = v, j, k
			}
		}
		from = append(from, at)
		prev, cur = cur, prev
	}
	return g.trace(from, best, bestJ, bestK)
}

// Seen returns the share of the durations that the reads (grid indices,
// ascending) see within relative delay x: each read sees the jobs that
// ended since the read before (or the grid's start) and at most x before
// it.
func (g *Grid) Seen(reads []int, x float64) float64 {
	below := g.below(x)
	share, last := 0.0, 0.0
	for _, j := range reads {
		share += g.CDF[j] - max(last, below[j])
		last = g.CDF[j]
	}
	return share
}

// below returns the distribution at t_j/(1+x) for each grid index j,
// interpolated on the grid.
func (g *Grid) below(x float64) []float64 {
	n := len(g.U)
	step := (g.U[n-1] - g.U[0]) / float64(n-1)
	w := math.Log1p(x)
	out := make([]float64, n)
	for j := range out {
		f := float64(j) - w/step
		if i := int(math.Floor(f)); i >= 0 {
			out[j] = g.CDF[i] + (f-float64(i))*(g.CDF[min(i+1, n-1)]-g.CDF[i])
		}
	}
	return out
}

// window is a sliding-window maximum: indices pushed in ascending order
// with their values, dropped from the front as the window moves on.
type window struct {
	e    []entry
	head int
}

type entry struct {
	i int
	v float64
}

func (w *window) reset() { w.e, w.head = w.e[:0], 0 }

// push adds index i with value v, dropping the ones it outranks.
func (w *window) push(i int, v float64) {
	for len(w.e) > w.head && w.e[len(w.e)-1].v <= v {
		w.e = w.e[:len(w.e)-1]
	}
	w.e = append(w.e, entry{i, v})
}

// drop removes the indices at or below i.
func (w *window) drop(i int) {
	for len(w.e) > w.head && w.e[w.head].i <= i {
		w.head++
	}
}

// max returns the largest value in the window and its index.
func (w *window) max() (float64, int, bool) {
	if len(w.e) == w.head {
		return 0, 0, false
	}
	return w.e[w.head].v, w.e[w.head].i, true
}

// Joint returns the reads of one schedule within the budget that sees a
// share q1 of the durations within a·x1 and a share q2 within a·x2, for
// the least factor a ≥ 1 it finds (to a relative precision tol), and a:
// x1 and x2 are typically the least delays of the two shares (what Least
// returns, on this grid or on another budget's), which different
// schedules reach. Each factor is tried with Both over the weights of the
// wide delay given, in order (the first that works is kept), so the true
// least factor is at most a. It returns nil and +Inf when no factor up to
// maxFactor works.
func (g *Grid) Joint(x1, q1, x2, q2, tol, maxFactor float64, weights []float64) ([]int, float64) {
	try := func(a float64) []int {
		for _, w := range weights {
			r := g.Both(a*x1, a*x2, w)
			if g.Seen(r, a*x1) >= q1 && g.Seen(r, a*x2) >= q2 {
				return r
			}
		}
		return nil
	}
	lo, hi := 1.0, 2.0
	best := try(hi)
	for best == nil {
		if hi >= maxFactor {
			return nil, math.Inf(1)
		}
		lo, hi = hi, 2*hi
		best = try(hi)
	}
	for hi-lo > tol*hi {
		mid := (lo + hi) / 2
		if r := try(mid); r != nil {
			hi, best = mid, r
		} else {
			lo = mid
		}
	}
	return best, hi
}
