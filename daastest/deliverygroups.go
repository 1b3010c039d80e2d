package daastest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// DeliveryGroup is a delivery group held by the fake: what a test can seed
// with [WithDeliveryGroup] and read back with [Server.DeliveryGroups]. Its
// machines are the machines whose DeliveryGroup is its ID.
type DeliveryGroup struct {
	// ID is the group's GUID; generated when empty.
	ID string
	// UID is the deprecated integer id; assigned in order of creation.
	UID int
	// Name is the group's name, unique within its folder. Required.
	Name string
	// AdminFolder is the folder path, like `Europe\Paris` ("" for the root).
	AdminFolder string
	// Description is the group's description.
	Description string
	// PublishedName is the name users see (default: Name).
	PublishedName string
	// DeliveryType is DesktopsOnly, AppsOnly or DesktopsAndApps (default
	// DesktopsOnly).
	DeliveryType string
	// SessionSupport is SingleSession or MultiSession (default
	// SingleSession).
	SessionSupport string
	// Disabled marks a group that delivers nothing (the API's Enabled is
	// false).
	Disabled bool
	// InMaintenanceMode is the group's maintenance mode.
	InMaintenanceMode bool
	// RequireUserHomeZone makes users launch in their home zone.
	RequireUserHomeZone bool
	// Catalog and Machines seed the group with that many free machines of
	// the catalog (id or full name) when it is seeded; unused afterwards.
	Catalog  string
	Machines int
	// RebootCycles counts the reboot cycles started on the group.
	RebootCycles int
}

// The delivery group routes.
const (
	routeListGroups        = "GET /DeliveryGroups"
	routeCreateGroup       = "POST /DeliveryGroups"
	routeGetGroup          = "GET /DeliveryGroups/{nameOrId}"
	routeUpdateGroup       = "PATCH /DeliveryGroups/{nameOrId}"
	routeDeleteGroup       = "DELETE /DeliveryGroups/{nameOrId}"
	routeGroupMachines     = "GET /DeliveryGroups/{nameOrId}/Machines"
	routeAddGroupMachines  = "POST /DeliveryGroups/{nameOrId}/Machines"
	routeRemoveGroupMachne = "DELETE /DeliveryGroups/{nameOrId}/Machines/{machineNameOrId}"
	routeGroupRebootCycle  = "POST /DeliveryGroups/{nameOrId}/$StartRebootCycle"
)

// deliveryGroupRoutes are the /DeliveryGroups routes.
func deliveryGroupRoutes() []*route {
	return []*route{
		newRoute(routeListGroups, (*Server).listGroups),
		newRoute(routeCreateGroup, (*Server).createGroup),
		newRoute(routeGetGroup, (*Server).getGroup),
		newRoute(routeUpdateGroup, (*Server).updateGroup),
		newRoute(routeDeleteGroup, (*Server).deleteGroup),
		newRoute(routeGroupMachines, (*Server).listGroupMachines),
		newRoute(routeAddGroupMachines, (*Server).addGroupMachines),
		newRoute(routeRemoveGroupMachne, (*Server).removeGroupMachine),
		newRoute(routeGroupRebootCycle, (*Server).startRebootCycle),
	}
}

// WithDeliveryGroup seeds a delivery group, after the catalogs and
// machines; g.Machines free machines of g.Catalog join it.
func WithDeliveryGroup(g DeliveryGroup) Option {
	return func(c *config) { c.groupSeeds = append(c.groupSeeds, g) }
}

// seedGroups creates the groups of WithDeliveryGroup. It runs in NewServer.
func (s *Server) seedGroups() {
	for _, g := range s.cfg.groupSeeds {
		if problem := s.normalizeGroup(&g, ""); problem != "" {
			invalid("WithDeliveryGroup", "%s", problem)
		}
		catalog, n := g.Catalog, g.Machines
		s.addGroup(&g)
		if n == 0 {
			continue
		}
		cat := s.findCatalog(catalog)
		if cat == nil {
			invalid("WithDeliveryGroup", "no catalog %q", catalog)
		}
		if problem := s.takeMachines(&g, cat, n); problem != "" {
			invalid("WithDeliveryGroup", "%s", problem)
		}
	}
	s.hand() // the sessions of WithSessions, on the machines seeded so far
}

