package poll

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
// The summary of a type is a ring of its last statsSamples durations (a
// fixed reservoir: recent jobs weigh as much as old ones, and a type whose
// jobs got slower is relearnt within statsSamples jobs); a client keeps at
// most statsTypes types, evicting the one fed least recently. Memory is
// therefore bounded by statsTypes × statsSamples durations whatever the
// workload.
const (
	statsSamples = 32 // durations kept per job type
	statsTypes   = 64 // job types kept per client
	// statsMin is the history a type needs before its reads are aimed at
	// its durations; with less the schedule is the policy's own.
	statsMin = 8
)

// MaxDuration bounds a learnt duration: a week, well past the service's
// longest jobs, and far inside time.Duration's range. Longer jobs are not
// learnt.
const MaxDuration = 7 * 24 * time.Hour

// Stats is a client's learnt durations. Safe for concurrent use.
type Stats struct {
	mu    sync.Mutex
	types map[string]*typeStats
	clock uint64 // counts feeds, for eviction
	plans int    // plans computed (see plan), for tests
}

type typeStats struct {
	ring [statsSamples]time.Duration
	n    int    // samples held, up to statsSamples
	next int    // where the next sample goes
	used uint64 // Stats.clock at the last feed

	// The plans of the durations held, for jobs that report no progress
	// and for jobs that do (see planKey).
	slots [2]planSlot
}

// planSlot holds one plan of a type and the one being computed.
type planSlot struct {
	plan    []time.Duration // nil when stale
	planFor planKey
	// planning is closed when the plan being computed for planningFor is
	// ready; nil when none is.
	planning    chan struct{}
	planningFor planKey
}

// slot returns the slot of the plans of key.
func (t *typeStats) slot(key planKey) *planSlot {
	if key.progress {
		return &t.slots[1]
	}
	return &t.slots[0]
}

// TypeDurations is the learnt durations of one job type, oldest first.
type TypeDurations struct {
	Type      string
	Durations []time.Duration
}

// NewStats returns empty statistics.
func NewStats() *Stats { return &Stats{types: make(map[string]*typeStats)} }

// Load feeds every duration of a snapshot, in order. The caller checks
// that each is in (0, MaxDuration] and each type named.
func (st *Stats) Load(s []TypeDurations) {
	for _, t := range s {
		for _, d := range t.Durations {
			st.add(t.Type, d)
		}
	}
}

// Observe feeds the duration of a job that ended. Only jobs that completed
// count: a failed or canceled job says little about how long its type
// takes.
func (st *Stats) Observe(s Status) {
	if s.Type == "" || !s.Completed || s.Started.IsZero() || !s.Ended.After(s.Started) {
		return
	}
	d := s.Ended.Sub(s.Started)
	if d > MaxDuration {
		return
	}
	st.add(s.Type, d)
}

func (st *Stats) add(typ string, d time.Duration) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.clock++
	t := st.types[typ]
	if t == nil {
		if len(st.types) >= statsTypes {
			st.evict()
		}
		t = &typeStats{}
		st.types[typ] = t
	}
	t.ring[t.next] = d
	t.next = (t.next + 1) % statsSamples
	t.n = min(t.n+1, statsSamples)
	t.used = st.clock
	t.slots[0].plan, t.slots[1].plan = nil, nil
}

// evict drops the type fed least recently. st.mu is held.
func (st *Stats) evict() {
	var oldest string
	var at uint64 = math.MaxUint64
	for typ, t := range st.types {
		if t.used < at || (t.used == at && typ < oldest) {
			oldest, at = typ, t.used
		}
	}
	delete(st.types, oldest)
}

// ordered returns a type's samples oldest first. Stats.mu is held.
func (t *typeStats) ordered() []time.Duration {
	out := make([]time.Duration, 0, t.n)
	start := (t.next - t.n + statsSamples) % statsSamples
	for i := range t.n {
		out = append(out, t.ring[(start+i)%statsSamples])
	}
	return out
}

// planKey is what a plan depends on besides the durations: the budget
// (the policy's first-seen schedule), the reads made before it, and
// whether the job reports progress (see planProgressShare).
type planKey struct {
	ladder
	done     int
	progress bool
}

// plan returns the learnt plan of a type's reads (see planReads), computed
// once per change of its durations; false when the type has too little
// history. floor is the budget under key.
//
// One wait computes a plan and the waits that need the same one meanwhile
// wait for it: many waits of a type that read their first status together
// (a batch started at once) would otherwise each compute it, some tens of
// milliseconds of CPU each for a widely spread type.
func (st *Stats) plan(typ string, key planKey, floor func(k int) time.Duration) ([]time.Duration, bool) {
	st.mu.Lock()
	for {
		t := st.types[typ]
		if t == nil || t.n < statsMin {
			st.mu.Unlock()
			return nil, false
		}
		sl := t.slot(key)
		if sl.plan != nil && sl.planFor == key {
			p := sl.plan
			st.mu.Unlock()
			return p, true
		}
		if sl.planning == nil || sl.planningFor != key {
			break
		}
		ready := sl.planning
		st.mu.Unlock()
		<-ready
		st.mu.Lock()
	}
	t := st.types[typ]
	sl := t.slot(key)
	ready := make(chan struct{})
	sl.planning, sl.planningFor = ready, key
	st.plans++
	ds := t.ordered()
	st.mu.Unlock()
	p := fillPlan(planReads(ds, floor, key.done, key.progress), floor, key.done, key.step)
	st.mu.Lock()
	// The durations may have changed meanwhile: the plan is kept only for
	// the ones it was computed from.
	if t2 := st.types[typ]; t2 == t && slices.Equal(t.ordered(), ds) {
		sl.plan, sl.planFor = p, key
	}
	if sl.planning == ready {
		sl.planning = nil
	}
	st.mu.Unlock()
	close(ready)
	return p, true
}

// Snapshot returns every type's durations, the type fed least recently
// first, so that loading the snapshot into a full Stats keeps the most
// recent types.
func (st *Stats) Snapshot() []TypeDurations {
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
	out := make([]TypeDurations, 0, len(es))
	for _, e := range es {
		out = append(out, TypeDurations{Type: e.typ, Durations: st.types[e.typ].ordered()})
	}
	return out
}
