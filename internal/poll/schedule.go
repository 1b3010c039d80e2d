package poll

import (
	mrand "math/rand/v2"
	"slices"
	"time"
)

// Schedule computes one wait's poll intervals. It is not safe for
// concurrent use: one wait uses it.
type Schedule struct {
	pol *Policy       // read only; the waits of one policy share it
	cur time.Duration // the exponential interval reached so far

	// The progress origin: the job's start (progress 0 at the 202) or the
	// first progress the wait saw.
	originAt  time.Time
	originPct float64

	// Bounds of the progress rate, in percent per second.
	rateLo, rateHi float64

	// The progress step: the greatest common divisor of the distinct
	// values seen (counted from the origin), known once distinct is 2 (two
	// values seen, or one read again where progress by the percent would
	// have moved on; see aim). Percents: int32 is plenty, and the small
	// fields share one word (a waiter holds a Schedule).
	step, lastDone, distinct int32
	// rateStep is the step the rate bounds were taken with: bounds taken
	// before the step was known (one per percent) are too narrow for a
	// job that reports in steps, and are not kept once it is.
	rateStep int32

	hasOrigin, hasRate bool
	learnt, looked     bool // see plan

	// Learnt durations: the plan of reads of the job's type, from its
	// start (the 202), looked up once the first read shows the type.
	stats    *Stats
	jobStart time.Time
	plan     []time.Duration
	reads    int           // reads made so far (calls of next)
	pastCur  time.Duration // the interval past the plan

	// grid is the unjittered time of the last read of the first-seen
	// schedule (see firstSeen); zero before the first.
	grid time.Time
}

// NewSchedule returns the schedule of a wait under pol for a job started
// at started (zero for a job started elsewhere), with the learnt durations
// of stats (nil for none).
func NewSchedule(pol Policy, started time.Time, stats *Stats) *Schedule {
	sp := new(struct {
		s   Schedule
		pol Policy
	})
	sp.pol = pol
	sp.s.init(&sp.pol, started, stats)
	return &sp.s
}

// init sets s up for a wait under pol, which it keeps and never changes.
func (s *Schedule) init(pol *Policy, started time.Time, stats *Stats) {
	*s = Schedule{pol: pol, cur: pol.MinInterval, stats: stats, jobStart: started}
	if !started.IsZero() {
		s.originAt, s.hasOrigin = started, true
		s.grid = started.Add(pol.MinInterval)
	}
}

// First is the wait before the first read: MinInterval for a job just
// started (an async list finishes in seconds); none for a job started
// elsewhere (no start time), which may have ended long ago.
func (s *Schedule) First() time.Duration {
	if s.jobStart.IsZero() {
		return 0
	}
	return s.early(s.pol.MinInterval, s.pol.MinInterval)
}

// Next is the wait before the next read, given what the last read showed
// (nil when it failed).
//
// With enough history of the job's type, the read is placed on the
// type's plan (see learntNext); when progress also gives an aim, the
// sooner of the two wins, except that once the progress step is known the
// plan's reads before the earliest finish the progress allows are skipped,
// and no read goes past the latest finish it allows. An aim comes before
// the plan's read only while the budget keeps a read for that latest
// finish: reads crowded in front of a finish that had not come yet would
// spend the budget and leave the job unread until the budget's floor,
// up to MaxInterval after it ended.
func (s *Schedule) Next(now time.Time, st *Status) time.Duration {
	d := s.next(now, st)
	if s.jobStart.IsZero() {
		return d
	}
	// Whatever aimed it, the k-th read never comes before the reference
	// schedule's (k−learntCap)-th: at most learntCap reads more than
	// Citrix's SDK by any time, however long the wait. The floor advances
	// by at most MaxInterval a read, so it keeps d within MaxInterval.
	floor := s.refRead(s.reads+1-learntCap) - now.Sub(s.jobStart)
	return max(d, floor)
}