// normalizeGroup fills defaults and checks g (except is the id of the group
// it replaces); it returns what is wrong, or "". Callers hold s.mu.
func (s *Server) normalizeGroup(g *DeliveryGroup, except string) string {
	g.Name = strings.TrimSpace(g.Name)
	switch {
	case g.Name == "":
		return "Name is required"
	case strings.ContainsAny(g.Name, `\|/`):
		return `Name must not contain '\', '|' or '/'`
	}
	g.AdminFolder = normalizeFolder(g.AdminFolder)
	for _, f := range []struct {
		field *string
		def   string
		all   []string
	}{
		{&g.DeliveryType, "DesktopsOnly", []string{"DesktopsOnly", "AppsOnly", "DesktopsAndApps"}},
		{&g.SessionSupport, "SingleSession", []string{"SingleSession", "MultiSession"}},
	} {
		if *f.field == "" {
			*f.field = f.def
			continue
		}
		i := slices.IndexFunc(f.all, func(v string) bool { return strings.EqualFold(v, *f.field) })
		if i < 0 {
			return fmt.Sprintf("'%s' is not one of %s", *f.field, strings.Join(f.all, ", "))
		}
		*f.field = f.all[i]
	}
	for _, x := range s.groups {
		if x.ID != except && strings.EqualFold(groupFullName(x), groupFullName(g)) {
			return fmt.Sprintf("A delivery group named '%s' already exists.", groupFullName(g))
		}
	}
	return ""
}

