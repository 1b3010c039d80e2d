package harness

import (
	"math/rand/v2"
	"time"

	"github.com/daaskit/daas"
)

// aimSchedule is a copy of the library's poll schedule (poller.go:
// schedule), run by the harness as a Job.Poll loop so that changes to it can
// be measured on the same fake before anyone edits the library. With the
// zero aimOptions it does what the library does.
type aimSchedule struct {
	pol daas.PollPolicy
	opt aimOptions
	r   *rand.Rand
	cur time.Duration

	rateLo, rateHi float64 // percent per second of service time
	hasRate        bool
	values         []int // distinct positive progress values seen
}

// aimOptions are the changes to the library's schedule under trial.
type aimOptions struct {
	// Upper aims at the latest finish the reads allow (the lower bound of
	// the progress rate) instead of the middle of the range, so that an
	// aimed read lands just after the finish rather than, half of the time,
	// just before it (when the next read cannot come before MinInterval).
	Upper bool
	// Quantum learns the granularity of the job's progress (the greatest
	// common divisor of the values seen: 25 for a job that reports 25, 50,
	// 75) and widens each read's rate bounds to it, so that coarse progress
	// narrows the estimate instead of contradicting it.
	Quantum bool
	// Within, with Upper, aims at the latest finish only once the reads
	// pin the finish down to this fraction (latest/earliest − 1); while
	// they are looser, at the middle as the library does. 0: always.
	Within float64
}

func newAimSchedule(pol daas.PollPolicy, opt aimOptions, r *rand.Rand) *aimSchedule {
	return &aimSchedule{pol: pol, opt: opt, r: r, cur: pol.MinInterval}
}

func (s *aimSchedule) First() time.Duration { return s.jitter(s.pol.MinInterval) }

func (s *aimSchedule) Next(elapsed time.Duration, info *daas.JobInfo) time.Duration {
	s.cur = min(s.pol.MaxInterval, time.Duration(float64(s.cur)*s.pol.Multiplier))
	if info != nil && !s.pol.DisableProgressAim && info.Progress >= 0 {
		if d, ok := s.aim(elapsed, info.Progress); ok {
			return d
		}
	}
	return s.jitter(s.cur)
}

// aim mirrors schedule.aim of the library, for a job whose progress origin
// is the 202 (progress 0 at elapsed 0).
func (s *aimSchedule) aim(elapsed time.Duration, pct int) (time.Duration, bool) {
	el := elapsed.Seconds()
	if pct >= 100 || pct <= 0 || el <= 0 {
		return 0, false
	}
	q := 1.0
	if s.opt.Quantum {
		s.note(pct)
		if len(s.values) >= 2 {
			g := 0
			for _, v := range s.values {
				g = gcd(g, v)
			}
			q = float64(g)
		}
	}
	lo, hi := float64(pct)/el, (float64(pct)+q)/el
	if !s.hasRate || lo >= s.rateHi || hi <= s.rateLo {
		s.rateLo, s.rateHi, s.hasRate = lo, hi, true
	} else {
		s.rateLo, s.rateHi = max(s.rateLo, lo), min(s.rateHi, hi)
	}
	rate := (s.rateLo + s.rateHi) / 2
	if s.opt.Upper && (s.opt.Within == 0 || s.rateHi/s.rateLo-1 <= s.opt.Within) {
		rate = s.rateLo
	}
	left := time.Duration((100/rate - el) * float64(time.Second))
	return min(max(left, s.pol.MinInterval), s.pol.MaxInterval), true
}

func (s *aimSchedule) note(pct int) {
	for _, v := range s.values {
		if v == pct {
			return
		}
	}
	s.values = append(s.values, pct)
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func (s *aimSchedule) jitter(d time.Duration) time.Duration {
	if s.pol.Jitter > 0 {
		f := 1 + s.pol.Jitter*(s.r.Float64()-0.5)
		d = time.Duration(float64(d) * f)
	}
	return min(max(d, s.pol.MinInterval), s.pol.MaxInterval)
}
