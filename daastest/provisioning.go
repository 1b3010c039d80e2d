package daastest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file serves the machines of a catalog (GET, POST
// /MachineCatalogs/{nameOrId}/Machines, DELETE .../Machines/{machine}) and
// MCS provisioning: the machines MCS creates after a catalog's create job,
// image updates and rollbacks, which go on after their own job has ended.

// Route keys of a catalog's machines and provisioning scheme.
const (
	routeCatalogMachines      = "GET /MachineCatalogs/{nameOrId}/Machines"
	routeAddCatalogMachine    = "POST /MachineCatalogs/{nameOrId}/Machines"
	routeRemoveCatalogMachine = "DELETE /MachineCatalogs/{nameOrId}/Machines/{machine}"
	routeUpdateProvScheme     = "POST /MachineCatalogs/{nameOrId}/$UpdateProvisioningScheme"
	routeRollbackProvScheme   = "POST /MachineCatalogs/{nameOrId}/$RollbackProvisioningScheme"
)

// Job types of MCS provisioning, from the spec's JobType enum.
const (
	jobAddMachines   = "AddMachines"
	jobUpdateImage   = "UpdateImage"
	jobAddMachine    = "AddMachineCatalogMachine"
	jobUpdateScheme  = "UpdateMachineCatalogProvisioningScheme"
	jobRollbackImage = "RollbackMachineCatalogProvisioningScheme"
)

// provisioning is the MCS state of a catalog.
type provisioning struct {
	namingScheme string    // like "W11-##"; "" for <catalog>-##
	next         int       // the next number of the naming scheme
	image        diskImage // the image in use; no path for a seeded catalog
	// oldImages are the images kept by updates with StoreOldImage, the
	// last kept on top: a rollback returns to the top one and removes it,
	// so the next rollback returns to the one before. An update without
	// StoreOldImage empties it: the image before that update was not kept,
	// and rolling back past it would skip it.
	oldImages []diskImage
	jobs      []*job // provisioning jobs, in order
}

// diskImage is an image of an MCS catalog and when the catalog took it.
type diskImage struct {
	path  string // like XDHyp:\HostingUnits\Unit1\win11.snapshot
	since time.Time
}

// canRollback reports whether a rollback has an image to return to.
func (p *provisioning) canRollback() bool { return len(p.oldImages) > 0 }

// noOldImage is the service's refusal of a rollback with no kept image, as
// a 400 answer or as the error of a rollback job whose image was taken by
// another rollback that ended first.
func noOldImage(cat *Catalog) (code, detail string) {
	return "ConstraintViolation", fmt.Sprintf("The machine catalog '%s' has no previous image to roll back to.", cat.fullName())
}

func catalogMachineRoutes() []*route {
	return []*route{
		newRoute(routeCatalogMachines, func(s *Server, c *call) *reply {
			cat := s.findCatalog(c.args[0])
			if cat == nil {
				return notFound("MachineCatalog", c.args[0])
			}
			return s.listOfMachines(c, cat, "GetMachineCatalogMachines")
		}),
		newRoute(routeAddCatalogMachine, (*Server).addCatalogMachine),
		newRoute(routeRemoveCatalogMachine, (*Server).removeCatalogMachine),
		newRoute(routeUpdateProvScheme, func(s *Server, c *call) *reply { return s.changeImage(c, false) }),
		newRoute(routeRollbackProvScheme, func(s *Server, c *call) *reply { return s.changeImage(c, true) }),
	}
}

// FailProvisioning makes the next n machines MCS provisions for the catalog
// with this name or id fail, with this message (a default one when
// empty). The catalog need not exist yet: a catalog created later under
// that name is matched too. A provisioning job with failed machines ends
// Failed; its SubJobs tell which machines failed and which were added.
func (s *Server) FailProvisioning(catalog string, n int, message string) {
	if n < 0 {
		panic(fmt.Sprintf("daastest: FailProvisioning(%q, %d): negative count", catalog, n))
	}
	if message == "" {
		message = "The virtual machine could not be created: the hypervisor reported insufficient capacity."
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.provFailures == nil {
		s.provFailures = map[string][]string{}
	}
	key := strings.ToLower(strings.ReplaceAll(catalog, "|", `\`))
	for range n {
		s.provFailures[key] = append(s.provFailures[key], message)
	}
}

// takeFailure returns the message of a planned failure for the next
// machine of cat, or "". Callers hold s.mu.
func (s *Server) takeFailure(cat *Catalog) string {
	for _, key := range []string{strings.ToLower(cat.ID), strings.ToLower(cat.fullName())} {
		if q := s.provFailures[key]; len(q) > 0 {
			s.provFailures[key] = q[1:]
			return q[0]
		}
	}
	return ""
}

// nextMachineName is the next name of cat's naming scheme: its "#" run
// replaced by the number, zero-padded. Callers hold s.mu.
func (s *Server) nextMachineName(cat *Catalog) string {
	for {
		cat.prov.next++
		scheme := cat.prov.namingScheme
		if scheme == "" {
			scheme = cat.Name + "-###"
		}
		i, j := strings.IndexByte(scheme, '#'), strings.LastIndexByte(scheme, '#')
		name := scheme + strconv.Itoa(cat.prov.next)
		if i >= 0 {
			name = scheme[:i] + fmt.Sprintf("%0*d", j-i+1, cat.prov.next) + scheme[j+1:]
		}
		name = machineDomain + `\` + name
		if s.findMachine(name) == nil {
			return name
		}
	}
}

// provScheme is the part of a ProvisioningScheme (in a create request) the
// fake reads.
type provScheme struct {
	NumTotalMachines            int    `json:"NumTotalMachines"`
	MasterImagePath             string `json:"MasterImagePath"`
	MachineAccountCreationRules struct {
		NamingScheme string `json:"NamingScheme"`
	} `json:"MachineAccountCreationRules"`
}

// MaxMachinesPerRequest is the most machines one request may ask the fake
// to create: NumTotalMachines of a catalog's ProvisioningScheme, or the
// machines listed in a create. The spec (v1.0.31) allows NumTotalMachines
// up to 2147483647 and documents no smaller limit; the fake refuses more
// than this with 400 outOfRange, before doing any work, so that one request
// cannot exhaust it. It is the same bound as [MaxBatchItems] and the list
// limit.
const MaxMachinesPerRequest = 1000

// machineCountRefused checks the machine count of a create request's
// ProvisioningScheme (raw, possibly empty) and of its Machines list:
// a count that is not an integer is a 400 invalidJson, one below 0 or
// above [MaxMachinesPerRequest] a 400 outOfRange.
func machineCountRefused(raw json.RawMessage, listed int) *reply {
	if listed > MaxMachinesPerRequest {
		return badRequest("outOfRange", fmt.Sprintf("A machine catalog can be created with at most %d machines listed", MaxMachinesPerRequest),
			"name", "Machines", "value", strconv.Itoa(listed), "max", strconv.Itoa(MaxMachinesPerRequest))
	}
	var ps struct {
		NumTotalMachines *json.Number `json:"NumTotalMachines"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &ps) != nil || ps.NumTotalMachines == nil {
		return nil // a malformed scheme is left to the rest of the create
	}
	v := ps.NumTotalMachines.String()
	n, err := strconv.ParseInt(v, 10, 64)
	switch {
	case err != nil && strings.TrimLeft(v, "-0123456789") == "":
		n = math.MaxInt64 // an integer too large for 64 bits
	case err != nil:
		return badRequest("invalidJson", "NumTotalMachines must be an integer", "name", "NumTotalMachines", "value", v)
	}
	if n < 0 || n > MaxMachinesPerRequest {
		return badRequest("outOfRange", fmt.Sprintf("NumTotalMachines must be 0 to %d", MaxMachinesPerRequest),
			"name", "NumTotalMachines", "value", v, "max", strconv.Itoa(MaxMachinesPerRequest))
	}
	return nil
}

// afterCreate starts MCS provisioning of a catalog just created, as its
// ProvisioningScheme asks: a job of its own that creates the machines after
// the create job has ended. Callers hold s.mu.
func (s *Server) afterCreate(cat *Catalog, raw json.RawMessage, c caller, at time.Time) {
	if cat.ProvisioningType != "MCS" || len(raw) == 0 {
		return
	}
	var ps provScheme
	if json.Unmarshal(raw, &ps) != nil {
		return
	}
	cat.prov.namingScheme = ps.MachineAccountCreationRules.NamingScheme
	cat.prov.image = diskImage{path: ps.MasterImagePath, since: at}
	if v := s.assignImageVersion(cat, raw); v != nil {
		cat.prov.image.path = v.MasterImage
	}
	if ps.NumTotalMachines > 0 {
		s.provision(cat, c, at, ps.NumTotalMachines, jobAddMachines)
	}
}

// provision starts a job of type typ (AddMachines after a create,
// AddMachineCatalogMachine for one machine added) that creates n machines
// in cat, one sub job each, ending at the job's end; its duration is that
// of typ. Callers hold s.mu.
func (s *Server) provision(cat *Catalog, c caller, at time.Time, n int, typ string) *job {
	names := make([]string, n)
	for i := range names {
		names[i] = s.nextMachineName(cat)
	}
	subTypes := make([]string, n)
	for i := range subTypes {
		subTypes[i] = jobAddMachines
	}
	j := s.newJob(c, at, jobSpec{
		typ:      typ,
		params:   []NameValue{{Name: "MachineCatalog", Value: cat.ID}, {Name: "Count", Value: strconv.Itoa(n)}},
		subTypes: subTypes,
		apply:    func(j *job) { s.createMachines(j, cat, names) },
	})
	for i := range j.subs {
		j.subs[i].params = []NameValue{{Name: "MachineName", Value: names[i]}}
	}
	cat.prov.jobs = append(cat.prov.jobs, j)
	return j
}

// createMachines is the effect of a provisioning job: each machine is
// created unless a planned failure hits it. Callers hold s.mu.
func (s *Server) createMachines(j *job, cat *Catalog, names []string) {
	j.resourceID, j.redirect = cat.ID, apiRoot+"/MachineCatalogs/"+cat.ID
	if !slices.Contains(s.catalogs, cat) {
		j.fail("ObjectNotFound", fmt.Sprintf("The machine catalog '%s' no longer exists.", cat.fullName()))
		return
	}
	failed := 0
	for i, name := range names {
		j.subs[i].decided = true
		if msg := s.takeFailure(cat); msg != "" {
			j.subs[i].errCode, j.subs[i].errText = "UnknownError", fmt.Sprintf("%s: %s", name, msg)
			failed++
			continue
		}
		m := &Machine{Name: name}
		s.normalizeMachine(m)
		s.addMachine(cat, m)
		s.stats.MachinesAdded++
	}
	if failed > 0 {
		j.fail("UnknownError", fmt.Sprintf("%d of %d machines were added to the machine catalog '%s'.", len(names)-failed, len(names), cat.fullName()))
	}
}

// provisioningProgress renders ProvisioningProgressResponseModel for cat
// (null for a catalog never provisioned) and JobsInProgress, the spec's
// nullable RefResponseModel[]: null while no job runs, as for a catalog the
// fake does not provision. Callers hold s.mu.
func (s *Server) provisioningProgress(cat *Catalog, now time.Time) (progress any, inProgress []refModel) {
	if len(cat.prov.jobs) == 0 {
		return nil, nil
	}
	type model struct {
		IsRunning           bool     `json:"IsRunning"`
		Progress            int      `json:"Progress"`
		ProgressMessage     *string  `json:"ProgressMessage"`
		ProgressMessageList []string `json:"ProgressMessageList"`
	}
	out := model{Progress: 100, ProgressMessageList: []string{}}
	sum := 0
	for _, j := range cat.prov.jobs {
		if j.done {
			continue
		}
		inProgress = append(inProgress, refModel{ID: j.id, Name: j.typ})
		jm := j.model(now)
		pct := 0
		if jm.OverallProgressPercent != nil {
			pct = *jm.OverallProgressPercent
		}
		sum += pct
		out.ProgressMessageList = append(out.ProgressMessageList, fmt.Sprintf("%s: %d%%", j.typ, pct))
	}
	if len(inProgress) > 0 {
		out.IsRunning, out.Progress = true, sum/len(inProgress)
		out.ProgressMessage = strPtr(strings.Join(out.ProgressMessageList, "; "))
	}
	return out, inProgress
}

// addMachineRequest is AddMachineToMachineCatalogDetailRequestModel.
type addMachineRequest struct {
	MachineName                 *string         `json:"MachineName"`
	AssignedClientName          json.RawMessage `json:"AssignedClientName"`
	AssignedIPAddress           json.RawMessage `json:"AssignedIPAddress"`
	AssignedUsers               []string        `json:"AssignedUsers"`
	HostedMachineID             *string         `json:"HostedMachineId"`
	HypervisorConnection        json.RawMessage `json:"HypervisorConnection"`
	InMaintenanceMode           *bool           `json:"InMaintenanceMode"`
	Metadata                    []NameValue     `json:"Metadata"`
	PvsAddress                  json.RawMessage `json:"PvsAddress"`
	PvsDomain                   json.RawMessage `json:"PvsDomain"`
	PvsCollectionIds            json.RawMessage `json:"PvsCollectionIds"`
	MachineAccountCreationRules json.RawMessage `json:"MachineAccountCreationRules"`
	AddAvailableMachineAccount  json.RawMessage `json:"AddAvailableMachineAccount"`
}

// addCatalogMachine serves POST /MachineCatalogs/{nameOrId}/Machines: an
// MCS machine (created by a job, like provisioning) or a named existing
// machine for other catalogs. The sync form starts the job too and answers
// 200 with it, as the service does.
func (s *Server) addCatalogMachine(c *call) *reply {
	async, rp := queryBool(c.query, "async")
	if rp != nil {
		return rp
	}
	var req addMachineRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	cat := s.findCatalog(c.args[0])
	if cat == nil {
		return notFound("MachineCatalog", c.args[0])
	}
	var j *job
	if cat.ProvisioningType == "MCS" {
		j = s.provision(cat, c.caller, c.now, 1, jobAddMachine)
	} else {
		if req.MachineName == nil || strings.TrimSpace(*req.MachineName) == "" {
			return badRequest("missing", "The MachineName property is required for a catalog that is not MCS", "name", "MachineName")
		}
		m, problem := s.requestedMachine(req)
		if problem != "" {
			return badRequest("invalidString", problem, "name", "MachineName", "value", *req.MachineName)
		}
		j = s.newJob(c.caller, c.now, jobSpec{
			typ:    jobAddMachine,
			params: []NameValue{{Name: "NameOrId", Value: m.Name}},
			apply: func(j *job) {
				j.resourceID, j.redirect = cat.ID, apiRoot+"/MachineCatalogs/"+cat.ID
				switch {
				case !slices.Contains(s.catalogs, cat):
					j.fail("ObjectNotFound", fmt.Sprintf("The machine catalog '%s' no longer exists.", cat.fullName()))
				case s.findMachine(m.Name) != nil:
					j.fail("DuplicateObject", fmt.Sprintf("The machine '%s' is already in a catalog.", m.Name))
				default:
					s.addMachine(cat, m)
					s.stats.MachinesAdded++
				}
			},
		})
	}
	if !async {
		return jsonReply(http.StatusOK, j.model(c.now))
	}
	return accepted(c.caller, j)
}

// removeCatalogMachine serves DELETE
// /MachineCatalogs/{nameOrId}/Machines/{machine} (sync only): the machine
// leaves the site, its VM is kept. A machine in a delivery group cannot be
// removed.
func (s *Server) removeCatalogMachine(c *call) *reply {
	cat := s.findCatalog(c.args[0])
	if cat == nil {
		return notFound("MachineCatalog", c.args[0])
	}
	m := s.findMachine(c.args[1])
	if m == nil || m.Catalog != cat.ID {
		return emptyReply(http.StatusNotFound)
	}
	if m.DeliveryGroup != "" {
		return errReply(http.StatusBadRequest, "MachineInDesktopGroup",
			fmt.Sprintf("The machine '%s' is in the delivery group '%s'; remove it from the delivery group first.", m.Name, m.DeliveryGroupName),
			"id", m.ID, "name", m.Name)
	}
	s.removeMachine(m)
	s.stats.MachinesDeleted++
	return emptyReply(http.StatusNoContent)
}

// imageUpdate is UpdateMachineCatalogProvisioningSchemeRequestModel (for
// an update) or RebootMachinesRequestModel (for a rollback), the
// properties the fake reads; the others are accepted and ignored.
type imageUpdate struct {
	MasterImagePath                        *string         `json:"MasterImagePath"`
	StoreOldImage                          *bool           `json:"StoreOldImage"`
	RebootOptions                          json.RawMessage `json:"RebootOptions"`
	MachineProfilePath                     json.RawMessage `json:"MachineProfilePath"`
	MinimumFunctionalLevel                 json.RawMessage `json:"MinimumFunctionalLevel"`
	MasterImageNote                        json.RawMessage `json:"MasterImageNote"`
	CPUCount                               json.RawMessage `json:"CpuCount"`
	MemoryMB                               json.RawMessage `json:"MemoryMB"`
	ServiceOfferingPath                    json.RawMessage `json:"ServiceOfferingPath"`
	CustomProperties                       json.RawMessage `json:"CustomProperties"`
	CustomPropertiesInString               json.RawMessage `json:"CustomPropertiesInString"`
	NumTotalMachines                       json.RawMessage `json:"NumTotalMachines"`
	MachineAccountCreationRules            json.RawMessage `json:"MachineAccountCreationRules"`
	AddAvailableMachineAccounts            json.RawMessage `json:"AddAvailableMachineAccounts"`
	RemoveAvailableMachineAccounts         json.RawMessage `json:"RemoveAvailableMachineAccounts"`
	MachineAccountDeleteOption             json.RawMessage `json:"MachineAccountDeleteOption"`
	AssignImageVersionToProvisioningScheme json.RawMessage `json:"AssignImageVersionToProvisioningScheme"`
	Metadata                               json.RawMessage `json:"Metadata"`
}

// rebootOptions is RebootMachinesRequestModel, the body of a rollback.
type rebootOptions struct {
	RebootDuration        *int            `json:"RebootDuration"`
	WarningDuration       *int            `json:"WarningDuration"`
	WarningTitle          json.RawMessage `json:"WarningTitle"`
	WarningMessage        json.RawMessage `json:"WarningMessage"`
	WarningRepeatInterval *int            `json:"WarningRepeatInterval"`
}

// changeImage serves $UpdateProvisioningScheme and
// $RollbackProvisioningScheme: a job that changes the catalog's image, then
// an UpdateImage job that rolls it out to the machines. The sync form
// starts the job too and answers 200 with it, as the service does.
func (s *Server) changeImage(c *call, rollback bool) *reply {
	async, rp := queryBool(c.query, "async")
	if rp != nil {
		return rp
	}
	var upd imageUpdate
	if rollback {
		var ro rebootOptions
		if len(strings.TrimSpace(string(c.body))) > 0 {
			if rp := decodeBody(c.body, &ro); rp != nil {
				return rp
			}
		}
	} else {
		if rp := decodeBody(c.body, &upd); rp != nil {
			return rp
		}
	}
	// The new image: a path, or an image version of an image definition.
	var image string
	if upd.MasterImagePath != nil {
		image = strings.TrimSpace(*upd.MasterImagePath)
	}
	if !rollback && image == "" {
		v, rp := s.namedImageVersion(c.body)
		if rp != nil {
			return rp
		}
		if v == nil {
			return badRequest("missing", "The MasterImagePath or AssignImageVersionToProvisioningScheme property is required", "name", "MasterImagePath")
		}
		image = v.MasterImage
	}
	cat := s.findCatalog(c.args[0])
	if cat == nil {
		return notFound("MachineCatalog", c.args[0])
	}
	if cat.ProvisioningType != "MCS" {
		return errReply(http.StatusBadRequest, "ProvisioningSchemeNotFound",
			fmt.Sprintf("The machine catalog '%s' has no provisioning scheme.", cat.fullName()), "name", cat.fullName())
	}
	if rollback && !cat.prov.canRollback() {
		code, detail := noOldImage(cat)
		return errReply(http.StatusBadRequest, code, detail, "name", cat.fullName())
	}
	typ := jobUpdateScheme
	if rollback {
		typ = jobRollbackImage
	}
	j := s.newJob(c.caller, c.now, jobSpec{
		typ:    typ,
		params: []NameValue{{Name: "Id", Value: cat.ID}, {Name: "Name", Value: cat.Name}},
		apply: func(j *job) {
			j.resourceID, j.redirect = cat.ID, apiRoot+"/MachineCatalogs/"+cat.ID
			if !slices.Contains(s.catalogs, cat) {
				j.fail("ObjectNotFound", fmt.Sprintf("The machine catalog '%s' no longer exists.", cat.fullName()))
				return
			}
			if rollback {
				if !rollBack(j, cat) {
					return
				}
			} else {
				storeImage(cat, image, upd.StoreOldImage != nil && *upd.StoreOldImage, j.end)
			}
			s.rollOut(cat, caller{clientID: j.owner, origin: j.origin}, j.end)
		},
	})
	cat.prov.jobs = append(cat.prov.jobs, j)
	if !async {
		return jsonReply(http.StatusOK, j.model(c.now))
	}
	return accepted(c.caller, j)
}

// rollBack is the effect of a rollback job: cat returns to the last image
// kept. Another rollback may have taken it since the request was accepted:
// then the job fails with the service's error and reports false. Callers
// hold s.mu.
func rollBack(j *job, cat *Catalog) bool {
	if !cat.prov.canRollback() {
		j.fail(noOldImage(cat))
		return false
	}
	top := len(cat.prov.oldImages) - 1
	cat.prov.image = diskImage{path: cat.prov.oldImages[top].path, since: j.end}
	cat.prov.oldImages = cat.prov.oldImages[:top]
	return true
}

// storeImage is the effect of an image update on cat, a job ending at
// time at: the image in use is kept when the update asks for it, and the
// update's image replaces it. Callers hold s.mu.
func storeImage(cat *Catalog, image string, keepOld bool, at time.Time) {
	if !keepOld {
		cat.prov.oldImages = nil
	} else {
		old := cat.prov.image
		if old.path == "" { // a seeded catalog: its image was never named
			old = diskImage{path: `XDHyp:\HostingUnits\Unit1\` + cat.Name + `-base.snapshot`, since: at}
		}
		cat.prov.oldImages = append(cat.prov.oldImages, old)
	}
	cat.prov.image = diskImage{path: image, since: at}
}

// hypervisorRef is the part of the spec's HypervisorResourceRefResponseModel
// the fake fills for an image.
type hypervisorRef struct {
	Name   string `json:"Name"`
	XDPath string `json:"XDPath"`
}

// vmImageModel is the spec's VMImageResponseModel.
type vmImageModel struct {
	Image       hypervisorRef `json:"Image"`
	ImageStatus string        `json:"ImageStatus"` // a VMImageStatus
	Date        string        `json:"Date"`
}

// schemeModel is the part of the spec's ProvisioningSchemeResponseModel
// the fake models.
type schemeModel struct {
	MachineCount         int            `json:"MachineCount"`
	MasterImage          hypervisorRef  `json:"MasterImage"`
	CurrentDiskImage     vmImageModel   `json:"CurrentDiskImage"`
	HistoricalDiskImages []vmImageModel `json:"HistoricalDiskImages"`
}

// imageRef names an image path: its last segment and the path.
func imageRef(path string) hypervisorRef {
	return hypervisorRef{Name: path[strings.LastIndexAny(path, `\/`)+1:], XDPath: path}
}

// provisioningScheme renders cat's provisioning scheme, or nil (null on the
// wire) for a catalog whose image was never named: the image in use, and
// the images kept for a rollback, the next one to roll back to first.
// Callers hold s.mu.
func provisioningScheme(cat *Catalog) any {
	if cat.prov.image.path == "" {
		return nil
	}
	cur := cat.prov.image
	m := schemeModel{
		MachineCount:         cat.TotalCount,
		MasterImage:          imageRef(cur.path),
		CurrentDiskImage:     vmImageModel{Image: imageRef(cur.path), ImageStatus: "Current", Date: formatTime(cur.since)},
		HistoricalDiskImages: make([]vmImageModel, 0, len(cat.prov.oldImages)),
	}
	for _, old := range slices.Backward(cat.prov.oldImages) {
		m.HistoricalDiskImages = append(m.HistoricalDiskImages, vmImageModel{Image: imageRef(old.path), ImageStatus: "Prepared", Date: formatTime(old.since)})
	}
	return m
}

// rollOut starts the UpdateImage job that brings cat's machines onto its
// current image: one sub job per machine. Callers hold s.mu.
func (s *Server) rollOut(cat *Catalog, c caller, at time.Time) {
	machines := s.machinesOf(cat)
	for _, m := range machines {
		m.imageOutOfDate = true
	}
	subTypes := make([]string, len(machines))
	for i := range subTypes {
		subTypes[i] = jobUpdateImage
	}
	j := s.newJob(c, at, jobSpec{
		typ:      jobUpdateImage,
		params:   []NameValue{{Name: "MachineCatalog", Value: cat.ID}, {Name: "MasterImagePath", Value: cat.prov.image.path}},
		subTypes: subTypes,
		apply: func(j *job) {
			j.resourceID, j.redirect = cat.ID, apiRoot+"/MachineCatalogs/"+cat.ID
			for _, m := range machines {
				m.imageOutOfDate = false
			}
		},
	})
	cat.prov.jobs = append(cat.prov.jobs, j)
}
