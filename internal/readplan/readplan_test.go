package readplan

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// uniformGrid is durations log-uniform over [1 s, e s] with reads reads
// allowed from the grid's start.
func uniformGrid(reads int) *Grid {
	const n = 2000
	g := &Grid{U: make([]float64, n+1), CDF: make([]float64, n+1), Layer: make([]int, n+1)}
	for i := range g.U {
		g.U[i] = float64(i) / n
		g.CDF[i] = g.U[i]
		g.Layer[i] = reads
	}
	return g
}

// k reads over a log-uniform distribution see a share q within x when
// their windows, log(1+x) wide each, tile k·log(1+x) = q of the width.
func TestLeastTilesTheWindows(t *testing.T) {
	for _, k := range []int{1, 2, 5} {
		for _, q := range []float64{0.5, 0.9} {
			want := math.Exp(q/float64(k)) - 1
			assert.InEpsilon(t, want, uniformGrid(k).Least(q, 1e-5), 2e-3, "k=%d q=%v", k, q)
		}
	}
}

// The reads returned are the ones that see the most: k reads whose
// windows, log(1+x) wide, do not overlap.
func TestCoverageReturnsTheReads(t *testing.T) {
	g := uniformGrid(4)
	x := g.Least(0.8, 1e-5)
	var reads []int
	share := g.Coverage(x, 0.8, &reads)
	assert.GreaterOrEqual(t, share, 0.8)
	require.Len(t, reads, 4)
	for i := 1; i < len(reads); i++ {
		assert.GreaterOrEqual(t, g.U[reads[i]]-g.U[reads[i-1]], math.Log1p(x)-1e-3, "read %d", i)
	}
}

// With both delays equal, Both serves one delay as Coverage does: the
// reads it returns see as much within x as Coverage's best.
func TestBothOfOneDelayIsCoverage(t *testing.T) {
	g := uniformGrid(3)
	x := g.Least(0.6, 1e-5)
	var reads []int
	want := g.Coverage(x, 0.6, &reads)
	assert.InDelta(t, want, g.Seen(reads, x), 1e-9, "Seen agrees with Coverage on its own reads")
	assert.InDelta(t, want, g.Seen(g.Both(x, x, 1), x), 1e-3)
}

// Two delays: the reads of Both see at least what the reads that serve
// each delay alone see of the weighted sum, and a heavier weight on the
// wide delay never sees less within it.
func TestBothWeighsTheTwoDelays(t *testing.T) {
	g := uniformGrid(4)
	x1, x2 := g.Least(0.5, 1e-5), g.Least(0.95, 1e-5)
	for _, w := range []float64{0.5, 1, 4} {
		r := g.Both(x1, x2, w)
		got := g.Seen(r, x1) + w*g.Seen(r, x2)
		for _, x := range []float64{x1, x2} {
			var alone []int
			g.Coverage(x, 2, &alone)
			assert.GreaterOrEqual(t, got, g.Seen(alone, x1)+w*g.Seen(alone, x2)-1e-9, "w=%v against the reads of %v alone", w, x)
		}
	}
	assert.GreaterOrEqual(t, g.Seen(g.Both(x1, x2, 4), x2), g.Seen(g.Both(x1, x2, 0.5), x2)-1e-9)
}

// Joint finds one schedule for two delays: its reads see each share
// within the factor it returns. Over log-uniform durations evenly spaced
// reads serve every share, so one schedule comes near both limits (a
// log-normal one pulls them apart: the limit package's TestJoint); the
// factor of a share and itself is 1; a share no reads see has no factor.
func TestJointServesBothShares(t *testing.T) {
	g := uniformGrid(4)
	x1, x2 := g.Least(0.5, 1e-5), g.Least(0.95, 1e-5)
	r, a := g.Joint(x1, 0.5, x2, 0.95, 0.01, 16, []float64{1, 2})
	require.NotNil(t, r)
	assert.GreaterOrEqual(t, g.Seen(r, a*x1), 0.5)
	assert.GreaterOrEqual(t, g.Seen(r, a*x2), 0.95)
	assert.Less(t, a, 1.05)
	_, one := g.Joint(x1, 0.5, x1, 0.5, 0.01, 16, []float64{1})
	assert.InDelta(t, 1, one, 0.02)
	r, a = g.Joint(x1, 0.5, x2, 1.5, 0.01, 16, []float64{1})
	assert.Nil(t, r)
	assert.True(t, math.IsInf(a, 1))
}
