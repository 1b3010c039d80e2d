package daastest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// This file serves the /Machines routes other than the power actions
// (power.go) and the machines of a catalog.

// machineDetailModel is MachineDetailResponseModel, what GET one and the
// sync power actions return.
type machineDetailModel struct {
	machineModel
	IsReserved          bool `json:"IsReserved"`
	SessionsEstablished int  `json:"SessionsEstablished"`
	SessionsPending     int  `json:"SessionsPending"`
}

func (s *Server) machineDetail(m *Machine, now time.Time) machineDetailModel {
	return machineDetailModel{machineModel: s.machineModel(m, now), SessionsEstablished: m.SessionCount}
}

// listOfMachines serves a machine list, sync or async: GET /Machines (cat
// nil) or GET /MachineCatalogs/{nameOrId}/Machines.
func (s *Server) listOfMachines(c *call, cat *Catalog, jobType string) *reply {
	q := c.query
	async, rp := queryBool(q, "async")
	if rp != nil {
		return rp
	}
	limit, after, rp := pageQuery(q, "machines")
	if rp != nil {
		return rp
	}
	fields, rp := queryFields(q, reflect.TypeFor[machineModel]())
	if rp != nil {
		return rp
	}
	page := func(now time.Time, limit int) (items []json.RawMessage, last int, more bool) {
		items = []json.RawMessage{}
		for _, m := range s.machines {
			if m.UID <= after || (cat != nil && m.Catalog != cat.ID) {
				continue
			}
			if limit >= 0 && len(items) == limit {
				return items, last, true
			}
			items = append(items, selectFields(marshal(s.machineModel(m, now)), fields))
			last = m.UID
		}
		return items, last, false
	}
	if !async {
		items, last, more := page(c.now, limit)
		out := collection{Items: items}
		if more {
			tok := encodeToken("machines", last)
			out.ContinuationToken = &tok
		}
		return jsonReply(http.StatusOK, out)
	}
	spec := jobSpec{typ: jobType, apply: func(j *job) {
		s.listResults(q, limit, "machines", func(limit int) ([]json.RawMessage, int, bool) { return page(j.end, limit) })(j)
	}}
	if cat != nil {
		spec.params = []NameValue{{Name: "NameOrId", Value: c.args[0]}}
	}
	return s.startJob(c.caller, c.now, spec)
}

// getMachine serves GET /Machines/{nameOrId}.
func (s *Server) getMachine(c *call) *reply {
	fields, rp := queryFields(c.query, reflect.TypeFor[machineDetailModel]())
	if rp != nil {
		return rp
	}
	m := s.findMachine(c.args[0])
	if m == nil {
		return notFound("Machine", c.args[0])
	}
	return &reply{status: http.StatusOK, body: selectFields(marshal(s.machineDetail(m, c.now)), fields)}
}

// machineUpdate is UpdateMachineRequestModel.
type machineUpdate struct {
	InMaintenanceMode    *bool           `json:"InMaintenanceMode"`
	AssignedClientName   json.RawMessage `json:"AssignedClientName"`
	AssignedIPAddress    json.RawMessage `json:"AssignedIPAddress"`
	AssignedUsers        []string        `json:"AssignedUsers"`
	HostedMachineID      *string         `json:"HostedMachineId"`
	HypervisorConnection json.RawMessage `json:"HypervisorConnection"`
	PublishedName        json.RawMessage `json:"PublishedName"`
	Icon                 json.RawMessage `json:"Icon"`
	Metadata             []NameValue     `json:"Metadata"`
}

func (u *machineUpdate) apply(m *Machine) {
	if u.InMaintenanceMode != nil {
		m.InMaintenanceMode = *u.InMaintenanceMode
	}
	if u.HostedMachineID != nil {
		m.HostedMachineID = *u.HostedMachineID
	}
}

// updateMachine serves PATCH /Machines/{nameOrId}, sync or async.
func (s *Server) updateMachine(c *call) *reply {
	async, rp := queryBool(c.query, "async")
	if rp != nil {
		return rp
	}
	var req machineUpdate
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	m := s.findMachine(c.args[0])
	if m == nil {
		return notFound("Machine", c.args[0])
	}
	if !async {
		req.apply(m)
		s.stats.MachinesUpdated++
		return emptyReply(http.StatusNoContent)
	}
	return s.startJob(c.caller, c.now, jobSpec{
		typ:    "UpdateMachineCatalogMachine",
		params: machineParams(m),
		apply: func(j *job) {
			if !s.hasMachine(m) {
				j.fail("UnknownMachine", fmt.Sprintf("The machine '%s' no longer exists.", m.Name))
				return
			}
			req.apply(m)
			s.stats.MachinesUpdated++
			j.resourceID, j.redirect = m.ID, apiRoot+"/Machines/"+m.ID
		},
	})
}

func machineParams(m *Machine) []NameValue {
	return []NameValue{{Name: "Id", Value: m.ID}, {Name: "Name", Value: m.Name}}
}

// deleteRefusal is why the service refuses to remove m now: the code and
// message, or "".
func deleteRefusal(m *Machine) (code, message string) {
	if !m.InMaintenanceMode {
		return "MachineNotInMaintenanceMode", fmt.Sprintf("The machine '%s' is not in maintenance mode; turn maintenance mode on before removing it.", m.Name)
	}
	return "", ""
}

// deleteMachine serves DELETE /Machines/{nameOrId}, sync or async. The
// machine must be in maintenance mode.
func (s *Server) deleteMachine(c *call) *reply {
	q := c.query
	async, rp := queryBool(q, "async")
	if rp != nil {
		return rp
	}
	for _, name := range []string{"deleteVm", "purgeDBOnly"} {
		if _, rp := queryBool(q, name); rp != nil {
			return rp
		}
	}
	if q.Has("deleteAccount") {
		if _, ok := canonicalEnum("deleteAccount", q.Get("deleteAccount")); !ok {
			return badRequest("invalidEnum", "deleteAccount is not one of "+strings.Join(enumValues("deleteAccount"), ", "),
				"name", "deleteAccount", "value", q.Get("deleteAccount"))
		}
	}
	m := s.findMachine(c.args[0])
	if m == nil {
		return emptyReply(http.StatusNotFound) // the service documents no body here
	}
	if !async {
		if code, msg := deleteRefusal(m); code != "" {
			return errReply(http.StatusBadRequest, code, msg, "id", m.ID, "name", m.Name)
		}
		s.removeMachine(m)
		s.stats.MachinesDeleted++
		return emptyReply(http.StatusNoContent)
	}
	return s.startJob(c.caller, c.now, jobSpec{
		typ:    "DeleteMachine",
		params: machineParams(m),
		apply: func(j *job) {
			j.resourceID = m.ID
			if !s.hasMachine(m) {
				j.fail("UnknownMachine", fmt.Sprintf("The machine '%s' no longer exists.", m.Name))
				return
			}
			if code, msg := deleteRefusal(m); code != "" {
				j.fail(code, msg)
				return
			}
			s.removeMachine(m)
			s.stats.MachinesDeleted++
			j.redirect = apiRoot + "/Machines"
		},
	})
}
