package poll

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// learntReads runs a schedule with the given history against a job of
// duration d without progress, every read exactly on time, and returns the
// read times from the job's start.
func learntReads(pol Policy, hist []float64, d time.Duration) []time.Duration {
	return learntReadsWith(pol, hist, d, nil)
}

// learntReadsWith is learntReads with the progress the job reports at each
// read: progress(at) for a read at time at from the job's start (nil: no
// progress).
func learntReadsWith(pol Policy, hist []float64, d time.Duration, progress func(at time.Duration) int) []time.Duration {
	st := NewStats()
	for _, x := range hist {
		st.add("T", time.Duration(x*float64(time.Second)))
	}
	return readsWith(pol, st, d, progress)
}

// readsWith is learntReadsWith with the history in st (type "T").
func readsWith(pol Policy, st *Stats, d time.Duration, progress func(at time.Duration) int) []time.Duration {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewSchedule(pol, t0, st)
	at := s.First()
	reads := []time.Duration{at}
	for at < d {
		pct := -1
		if progress != nil {
			pct = progress(at)
		}
		at += s.Next(t0.Add(at), &Status{Type: "T", Progress: pct})
		reads = append(reads, at)
	}
	return reads
}

func noJitter() Policy { return exact(defaultPolicy()) }

// The first-seen schedule the budget is measured against: reads at 1, 3,
// 7, 15, 31 s, then every 30 s.
func TestExpScheduleReads(t *testing.T) {
	s := NewSchedule(noJitter(), time.Time{}, nil)
	var got []time.Duration
	for j := -1; j <= 9; j++ {
		got = append(got, s.expRead(j))
	}
	assert.Equal(t, seconds(0, 0, 1, 3, 7, 15, 31, 61, 91, 121, 151), got)
	for _, tc := range []struct {
		t    float64
		want int
	}{{0, 0}, {0.999, 0}, {1, 1}, {2.999, 1}, {3, 2}, {61, 6}, {90.999, 6}, {91, 7}, {3600, 123}} {
		assert.Equal(t, tc.want, s.expCount(seconds(tc.t)[0]), "by %v s", tc.t)
	}
	// Multiplier 1: a fixed interval from the first read.
	s = NewSchedule(Policy{MinInterval: 5 * time.Second, MaxInterval: time.Minute, Multiplier: 1}, time.Time{}, nil)
	assert.Equal(t, 15*time.Second, s.expRead(3))
	assert.Equal(t, 2, s.expCount(14*time.Second))
	assert.Equal(t, 3, s.expCount(15*time.Second))
}

// citrixReads is how many reads Citrix's SDK schedule (at once, then
// every 10 s, every 30 s once 30 s have passed) makes of a job of duration
// d: those before d and the one that finds it ended.
func citrixReads(d time.Duration) int {
	n, at := 0, time.Duration(0)
	for ; at < d; n++ {
		if at < 30*time.Second {
			at += 10 * time.Second
		} else {
			at += 30 * time.Second
		}
	}
	return n + 1
}

// The reference schedule of the budget is Citrix's with the default
// policy: reads at 0, 10, 20, 30, 60, 90 s.
func TestRefScheduleReads(t *testing.T) {
	s := NewSchedule(noJitter(), time.Time{}, nil)
	var got []time.Duration
	for j := 0; j <= 7; j++ {
		got = append(got, s.refRead(j))
	}
	assert.Equal(t, seconds(0, 0, 10, 20, 30, 60, 90, 120), got)
	for _, tc := range []struct {
		t    float64
		want int
	}{{0, 1}, {9.999, 1}, {10, 2}, {29.999, 3}, {30, 4}, {59.999, 4}, {60, 5}, {3600, 123}} {
		assert.Equal(t, tc.want, s.refCount(seconds(tc.t)[0]), "by %v s", tc.t)
	}
	// refCount inverts refRead whatever MaxInterval, one that does not
	// divide by 3 included.
	for _, m := range []time.Duration{30 * time.Second, 100, 7 * time.Second} {
		r := NewSchedule(Policy{MinInterval: 1, MaxInterval: m, Multiplier: 2}, time.Time{}, nil)
		for j := 1; j <= 8; j++ {
			at := r.refRead(j)
			assert.GreaterOrEqual(t, r.refCount(at), j, "MaxInterval %v, read %d at %v", m, j, at)
			if at > 0 {
				assert.Less(t, r.refCount(at-1), j, "MaxInterval %v, just before read %d", m, j)
			}
		}
	}
	// The budget's floor: reads 1 to 4 whenever, then not before 10, 20,
	// 31 (the first-seen schedule's 5th read, later than the reference's
	// 30 s), 61, 91 s.
	var floors []time.Duration
	for k := 1; k <= 9; k++ {
		floors = append(floors, s.floorAt(k))
	}
	assert.Equal(t, seconds(0, 0, 1, 3, 10, 20, 31, 61, 91), floors)
	for _, at := range seconds(0, 1, 3, 9, 10, 20, 31, 60, 61, 3600) {
		k := s.allowedBy(at)
		assert.LessOrEqual(t, s.floorAt(k), at, "by %v", at)
		assert.Greater(t, s.floorAt(k+1), at, "by %v", at)
	}
	// A MaxInterval far above the default's: the reference (reads at 0,
	// 2, 4, 6, 12 min) would hold the 5th read past the first-seen
	// schedule's 4th (15 s); one read of slack is kept.
	p := noJitter()
	p.MaxInterval = 6 * time.Minute
	s = NewSchedule(p, time.Time{}, nil)
	assert.Equal(t, 15*time.Second, s.floorAt(5))
}