func groupFullName(g *DeliveryGroup) string {
	if g.AdminFolder == "" {
		return g.Name
	}
	return g.AdminFolder + `\` + g.Name
}

// addGroup stores a normalized group, giving it its ids. Callers hold s.mu.
func (s *Server) addGroup(g *DeliveryGroup) {
	if g.ID == "" {
		g.ID = s.newUUID()
	}
	g.UID = len(s.groups) + 1
	if n := len(s.groups); n > 0 {
		g.UID = s.groups[n-1].UID + 1
	}
	g.Catalog, g.Machines = "", 0
	s.folderRef(g.AdminFolder)
	s.groups = append(s.groups, g)
}

// findGroup looks a group up by id or full name (`A|B|Name` or
// `A\B\Name`), case-insensitively. Callers hold s.mu.
func (s *Server) findGroup(nameOrID string) *DeliveryGroup {
	full := strings.ReplaceAll(nameOrID, "|", `\`)
	for _, g := range s.groups {
		if strings.EqualFold(g.ID, nameOrID) || strings.EqualFold(groupFullName(g), full) {
			return g
		}
	}
	return nil
}

// groupMachines returns the machines of a group. Callers hold s.mu.
func (s *Server) groupMachines(g *DeliveryGroup) []*Machine {
	var out []*Machine
	for _, m := range s.machines {
		if m.DeliveryGroup == g.ID {
			out = append(out, m)
		}
	}
	return out
}

// takeMachines moves n free machines of cat into g, or none and a problem
// when the catalog has fewer. Callers hold s.mu.
func (s *Server) takeMachines(g *DeliveryGroup, cat *Catalog, n int) string {
	free := s.freeMachines(cat)
	if len(free) < n {
		return fmt.Sprintf("The machine catalog '%s' has %d free machines; %d were requested.", cat.fullName(), len(free), n)
	}
	for _, m := range free[:n] {
		s.setDeliveryGroup(m, g.ID, groupFullName(g))
	}
	return ""
}

// DeliveryGroups returns a copy of every delivery group, in order of
// creation, after finishing every job whose end has come.
func (s *Server) DeliveryGroups() []DeliveryGroup {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked()
	out := make([]DeliveryGroup, len(s.groups))
	for i, g := range s.groups {
		out[i] = *g
	}
	return out
}

// groupNotFound is the 404 of a group that does not exist.
func groupNotFound(nameOrID string) *reply { return notFound("DeliveryGroup", nameOrID) }

// gone fails a job whose group was deleted while it ran.
func (s *Server) gone(j *job, g *DeliveryGroup) bool {
	if slices.Contains(s.groups, g) {
		return false
	}
	j.fail("ObjectNotFound", fmt.Sprintf("The delivery group '%s' no longer exists.", groupFullName(g)))
	return true
}

// listGroups serves GET /DeliveryGroups, sync or async; adminFolder (a
// path or a folder id) keeps the groups of that folder only, as for
// catalogs.
func (s *Server) listGroups(c *call) *reply {
	async, rp := queryBool(c.query, "async")
	if rp != nil {
		return rp
	}
	limit, after, rp := pageQuery(c.query, "groups")
	if rp != nil {
		return rp
	}
	var folder *refModel
	if v := c.query.Get("adminFolder"); v != "" {
		if folder = s.findFolder(v); folder == nil {
			return notFound("AdminFolder", v)
		}
	}
	fields, rp := queryFields(c.query, reflect.TypeFor[groupModel]())
	if rp != nil {
		return rp
	}
	page := func(limit int) (items []json.RawMessage, last int, more bool) {
		items = []json.RawMessage{}
		for _, g := range s.groups {
			if g.UID <= after || (folder != nil && s.folderRef(g.AdminFolder) != folder) {
				continue
			}
			if limit >= 0 && len(items) == limit {
				return items, last, true
			}
			items = append(items, selectFields(marshal(s.groupModel(g, c.now)), fields))
			last = g.UID
		}
		return items, last, false
	}
	if !async {
		return pagedReply("groups", page, limit)
	}
	return s.startJob(c.caller, c.now, jobSpec{typ: "GetDeliveryGroups", apply: s.listResults(c.query, limit, "groups", page)})
}

// getGroup serves GET /DeliveryGroups/{nameOrId}. The spec declares no
// async form of it: async is ignored and the answer is always 200.
func (s *Server) getGroup(c *call) *reply {
	fields, rp := queryFields(c.query, reflect.TypeFor[groupDetailModel]())
	if rp != nil {
		return rp
	}
	g := s.findGroup(c.args[0])
	if g == nil {
		return groupNotFound(c.args[0])
	}
	return &reply{status: http.StatusOK, body: selectFields(marshal(s.groupDetail(g, c.now)), fields)}
}

// plannedAdd is one catalog's share of an add, checked.
type plannedAdd struct {
	cat      *Catalog
	count    int
	machines []*Machine // named by AssignMachinesToUsers
}

// planAdd checks an add of machines into g (nil for a group being created):
// the catalog exists, has enough free machines, and the named machines are
// in it and in no other group. It returns a code and message on failure.
func (s *Server) planAdd(g *DeliveryGroup, req groupMachinesRequest) (plannedAdd, string, string) {
	cat := s.findCatalog(req.MachineCatalog)
	if cat == nil {
		return plannedAdd{}, "ObjectNotFound", fmt.Sprintf("The machine catalog '%s' was not found.", req.MachineCatalog)
	}
	p := plannedAdd{cat: cat, count: req.Count}
	for _, a := range req.AssignMachinesToUsers {
		m := s.findMachine(strings.ReplaceAll(a.Machine, "|", `\`))
		switch {
		case m == nil || m.Catalog != cat.ID:
			return p, "ObjectNotFound", fmt.Sprintf("The machine '%s' is not in the machine catalog '%s'.", a.Machine, cat.fullName())
		case m.DeliveryGroup != "" && (g == nil || m.DeliveryGroup != g.ID):
			return p, "MachineInDesktopGroup", fmt.Sprintf("The machine '%s' is already in the delivery group '%s'.", m.Name, m.DeliveryGroupName)
		}
		p.machines = append(p.machines, m)
	}
	if free := len(s.freeMachines(cat)) - len(p.machines); free < p.count {
		return p, "NoAvailableMachine", fmt.Sprintf("The machine catalog '%s' has %d free machines; %d were requested.", cat.fullName(), max(free, 0), p.count)
	}
	return p, "", ""
}

// apply moves the planned machines into g. Callers hold s.mu and planned
// just now.
func (s *Server) applyAdd(g *DeliveryGroup, p plannedAdd) {
	for _, m := range p.machines {
		s.setDeliveryGroup(m, g.ID, groupFullName(g))
	}
	s.takeMachines(g, p.cat, p.count)
}

// planAll checks every catalog of a request, in order.
func (s *Server) planAll(g *DeliveryGroup, reqs []groupMachinesRequest) ([]plannedAdd, string, string) {
	var out []plannedAdd
	for _, r := range reqs {
		p, code, msg := s.planAdd(g, r)
		if code != "" {
			return nil, code, msg
		}
		out = append(out, p)
	}
	return out, "", ""
}

// addRefusal turns a planning failure into the sync answer.
func addRefusal(code, msg string) *reply {
	if code == "ObjectNotFound" {
		return errReply(http.StatusNotFound, "notFound", msg)
	}
	return errReply(http.StatusConflict, "conflict", msg, "errorCode", code)
}

// createGroup serves POST /DeliveryGroups, sync or async.
func (s *Server) createGroup(c *call) *reply {
	async, rp := queryBool(c.query, "async")
	if rp != nil {
		return rp
	}
	var req createGroupRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return badRequest("missing", "The Name property is required", "name", "Name")
	}
	for _, mc := range req.MachineCatalogs {
		if mc.MachineCatalog == "" {
			return badRequest("missing", "The MachineCatalog property is required", "name", "MachineCatalog")
		}
	}
	g := DeliveryGroup{SessionSupport: req.SessionSupport}
	req.applyTo(s, &g)
	create := func() (code, msg string) {
		if problem := s.normalizeGroup(&g, ""); problem != "" {
			return "DuplicateObject", problem
		}
		plans, code, msg := s.planAll(nil, req.MachineCatalogs)
		if code != "" {
			return code, msg
		}
		s.addGroup(&g)
		for _, p := range plans {
			s.applyAdd(&g, p)
		}
		return "", ""
	}
	if !async {
		if strings.ContainsAny(strings.TrimSpace(*req.Name), `\|/`) {
			return badRequest("invalidString", `Name must not contain '\', '|' or '/'`, "name", "Name", "value", *req.Name)
		}
		if code, msg := create(); code != "" {
			return addRefusal(code, msg)
		}
		return jsonReply(http.StatusOK, s.groupDetail(&g, c.now))
	}
	return s.startJob(c.caller, c.now, jobSpec{
		typ:    "CreateDeliveryGroup",
		params: []NameValue{{Name: "Name", Value: *req.Name}},
		apply: func(j *job) {
			if code, msg := create(); code != "" {
				j.fail(code, msg)
				return
			}
			j.resourceID, j.redirect = g.ID, apiRoot+"/DeliveryGroups/"+g.ID
		},
	})
}

