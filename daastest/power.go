package daastest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// This file serves the machine actions: POST /Machines/{nameOrId}/$start,
// $shutdown, $reboot, $suspend, $resume, $logoff and $disconnect.

// machineAction describes one action.
type machineAction struct {
	route   string
	jobType string // the spec's JobType of the async form
	power   bool   // a power action (needs a power-managed machine)
	force   bool   // takes force
	delay   bool   // takes delay
	// plan returns the transition from state (via, final), or a refusal
	// code and message. noop means nothing to do.
	plan func(state string) (via, final string, noop bool, code, msg string)
}

// Route keys of the machine actions.
const (
	routeListMachines      = "GET /Machines"
	routeGetMachine        = "GET /Machines/{nameOrId}"
	routeUpdateMachine     = "PATCH /Machines/{nameOrId}"
	routeDeleteMachine     = "DELETE /Machines/{nameOrId}"
	routeStartMachine      = "POST /Machines/{nameOrId}/$start"
	routeShutdownMachine   = "POST /Machines/{nameOrId}/$shutdown"
	routeRebootMachine     = "POST /Machines/{nameOrId}/$reboot"
	routeSuspendMachine    = "POST /Machines/{nameOrId}/$suspend"
	routeResumeMachine     = "POST /Machines/{nameOrId}/$resume"
	routeLogoffMachine     = "POST /Machines/{nameOrId}/$logoff"
	routeDisconnectMachine = "POST /Machines/{nameOrId}/$disconnect"
)

func refuse(code, msg string) (string, string, bool, string, string) { return "", "", false, code, msg }

var machineActions = []machineAction{
	{route: routeStartMachine, jobType: "StartMachines", power: true, plan: func(st string) (string, string, bool, string, string) {
		switch st {
		case "On":
			return "", "", true, "", ""
		case "Off":
			return "TurningOn", "On", false, "", ""
		}
		return refuse("PowerActionNotStarted", "The machine cannot be started from power state "+st+".")
	}},
	{route: routeShutdownMachine, jobType: "ShutDownMachines", power: true, force: true, delay: true, plan: func(st string) (string, string, bool, string, string) {
		switch st {
		case "Off":
			return "", "", true, "", ""
		case "On":
			return "TurningOff", "Off", false, "", ""
		}
		return refuse("PowerActionNotStarted", "The machine cannot be shut down from power state "+st+".")
	}},
	{route: routeRebootMachine, jobType: "RebootMachines", power: true, force: true, plan: func(st string) (string, string, bool, string, string) {
		if st == "On" {
			return "TurningOff", "On", false, "", ""
		}
		return refuse("PowerActionNotStarted", "The machine cannot be restarted from power state "+st+"; it must be on.")
	}},
	{route: routeSuspendMachine, jobType: "SuspendMachines", power: true, delay: true, plan: func(st string) (string, string, bool, string, string) {
		if st == "On" {
			return "Suspending", "Suspended", false, "", ""
		}
		return refuse("PowerActionNotStarted", "The machine cannot be suspended from power state "+st+"; it must be on.")
	}},
	{route: routeResumeMachine, jobType: "ResumeMachines", power: true, plan: func(st string) (string, string, bool, string, string) {
		if st == "Suspended" {
			return "Resuming", "On", false, "", ""
		}
		return refuse("PowerActionNotStarted", "The machine cannot be resumed from power state "+st+"; it is not suspended.")
	}},
	{route: routeLogoffMachine, jobType: "LogoffMachineSessions", plan: func(st string) (string, string, bool, string, string) {
		return st, st, false, "", ""
	}},
	{route: routeDisconnectMachine, jobType: "DisconnectSessions", plan: func(string) (string, string, bool, string, string) {
		return "", "", true, "", ""
	}},
}

// machineRoute serves one machine action, sync or async.
func (a machineAction) serve(s *Server, c *call) *reply {
	q := c.query
	async, rp := queryBool(q, "async")
	if rp != nil {
		return rp
	}
	for _, name := range []string{"detailResponseRequired", "force"} {
		if _, rp := queryBool(q, name); rp != nil {
			return rp
		}
	}
	if q.Has("force") && !a.force {
		return badRequest("invalidString", "force is not a parameter of this action", "name", "force")
	}
	var delay time.Duration
	if q.Has("delay") {
		n, err := strconv.Atoi(q.Get("delay"))
		if !a.delay || err != nil || n < 0 {
			return badRequest("invalidString", "delay must be a number of seconds", "name", "delay", "value", q.Get("delay"))
		}
		delay = time.Duration(n) * time.Second
	}
	m := s.findMachine(c.args[0])
	if m == nil {
		return notFound("Machine", c.args[0])
	}
	state := s.powerStateAt(m, c.now)
	code, msg := "", ""
	via, final, noop := "", "", false
	switch cat := s.findCatalog(m.Catalog); {
	case a.power && (cat == nil || cat.MachineType != "Virtual"):
		code, msg = "PowerActionsNotSupported", fmt.Sprintf("The machine '%s' is not power managed.", m.Name)
	case m.pending != nil && a.power:
		code, msg = "PowerActionInProgress", fmt.Sprintf("A power action is already in progress on the machine '%s'.", m.Name)
	default:
		via, final, noop, code, msg = a.plan(state)
	}
	d := s.durationFor(a.jobType, s.jobSeq+1, Outcome{}) + delay
	begin := func(j *job, at time.Time) {
		if noop {
			return
		}
		m.pending = &powerAction{job: j, start: at, end: at.Add(d), from: state, via: via, final: final,
			reboot: a.route == routeRebootMachine, logoff: a.route == routeLogoffMachine}
		s.stats.PowerActions++
	}
	if !async {
		if code != "" {
			return errReply(http.StatusConflict, code, msg, "id", m.ID, "name", m.Name)
		}
		begin(nil, c.now)
		return jsonReply(http.StatusOK, s.machineDetail(m, c.now))
	}
	spec := jobSpec{typ: a.jobType, params: machineParams(m)}
	spec.apply = func(j *job) {
		j.resourceID, j.redirect = m.ID, apiRoot+"/Machines/"+m.ID
		if code != "" {
			j.fail(code, msg)
		}
	}
	j := s.newJob(c.caller, c.now, spec)
	if code == "" {
		begin(j, c.now)
	}
	return accepted(c.caller, j)
}
