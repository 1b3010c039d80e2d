package daas

import (
	"math"
	"time"

	"github.com/daaskit/daas/internal/poll"
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
func (c *Client) PollStats() PollStats {
	snap := c.poller.engine.Stats().Snapshot()
	out := PollStats{Types: make([]PollTypeStats, 0, len(snap))}
	for _, t := range snap {
		secs := make([]float64, len(t.Durations))
		for i, d := range t.Durations {
			secs[i] = d.Seconds()
		}
		out.Types = append(out.Types, PollTypeStats{Type: t.Type, DurationsSeconds: secs})
	}
	return out
}

// WithPollStats starts the client with the learnt durations of a snapshot
// taken by [Client.PollStats] (in this process or another). Of each type
// the last durations are kept, of the types the last ones listed.
// Durations are kept to the nanosecond: one that is not a number of
// seconds from a nanosecond to a week once rounded to the nanosecond, or a
// type without a name, is an [*InputError]. Whatever PollStats exports,
// WithPollStats accepts.
func WithPollStats(s PollStats) Option {
	return func(c *config) error {
		for _, t := range s.Types {
			if t.Type == "" {
				return inputErr("WithPollStats", "a type without a name")
			}
			for _, d := range t.DurationsSeconds {
				if _, ok := learntDuration(d); !ok {
					return inputErr("WithPollStats", "type %q: duration %v s out of range [1e-09, %v]", t.Type, d, maxLearntSeconds)
				}
			}
		}
		c.pollStats = &s
		return nil
	}
}

// maxLearntSeconds bounds a learnt duration (poll.MaxDuration).
const maxLearntSeconds = float64(poll.MaxDuration / time.Second)

// learntDuration converts a duration in seconds to the nanosecond nearest
// it (Duration.Seconds, which exports it, is within a fraction of a
// nanosecond of it, so a duration survives export and reload); false when
// that is not in [1 ns, poll.MaxDuration] (NaN included).
func learntDuration(secs float64) (time.Duration, bool) {
	ns := math.Round(secs * float64(time.Second))
	if !(ns >= 1 && ns <= float64(poll.MaxDuration)) {
		return 0, false
	}
	return time.Duration(ns), true
}

// loadPollStats feeds st the durations of a snapshot validated by
// WithPollStats.
func loadPollStats(st *pollStats, s PollStats) {
	snap := make([]poll.TypeDurations, 0, len(s.Types))
	for _, t := range s.Types {
		ds := make([]time.Duration, len(t.DurationsSeconds))
		for i, d := range t.DurationsSeconds {
			ds[i], _ = learntDuration(d)
		}
		snap = append(snap, poll.TypeDurations{Type: t.Type, Durations: ds})
	}
	st.Load(snap)
}
