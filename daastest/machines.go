package daastest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Machine is a machine held by the fake: what a test can seed with
// [WithMachine] or [WithMachines] and read back with [Server.Machines].
// The rest of the API's MachineResponseModel is derived from these and
// from the machine's catalog.
type Machine struct {
	// ID is the machine's GUID; generated when empty.
	ID string
	// UID is the deprecated integer id; assigned in order of creation.
	UID int
	// Name is the SAM name, DOMAIN\NAME. Required.
	Name string
	// DNSName is the DNS name (default: NAME.domain.local, lowercased).
	DNSName string
	// Catalog is the id or full name of the machine's catalog. Required
	// when seeding; set to the catalog's id afterwards.
	Catalog string
	// DeliveryGroup is the id of the delivery group the machine is in,
	// "" for none.
	DeliveryGroup string
	// DeliveryGroupName is that delivery group's name.
	DeliveryGroupName string
	// PowerState is one of the API's power states (default Off).
	PowerState string
	// RegistrationState is Unregistered, Initializing, Registered, ...
	// (default Registered when the machine is on, Unregistered otherwise).
	RegistrationState string
	// InMaintenanceMode is the machine's maintenance mode.
	InMaintenanceMode bool
	// SessionCount is how many sessions the machine has.
	SessionCount int
	// HostedMachineID is the hypervisor's id of the VM ("" for none).
	HostedMachineID string

	// pending is the power action under way, if any.
	pending *powerAction
	// imageOutOfDate marks a machine not yet on its catalog's image.
	imageOutOfDate bool
}

// powerAction is a power transition under way: the machine shows a
// transitional state until it ends (with its job, for an async action),
// then its final state; an action whose job fails leaves it as it was.
type powerAction struct {
	job        *job // nil for a sync action
	start, end time.Time
	from       string // the state before
	via        string // the transitional state (TurningOff then TurningOn for a reboot)
	final      string
	reboot     bool
	logoff     bool // the action ends the machine's sessions
}

// seedMachine is one WithMachine or WithMachines option.
type seedMachine struct {
	exact    *Machine
	catalog  string
	generate int
}

// powerStates are the API's PowerState values.
var powerStates = []string{"Unknown", "Unmanaged", "Unavailable", "Off", "On", "Suspended", "TurningOn", "TurningOff", "Suspending", "Resuming", "NotSupported", "VirtualMachineNotFound"}

// registrationStates are the API's RegistrationState values.
var registrationStates = []string{"Unknown", "Unregistered", "Initializing", "Registered", "AgentError"}

// WithMachine seeds one machine. m.Name and m.Catalog (a seeded catalog's
// id or full name) are required; the catalog's TotalCount grows by one.
func WithMachine(m Machine) Option {
	return func(c *config) {
		cp := m
		c.machineSeeds = append(c.machineSeeds, seedMachine{exact: &cp})
	}
}

// WithMachines seeds n machines in the catalog with this id or full name,
// named DOMAIN\<catalog>-001 and on (after the names its machines already
// have), powered on and registered; the catalog's TotalCount grows by n.
func WithMachines(catalog string, n int) Option {
	return func(c *config) {
		if n < 0 {
			invalid("WithMachines", "negative count %d", n)
		}
		c.machineSeeds = append(c.machineSeeds, seedMachine{catalog: catalog, generate: n})
	}
}

// seedMachines creates the machines of the seeded catalogs, after the
// catalogs: first those of each catalog's seeded TotalCount, so that its
// counts are those of its machines, then those of WithMachine and
// WithMachines. It runs in NewServer.
func (s *Server) seedMachines() {
	// The TotalCount machines take their ids from a stream of their own,
	// so that the ids of everything else are those of a server seeded
	// without them.
	rng := rand.New(rand.NewPCG(uint64(s.cfg.seed), 4))
	for _, cat := range s.catalogs {
		n := cat.TotalCount
		cat.TotalCount = 0
		s.generateMachines("WithCatalog", cat, n, rng)
	}
	for _, seed := range s.cfg.machineSeeds {
		cat := s.findCatalog(seed.catalog)
		if seed.exact != nil {
			cat = s.findCatalog(seed.exact.Catalog)
		}
		if cat == nil {
			invalid("WithMachine", "no catalog %q", cmpOr(seed.catalog, seed.exact))
		}
		if seed.exact != nil {
			m := *seed.exact
			if problem := s.normalizeMachine(&m); problem != "" {
				invalid("WithMachine", "%s", problem)
			}
			s.addMachine(cat, &m)
			continue
		}
		s.generateMachines("WithMachines", cat, seed.generate, nil)
	}
}

