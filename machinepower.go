package daas

import (
	"context"
	"strconv"
	"time"
)

// A PowerOption changes a power action: [Force] and [Delay], where the
// service accepts them. It is a [CallOption]: an option the action's
// operation does not take is an [*InputError], returned before any request.
type PowerOption = CallOption

// Force makes a shutdown or reboot go ahead without waiting for users to
// end their work, or a delivery group's deletion go ahead though machines in
// it are assigned to users (the force parameter): unsaved work may be lost.
// Any method whose operation has the parameter takes it.
func Force() CallOption {
	return queryParam("Force", "force", []string{"true"})
}

// Delay makes a shutdown or suspend happen after d, in whole seconds (the
// delay parameter). d must be at least one second.
func Delay(d time.Duration) CallOption {
	return func(c *listConfig) {
		if d < time.Second || d%time.Second != 0 || d > time.Duration(1<<31-1)*time.Second {
			c.set("Delay", "delay")
			c.fail("Delay("+d.String()+")", "want a whole number of seconds, at least 1s")
			return
		}
		queryParam("Delay", "delay", []string{strconv.FormatInt(int64(d/time.Second), 10)})(c)
	}
}

// powerAction is one of the machine actions under /Machines/{nameOrId}/$x,
// named as its method (Start).
type powerAction string

const (
	actionStart      powerAction = "Start"
	actionShutdown   powerAction = "Shutdown"
	actionReboot     powerAction = "Reboot"
	actionSuspend    powerAction = "Suspend"
	actionResume     powerAction = "Resume"
	actionLogOff     powerAction = "LogOffSessions"
	actionDisconnect powerAction = "DisconnectSessions"
)

// op checks the options against the action's row of the operation table
// and returns its operation; method is the method called (Start,
// StartAsync), for errors.
func (a powerAction) op(method, nameOrID string, opts []PowerOption) (op, error) {
	o, _, err := operation("Machines", string(a)).call("Machines."+method, []string{nameOrID}, nil, nil, opts)
	o.idempotent = true
	return o, err
}

func (s *MachinesService) act(ctx context.Context, a powerAction, nameOrID string, opts []PowerOption) (*Machine, error) {
	o, err := a.op(string(a), nameOrID, opts)
	if err != nil {
		return nil, err
	}
	return writeThenRead(ctx, s.client, o, hasMachineID,
		func(ctx context.Context) (*Machine, error) { return s.Get(ctx, nameOrID) })
}

func (s *MachinesService) actAsync(ctx context.Context, a powerAction, nameOrID string, opts []PowerOption) (*Job[struct{}], error) {
	o, err := a.op(string(a)+"Async", nameOrID, opts)
	if err != nil {
		return nil, err
	}
	return job(ctx, s.client, o, noResult)
}

// Start powers a machine on (POST /Machines/{nameOrId}/$start) and returns
// it as the service answers: usually in PowerStateTurningOn, with
// PowerActionPending set. A machine the service cannot power manage gives
// an [*APIError] with the service's code.
func (s *MachinesService) Start(ctx context.Context, nameOrID string, opts ...PowerOption) (*Machine, error) {
	return s.act(ctx, actionStart, nameOrID, opts)
}

// StartAsync starts a machine as a job of the service (job type
// StartMachines). A start the service refuses ends the job Failed: Wait
// returns a [*JobError] with the service's code.
func (s *MachinesService) StartAsync(ctx context.Context, nameOrID string, opts ...PowerOption) (*Job[struct{}], error) {
	return s.actAsync(ctx, actionStart, nameOrID, opts)
}

// Shutdown shuts a machine down (POST /Machines/{nameOrId}/$shutdown); it
// takes [Force] and [Delay].
func (s *MachinesService) Shutdown(ctx context.Context, nameOrID string, opts ...PowerOption) (*Machine, error) {
	return s.act(ctx, actionShutdown, nameOrID, opts)
}

// ShutdownAsync shuts a machine down as a job of the service (job type
// ShutDownMachines); it takes [Force] and [Delay].
func (s *MachinesService) ShutdownAsync(ctx context.Context, nameOrID string, opts ...PowerOption) (*Job[struct{}], error) {
	return s.actAsync(ctx, actionShutdown, nameOrID, opts)
}

// Reboot restarts a machine (POST /Machines/{nameOrId}/$reboot); it takes
// [Force].
func (s *MachinesService) Reboot(ctx context.Context, nameOrID string, opts ...PowerOption) (*Machine, error) {
	return s.act(ctx, actionReboot, nameOrID, opts)
}

// RebootAsync restarts a machine as a job of the service (job type
// RebootMachines); it takes [Force].
func (s *MachinesService) RebootAsync(ctx context.Context, nameOrID string, opts ...PowerOption) (*Job[struct{}], error) {
	return s.actAsync(ctx, actionReboot, nameOrID, opts)
}

// Suspend suspends a machine (POST /Machines/{nameOrId}/$suspend); it takes
// [Delay].
func (s *MachinesService) Suspend(ctx context.Context, nameOrID string, opts ...PowerOption) (*Machine, error) {
	return s.act(ctx, actionSuspend, nameOrID, opts)
}

// SuspendAsync suspends a machine as a job of the service (job type
// SuspendMachines); it takes [Delay].
func (s *MachinesService) SuspendAsync(ctx context.Context, nameOrID string, opts ...PowerOption) (*Job[struct{}], error) {
	return s.actAsync(ctx, actionSuspend, nameOrID, opts)
}

// Resume resumes a suspended machine (POST /Machines/{nameOrId}/$resume).
func (s *MachinesService) Resume(ctx context.Context, nameOrID string, opts ...PowerOption) (*Machine, error) {
	return s.act(ctx, actionResume, nameOrID, opts)
}

// ResumeAsync resumes a suspended machine as a job of the service (job type
// ResumeMachines).
func (s *MachinesService) ResumeAsync(ctx context.Context, nameOrID string, opts ...PowerOption) (*Job[struct{}], error) {
	return s.actAsync(ctx, actionResume, nameOrID, opts)
}

// LogOffSessions logs off every session of a machine (POST
// /Machines/{nameOrId}/$logoff) and returns the machine.
func (s *MachinesService) LogOffSessions(ctx context.Context, nameOrID string) (*Machine, error) {
	return s.act(ctx, actionLogOff, nameOrID, nil)
}

// LogOffSessionsAsync logs off every session of a machine as a job of the
// service (job type LogoffMachineSessions).
func (s *MachinesService) LogOffSessionsAsync(ctx context.Context, nameOrID string) (*Job[struct{}], error) {
	return s.actAsync(ctx, actionLogOff, nameOrID, nil)
}

// DisconnectSessions disconnects every session of a machine (POST
// /Machines/{nameOrId}/$disconnect) and returns the machine; the sessions
// stay, for their users to reconnect.
func (s *MachinesService) DisconnectSessions(ctx context.Context, nameOrID string) (*Machine, error) {
	return s.act(ctx, actionDisconnect, nameOrID, nil)
}

// DisconnectSessionsAsync disconnects every session of a machine as a job
// of the service (job type DisconnectSessions).
func (s *MachinesService) DisconnectSessionsAsync(ctx context.Context, nameOrID string) (*Job[struct{}], error) {
	return s.actAsync(ctx, actionDisconnect, nameOrID, nil)
}
