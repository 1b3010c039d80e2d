package daas

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Learnt durations: per job type, the durations of the last jobs a client
// saw finish, so that a wait for a job of that type aims its reads at the
// moments such jobs end instead of polling blind.
//
// The summary of a type is a ring of its last pollStatsSamples durations
// (a fixed reservoir: recent jobs weigh as much as old ones, and a type
// whose jobs got slower is relearnt within pollStatsSamples jobs); the
// client keeps at most pollStatsTypes types, evicting the one fed least
// recently. Memory is therefore bounded by pollStatsTypes ×
// pollStatsSamples durations whatever the workload.
const (
	pollStatsSamples = 32 // durations kept per job type
	pollStatsTypes   = 64 // job types kept per client
	// pollStatsMin is the history a type needs before its reads are aimed
	// at its durations; with less the schedule is the policy's own.
	pollStatsMin = 8
)

// PollStats is a snapshot of the job durations a client has learnt, as
// returned by [Client.PollStats] and loaded by [WithPollStats]. It is plain
// JSON, so that a restarted process or a fleet of them can start warm.
type PollStats struct {
	Types []PollTypeStats `json:"types"`
}

// PollTypeStats is the learnt durations of one job type, oldest first.
type PollTypeStats struct {
	Type             string    `json:"type"`
	DurationsSeconds []float64 `json:"durationsSeconds"` // StartedAt (else CreatedAt) to EndedAt of each job
}

// PollStats returns a snapshot of the durations of finished jobs the client
// has learnt, by job type. Load it into another client with
// [WithPollStats].
func (c *Client) PollStats() PollStats { return c.poller.stats.snapshot() }

// WithPollStats starts the client with the learnt durations of a snapshot
// taken by [Client.PollStats] (in this process or another). Of each type
// the last durations are kept, of the types the last ones listed; a
// duration that is not a positive finite number of seconds, or a type
// without a name, is an [*InputError].
func WithPollStats(s PollStats) Option {
	return func(c *config) error {
		for _, t := range s.Types {
			if t.Type == "" {
				return inputErr("WithPollStats", "a type without a name")
			}
			for _, d := range t.DurationsSeconds {
				if !(d > 0) || math.IsInf(d, 0) || d > maxLearntSeconds {
					return inputErr("WithPollStats", "type %q: duration %v s out of range (0, %v]", t.Type, d, maxLearntSeconds)
				}
			}
		}
		c.pollStats = &s
		return nil
	}
}

// maxLearntSeconds bounds a learnt duration: a week, well past the
// service's longest jobs, and far inside time.Duration's range.
const maxLearntSeconds = 7 * 24 * 3600

// pollStats is a client's learnt durations. Safe for concurrent use.
type pollStats struct {
	mu    sync.Mutex
	types map[string]*typeStats
	clock uint64 // counts feeds, for eviction
}

type typeStats struct {
	ring [pollStatsSamples]time.Duration
	n    int    // samples held, up to pollStatsSamples
	next int    // where the next sample goes
	used uint64 // pollStats.clock at the last feed
}

func newPollStats() *pollStats { return &pollStats{types: make(map[string]*typeStats)} }

// load fills st from a snapshot (validated by WithPollStats).
func (st *pollStats) load(s PollStats) {
	for _, t := range s.Types {
		for _, d := range t.DurationsSeconds {
			st.add(t.Type, time.Duration(d*float64(time.Second)))
		}
	}
}

// observe feeds a finished job's duration. Only jobs that completed count:
// a failed or canceled job says little about how long its type takes.
func (st *pollStats) observe(info *JobInfo) {
	if info.Type == "" || (info.Status != JobComplete && info.Status != JobCompleteWithWarning) {
		return
	}
	start := info.StartedAt
	if start.IsZero() {
		start = info.CreatedAt // a service that reports no StartTime
	}
	if start.IsZero() || !info.EndedAt.After(start) {
		return
	}
	d := info.EndedAt.Sub(start)
	if d > maxLearntSeconds*time.Second {
		return
	}
	st.add(info.Type, d)
}

func (st *pollStats) add(typ string, d time.Duration) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.clock++
	t := st.types[typ]
	if t == nil {
		if len(st.types) >= pollStatsTypes {
			st.evict()
		}
		t = &typeStats{}
		st.types[typ] = t
	}
	t.ring[t.next] = d
	t.next = (t.next + 1) % pollStatsSamples
	t.n = min(t.n+1, pollStatsSamples)
	t.used = st.clock
}

// evict drops the type fed least recently. st.mu is held.
func (st *pollStats) evict() {
	var oldest string
	var at uint64 = math.MaxUint64
	for typ, t := range st.types {
		if t.used < at || (t.used == at && typ < oldest) {
			oldest, at = typ, t.used
		}
	}
	delete(st.types, oldest)
}

// ordered returns a type's samples oldest first. st.mu is held.
func (t *typeStats) ordered() []time.Duration {
	out := make([]time.Duration, 0, t.n)
	start := (t.next - t.n + pollStatsSamples) % pollStatsSamples
	for i := range t.n {
		out = append(out, t.ring[(start+i)%pollStatsSamples])
	}
	return out
}

// bounds returns the shortest and the longest of a type's durations; false
// when the type has too little history.
func (st *pollStats) bounds(typ string) (lo, hi time.Duration, ok bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	t := st.types[typ]
	if t == nil || t.n < pollStatsMin {
		return 0, 0, false
	}
	lo, hi = t.ring[0], t.ring[0]
	for _, d := range t.ring[1:t.n] {
		lo, hi = min(lo, d), max(hi, d)
	}
	return lo, hi, true
}

func (st *pollStats) snapshot() PollStats {
	st.mu.Lock()
	defer st.mu.Unlock()
	type entry struct {
		typ  string
		used uint64
	}
	es := make([]entry, 0, len(st.types))
	for typ, t := range st.types {
		es = append(es, entry{typ, t.used})
	}
	// Least recently fed first, so that loading the snapshot into a full
	// client keeps the most recent types.
	slices.SortFunc(es, func(a, b entry) int {
		if a.used != b.used {
			if a.used < b.used {
				return -1
			}
			return 1
		}
		if a.typ < b.typ {
			return -1
		}
		return 1
	})
	out := PollStats{Types: make([]PollTypeStats, 0, len(es))}
	for _, e := range es {
		ds := st.types[e.typ].ordered()
		secs := make([]float64, len(ds))
		for i, d := range ds {
			secs[i] = d.Seconds()
		}
		out.Types = append(out.Types, PollTypeStats{Type: e.typ, DurationsSeconds: secs})
	}
	return out
}
