//go:build !race

package poll

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/daaskit/daas/internal/bench/limit"
)

// A plan's grid is fine enough for its reads: a type of two hours has
// hundreds of reads over its durations, its delays are fractions of a
// percent, and on a grid of 1,200 points, whatever the reads, each read
// landed up to a grid step (0.2%) from where it belonged: the median and
// p95 delays were 1.41 and 1.40 times the limit. On the quantiles of the
// type's distribution, learnt from 32 of them, both are within 1.3 times
// the least any schedule in the same budget reaches. (Without the race
// detector: the limit's program is seconds of arithmetic under it, and
// the test shares nothing between goroutines.)
func TestPlanGridFineForLongTypes(t *testing.T) {
	const m, sigma = 2 * time.Hour, 0.3
	pol := Policy{MinInterval: time.Second, MaxInterval: 30 * time.Second, Multiplier: 2}
	plan := planReads(logNormalHistory(m, sigma, statsSamples), NewSchedule(pol, time.Now(), nil).floorAt, 1, false)
	var delays []float64
	for _, d := range logNormalHistory(m, sigma, 2000) {
		i, _ := slices.BinarySearch(plan, d)
		if !assert.Less(t, i, len(plan), "the plan reaches %v", d) {
			return
		}
		delays = append(delays, plan[i].Seconds()/d.Seconds()-1)
	}
	slices.Sort(delays)
	dist, budget := limit.LogNormal{Median: m, Sigma: sigma}, limit.CitrixPlus(3, pol.MaxInterval)
	for _, q := range []float64{0.5, 0.95} {
		lim := limit.Quantile(dist, budget, q, limit.Options{Grid: 5000})
		got := delays[int(q*float64(len(delays)))]
		assert.Less(t, got/lim, 1.3, "delay at q=%g: %.4f%% against a limit of %.4f%%", q, 100*got, 100*lim)
	}
}
