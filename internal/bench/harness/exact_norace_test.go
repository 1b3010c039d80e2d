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
	res := RunExact(ExactConfig{Jobs: 50, Types: 10, Seed: 1, Medians: medians})
	require.Len(t, res.Rows, 3*(len(medians)+len(MixPolicies())+len(typePolicies())))
	lib := map[string]bool{DaasDefault().Name: true, DaasFirstSeen().Name: true, DaasWithHistory().Name: true}
	for _, r := range res.Rows {
		assert.Equal(t, 50, r.Jobs, "%s %s %s", r.Band, r.Curve, r.Policy)
		if lib[r.Policy] {
			assert.LessOrEqual(t, r.OverMax, 3, "%s %s %s", r.Band, r.Curve, r.Policy)
		}
		if r.Median > 0 && r.Curve == daastest.ProgressNone {
			assert.Greater(t, r.LimitMedian, 0.0)
			assert.GreaterOrEqual(t, r.MedianPct, r.LimitMedian*0.9, "%s: under the limit", r.Band)
			// The guard read spends one read of the budget before any plan.
			assert.Greater(t, r.GuardMedian, r.LimitMedian, "%s", r.Band)
			assert.Greater(t, r.GuardP95, r.LimitP95, "%s", r.Band)
		}
	}
	for _, tg := range ScheduleTargets(res) {
		assert.True(t, tg.Run, tg.Goal)
	}
	md := res.Markdown()
	for _, want := range []string{"| m = 3 min | none |", "| none | daas first-seen |", "| steps | naive 1 s |", "### Job types", "| linear | daas with history |"} {
		assert.Contains(t, md, want)
	}
}
