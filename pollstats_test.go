package daas

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func seconds(xs ...float64) []time.Duration {
	out := make([]time.Duration, len(xs))
	for i, x := range xs {
		out[i] = time.Duration(x * float64(time.Second))
	}
	return out
}

func tenToHundred() PollStats {
	return PollStats{Types: []PollTypeStats{{Type: "TestJob", DurationsSeconds: []float64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}}}}
}

// Without history of the job's type (none, too little, another type's),
// the wait reads on the first-seen schedule. With it, see
// TestWaitLearntLadderEndToEnd (schedule_test.go).
func TestWaitWithoutLearntHistory(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stats *PollStats
		want  []time.Duration
	}{
		{"no history", nil, seconds(1, 3, 7, 15, 31, 61)},
		{"too little history", &PollStats{Types: []PollTypeStats{{Type: "TestJob", DurationsSeconds: []float64{10, 20, 30, 40, 50, 60, 70}}}}, seconds(1, 3, 7, 15, 31, 61)},
		{"another type's history", &PollStats{Types: []PollTypeStats{{Type: "OtherJob", DurationsSeconds: tenToHundred().Types[0].DurationsSeconds}}}, seconds(1, 3, 7, 15, 31, 61)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newJobServer(t)
				s.add(&fakeJob{id: "j1", dur: 45 * time.Second, result: `{}`})
				opts := []Option{exact(DefaultPollPolicy())}
				if tc.stats != nil {
					opts = append(opts, WithPollStats(*tc.stats))
				}
				c := jobClient(t, s, opts...)
				_, err := newTestJob[json.RawMessage](c, "j1").Wait(t.Context())
				require.NoError(t, err)
				assert.Equal(t, tc.want, s.pollTimes("j1"))
			})
		})
	}
}

// A client learns from its own waits: after pollStatsMin jobs of 40 s, the
// next is read as the first-seen schedule reads until 40 s (a job shorter
// than every one seen is not left unread), then exactly when it ends,
// instead of at 61 s.
func TestWaitLearnsFromFinishedJobs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		c := jobClient(t, s, exact(DefaultPollPolicy()))
		for i := range pollStatsMin + 1 {
			id := fmt.Sprintf("j%d", i)
			s.add(&fakeJob{id: id, dur: 40 * time.Second, result: `{}`})
			_, err := newTestJob[json.RawMessage](c, id).Wait(t.Context())
			require.NoError(t, err)
			if i < pollStatsMin {
				assert.Equal(t, seconds(1, 3, 7, 15, 31, 61), s.pollTimes(id), "job %d: not enough history yet", i)
			}
		}
		assert.Equal(t, seconds(1, 3, 7, 15, 31, 40), s.pollTimes(fmt.Sprintf("j%d", pollStatsMin)))
		snap := c.PollStats()
		require.Len(t, snap.Types, 1)
		assert.Equal(t, "TestJob", snap.Types[0].Type)
		assert.Len(t, snap.Types[0].DurationsSeconds, pollStatsMin+1)
		assert.Equal(t, 40.0, snap.Types[0].DurationsSeconds[0])
	})
}

// Failed and canceled jobs, and jobs without times, teach nothing.
func TestPollStatsObserveOnlyCompleted(t *testing.T) {
	st := newPollStats()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, info := range []JobInfo{
		{Type: "T", Status: JobFailed, StartedAt: t0, EndedAt: t0.Add(time.Second)},
		{Type: "T", Status: JobCanceled, StartedAt: t0, EndedAt: t0.Add(time.Second)},
		{Type: "T", Status: JobComplete},
		{Type: "T", Status: JobComplete, StartedAt: t0, EndedAt: t0},
		{Type: "", Status: JobComplete, StartedAt: t0, EndedAt: t0.Add(time.Second)},
	} {
		st.observe(&info)
	}
	assert.Empty(t, st.snapshot().Types)
	st.observe(&JobInfo{Type: "T", Status: JobCompleteWithWarning, CreatedAt: t0, StartedAt: t0.Add(time.Second), EndedAt: t0.Add(3 * time.Second)})
	st.observe(&JobInfo{Type: "T", Status: JobComplete, CreatedAt: t0, EndedAt: t0.Add(5 * time.Second)})
	assert.Equal(t, PollStats{Types: []PollTypeStats{{Type: "T", DurationsSeconds: []float64{2, 5}}}}, st.snapshot(), "StartedAt to EndedAt, else CreatedAt to EndedAt")
}

// Memory is bounded: pollStatsSamples durations per type (the last ones),
// pollStatsTypes types (the least recently fed evicted first).
func TestPollStatsBounded(t *testing.T) {
	st := newPollStats()
	for typ := range 2 * pollStatsTypes {
		for i := range 3 * pollStatsSamples {
			st.add(fmt.Sprintf("T%03d", typ), time.Duration(i+1)*time.Second)
		}
	}
	st.add("T000", time.Second) // evicts T064, the least recently fed, and comes back
	snap := st.snapshot()
	require.Len(t, snap.Types, pollStatsTypes)
	assert.Equal(t, "T065", snap.Types[0].Type, "least recently fed first")
	assert.Equal(t, "T000", snap.Types[len(snap.Types)-1].Type)
	assert.Equal(t, []float64{1}, snap.Types[len(snap.Types)-1].DurationsSeconds)
	for _, ty := range snap.Types[:len(snap.Types)-1] {
		require.Len(t, ty.DurationsSeconds, pollStatsSamples)
		assert.Equal(t, float64(2*pollStatsSamples+1), ty.DurationsSeconds[0], "%s: the oldest kept", ty.Type)
		assert.Equal(t, float64(3*pollStatsSamples), ty.DurationsSeconds[pollStatsSamples-1], "%s: the newest", ty.Type)
	}
	assert.Len(t, st.types, pollStatsTypes)
}

// A snapshot survives JSON and loads into another client unchanged.
func TestPollStatsRoundTrip(t *testing.T) {
	st := newPollStats()
	for i := range 40 {
		st.add("A", time.Duration(i+1)*250*time.Millisecond)
		st.add("B", time.Duration(i+1)*time.Minute)
	}
	b, err := json.Marshal(st.snapshot())
	require.NoError(t, err)
	var back PollStats
	require.NoError(t, json.Unmarshal(b, &back))
	c := jobClient(t, newJobServer(t), WithPollStats(back))
	assert.Equal(t, st.snapshot(), c.PollStats())
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
