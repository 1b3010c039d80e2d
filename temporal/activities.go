package temporal

import (
	"time"

	"github.com/daaskit/daas"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
)

// The names the activities are registered under, which workflows in other
// languages or without this package schedule them by.
const (
	StartActivityName  = "daas.StartJob"
	WaitActivityName   = "daas.WaitJob"
	ResultActivityName = "daas.JobResult"
)

// Defaults of [Options].
const (
	// DefaultClockSkew is how far the service's clock may lag Temporal's
	// before a retried start misses the job an earlier attempt started.
	DefaultClockSkew = 2 * time.Minute
	// DefaultHeartbeatInterval is how often a wait heartbeats when its job
	// does not change and the activity has no heartbeat timeout.
	DefaultHeartbeatInterval = 10 * time.Second
	// MinHeartbeatTimeout is the floor of the heartbeat timeout the worker
	// suggests for a wait: a loaded worker must not be taken for dead.
	MinHeartbeatTimeout = 10 * time.Second
)

// Options tune the activities of a worker.
type Options struct {
	// PollPolicy is the policy the client was built with
	// ([daas.WithPollPolicy]); the zero value means
	// [daas.DefaultPollPolicy]. The heartbeat timeout the worker suggests
	// for a wait is twice its MaxInterval, at least [MinHeartbeatTimeout].
	PollPolicy daas.PollPolicy
	// HeartbeatInterval is the longest a wait goes without a heartbeat;
	// 0 means a third of the activity's heartbeat timeout, or
	// [DefaultHeartbeatInterval] when it has none.
	HeartbeatInterval time.Duration
	// ClockSkew widens the window in which a retried start looks for the
	// job of an earlier attempt: jobs created since the first attempt less
	// ClockSkew. 0 means [DefaultClockSkew].
	ClockSkew time.Duration
}

// Activities are the activities of one worker over one shared client.
// Their methods are the activities; register them with [Activities.Register].
type Activities struct {
	client *daas.Client
	opts   Options
}

// NewActivities returns the activities over c, which every activity of the
// worker shares (and with it the poller of every wait).
func NewActivities(c *daas.Client, opts Options) *Activities {
	if opts.PollPolicy == (daas.PollPolicy{}) {
		opts.PollPolicy = daas.DefaultPollPolicy()
	}
	if opts.ClockSkew <= 0 {
		opts.ClockSkew = DefaultClockSkew
	}
	return &Activities{client: c, opts: opts}
}

// Register registers the activities with w under [StartActivityName],
// [WaitActivityName] and [ResultActivityName].
func (a *Activities) Register(w worker.ActivityRegistry) {
	w.RegisterActivityWithOptions(a.Start, activity.RegisterOptions{Name: StartActivityName})
	w.RegisterActivityWithOptions(a.Wait, activity.RegisterOptions{Name: WaitActivityName})
	w.RegisterActivityWithOptions(a.Result, activity.RegisterOptions{Name: ResultActivityName})
}

// heartbeatTimeout is the heartbeat timeout the worker suggests for waits.
func (a *Activities) heartbeatTimeout() time.Duration {
	return max(2*a.opts.PollPolicy.MaxInterval, MinHeartbeatTimeout)
}

// expectedDuration is the longest learnt duration of jobs of type typ, 0
// when the client has learnt none.
func (a *Activities) expectedDuration(typ string) time.Duration {
	var longest float64
	for _, t := range a.client.PollStats().Types {
		if t.Type != typ {
			continue
		}
		for _, d := range t.DurationsSeconds {
			longest = max(longest, d)
		}
	}
	return time.Duration(longest * float64(time.Second))
}