// patchedGroup returns g with the request's changes, normalized, or a
// problem.
func (s *Server) patchedGroup(u *updateGroupRequest, g *DeliveryGroup) (DeliveryGroup, string) {
	next := *g
	u.applyTo(s, &next)
	if u.PublishedName != nil {
		next.PublishedName = *u.PublishedName
	}
	return next, s.normalizeGroup(&next, g.ID)
}

// updateGroup serves PATCH /DeliveryGroups/{nameOrId}, sync or async.
func (s *Server) updateGroup(c *call) *reply {
	async, rp := queryBool(c.query, "async")
	if rp != nil {
		return rp
	}
	var req updateGroupRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	g := s.findGroup(c.args[0])
	if g == nil {
		return groupNotFound(c.args[0])
	}
	if !async {
		next, problem := s.patchedGroup(&req, g)
		if problem != "" {
			return errReply(http.StatusBadRequest, "invalidString", problem, "name", "Name")
		}
		s.replaceGroup(g, next)
		return emptyReply(http.StatusNoContent)
	}
	return s.startJob(c.caller, c.now, jobSpec{
		typ:    "UpdateDeliveryGroup",
		params: []NameValue{{Name: "Id", Value: g.ID}, {Name: "Name", Value: g.Name}},
		apply: func(j *job) {
			j.resourceID = g.ID
			if s.gone(j, g) {
				return
			}
			next, problem := s.patchedGroup(&req, g)
			if problem != "" {
				j.fail("InvalidArgument", problem)
				return
			}
			s.replaceGroup(g, next)
			j.redirect = apiRoot + "/DeliveryGroups/" + g.ID
		},
	})
}

