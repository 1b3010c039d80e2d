package daas

import (
	"encoding/json"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas/internal/poll"
)

func tenToHundred() PollStats {
	return PollStats{Types: []PollTypeStats{{Type: "TestJob", DurationsSeconds: []float64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}}}}
}

// A snapshot survives JSON and loads into another client unchanged.
func TestPollStatsRoundTrip(t *testing.T) {
	c1 := newTestClient(t, newJobServer(t).ServeHTTP, withoutRetries())
	for i := range 40 {
		c1.poller.engine.Stats().Load([]poll.TypeDurations{
			{Type: "A", Durations: []time.Duration{time.Duration(i+1) * 250 * time.Millisecond}},
			{Type: "B", Durations: []time.Duration{time.Duration(i+1) * time.Minute}},
		})
	}
	b, err := json.Marshal(c1.PollStats())
	require.NoError(t, err)
	var back PollStats
	require.NoError(t, json.Unmarshal(b, &back))
	c := newTestClient(t, newJobServer(t).ServeHTTP, withoutRetries(), WithPollStats(back))
	assert.Equal(t, c1.PollStats(), c.PollStats())
	assert.Contains(t, string(b), `"type":"A","durationsSeconds":[2.25,2.5,`)
}

func TestWithPollStatsRejectsBadInput(t *testing.T) {
	for name, s := range map[string]PollStats{
		"no name":  {Types: []PollTypeStats{{DurationsSeconds: []float64{1}}}},
		"zero":     {Types: []PollTypeStats{{Type: "T", DurationsSeconds: []float64{0}}}},
		"negative": {Types: []PollTypeStats{{Type: "T", DurationsSeconds: []float64{-1}}}},
		"NaN":      {Types: []PollTypeStats{{Type: "T", DurationsSeconds: []float64{math.NaN()}}}},
		"Inf":      {Types: []PollTypeStats{{Type: "T", DurationsSeconds: []float64{math.Inf(1)}}}},
		"too long": {Types: []PollTypeStats{{Type: "T", DurationsSeconds: []float64{1e9}}}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewClient("cust", WithBearerToken("tok"), WithPollStats(s))
			require.ErrorIs(t, err, ErrInvalidInput)
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, "WithPollStats", ie.Op)
		})
	}
}

// End to end: durations loaded with WithPollStats place a wait's reads.
// A 45 s job of a type with history 10..100 s is read at 1 s (which shows
// its type), then on the type's plan, none of it at the first-seen
// cadence below the shortest duration seen, and found sooner than by the
// first-seen schedule (1, 3, 7, 15, 31, 61 s) within its budget (at most
// 2 reads more).
func TestWaitLearntPlanEndToEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: 45 * time.Second, result: `{}`})
		c := newTestClient(t, s.ServeHTTP, withoutRetries(), exact(DefaultPollPolicy()), WithPollStats(tenToHundred()))
		_, err := newTestJob[json.RawMessage](c, "j1").Wait(t.Context())
		require.NoError(t, err)
		got := s.pollTimes("j1")
		require.GreaterOrEqual(t, len(got), 3, "got %v", got)
		assert.Equal(t, time.Second, got[0])
		assert.GreaterOrEqual(t, got[1], 5*time.Second, "no first-seen cadence below the shortest duration: %v", got)
		assert.GreaterOrEqual(t, got[len(got)-1], 45*time.Second)
		assert.Less(t, got[len(got)-2], 45*time.Second)
		assert.Less(t, got[len(got)-1], 61*time.Second, "sooner than the first-seen schedule")
		assert.LessOrEqual(t, len(got), 6+2, "%v", got)
	})
}

// What PollStats exports, WithPollStats accepts, and a duration loaded is
// exported as given, to the nanosecond: a sub-nanosecond duration (which
// would be stored as 0) is refused on the way in, and 0.3 s is not read
// back as 0.299999999 s.
func TestPollStatsReloads(t *testing.T) {
	_, err := NewClient("cust", WithBearerToken("tok"), WithPollStats(PollStats{Types: []PollTypeStats{{Type: "T", DurationsSeconds: []float64{4e-10}}}}))
	require.ErrorIs(t, err, ErrInvalidInput, "a duration below a nanosecond cannot be kept")
	in := PollStats{Types: []PollTypeStats{{Type: "T", DurationsSeconds: []float64{0.3, 1e-9, 6e-10, 1.7, 604800}}}}
	c, err := NewClient("cust", WithBearerToken("tok"), WithPollStats(in))
	require.NoError(t, err)
	out := c.PollStats()
	assert.Equal(t, []float64{0.3, 1e-9, 1e-9, 1.7, 604800}, out.Types[0].DurationsSeconds)
	c2, err := NewClient("cust", WithBearerToken("tok"), WithPollStats(out))
	require.NoError(t, err)
	assert.Equal(t, out, c2.PollStats())
}

// FuzzPollStatsRoundTrip: whatever snapshot WithPollStats accepts, the
// client's export of it survives JSON, is accepted again, and exports the
// same.
func FuzzPollStatsRoundTrip(f *testing.F) {
	for _, seed := range []string{
		`{"types":[{"type":"UpdateMachineCatalog","durationsSeconds":[310,295,330,301,288,342,317,305]}]}`,
		`{"types":[{"type":"T","durationsSeconds":[4e-10]}]}`,
		`{"types":[{"type":"T","durationsSeconds":[0.3,1e-9,6e-10,604800,604800.0000001]}]}`,
		`{"types":[{"type":"A","durationsSeconds":[1]},{"type":"B","durationsSeconds":[2]},{"type":"A","durationsSeconds":[3]}]}`,
		`{"types":[]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var in PollStats
		if json.Unmarshal(data, &in) != nil {
			return
		}
		c, err := NewClient("cust", WithBearerToken("tok"), WithPollStats(in))
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidInput)
			return
		}
		out := c.PollStats()
		b, err := json.Marshal(out)
		require.NoError(t, err)
		var back PollStats
		require.NoError(t, json.Unmarshal(b, &back))
		c2, err := NewClient("cust", WithBearerToken("tok"), WithPollStats(back))
		require.NoError(t, err, "the export %s is refused", b)
		assert.Equal(t, out, c2.PollStats())
	})
}