// next is Next before the reference floor.
func (s *Schedule) next(now time.Time, st *Status) time.Duration {
	s.reads++
	s.cur = min(s.pol.MaxInterval, time.Duration(float64(s.cur)*s.pol.Multiplier))
	if st != nil && !s.looked && st.Type != "" && s.stats != nil {
		key := planKey{ladder: s.ladder(), done: s.reads, progress: st.Progress >= 0}
		s.plan, s.learnt = s.stats.plan(st.Type, key, s.floorAt)
		s.looked = true
	}
	dp, okp := time.Duration(0), false
	if st != nil && !s.pol.DisableProgressAim && st.Progress >= 0 {
		dp, okp = s.aim(now, st.Progress)
	}
	// known: the progress step and the rate's bounds are known (rateLo
	// is then above 0: a read counts only once progress has moved).
	known := okp && s.distinct >= 2 && s.hasRate
	notBefore := now
	if known {
		notBefore = s.originAt.Add(time.Duration((100 - s.originPct) / s.rateHi * float64(time.Second)))
	}
	dh, okh := s.learntNext(now, notBefore)
	if okh && known {
		// The latest finish the progress allows, in l.
		latest := s.originAt.Add(time.Duration((100 - s.originPct) / s.rateLo * float64(time.Second)))
		e, l := now.Sub(s.jobStart), latest.Sub(now)
		last := s.floorAt(s.reads+2)-e > l // no read after this one comes by the latest finish
		if dp < dh && dp < l && !last {
			return max(dp, s.floorAt(s.reads+1)-e)
		}
		if l > 0 && (last || l < dh) {
			dh = max(l, s.floorAt(s.reads+1)-e, s.pol.MinInterval)
		}
		return dh
	}
	if okh && (!okp || dh < dp) {
		return dh
	}
	if okp && s.learnt && !s.jobStart.IsZero() {
		// The progress aim spends the same read budget as the ladder.
		return max(dp, min(s.floorAt(s.reads+1)-now.Sub(s.jobStart), s.pol.MaxInterval))
	}
	if okp {
		return dp
	}
	return s.firstSeen(now)
}

// firstSeen returns the interval to the next read of the first-seen
// schedule: the policy's exponential one, each read anchored to its
// unjittered time (the grid) and jittered only earlier, by up to Jitter/2
// of the interval. A jitter that spread each interval around the last
// read would, clamped at MaxInterval, shorten the settled interval on
// average (±5% clamped at 30 s is 29.6 s) and drift a long wait ever more
// reads over the reference schedule; anchored to the grid, the reads of
// any wait stay within one read of it. A read that came after its grid
// time (a late answer, a Retry-After) moves the grid to it.
func (s *Schedule) firstSeen(now time.Time) time.Duration {
	base := s.grid
	if base.IsZero() || now.After(base) {
		base = now
	}
	s.grid = base.Add(s.cur)
	return s.early(s.grid.Sub(now), s.cur)
}

// early returns d shortened by a random part of Jitter/2 of the interval
// cur, clamped to [MinInterval, MaxInterval].
func (s *Schedule) early(d, cur time.Duration) time.Duration {
	if s.pol.Jitter > 0 {
		d -= time.Duration(s.pol.Jitter / 2 * mrand.Float64() * float64(cur))
	}
	return min(max(d, s.pol.MinInterval), s.pol.MaxInterval)
}

// The read budget of a wait with history (see floorAt).
const (
	// learntSlack is how many reads a wait with history may spend over
	// the first-seen schedule (the policy's exponential one, without
	// jitter) for a job of the same duration.
	learntSlack = 2
	// learntCap is how many reads it may spend over the reference
	// schedule (refRead): with the default policy, the schedule of
	// Citrix's own SDK.
	learntCap = 3
)

