package harness

import (
	"math/rand/v2"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/internal/poll"
)

// A Schedule is one wait's poll schedule, on the job's clock: the time
// since the 202 that started it.
type Schedule interface {
	// First is the wait between the 202 and the first read.
	First() time.Duration
	// Next is the wait before the next read, after a read at elapsed that
	// found the job running and reporting progress (negative: none).
	Next(elapsed time.Duration, progress int) time.Duration
}

// A Policy is one way of waiting for a job: the daas library's schedule
// under a PollPolicy, or a competitor's loop schedule.
type Policy struct {
	Name string // short name, for tables
	Desc string // one line: where the schedule comes from

	// Lib is the PollPolicy of a library policy; nil for loop policies.
	Lib *daas.PollPolicy
	// Loop makes a fresh schedule per job, for loop policies; r is the
	// source of its jitter.
	Loop func(r *rand.Rand) Schedule
	// Fresh marks a library policy that waits with no history: the
	// schedule of a job type seen for the first time.
	Fresh bool
}

// IsLib reports whether the policy is the library's schedule.
func (p Policy) IsLib() bool { return p.Lib != nil }

// schedule makes the schedule of one wait under p for a job started at t0
// (the library's schedule reads the history hist, nil for none); r is the
// source of a loop schedule's jitter.
func (p Policy) schedule(r *rand.Rand, t0 time.Time, hist *poll.Stats) Schedule {
	if p.Lib == nil {
		return p.Loop(r)
	}
	return libSchedule{s: poll.NewSchedule(poll.Policy(*p.Lib), t0, hist), t0: t0}
}

// libSchedule is the library's own schedule (internal/poll), as a wait
// runs it for a job of one type.
type libSchedule struct {
	s  *poll.Schedule
	t0 time.Time
}

func (l libSchedule) First() time.Duration { return l.s.First() }
func (l libSchedule) Next(elapsed time.Duration, progress int) time.Duration {
	return l.s.Next(l.t0.Add(elapsed), &poll.Status{Type: "T", Progress: progress})
}

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

// daasDesc describes DefaultPollPolicy's schedule.
const daasDesc = "daas.DefaultPollPolicy() (first read after 1 s, ×2 to 30 s, jitter 0.1) on the library's schedule code (internal/poll): progress aims its reads, a history of the job's type places them"

// DaasDefault is the library's DefaultPollPolicy waiting with a history
// that does not predict: 32 durations drawn from the whole mix, a type
// spread 900×.
func DaasDefault() Policy {
	p := daas.DefaultPollPolicy()
	return Policy{Name: "daas default", Desc: daasDesc + "; here with a history of 32 durations drawn from the mix (one type spread 900×: a history that does not predict)", Lib: &p}
}

// DaasFirstSeen is DaasDefault with no history: the schedule of a job
// type seen for the first time.
func DaasFirstSeen() Policy {
	p := DaasDefault()
	p.Name = "daas first-seen"
	p.Desc = daasDesc + "; here with no history: the first-seen schedule"
	p.Fresh = true
	return p
}

// DaasWithHistory is DaasDefault with a history of the job's own type.
func DaasWithHistory() Policy {
	p := DaasDefault()
	p.Name = "daas with history"
	p.Desc = daasDesc + "; here with a history of 32 durations of the job's type"
	return p
}

// CitrixSDK is the schedule of citrix-daas-rest-go's WaitForJob: a read at
// once, then every 10 s, every 30 s once 30 s have passed (a read takes a
// moment, so the read at 30 s finds them passed): reads at 0, 10, 20, 30,
// 60, 90 s…, limit.CitrixRead.
func CitrixSDK() Policy {
	return Policy{
		Name: "Citrix SDK",
		Desc: "citrix-daas-rest-go WaitForJob: read at once, then every 10 s; every 30 s once 30 s have passed",
		Loop: func(*rand.Rand) Schedule { return citrixSchedule{} },
	}
}

type citrixSchedule struct{}

func (citrixSchedule) First() time.Duration { return 0 }
func (citrixSchedule) Next(elapsed time.Duration, _ int) time.Duration {
	if elapsed >= 30*time.Second {
		return 30 * time.Second
	}
	return 10 * time.Second
}

// Azure is azcore's Poller.PollUntilDone default: a read at once, then every
// 30 s (Frequency), no jitter.
func Azure() Policy {
	return Policy{
		Name: "Azure",
		Desc: "azcore PollUntilDone default: read at once, then every 30 s (Frequency), no jitter",
		Loop: func(*rand.Rand) Schedule { return fixedSchedule{30 * time.Second} },
	}
}

// Naive is a fixed 1 s loop: a read at once, then every second.
func Naive() Policy {
	return Policy{
		Name: "naive 1 s",
		Desc: "a hand-written loop: read at once, then every 1 s",
		Loop: func(*rand.Rand) Schedule { return fixedSchedule{time.Second} },
	}
}

type fixedSchedule struct{ every time.Duration }

func (fixedSchedule) First() time.Duration                    { return 0 }
func (f fixedSchedule) Next(time.Duration, int) time.Duration { return f.every }

// Google is cloud.google.com/go/longrunning's Wait: a read at once, then
// pauses from gax.Backoff{Initial: 1 s, Max: 60 s (DefaultWaitInterval),
// Multiplier: 2}, whose Pause is full jitter: uniform in (0, cur].
func Google() Policy {
	return Policy{
		Name: "Google",
		Desc: "longrunning Wait: read at once, then gax full-jitter pauses, (0, cur] with cur 1 s ×2 to 60 s",
		Loop: func(r *rand.Rand) Schedule { return &googleSchedule{r: r, cur: time.Second} },
	}
}

type googleSchedule struct {
	r   *rand.Rand
	cur time.Duration
}

func (*googleSchedule) First() time.Duration { return 0 }
func (g *googleSchedule) Next(time.Duration, int) time.Duration {
	d := time.Duration(1 + g.r.Int64N(int64(g.cur)))
	g.cur = min(2*g.cur, 60*time.Second)
	return d
}

// Policies returns the policies the mix compares: the library's and the
// competitors' schedules.
func Policies() []Policy {
	return []Policy{DaasDefault(), CitrixSDK(), Azure(), Google(), Naive()}
}
