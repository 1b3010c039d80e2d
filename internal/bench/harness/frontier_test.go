package harness

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas/daastest"
)

// The mix's policies: the competitors', the library's default, four
// settings each with one knob moved, and first seen.
func TestMixPolicies(t *testing.T) {
	pols := MixPolicies()
	require.Len(t, pols, len(Policies())+5)
	def := DaasDefault().Lib
	for _, p := range pols[len(Policies()) : len(pols)-1] {
		require.True(t, p.IsLib() && strings.HasPrefix(p.Name, "daas "), "%s: not a daas setting", p.Name)
		assert.False(t, p.Fresh, p.Name)
		assert.NotEqual(t, p.Lib.Multiplier != def.Multiplier, p.Lib.MaxInterval != def.MaxInterval,
			"%s: Multiplier %g, MaxInterval %v: want exactly one moved", p.Name, p.Lib.Multiplier, p.Lib.MaxInterval)
	}
	last := pols[len(pols)-1]
	assert.True(t, last.IsLib() && last.Fresh, "%s: want the first-seen schedule", last.Name)
	assert.Equal(t, *def, *DaasDefault().Lib, "the variants changed the default")
}

// One point per mix and job-type row, none from the bands, and JSON that
// keeps them.
func TestFrontierPoints(t *testing.T) {
	x := &ExactResult{Rows: []ExactRow{
		{Band: "m = 1 min", Median: time.Minute, Curve: daastest.ProgressNone, Policy: DaasWithHistory().Name, Jobs: 5, Reads: 6, MedianPct: 7},
		{Band: BandMix, Curve: daastest.ProgressNone, Policy: "daas default", Jobs: 2, Reads: 4, MedianPct: 10, P95Pct: 11},
		{Band: BandMix, Curve: daastest.ProgressNone, Policy: "Citrix SDK", Jobs: 2, Reads: 6, MedianPct: 20, P95Pct: 20},
		{Band: BandTypes, Curve: daastest.ProgressSteps, Policy: "daas with history", Jobs: 3, Reads: 7, MedianPct: 2},
	}}
	pts := FrontierPoints(x)
	want := []FrontierPoint{
		{Workload: "mix", Curve: "none", Policy: "daas default", Daas: true, Jobs: 2, PollsPerJob: 4, MedianPct: 10, P95Pct: 11},
		{Workload: "mix", Curve: "none", Policy: "Citrix SDK", Jobs: 2, PollsPerJob: 6, MedianPct: 20, P95Pct: 20},
		{Workload: "types", Curve: "steps", Policy: "daas with history", Daas: true, Jobs: 3, PollsPerJob: 7, MedianPct: 2},
	}
	assert.Equal(t, want, pts)
	b, err := FrontierJSON(&Frontier{Command: "c", Date: "d", Points: pts})
	require.NoError(t, err)
	var back Frontier
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, want, back.Points)
}
