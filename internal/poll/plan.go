package poll

import (
	"math"
	"slices"
	"time"
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
const (
	// planQuantile is the share of jobs the plan sees within its delay:
	// it balances the median delay (best with reads crowded at the centre)
	// against the p95 (best with reads spread over the tails).
	planQuantile = 0.95
	// planGrid is the number of grid points of the program.
	planGrid = 1200
)

// planReads returns the plan's read times, ascending, for the durations
// ds; the budget's floor(k) is the earliest time of the k-th read, of
// which the first done are made before the plan begins (at or below the
// grid's start). The last read is at or past the longest duration the
// distribution holds.
func planReads(ds []time.Duration, floor func(k int) time.Duration, done int) []time.Duration {
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
	step := (hi - lo) / planGrid
	n := planGrid + 1
	u := make([]float64, n)
	cdf := make([]float64, n)
	layer := make([]int, n) // reads the budget allows by each grid time
	k := done
	for i := range u {
		u[i] = lo + float64(i)*step
		cdf[i] = kernelCDF(logs, h, u[i])
		t := time.Duration(math.Exp(u[i]) * float64(time.Second))
		for floor(k+1) <= t {
			k++
		}
		layer[i] = k
	}
	p := &planProgram{u: u, cdf: cdf, layer: layer, step: step, done: done}
	xlo, xhi := 0.0, math.Exp(hi-lo)
	for range 40 {
		mid := (xlo + xhi) / 2
		if p.coverage(mid, nil) >= planQuantile {
			xhi = mid
		} else {
			xlo = mid
		}
		if xhi-xlo <= 5e-3*xhi {
			break
		}
	}
	var reads []int
	p.coverage(xhi, &reads)
	out := make([]time.Duration, 0, len(reads)+1)
	for _, j := range reads {
		out = append(out, time.Duration(math.Exp(u[j])*float64(time.Second)))
	}
	// Up to the top of the distribution, reads (1+x) apart.
	top := time.Duration(math.Exp(hi) * float64(time.Second))
	if len(out) == 0 {
		out = append(out, time.Duration(math.Exp(lo)*float64(time.Second)))
	}
	for float64(out[len(out)-1])*(1+xhi) < float64(top) {
		out = append(out, time.Duration(float64(out[len(out)-1])*(1+xhi))+time.Millisecond)
	}
	return out
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

type planProgram struct {
	u, cdf []float64
	layer  []int
	step   float64
	done   int
	logs   []float64
	h      float64
}

// coverage returns the largest share of the distribution that reads
// within the budget see within relative delay x; with reads non-nil it
// also sets *reads to the grid indices of the reads that see the most
// with every read the budget allows.
//
// prev[i] is the best share seen by the reads so far, the last at grid
// index i (index 0 also stands for "no read on the grid yet"). A read at
// j after one at i sees the share in (i, j] above t_j/(1+x).
func (p *planProgram) coverage(x float64, reads *[]int) float64 {
	n := len(p.u)
	w := math.Log1p(x)
	back := int(math.Ceil(w / p.step))
	inf := math.Inf(-1)
	prev, cur := make([]float64, n), make([]float64, n)
	for i := range prev {
		prev[i] = inf
	}
	prev[0] = 0
	// The distribution at t_j/(1+x), interpolated on the grid.
	below := make([]float64, n)
	for j := range below {
		f := float64(j) - w/p.step
		if i := int(math.Floor(f)); i >= 0 {
			below[j] = p.cdf[i] + (f-float64(i))*(p.cdf[min(i+1, n-1)]-p.cdf[i])
		}
	}
	var from [][]int32 // from[layer][j]: the read before the one at j
	best, bestJ, bestK := 0.0, 0, 0
	deque := make([]int, 0, n)
	for k := p.done + 1; k <= p.layer[n-1]; k++ {
		var back1 []int32
		if reads != nil {
			back1 = make([]int32, n)
		}
		prefix, prefixAt := inf, -1
		deque, head := deque[:0], 0
		for j := range n {
			if i := j - back; i >= 0 && prev[i] > prefix {
				prefix, prefixAt = prev[i], i
			}
			if i := j - 1; i >= 0 && i > j-back {
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
			if j == 0 || p.layer[j] < k {
				continue
			}
			v, at := prefix+p.cdf[j]-below[j], prefixAt
			if len(deque) > head {
				i := deque[head]
				if c := prev[i] - p.cdf[i] + p.cdf[j]; c > v {
					v, at = c, i
				}
			}
			cur[j] = v
			if back1 != nil {
				back1[j] = int32(at)
			}
			if v > best {
				best, bestJ, bestK = v, j, k
			}
		}
		if reads != nil {
			from = append(from, back1)
		}
		if best >= planQuantile && reads == nil {
			break
		}
		prev, cur = cur, prev
	}
	if reads != nil && best > 0 {
		var rs []int
		for j, k := bestJ, bestK; k > p.done && j > 0; k-- {
			rs = append(rs, j)
			j = int(from[k-p.done-1][j])
		}
		slices.Reverse(rs)
		*reads = rs
	}
	return best
}