// replaceGroup stores an update of g, renaming it on its machines.
func (s *Server) replaceGroup(g *DeliveryGroup, next DeliveryGroup) {
	*g = next
	s.folderRef(g.AdminFolder)
	for _, m := range s.groupMachines(g) {
		m.DeliveryGroupName = groupFullName(g)
	}
}

// deleteGroup serves DELETE /DeliveryGroups/{nameOrId}, sync or async.
// Without force, a group whose machines have sessions is refused.
func (s *Server) deleteGroup(c *call) *reply {
	async, rp := queryBool(c.query, "async")
	if rp != nil {
		return rp
	}
	force, rp := queryBool(c.query, "force")
	if rp != nil {
		return rp
	}
	g := s.findGroup(c.args[0])
	if g == nil {
		return groupNotFound(c.args[0])
	}
	del := func() (code, msg string) {
		if !force {
			for _, m := range s.groupMachines(g) {
				if m.SessionCount > 0 {
					return "DesktopGroupInUse", fmt.Sprintf("The machine '%s' of delivery group '%s' has sessions; delete with force.", m.Name, groupFullName(g))
				}
			}
		}
		for _, m := range s.groupMachines(g) {
			s.setDeliveryGroup(m, "", "")
		}
		s.groups = slices.DeleteFunc(s.groups, func(x *DeliveryGroup) bool { return x == g })
		return "", ""
	}
	if !async {
		if code, msg := del(); code != "" {
			return addRefusal(code, msg)
		}
		return emptyReply(http.StatusNoContent)
	}
	return s.startJob(c.caller, c.now, jobSpec{
		typ:    "DeleteDeliveryGroup",
		params: []NameValue{{Name: "Id", Value: g.ID}, {Name: "Name", Value: g.Name}},
		apply: func(j *job) {
			j.resourceID = g.ID
			if s.gone(j, g) {
				return
			}
			if code, msg := del(); code != "" {
				j.fail(code, msg)
				return
			}
			j.redirect = apiRoot + "/DeliveryGroups"
		},
	})
}

// listGroupMachines serves GET /DeliveryGroups/{nameOrId}/Machines.
func (s *Server) listGroupMachines(c *call) *reply {
	limit, after, rp := pageQuery(c.query, "machines")
	if rp != nil {
		return rp
	}
	g := s.findGroup(c.args[0])
	if g == nil {
		return groupNotFound(c.args[0])
	}
	return pagedReply("machines", func(limit int) (items []json.RawMessage, last int, more bool) {
		items = []json.RawMessage{}
		for _, m := range s.groupMachines(g) {
			if m.UID <= after {
				continue
			}
			if len(items) == limit {
				return items, last, true
			}
			items = append(items, marshal(s.machineModel(m, c.now)))
			last = m.UID
		}
		return items, last, false
	}, limit)
}

// addGroupMachines serves POST /DeliveryGroups/{nameOrId}/Machines, sync
// or async: Count free machines of the catalog, and the machines
// AssignMachinesToUsers names, join the group.
func (s *Server) addGroupMachines(c *call) *reply {
	async, rp := queryBool(c.query, "async")
	if rp != nil {
		return rp
	}
	var req groupMachinesRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	switch {
	case req.MachineCatalog == "":
		return badRequest("missing", "The MachineCatalog property is required", "name", "MachineCatalog")
	case req.Count < 0:
		return badRequest("outOfRange", "Count must not be negative", "name", "Count", "value", strconv.Itoa(req.Count))
	}
	g := s.findGroup(c.args[0])
	if g == nil {
		return groupNotFound(c.args[0])
	}
	if !async {
		p, code, msg := s.planAdd(g, req)
		if code != "" {
			return addRefusal(code, msg)
		}
		s.applyAdd(g, p)
		return jsonReply(http.StatusOK, s.groupDetail(g, c.now))
	}
	return s.startJob(c.caller, c.now, jobSpec{
		typ:    "AddDeliveryGroupMachines",
		params: []NameValue{{Name: "NameOrId", Value: c.args[0]}, {Name: "MachineCatalog", Value: req.MachineCatalog}},
		apply: func(j *job) {
			j.resourceID = g.ID
			if s.gone(j, g) {
				return
			}
			p, code, msg := s.planAdd(g, req)
			if code != "" {
				j.fail(code, msg)
				return
			}
			s.applyAdd(g, p)
			j.redirect = apiRoot + "/DeliveryGroups/" + g.ID
		},
	})
}