// generateMachines seeds n machines in cat, powered on, named
// DOMAIN\<catalog>-001 and on, skipping names taken. Their ids come from
// rng, or from the server's generator when rng is nil. Callers own s.
func (s *Server) generateMachines(option string, cat *Catalog, n int, rng *rand.Rand) {
	prefix := machineDomain + `\` + strings.NewReplacer("/", "-", " ", "-").Replace(cat.Name) + "-"
	next := 1
	for range n {
		name := fmt.Sprintf("%s%03d", prefix, next)
		for ; s.findMachine(name) != nil; name = fmt.Sprintf("%s%03d", prefix, next) {
			next++
		}
		next++
		m := Machine{Name: name, PowerState: "On"}
		if rng != nil {
			m.ID = uuidFrom(rng)
			if cat.ProvisioningType == "MCS" {
				m.HostedMachineID = uuidFrom(rng)
			}
		}
		if problem := s.normalizeMachine(&m); problem != "" {
			invalid(option, "%s", problem)
		}
		s.addMachine(cat, &m)
	}
}

func cmpOr(name string, m *Machine) string {
	if m != nil {
		return m.Catalog
	}
	return name
}

// machineDomain is the domain of the machines the fake names itself.
const machineDomain = "CORP"

// normalizeMachine fills defaults and checks m; it returns what is wrong,
// or "". Callers hold s.mu (or own s).
func (s *Server) normalizeMachine(m *Machine) string {
	m.Name = strings.TrimSpace(m.Name)
	domain, short, ok := strings.Cut(m.Name, `\`)
	if !ok || domain == "" || short == "" || strings.ContainsAny(short, `\|/`) {
		return fmt.Sprintf(`machine name %q is not DOMAIN\NAME`, m.Name)
	}
	if s.findMachine(m.Name) != nil || (m.ID != "" && s.findMachine(m.ID) != nil) {
		return fmt.Sprintf("machine %q exists already", m.Name)
	}
	if m.DNSName == "" {
		m.DNSName = strings.ToLower(short) + "." + strings.ToLower(domain) + ".local"
	}
	if m.PowerState == "" {
		m.PowerState = "Off"
	}
	i := slices.IndexFunc(powerStates, func(p string) bool { return strings.EqualFold(p, m.PowerState) })
	if i < 0 {
		return fmt.Sprintf("PowerState %q is not one of %s", m.PowerState, strings.Join(powerStates, ", "))
	}
	m.PowerState = powerStates[i]
	if m.RegistrationState == "" {
		m.RegistrationState = registrationFor(m.PowerState)
	}
	i = slices.IndexFunc(registrationStates, func(p string) bool { return strings.EqualFold(p, m.RegistrationState) })
	if i < 0 {
		return fmt.Sprintf("RegistrationState %q is not one of %s", m.RegistrationState, strings.Join(registrationStates, ", "))
	}
	m.RegistrationState = registrationStates[i]
	if m.SessionCount < 0 {
		return fmt.Sprintf("negative SessionCount %d", m.SessionCount)
	}
	return ""
}

// registrationFor is the registration state a machine reaches in a power
// state.
func registrationFor(power string) string {
	if power == "On" {
		return "Registered"
	}
	return "Unregistered"
}

// addMachine stores a normalized machine in cat, giving it its ids.
// Callers hold s.mu (or own s).
func (s *Server) addMachine(cat *Catalog, m *Machine) {
	if m.ID == "" {
		m.ID = s.newUUID()
	}
	if m.HostedMachineID == "" && cat.ProvisioningType == "MCS" {
		m.HostedMachineID = s.newUUID()
	}
	m.UID = s.nextMachineUID
	s.nextMachineUID++
	m.Catalog = cat.ID
	cat.TotalCount++
	if m.DeliveryGroup != "" {
		cat.UsedCount++
	}
	s.machines = append(s.machines, m)
	s.machineIndex.add(m)
}

// removeMachine deletes m from the store and from its catalog's counts.
// Callers hold s.mu.
func (s *Server) removeMachine(m *Machine) {
	s.machines = slices.DeleteFunc(s.machines, func(x *Machine) bool { return x == m })
	s.machineIndex.remove(m)
	if cat := s.findCatalog(m.Catalog); cat != nil {
		cat.TotalCount = max(cat.TotalCount-1, 0)
		if m.DeliveryGroup != "" {
			cat.UsedCount = max(cat.UsedCount-1, 0)
		}
	}
}

// findMachine looks a machine up by id, SAM name or DNS name,
// case-insensitively, in constant time. The "\" of a SAM name may be
// written "|", as the spec has clients do in every machine path. Callers
// hold s.mu.
func (s *Server) findMachine(nameOrID string) *Machine {
	return s.machineIndex.find(nameOrID)
}

// hasMachine reports whether m is still in the store. Callers hold s.mu.
func (s *Server) hasMachine(m *Machine) bool {
	return s.machineIndex.find(m.ID) == m
}

// machineIndex finds machines by id, SAM name and DNS name, each compared
// case-insensitively, so creating n machines costs O(n), not O(n²).
type machineIndex struct {
	byID, byName, byDNS map[string]*Machine
}

func (x *machineIndex) add(m *Machine) {
	if x.byID == nil {
		x.byID, x.byName, x.byDNS = map[string]*Machine{}, map[string]*Machine{}, map[string]*Machine{}
	}
	x.byID[strings.ToLower(m.ID)] = m
	x.byName[strings.ToLower(m.Name)] = m
	x.byDNS[strings.ToLower(m.DNSName)] = m
}

func (x *machineIndex) remove(m *Machine) {
	for _, kv := range []struct {
		idx map[string]*Machine
		key string
	}{{x.byID, m.ID}, {x.byName, m.Name}, {x.byDNS, m.DNSName}} {
		if k := strings.ToLower(kv.key); kv.idx[k] == m {
			delete(kv.idx, k)
		}
	}
}

// find returns the machine whose id, else name, else DNS name is key.
func (x *machineIndex) find(key string) *Machine {
	if key == "" {
		return nil
	}
	if strings.Contains(key, "|") {
		if m := x.find(strings.ReplaceAll(key, "|", `\`)); m != nil {
			return m
		}
	}
	k := strings.ToLower(key)
	for _, idx := range []map[string]*Machine{x.byID, x.byName, x.byDNS} {
		if m := idx[k]; m != nil {
			return m
		}
	}
	return nil
}

// machinesOf returns the machines of a catalog, in order of creation.
// Callers hold s.mu.
func (s *Server) machinesOf(cat *Catalog) []*Machine {
	var out []*Machine
	for _, m := range s.machines {
		if m.Catalog == cat.ID {
			out = append(out, m)
		}
	}
	return out
}

// freeMachines returns the machines of a catalog that are in no delivery
// group, the ones a delivery group can take. Callers hold s.mu.
func (s *Server) freeMachines(cat *Catalog) []*Machine {
	return slices.DeleteFunc(s.machinesOf(cat), func(m *Machine) bool { return m.DeliveryGroup != "" })
}

// setDeliveryGroup puts m in the delivery group (id, name), or takes it
// out of any with id "", keeping its catalog's UsedCount. Callers hold
// s.mu.
func (s *Server) setDeliveryGroup(m *Machine, id, name string) {
	cat := s.findCatalog(m.Catalog)
	if cat != nil && (m.DeliveryGroup == "") != (id == "") {
		if id == "" {
			cat.UsedCount = max(cat.UsedCount-1, 0)
		} else {
			cat.UsedCount = min(cat.UsedCount+1, cat.TotalCount)
		}
	}
	m.DeliveryGroup, m.DeliveryGroupName = id, name
	if id == "" {
		m.DeliveryGroupName = ""
	}
}

// Machines returns a copy of every machine, in order of creation, after
// finishing every job whose end has come.
func (s *Server) Machines() []Machine {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advanceLocked()
	out := make([]Machine, len(s.machines))
	for i, m := range s.machines {
		out[i] = *m
		out[i].PowerState = s.powerStateAt(m, now)
		out[i].pending = nil
	}
	return out
}

// powerStateAt is m's power state at service time now: a transitional
// one while a power action runs. An action that has ended is settled here.
// Callers hold s.mu.
func (s *Server) powerStateAt(m *Machine, now time.Time) string {
	p := m.pending
	if p == nil {
		return m.PowerState
	}
	ended, ok := !now.Before(p.end), true
	if p.job != nil {
		ended, ok = p.job.done, p.job.succeeded()
	}
	if !ended {
		if p.reboot && !now.Before(p.start.Add(p.end.Sub(p.start)/2)) {
			return "TurningOn"
		}
		return p.via
	}
	m.pending = nil
	if ok {
		m.PowerState = p.final
		m.RegistrationState = registrationFor(p.final)
		if p.final != "On" || p.logoff {
			m.SessionCount = 0
		}
	}
	return m.PowerState
}

// machineModel is MachineResponseModel, with the properties the fake
// models; the others are written as the service writes them for a machine
// without that information (null, empty or Unknown).
type machineModel struct {
	ID                    string      `json:"Id"`
	UID                   int         `json:"Uid"`
	Name                  string      `json:"Name"`
	DNSName               string      `json:"DnsName"`
	MachineCatalog        *refModel   `json:"MachineCatalog"`
	DeliveryGroup         *refModel   `json:"DeliveryGroup"`
	Zone                  *refModel   `json:"Zone"`
	Description           *string     `json:"Description"`
	PowerState            string      `json:"PowerState"`
	PowerActionPending    bool        `json:"PowerActionPending"`
	SupportedPowerActions []string    `json:"SupportedPowerActions"`
	RegistrationState     string      `json:"RegistrationState"`
	InMaintenanceMode     bool        `json:"InMaintenanceMode"`
	MaintenanceModeReason string      `json:"MaintenanceModeReason"`
	SummaryState          string      `json:"SummaryState"`
	FaultState            string      `json:"FaultState"`
	AllocationType        string      `json:"AllocationType"`
	SessionSupport        string      `json:"SessionSupport"`
	ProvisioningType      string      `json:"ProvisioningType"`
	MachineType           string      `json:"MachineType"`
	PersistUserChanges    string      `json:"PersistUserChanges"`
	DeliveryType          string      `json:"DeliveryType"`
	FunctionalLevel       string      `json:"FunctionalLevel"`
	SessionCount          int         `json:"SessionCount"`
	IsAssigned            bool        `json:"IsAssigned"`
	AssignedUsers         []any       `json:"AssignedUsers"`
	Hosting               *hostingRef `json:"Hosting"`
	Tags                  []string    `json:"Tags"`
	Metadata              []NameValue `json:"Metadata"`
}

// hostingRef is MachineHostingResponseModel.
type hostingRef struct {
	HostedMachineID   *string `json:"HostedMachineId"`
	HostedMachineName *string `json:"HostedMachineName"`
	ImageOutOfDate    bool    `json:"ImageOutOfDate"`
}

// machineModel renders m as MachineResponseModel at service time now.
// Callers hold s.mu.
func (s *Server) machineModel(m *Machine, now time.Time) machineModel {
	cat := s.findCatalog(m.Catalog)
	power := s.powerStateAt(m, now)
	mm := machineModel{
		ID:                    m.ID,
		UID:                   m.UID,
		Name:                  m.Name,
		DNSName:               m.DNSName,
		PowerState:            power,
		PowerActionPending:    m.pending != nil,
		SupportedPowerActions: []string{},
		RegistrationState:     m.RegistrationState,
		InMaintenanceMode:     m.InMaintenanceMode,
		MaintenanceModeReason: "None",
		SummaryState:          summaryState(m, power),
		FaultState:            "None",
		DeliveryType:          "DesktopsOnly",
		FunctionalLevel:       "L7_20",
		SessionCount:          m.SessionCount,
		AssignedUsers:         []any{},
		Tags:                  []string{},
		Metadata:              []NameValue{},
	}
	if m.InMaintenanceMode {
		mm.MaintenanceModeReason = "Administrator"
	}
	if cat != nil {
		mm.MachineCatalog = &refModel{ID: cat.ID, UID: cat.UID, Name: cat.fullName()}
		mm.Zone = s.zoneRef(cat.Zone)
		mm.AllocationType, mm.SessionSupport = cat.AllocationType, cat.SessionSupport
		mm.ProvisioningType, mm.MachineType, mm.PersistUserChanges = cat.ProvisioningType, cat.MachineType, cat.PersistChanges
		mm.FunctionalLevel = cat.MinimumFunctionalLevel
		if cat.MachineType == "Virtual" {
			mm.SupportedPowerActions = []string{"PowerOn", "PowerOff", "SuspendResume", "Restart", "Reset", "Shutdown"}
		}
	}
	if m.DeliveryGroup != "" {
		mm.DeliveryGroup = &refModel{ID: m.DeliveryGroup, Name: m.DeliveryGroupName}
	}
	if m.HostedMachineID != "" {
		_, short, _ := strings.Cut(m.Name, `\`)
		mm.Hosting = &hostingRef{HostedMachineID: strPtr(m.HostedMachineID), HostedMachineName: strPtr(short), ImageOutOfDate: m.imageOutOfDate}
	}
	return mm
}

// summaryState is the console's one-word state of m.
func summaryState(m *Machine, power string) string {
	switch {
	case power == "Off" || power == "Suspended":
		return "Off"
	case m.RegistrationState != "Registered":
		return "Unregistered"
	case m.SessionCount > 0:
		return "InUse"
	}
	return "Available"
}

// machineRoutes are the /Machines routes and the machines of a catalog.
func machineRoutes() []*route {
	rs := []*route{
		newRoute(routeListMachines, func(s *Server, c *call) *reply { return s.listOfMachines(c, nil, "GetMachines") }),
		newRoute(routeGetMachine, (*Server).getMachine),
		newRoute(routeUpdateMachine, (*Server).updateMachine),
		newRoute(routeDeleteMachine, (*Server).deleteMachine),
	}
	for _, a := range machineActions {
		rs = append(rs, newRoute(a.route, a.serve))
	}
	return append(rs, catalogMachineRoutes()...)
}
