package daastest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// listedMachines reads the Machines of a catalog create request
// (AddMachineToMachineCatalogRequestModel items): each names an existing
// machine to add, DOMAIN\NAME, not in the store yet and not listed twice.
// A problem is a 400 naming the item's MachineName. Callers hold s.mu.
func (s *Server) listedMachines(raws []json.RawMessage) ([]*Machine, *reply) {
	out := make([]*Machine, 0, len(raws))
	seen := map[string]bool{}
	for i, raw := range raws {
		var req addMachineRequest
		if rp := decodeBody(raw, &req); rp != nil {
			return nil, rp
		}
		if req.MachineName == nil || strings.TrimSpace(*req.MachineName) == "" {
			return nil, badRequest("missing", "Each of Machines needs a MachineName", "name", "Machines["+strconv.Itoa(i)+"].MachineName")
		}
		m, problem := s.requestedMachine(req)
		if problem == "" && seen[strings.ToLower(m.Name)] {
			problem = fmt.Sprintf("machine %q is listed twice", m.Name)
		}
		if problem != "" {
			return nil, badRequest("invalidString", problem, "name", "MachineName", "value", *req.MachineName)
		}
		seen[strings.ToLower(m.Name)] = true
		out = append(out, m)
	}
	return out, nil
}

// requestedMachine is the machine an AddMachineToMachineCatalog request
// (with a MachineName) names, normalized, and what is wrong with it, or "".
// Callers hold s.mu.
func (s *Server) requestedMachine(req addMachineRequest) (*Machine, string) {
	m := &Machine{Name: *req.MachineName, InMaintenanceMode: req.InMaintenanceMode != nil && *req.InMaintenanceMode}
	if req.HostedMachineID != nil {
		m.HostedMachineID = *req.HostedMachineID
	}
	return m, s.normalizeMachine(m)
}

// takenMachine returns the name of a listed machine that is in the store
// by now (another request added it), or "". Callers hold s.mu.
func (s *Server) takenMachine(ms []*Machine) string {
	for _, m := range ms {
		if s.findMachine(m.Name) != nil {
			return m.Name
		}
	}
	return ""
}

// addListed adds the listed machines to cat, which counts them. Callers
// hold s.mu.
func (s *Server) addListed(cat *Catalog, ms []*Machine) {
	for _, m := range ms {
		s.addMachine(cat, m)
		s.stats.MachinesAdded++
	}
}
