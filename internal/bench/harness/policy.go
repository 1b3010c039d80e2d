package harness

import (
	"math/rand/v2"
	"time"

	"github.com/daaskit/daas"
)

// A Schedule is a competitor's poll schedule, in service (unscaled) time.
// The harness runs it as a loop of Job.Poll calls.
type Schedule interface {
	// First is the wait between the 202 and the first read.
	First() time.Duration
	// Next is the wait before the next read, after a read that found the
	// job running (info); elapsed is the service time since the 202.
	Next(elapsed time.Duration, info *daas.JobInfo) time.Duration
}

// A Policy is one way of waiting for a job: the daas library's own Wait with
// a PollPolicy, or a competitor's schedule run as a Poll loop.
type Policy struct {
	Name string // short name, for tables
	Desc string // one line: where the schedule comes from

	// Lib is the PollPolicy, unscaled, for policies that use daas Wait; nil
	// for loop policies.
	Lib *daas.PollPolicy
	// Schedule makes a fresh schedule per job, for loop policies.
	Schedule func(r *rand.Rand) Schedule
	// Fixed marks a loop schedule with neither jitter nor progress: its
	// delays can be computed exactly, which the noise check uses.
	Fixed bool
	// Fresh gives every job a client of its own, so that a daas policy
	// waits with nothing learnt (the first-seen schedule).
	Fresh bool
}

// IsLib reports whether the policy waits with the library's Wait.
func (p Policy) IsLib() bool { return p.Lib != nil }

// ScalePollPolicy divides the intervals of p by scale, for a fake whose
// service time runs scale times faster than real time. Progress aiming needs
// no scaling: it works on rates measured in real time.
func ScalePollPolicy(p daas.PollPolicy, scale float64) daas.PollPolicy {
	p.MinInterval = scaleDown(p.MinInterval, scale)
	p.MaxInterval = scaleDown(p.MaxInterval, scale)
	return p
}

func scaleDown(d time.Duration, scale float64) time.Duration {
	return max(time.Duration(float64(d)/scale), 1)
}

// DaasDefault is the library's DefaultPollPolicy.
func DaasDefault() Policy {
	p := daas.DefaultPollPolicy()
	return Policy{
		Name: "daas default",
		Desc: "daas.DefaultPollPolicy(): first read after 1 s, ×2 to 30 s, ±5% jitter; with progress, reads aimed at the finish it predicts (the middle of the range the reads allow, its latest end once that range is within 10%), the progress step learnt from the values seen, the progress clock started when the request was sent",
		Lib:  &p,
	}
}

// DaasFirstSeen is DaasDefault with a fresh client per job: nothing
// learnt, the schedule of a job type seen for the first time.
func DaasFirstSeen() Policy {
	p := DaasDefault()
	p.Name = "daas first-seen"
	p.Desc = "daas.DefaultPollPolicy() as daas default, with a client of its own per job, so that no duration has been learnt: the first-seen schedule"
	p.Fresh = true
	return p
}

// CitrixSDK is the schedule of citrix-daas-rest-go's WaitForJob: a read at
// once, then every 10 s, every 30 s once more than 30 s have passed.
func CitrixSDK() Policy {
	return Policy{
		Name:     "Citrix SDK",
		Desc:     "citrix-daas-rest-go WaitForJob: read at once, then every 10 s; every 30 s once 30 s have passed",
		Schedule: func(*rand.Rand) Schedule { return citrixSchedule{} },
		Fixed:    true,
	}
}

type citrixSchedule struct{}

func (citrixSchedule) First() time.Duration { return 0 }
func (citrixSchedule) Next(elapsed time.Duration, _ *daas.JobInfo) time.Duration {
	if elapsed > 30*time.Second {
		return 30 * time.Second
	}
	return 10 * time.Second
}

// Azure is azcore's Poller.PollUntilDone default: a read at once, then every
// 30 s (Frequency), no jitter.
func Azure() Policy {
	return Policy{
		Name:     "Azure",
		Desc:     "azcore PollUntilDone default: read at once, then every 30 s (Frequency), no jitter",
		Schedule: func(*rand.Rand) Schedule { return fixedSchedule{30 * time.Second} },
		Fixed:    true,
	}
}

// Naive is a fixed 1 s loop: a read at once, then every second.
func Naive() Policy {
	return Policy{
		Name:     "naive 1 s",
		Desc:     "a hand-written loop: read at once, then every 1 s",
		Schedule: func(*rand.Rand) Schedule { return fixedSchedule{time.Second} },
		Fixed:    true,
	}
}

type fixedSchedule struct{ every time.Duration }

func (fixedSchedule) First() time.Duration                              { return 0 }
func (f fixedSchedule) Next(time.Duration, *daas.JobInfo) time.Duration { return f.every }

// Google is cloud.google.com/go/longrunning's Wait: a read at once, then
// pauses from gax.Backoff{Initial: 1 s, Max: 60 s (DefaultWaitInterval),
// Multiplier: 2}, whose Pause is full jitter: uniform in (0, cur].
func Google() Policy {
	return Policy{
		Name:     "Google",
		Desc:     "longrunning Wait: read at once, then gax full-jitter pauses, (0, cur] with cur 1 s ×2 to 60 s",
		Schedule: func(r *rand.Rand) Schedule { return &googleSchedule{r: r, cur: time.Second} },
	}
}

type googleSchedule struct {
	r   *rand.Rand
	cur time.Duration
}

func (*googleSchedule) First() time.Duration { return 0 }
func (g *googleSchedule) Next(time.Duration, *daas.JobInfo) time.Duration {
	d := time.Duration(1 + g.r.Int64N(int64(g.cur)))
	g.cur = min(2*g.cur, 60*time.Second)
	return d
}

// Policies returns the policies the single-job workload compares.
func Policies() []Policy {
	return []Policy{DaasDefault(), CitrixSDK(), Azure(), Google(), Naive()}
}

// Deterministic schedules, for the noise check: the read that first finds
// a job of duration d ended, had every read come exactly on time.
func idealDelay(p Policy, d time.Duration) (time.Duration, bool) {
	if p.Schedule == nil || !p.Fixed {
		return 0, false
	}
	s := p.Schedule(nil)
	t := s.First()
	for t < d {
		t += s.Next(t+time.Millisecond, nil) // a read takes a moment: Citrix's "> 30 s" test passes at 30 s
	}
	return t - d, true
}