// learntNext returns the interval to the next read of a wait whose job's
// type has history; false without history, without the job's start, or
// when notBefore (the earliest finish the progress allows) is past the
// plan.
//
// The read is the plan's next one after the time the job has run (and
// not before notBefore): the plan (see planReads) puts reads where the
// type's durations are, within the budget. Below the plan's first read
// the wait does not read: the read that showed the job's type is its
// guard against a job that fails at once. Inside the plan an interval may
// exceed MaxInterval: reading every MaxInterval through a stretch where
// no job of the type ends would spend the reads the plan puts where they
// end. Past the plan the intervals grow by Multiplier from its last step,
// up to MaxInterval. The budget: the wait's k-th read never comes before
// floorAt(k), so that a job of any duration costs at most learntSlack
// reads more than it would without history.
func (s *Schedule) learntNext(now, notBefore time.Time) (time.Duration, bool) {
	if !s.learnt || s.jobStart.IsZero() {
		return 0, false
	}
	e := now.Sub(s.jobStart)
	after := max(e, notBefore.Sub(s.jobStart)-1)
	floor := s.floorAt(s.reads + 1)
	var at time.Duration
	i, _ := slices.BinarySearch(s.plan, after+1)
	switch {
	case i < len(s.plan):
		at = s.plan[i]
		if i > 0 {
			s.pastCur = s.plan[i] - s.plan[i-1]
		}
	case notBefore.After(now):
		return 0, false
	default:
		s.pastCur = min(s.pol.MaxInterval, max(s.pol.MinInterval, time.Duration(float64(s.pastCur)*s.pol.Multiplier)))
		at = e + s.pastCur
	}
	return max(at, floor, e+s.pol.MinInterval) - e, true
}

// floorAt returns the earliest time, from the job's start, of the k-th
// read of a wait with history: not before the (k−learntSlack)-th read of
// the first-seen schedule, so that a job of any duration costs at most
// learntSlack reads more than without history; and not before the
// (k−learntCap)-th read of the reference schedule (refRead), so that it
// costs at most learntCap reads more than Citrix's SDK would with the
// default policy — unless the reference would hold the read past the
// first-seen schedule's (k−1)-th (a policy whose MaxInterval is far above
// the default's), where the first bound alone would leave one read of
// slack.
func (s *Schedule) floorAt(k int) time.Duration {
	return max(s.expRead(k-learntSlack), min(s.refRead(k-learntCap), s.expRead(k-1)))
}

// allowedBy returns how many reads the budget allows by t: the largest k
// with floorAt(k) <= t.
func (s *Schedule) allowedBy(t time.Duration) int {
	e := s.expCount(t)
	return min(e+learntSlack, max(s.refCount(t)+learntCap, e+1))
}

// refRead returns the time, from the job's start, of the j-th read of the
// reference schedule (0 for j <= 1): a read at once, then every
// MaxInterval/3 up to MaxInterval, then every MaxInterval. With the
// default policy (MaxInterval 30 s) it is the schedule of Citrix's own Go
// SDK: 0, 10, 20, 30, 60, 90 s…
func (s *Schedule) refRead(j int) time.Duration {
	m := s.pol.MaxInterval
	switch {
	case j <= 1:
		return 0
	case j <= 4:
		return time.Duration(j-1) * m / 3
	default:
		return time.Duration(j-3) * m
	}
}

// refCount returns how many reads the reference schedule has made by t
// (counting the one at 0): the largest j with refRead(j) <= t.
func (s *Schedule) refCount(t time.Duration) int {
	if m := s.pol.MaxInterval; t >= m {
		return 3 + int(t/m)
	}
	n := 1
	for n < 4 && s.refRead(n+1) <= t {
		n++
	}
	return n
}

// ladder is the first-seen schedule of a policy without jitter: reads at
// min, then at intervals growing by mult up to max.
type ladder struct {
	min, max time.Duration
	mult     float64
}

// ladder returns the first-seen schedule of s's policy.
func (s *Schedule) ladder() ladder {
	return ladder{min: s.pol.MinInterval, max: s.pol.MaxInterval, mult: s.pol.Multiplier}
}

// expCount returns how many reads the first-seen schedule has made by t
// after the job's start.
func (s *Schedule) expCount(t time.Duration) int { return s.ladder().count(t) }

// expRead returns the time of the first-seen schedule's j-th read after
// the job's start (0 for j < 1).
func (s *Schedule) expRead(j int) time.Duration { return s.ladder().read(j) }

