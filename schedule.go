package daas

import (
	mrand "math/rand/v2"
	"time"
)

// schedule computes one wait's poll intervals.
type schedule struct {
	pol PollPolicy
	cur time.Duration // the exponential interval reached so far

	// The progress origin: the job's start (progress 0 at the 202) or the
	// first progress the wait saw.
	originAt  time.Time
	originPct float64
	hasOrigin bool

	// Bounds of the progress rate, in percent per second.
	rateLo, rateHi float64
	hasRate        bool

	// The progress step: the greatest common divisor of the distinct
	// values seen (counted from the origin).
	step, lastDone, distinct int

	// Learnt durations: the read targets of the job's type, from its
	// start (the 202), looked up once the first read shows the type.
	stats    *pollStats
	jobStart time.Time
	ladder   []time.Duration
	looked   bool
}

func newSchedule(pol PollPolicy, started time.Time, stats *pollStats) *schedule {
	s := &schedule{pol: pol, cur: pol.MinInterval, stats: stats, jobStart: started}
	if !started.IsZero() {
		s.originAt, s.hasOrigin = started, true
	}
	return s
}

// first is the wait before the first read.
func (s *schedule) first() time.Duration { return s.jitter(s.pol.MinInterval) }

// next is the wait before the next read, given what the last read showed
// (nil when it failed).
//
// With enough history of the job's type, the read is aimed at the next of
// the type's duration quantiles still ahead (see learnt); when progress
// also gives an aim, the sooner of the two wins, except that once the
// progress step is known the quantiles before the earliest finish the
// progress allows are skipped.
func (s *schedule) next(now time.Time, info *JobInfo) time.Duration {
	s.cur = min(s.pol.MaxInterval, time.Duration(float64(s.cur)*s.pol.Multiplier))
	if info != nil && !s.looked && info.Type != "" && s.stats != nil {
		s.ladder, s.looked = s.stats.ladder(info.Type), true
	}
	dp, okp := time.Duration(0), false
	if info != nil && !s.pol.DisableProgressAim && info.Progress >= 0 {
		dp, okp = s.aim(now, info.Progress)
	}
	notBefore := now
	if okp && s.distinct >= 2 && s.hasRate {
		notBefore = s.originAt.Add(time.Duration((100 - s.originPct) / s.rateHi * float64(time.Second)))
	}
	if dh, ok := s.learnt(now, notBefore); ok && (!okp || dh < dp) {
		return dh
	}
	if okp {
		return dp
	}
	return s.jitter(s.cur)
}

// learnt returns the interval to the first of the ladder's targets after
// both now and notBefore (measured from the job's start), clamped to
// [MinInterval, MaxInterval]; false without a ladder, without the job's
// start, or once the job has run past the longest duration seen. A target
// more than MaxInterval ahead is reached in equal steps. Aiming at
// the quantiles of the durations the job can still have (those longer than
// it has run) spends the reads where its finish is likely: the finish is
// found within the gap between two quantiles.
func (s *schedule) learnt(now, notBefore time.Time) (time.Duration, bool) {
	if s.ladder == nil || s.jobStart.IsZero() {
		return 0, false
	}
	elapsed := now.Sub(s.jobStart)
	after := max(elapsed, notBefore.Sub(s.jobStart))
	for _, at := range s.ladder {
		if at > after {
			// A target further than MaxInterval takes several reads anyway:
			// equal intervals make the last of them land on it.
			gap := at - elapsed
			if n := (gap + s.pol.MaxInterval - 1) / s.pol.MaxInterval; n > 1 {
				gap /= n
			}
			return min(max(gap, s.pol.MinInterval), s.pol.MaxInterval), true
		}
	}
	return 0, false
}

// aim returns the interval to the finish estimated from the progress seen
// so far, clamped to [MinInterval, MaxInterval].
//
// A read of pct at elapsed time t says that the rate r (percent per second,
// assumed steady since the origin) satisfies pct <= r·t < pct+q, where q is
// the job's progress step: 1 for a job that reports every percent, 25 for
// one that reports 25, 50, 75 (learnt as the greatest common divisor of the
// values seen). The wait intersects these bounds over all its reads, which
// soon pins the rate far below one step; when a read contradicts the earlier
// ones (progress that is not steady), the bounds restart from it. The read
// is aimed at the middle of the finish's range while it is wide, and at its
// latest end once the range is within 10%: a read that lands just before the
// finish costs a second read MinInterval later, one just after costs only
// the small slack.
func (s *schedule) aim(now time.Time, pct int) (time.Duration, bool) {
	if !s.hasOrigin {
		s.originAt, s.originPct, s.hasOrigin = now, float64(pct), true
		return 0, false
	}
	elapsed := now.Sub(s.originAt).Seconds()
	done := float64(pct) - s.originPct
	if pct >= 100 || done <= 0 || elapsed <= 0 {
		return 0, false
	}
	if d := int(done); d != s.lastDone {
		s.lastDone, s.distinct = d, s.distinct+1
		s.step = gcd(s.step, d)
	}
	q := 1.0
	if s.distinct >= 2 {
		q = float64(s.step)
	}
	lo, hi := done/elapsed, (done+q)/elapsed
	if !s.hasRate || lo >= s.rateHi || hi <= s.rateLo {
		s.rateLo, s.rateHi, s.hasRate = lo, hi, true
	} else {
		s.rateLo, s.rateHi = max(s.rateLo, lo), min(s.rateHi, hi)
	}
	rate := (s.rateLo + s.rateHi) / 2
	if s.rateHi/s.rateLo-1 <= 0.10 {
		rate = s.rateLo
	}
	left := time.Duration(((100-s.originPct)/rate - elapsed) * float64(time.Second))
	return min(max(left, s.pol.MinInterval), s.pol.MaxInterval), true
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// jitter spreads d by ±Jitter/2 and clamps it to [MinInterval, MaxInterval].
func (s *schedule) jitter(d time.Duration) time.Duration {
	if s.pol.Jitter > 0 {
		f := 1 + s.pol.Jitter*(mrand.Float64()-0.5)
		d = time.Duration(float64(d) * f)
	}
	return min(max(d, s.pol.MinInterval), s.pol.MaxInterval)
}