// The read budget: for any job duration, a wait with history reads at
// most learntSlack times more than the first-seen schedule for the same
// job, and at most learntCap more than Citrix's SDK schedule — short
// types, long ones, narrow and wide, jobs inside and outside the durations
// seen, without progress and with progress in 25% steps (whose aimed
// reads spend the same budget).
func TestLearntScheduleBudget(t *testing.T) {
	pol := noJitter()
	for _, hist := range [][]float64{
		{1.5, 2, 2, 2.5, 2.5, 2.5, 3, 3},
		{4, 5, 6, 7, 8, 9, 10, 12},
		{9, 10, 11, 12, 14, 16, 18, 20},
		{10, 20, 30, 40, 50, 60, 70, 80, 90, 100},
		{200, 250, 300, 350, 400, 450, 500, 700},
		{1000, 1100, 1200, 1300, 1400, 1500, 1600, 2400},
	} {
		st := NewStats() // one per history: its plan is computed once
		for _, x := range hist {
			st.add("T", time.Duration(x*float64(time.Second)))
		}
		for d := 500 * time.Millisecond; d < 3000*time.Second; d = d * 21 / 20 {
			first := len(learntReads(pol, nil, d))
			steps := func(at time.Duration) int { return 25 * int(4*at/d) }
			for name, progress := range map[string]func(time.Duration) int{"none": nil, "steps": steps} {
				learnt := len(readsWith(pol, st, d, progress))
				require.LessOrEqual(t, learnt, first+learntSlack, "%s progress, history %v, job %v", name, hist, d)
				require.LessOrEqual(t, learnt, citrixReads(d)+learntCap, "%s progress, history %v, job %v", name, hist, d)
			}
		}
	}
}

func TestScheduleLearnsProgressStep(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewSchedule(defaultPolicy(), t0, nil)
	const rate = 100.0 / 1200 // percent per second: a 20-minute job
	for _, sec := range []int{305, 335, 365, 605, 635, 665, 905, 935} {
		pct := int(rate*float64(sec)) / 25 * 25
		s.Next(t0.Add(time.Duration(sec)*time.Second), &Status{Progress: pct})
	}
	assert.Equal(t, int32(25), s.step)
	assert.True(t, s.rateLo <= rate && rate < s.rateHi, "the bounds [%v, %v) hold the true rate %v", s.rateLo, s.rateHi, rate)
	assert.Less(t, s.rateHi/s.rateLo, 1.3, "the reads together pin the rate tighter than the last one alone (4/3)")
}

// statsOf returns statistics holding durations (in seconds) for typ.
func statsOf(typ string, durations ...float64) *Stats {
	st := NewStats()
	st.Load([]TypeDurations{{Type: typ, Durations: seconds(durations...)}})
	return st
}

// Without history of the job's type (none, too little, another type's),
// the wait reads on the first-seen schedule.
func TestWaitWithoutLearntHistory(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stats *Stats
	}{
		{"no history", NewStats()},
		{"too little history", statsOf("TestJob", 10, 20, 30, 40, 50, 60, 70)},
		{"another type's history", statsOf("OtherJob", 10, 20, 30, 40, 50, 60, 70, 80, 90, 100)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newFake(t)
				s.add(&fakeJob{id: "j1", dur: 45 * time.Second})
				c := New[*fakeStatus](s, tc.stats, nil)
				_, err := waitOne(t.Context(), c, s, "j1", noJitter())
				require.NoError(t, err)
				assert.Equal(t, seconds(1, 3, 7, 15, 31, 61), s.pollTimes("j1"))
			})
		})
	}
}

// A coordinator learns from its own waits: after statsMin jobs of 40 s,
// the next is read once to learn its type, then just before 40 s and
// MinInterval later: 3 reads instead of the first-seen schedule's 6.
func TestWaitLearnsFromFinishedJobs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newFake(t)
		c := newCoordinator(s)
		for i := range statsMin + 1 {
			id := fmt.Sprintf("j%d", i)
			s.add(&fakeJob{id: id, dur: 40 * time.Second})
			_, err := waitOne(t.Context(), c, s, id, noJitter())
			require.NoError(t, err)
			if i < statsMin {
				assert.Equal(t, seconds(1, 3, 7, 15, 31, 61), s.pollTimes(id), "job %d: not enough history yet", i)
			}
		}
		got := s.pollTimes(fmt.Sprintf("j%d", statsMin))
		require.Len(t, got, 3, "%v", got)
		assert.Equal(t, time.Second, got[0])
		assert.True(t, got[1] > 39*time.Second && got[1] < 40*time.Second, "%v", got)
		assert.Equal(t, time.Second, got[2]-got[1])
		snap := c.Stats().Snapshot()
		require.Len(t, snap, 1)
		assert.Equal(t, "TestJob", snap[0].Type)
		assert.Len(t, snap[0].Durations, statsMin+1)
		assert.Equal(t, 40*time.Second, snap[0].Durations[0])
	})
}
