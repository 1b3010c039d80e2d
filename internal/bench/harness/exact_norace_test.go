//go:build !race

// Not built with -race: the exact simulation is a sequential computation
// (no goroutine, no shared state), where the race detector checks nothing
// and takes the four minutes of the whole race-built run it would add.

package harness

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas/daastest"
)

func TestRunExact(t *testing.T) {
	// Three bands of the eight: the shortest, one in the middle, the longest.
	medians := []time.Duration{ExactMedians[0], ExactMedians[3], ExactMedians[len(ExactMedians)-1]}
	res := RunExact(ExactConfig{Jobs: 50, Seed: 1, Medians: medians})
	require.Len(t, res.Rows, len(medians)*3+6)
	for _, r := range res.Rows {
		assert.LessOrEqual(t, r.OverMax, 3, "%s %s %s", r.Band, r.Curve, r.Policy)
		if r.Band != "mix" && r.Curve == daastest.ProgressNone {
			assert.Greater(t, r.LimitMedian, 0.0)
			assert.GreaterOrEqual(t, r.MedianPct, r.LimitMedian*0.9, "%s: under the limit", r.Band)
		}
	}
	assert.Contains(t, res.Markdown(), "| m = 3 min | none |")
}