// removeGroupMachine serves DELETE
// /DeliveryGroups/{nameOrId}/Machines/{machineNameOrId}, sync or async. The
// service writes the "\" of a SAM name as "|" in the path.
func (s *Server) removeGroupMachine(c *call) *reply {
	async, rp := queryBool(c.query, "async")
	if rp != nil {
		return rp
	}
	g := s.findGroup(c.args[0])
	if g == nil {
		return groupNotFound(c.args[0])
	}
	name := strings.ReplaceAll(c.args[1], "|", `\`)
	m := s.findMachine(name)
	if m == nil || m.DeliveryGroup != g.ID {
		return notFound("Machine", c.args[1])
	}
	remove := func() { s.setDeliveryGroup(m, "", "") }
	if !async {
		remove()
		return emptyReply(http.StatusNoContent)
	}
	return s.startJob(c.caller, c.now, jobSpec{
		typ:    "RemoveDeliveryGroupMachines",
		params: []NameValue{{Name: "NameOrId", Value: c.args[0]}, {Name: "Machine", Value: m.Name}},
		apply: func(j *job) {
			j.resourceID = g.ID
			if s.gone(j, g) {
				return
			}
			if m.DeliveryGroup != g.ID {
				j.fail("ObjectNotFound", fmt.Sprintf("The machine '%s' is no longer in the delivery group.", m.Name))
				return
			}
			remove()
		},
	})
}

// rebootCycleRequest is RebootCycleRequestModel.
type rebootCycleRequest struct {
	RebootDurationMinutes        *int   `json:"RebootDurationMinutes"`
	IgnoreMaintenanceMode        *bool  `json:"IgnoreMaintenanceMode"`
	RestrictToTag                string `json:"RestrictToTag"`
	WarningTitle                 string `json:"WarningTitle"`
	WarningMessage               string `json:"WarningMessage"`
	WarningDurationMinutes       *int   `json:"WarningDurationMinutes"`
	WarningRepeatIntervalMinutes *int   `json:"WarningRepeatIntervalMinutes"`
}

// startRebootCycle serves POST /DeliveryGroups/{nameOrId}/$StartRebootCycle,
// sync or async. Its effect: the group's machines (but those in maintenance
// mode, unless IgnoreMaintenanceMode) come back on their catalog's current
// image, and the group's RebootCycles count grows.
func (s *Server) startRebootCycle(c *call) *reply {
	async, rp := queryBool(c.query, "async")
	if rp != nil {
		return rp
	}
	req := rebootCycleRequest{}
	if len(c.body) > 0 {
		if rp := decodeBody(c.body, &req); rp != nil {
			return rp
		}
	}
	if req.RebootDurationMinutes != nil && *req.RebootDurationMinutes < 0 {
		return badRequest("outOfRange", "RebootDurationMinutes must not be negative", "name", "RebootDurationMinutes")
	}
	g := s.findGroup(c.args[0])
	if g == nil {
		return groupNotFound(c.args[0])
	}
	cycle := func() {
		g.RebootCycles++
		for _, m := range s.groupMachines(g) {
			if !m.InMaintenanceMode || (req.IgnoreMaintenanceMode != nil && *req.IgnoreMaintenanceMode) {
				m.imageOutOfDate = false
			}
		}
	}
	if !async {
		cycle()
		return emptyReply(http.StatusNoContent)
	}
	return s.startJob(c.caller, c.now, jobSpec{
		typ:    "StartDeliveryGroupRebootCycle",
		params: []NameValue{{Name: "NameOrId", Value: c.args[0]}},
		apply: func(j *job) {
			j.resourceID = g.ID
			if s.gone(j, g) {
				return
			}
			cycle()
		},
	})
}
