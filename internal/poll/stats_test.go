package poll

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Failed and canceled jobs, and jobs without times, teach nothing.
func TestStatsObserveOnlyCompleted(t *testing.T) {
	st := NewStats()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newFake(t)
	for _, v := range []fakeStatus{
		{Type: "T", Status: "Failed", Created: t0, Ended: t0.Add(time.Second)},
		{Type: "T", Status: "Canceled", Created: t0, Ended: t0.Add(time.Second)},
		{Type: "T", Status: "Complete"},
		{Type: "T", Status: "Complete", Created: t0, Ended: t0},
		{Type: "", Status: "Complete", Created: t0, Ended: t0.Add(time.Second)},
		{Type: "T", Status: "Complete", Created: t0, Ended: t0.Add(MaxDuration + time.Second)},
	} {
		st.Observe(s.Status(&v))
	}
	assert.Empty(t, st.Snapshot())
	st.Observe(s.Status(&fakeStatus{Type: "T", Status: "CompleteWithWarning", Created: t0, Ended: t0.Add(2 * time.Second)}))
	st.Observe(s.Status(&fakeStatus{Type: "T", Status: "Complete", Created: t0, Ended: t0.Add(MaxDuration)}))
	assert.Equal(t, []TypeDurations{{Type: "T", Durations: []time.Duration{2 * time.Second, MaxDuration}}}, st.Snapshot(), "Started to Ended, up to MaxDuration")
}

// Memory is bounded: statsSamples durations per type (the last ones),
// statsTypes types (the least recently fed evicted first).
func TestStatsBounded(t *testing.T) {
	st := NewStats()
	for typ := range 2 * statsTypes {
		for i := range 3 * statsSamples {
			st.add(fmt.Sprintf("T%03d", typ), time.Duration(i+1)*time.Second)
		}
	}
	st.add("T000", time.Second) // evicts T064, the least recently fed, and comes back
	snap := st.Snapshot()
	require.Len(t, snap, statsTypes)
	assert.Equal(t, "T065", snap[0].Type, "least recently fed first")
	assert.Equal(t, "T000", snap[len(snap)-1].Type)
	assert.Equal(t, []time.Duration{time.Second}, snap[len(snap)-1].Durations)
	for _, ty := range snap[:len(snap)-1] {
		require.Len(t, ty.Durations, statsSamples)
		assert.Equal(t, time.Duration(2*statsSamples+1)*time.Second, ty.Durations[0], "%s: the oldest kept", ty.Type)
		assert.Equal(t, time.Duration(3*statsSamples)*time.Second, ty.Durations[statsSamples-1], "%s: the newest", ty.Type)
	}
	assert.Len(t, st.types, statsTypes)
}

// A snapshot loads into fresh statistics unchanged, order of types
// included.
func TestStatsSnapshotLoads(t *testing.T) {
	st := NewStats()
	for i := range 40 {
		st.add("A", time.Duration(i+1)*250*time.Millisecond)
		st.add("B", time.Duration(i+1)*time.Minute)
	}
	st.add("A", time.Second)
	back := NewStats()
	back.Load(st.Snapshot())
	assert.Equal(t, st.Snapshot(), back.Snapshot())
	assert.Equal(t, "B", back.Snapshot()[0].Type, "least recently fed first")
}
