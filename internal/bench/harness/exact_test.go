package harness

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas/daastest"
	"github.com/daaskit/daas/internal/bench/limit"
	"github.com/daaskit/daas/internal/poll"
)

func seeded() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func TestCitrixReadsBy(t *testing.T) {
	for _, tc := range []struct {
		t    float64
		want int
	}{{0, 1}, {9.9, 1}, {10, 2}, {29.9, 3}, {30, 4}, {59.9, 4}, {60, 5}, {3600, 123}} {
		assert.Equal(t, tc.want, citrixReadsBy(sec(tc.t)), "by %v s", tc.t)
	}
}

// A fixed schedule's row, worked out by hand: Azure reads at 0, 30, 60,
// 90, 120 s, so jobs of 25, 31 and 95 s are seen at 30, 60 and 120 s.
func TestSimulateFixedSchedule(t *testing.T) {
	row := simulate(Azure(), []time.Duration{sec(25), sec(31), sec(95)}, nil, daastest.ProgressNone, seeded())
	assert.Equal(t, "Azure", row.Policy)
	assert.Equal(t, 3, row.Jobs)
	assert.InDelta(t, (2+3+5)/3.0, row.Reads, 1e-9)
	// Delays 5 s (20%), 29 s (93.5%), 25 s (26.3%).
	assert.InDelta(t, 100*25/95.0, row.MedianPct, 1e-9)
	assert.Equal(t, sec(25), row.MedianDelay)
	assert.InDelta(t, 100*25/95.0+0.9*(100*29/31.0-100*25/95.0), row.P95Pct, 1e-9)
	assert.Equal(t, 0, row.OverMax, "Azure never reads more than Citrix by any time")

	// Every second from 0: a 2.5 s job is seen by the read at 3 s, the
	// 4th, when Citrix has made one.
	row = simulate(Naive(), []time.Duration{2500 * time.Millisecond}, nil, daastest.ProgressLinear, seeded())
	assert.Equal(t, 4.0, row.Reads)
	assert.Equal(t, 500*time.Millisecond, row.MedianDelay)
	assert.InDelta(t, 20.0, row.MedianPct, 1e-9)
	assert.Equal(t, 3, row.OverMax)
}

// Citrix's row counts the reads of its exact schedule, limit.CitrixRead:
// the first read at or after the end, and never a read over its own.
func TestSimulateCitrixIsCitrixRead(t *testing.T) {
	durs := LogUniformDurations(500, time.Second, 2*time.Hour, seeded())
	durs = append(durs, 0, sec(10), sec(30), sec(30.001), sec(60))
	row := simulate(CitrixSDK(), durs, nil, daastest.ProgressSteps, seeded())
	reads := 0
	var delays []time.Duration
	for _, d := range durs {
		n := 1
		for limit.CitrixRead(n, citrixMax) < d {
			n++
		}
		reads += n
		delays = append(delays, limit.CitrixRead(n, citrixMax)-d)
	}
	slices.Sort(delays)
	assert.InDelta(t, float64(reads)/float64(len(durs)), row.Reads, 1e-9)
	assert.InDelta(t, Median(durationsSeconds(delays)), row.MedianDelay.Seconds(), 1e-6)
	assert.Equal(t, 0, row.OverMax)
}

func durationsSeconds(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = d.Seconds()
	}
	return out
}

// Google's jitter comes from the source it is given: the same seed, the
// same row; and it reads more often than Citrix early on.
func TestSimulateGoogleIsSeeded(t *testing.T) {
	durs := LogUniformDurations(200, 2*time.Second, 30*time.Minute, seeded())
	a := simulate(Google(), durs, nil, daastest.ProgressNone, rand.New(rand.NewPCG(5, 6)))
	b := simulate(Google(), durs, nil, daastest.ProgressNone, rand.New(rand.NewPCG(5, 6)))
	c := simulate(Google(), durs, nil, daastest.ProgressNone, rand.New(rand.NewPCG(7, 8)))
	assert.Equal(t, a, b)
	assert.NotEqual(t, a.Reads, c.Reads)
	assert.Greater(t, a.OverMax, 3)
}

// A library policy runs the library's schedule with the policy's own
// settings: MaxInterval 10 s reads a 10-minute job about three times as
// often as the default's 30 s.
func TestSimulateLibraryPolicy(t *testing.T) {
	durs := []time.Duration{10 * time.Minute}
	def := simulate(DaasFirstSeen(), durs, nil, daastest.ProgressNone, seeded())
	var short Policy
	for _, p := range MixPolicies() {
		if p.Name == "daas max 10 s" {
			short = p
		}
	}
	require.True(t, short.IsLib())
	fast := simulate(short, durs, nil, daastest.ProgressNone, seeded())
	assert.InDelta(t, 25, def.Reads, 3, "default: ~600/30 + the first reads")
	assert.Greater(t, fast.Reads, 2.5*def.Reads)
	assert.LessOrEqual(t, def.OverMax, 3)
}

// A history of the job's type changes the library's rows: 32 durations
// of about 5 minutes place the reads where the jobs end, sooner than the
// first-seen schedule, within the same budget; a nil history is first
// seen.
func TestSimulateHistory(t *testing.T) {
	r := seeded()
	durs := logNormals(r, 300, 5*time.Minute, 0.3)
	hists := []*poll.Stats{history(logNormals(r, 32, 5*time.Minute, 0.3)), history(logNormals(r, 32, 5*time.Minute, 0.3))}
	fresh := simulate(DaasWithHistory(), durs, nil, daastest.ProgressNone, seeded())
	learnt := simulate(DaasWithHistory(), durs, hists, daastest.ProgressNone, seeded())
	first := simulate(DaasFirstSeen(), durs, nil, daastest.ProgressNone, seeded())
	assert.Less(t, learnt.MedianPct, fresh.MedianPct/1.5, "learnt %.2f%%, first seen %.2f%%", learnt.MedianPct, fresh.MedianPct)
	assert.Less(t, learnt.P95Pct, fresh.P95Pct)
	assert.LessOrEqual(t, learnt.OverMax, 3)
	// Without a history the policy is the first-seen schedule (up to its
	// jitter).
	assert.InDelta(t, first.Reads, fresh.Reads, 0.2)
	assert.InDelta(t, first.MedianPct, fresh.MedianPct, 1)
}