// count returns how many reads the ladder has made by t.
func (l ladder) count(t time.Duration) int {
	n, at, step := 0, time.Duration(0), l.min
	for at+step <= t {
		at, n = at+step, n+1
		next := min(l.max, time.Duration(float64(step)*l.mult))
		if next == step {
			return n + int((t-at)/step)
		}
		step = next
	}
	return n
}

// read returns the time of the ladder's j-th read (0 for j < 1).
func (l ladder) read(j int) time.Duration {
	at, step := time.Duration(0), l.min
	for ; j > 0; j-- {
		at += step
		next := min(l.max, time.Duration(float64(step)*l.mult))
		if next == step {
			return at + time.Duration(j-1)*step
		}
		step = next
	}
	return at
}

// step returns the ladder's interval at t: from its last read by t to
// the next.
func (l ladder) step(t time.Duration) time.Duration {
	n := l.count(t)
	return l.read(n+1) - l.read(n)
}

// aim returns the interval to the finish estimated from the progress seen
// so far, clamped to [MinInterval, MaxInterval].
//
// A read of pct at elapsed time t says that the rate r (percent per second,
// assumed steady since the origin) satisfies pct <= r·t < pct+q, where q is
// the job's progress step: 1 for a job that reports every percent, 25 for
// one that reports 25, 50, 75 (learnt as the greatest common divisor of the
// values seen, from two of them, or from one read again where progress by
// the percent would have moved on). The wait intersects these bounds over
// all its reads, which soon pins the rate far below one step; once the step
// is learnt, the upper bounds taken before are dropped and the lower ones,
// which hold whatever the step, kept. When a read contradicts the earlier
// ones (progress that is not steady), the bounds restart from it. The read
// is aimed at the middle of the finish's range while it is wide (of what is
// left of it once the middle has passed), and at its latest end once the
// range is within 10%: a read that lands just before the finish costs a
// second read MinInterval later, one just after costs only the small slack.
func (s *Schedule) aim(now time.Time, pct int) (time.Duration, bool) {
	if !s.hasOrigin {
		s.originAt, s.originPct, s.hasOrigin = now, float64(pct), true
		return 0, false
	}
	elapsed := now.Sub(s.originAt).Seconds()
	done := float64(pct) - s.originPct
	if pct >= 100 || done <= 0 || elapsed <= 0 {
		return 0, false
	}
	if d := int32(done); d != s.lastDone {
		s.lastDone, s.distinct = d, s.distinct+1
		s.step = gcd(s.step, d)
	}
	q := int32(1)
	if s.distinct >= 2 {
		q = s.step
	}
	lo, hi := done/elapsed, (done+float64(q))/elapsed
	if q == 1 && s.step > 1 && s.hasRate && hi <= s.rateLo {
		// (q is 1 while one value has been seen, so this read shows it.)
		// The one value seen, read again where progress by the percent
		// would have moved on: the job reports in steps, each at most that
		// value (the step divides every value). The step counts as known.
		s.distinct, q = 2, s.step
		hi = (done + float64(q)) / elapsed
	}
	switch {
	case !s.hasRate || hi <= s.rateLo || q == s.rateStep && lo >= s.rateHi:
		s.rateLo, s.rateHi, s.rateStep, s.hasRate = lo, hi, q, true
	case q != s.rateStep:
		// The step is new: the upper bounds taken with the old one are
		// too narrow for it, the lower bounds hold whatever the step.
		s.rateLo, s.rateHi, s.rateStep = max(s.rateLo, lo), hi, q
	default:
		s.rateLo, s.rateHi = max(s.rateLo, lo), min(s.rateHi, hi)
	}
	rate := (s.rateLo + s.rateHi) / 2
	if s.rateHi/s.rateLo-1 <= 0.10 {
		rate = s.rateLo
	}
	left := (100-s.originPct)/rate - elapsed
	if left <= 0 {
		// The middle has passed and the job runs on: it ends between now
		// and the latest finish, of which the middle is the aim.
		left = ((100-s.originPct)/s.rateLo - elapsed) / 2
	}
	return min(max(time.Duration(left*float64(time.Second)), s.pol.MinInterval), s.pol.MaxInterval), true
}

func gcd(a, b int32) int32 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
