package daastest

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// This file models hosting connections (the Hypervisors routes) by hand:
// list, get, create, update and delete, each also as a job (async=true)
// of the spec's job type (GetHypervisors, GetHypervisor, CreateHypervisor,
// UpdateHypervisor, DeleteHypervisor), and the connection test
// (POST /Hypervisors/{nameOrId}/$test, job type TestHypervisor), whose
// report counts a failure for a connection [Server.FailConnectionTest]
// names. Creating a connection of that name fails as the service does when
// it cannot reach the hypervisor (400, or the job's ErrorCode
// HypervisorNotContactable). Credentials in a request (Password,
// SecretKey, ApplicationSecret, …) are accepted and never stored or
// echoed. Where the spec is silent: a connection's name is trimmed and
// unique in any case, on create and on rename (409, or the job's
// ErrorCode DuplicateObject); deleting a connection deletes its
// resource pools with it; a create's PoolDetails creates its first pool,
// and the create fails as a pool create does when a pool has that name.

// Route keys of the hosting connections, as the spec spells the paths.
const (
	routeListHypervisors  = "GET /hypervisors"
	routeCreateHypervisor = "POST /hypervisors"
	routeGetHypervisor    = "GET /hypervisors/{nameOrId}"
	routeUpdateHypervisor = "PATCH /hypervisors/{nameOrId}"
	routeDeleteHypervisor = "DELETE /hypervisors/{nameOrId}"
	routeTestHypervisor   = "POST /Hypervisors/{nameOrId}/$test"
)

// connectionTypes are the spec's HypervisorConnectionType values.
var connectionTypes = []string{"Unknown", "XenServer", "SCVMM", "VCenter", "Custom", "AWS", "WakeOnLAN", "AzureRM",
	"GoogleCloudPlatform", "CloudPlatform", "OracleCloudInfrastructure", "AzureArc", "OpenShift", "AmazonWorkSpacesCore"}

// hypervisor is one hosting connection.
type hypervisor struct {
	ID, Name         string
	UID              int
	ConnectionType   string
	Addresses        []string
	PluginID         string
	Zone             string // the zone's name
	Maintenance      bool
	Metadata         []NameValue
	UserName         string
	Region           string
	APIKey           string
	ApplicationID    string
	SubscriptionID   string
	DirectoryID      string
	Environment      string
	ConnectionOption string
	CustomProperties string
	MaxActive        int
	MaxPerMinute     int
	MaxPercent       int
	pools            []*resourcePool
}

func (h *hypervisor) ident() (string, int, string) { return h.ID, h.UID, h.Name }

// xdPath is the connection's path in the XDHyp: provider.
func (h *hypervisor) xdPath() string { return `XDHyp:\Connections\` + h.Name }

// hypervisorModel is HypervisorResponseModel, with every property the spec
// requires.
type hypervisorModel struct {
	ID                      string       `json:"Id"`
	UID                     int          `json:"Uid"`
	Name                    string       `json:"Name"`
	XDPath                  string       `json:"XDPath"`
	ConnectionType          string       `json:"ConnectionType"`
	Addresses               []string     `json:"Addresses"`
	InMaintenanceMode       bool         `json:"InMaintenanceMode"`
	Unentitled              bool         `json:"Unentitled"`
	PluginID                string       `json:"PluginId"`
	Scopes                  []scopeModel `json:"Scopes"`
	Tenants                 []refModel   `json:"Tenants"`
	UsesCloudInfrastructure bool         `json:"UsesCloudInfrastructure"`
	Zone                    *refModel    `json:"Zone"`
	CustomProperties        *string      `json:"CustomProperties"`
	IsVirtual               bool         `json:"IsVirtual"`
}

// hypervisorDetailModel is HypervisorDetailResponseModel: the list shape
// and the detail-only properties the spec requires.
type hypervisorDetailModel struct {
	hypervisorModel
	Capabilities                        []string    `json:"Capabilities"`
	ConfigurationObjectCapabilities     []string    `json:"ConfigurationObjectCapabilities"`
	PluginRevision                      string      `json:"PluginRevision"`
	MaxAbsoluteActiveActions            int         `json:"MaxAbsoluteActiveActions"`
	MaxAbsoluteNewActionsPerMinute      int         `json:"MaxAbsoluteNewActionsPerMinute"`
	MaxPowerActionsPercentageOfMachines int         `json:"MaxPowerActionsPercentageOfMachines"`
	ConnectionOptions                   string      `json:"ConnectionOptions"`
	SupportsLocalStorageCaching         bool        `json:"SupportsLocalStorageCaching"`
	SupportsPvsVms                      bool        `json:"SupportsPvsVms"`
	Metadata                            []NameValue `json:"Metadata"`
	APIKey                              string      `json:"ApiKey,omitempty"`
	Region                              string      `json:"Region,omitempty"`
	ApplicationID                       string      `json:"ApplicationId,omitempty"`
	SubscriptionID                      string      `json:"SubscriptionId,omitempty"`
	ActiveDirectoryID                   string      `json:"ActiveDirectoryId,omitempty"`
	Environment                         string      `json:"Environment,omitempty"`
	ManagementEndpoint                  string      `json:"ManagementEndpoint,omitempty"`
	AuthenticationAuthority             string      `json:"AuthenticationAuthority,omitempty"`
	StorageSuffix                       string      `json:"StorageSuffix,omitempty"`
	ServiceAccountID                    string      `json:"ServiceAccountId,omitempty"`
	SccmWakeUpProxy                     bool        `json:"SccmWakeUpProxy"`
	WakeOnLanPackets                    string      `json:"WakeOnLanPackets"`
	UserName                            string      `json:"UserName,omitempty"`
	TenancyOcid                         string      `json:"TenancyOcid,omitempty"`
	OciRegion                           string      `json:"OciRegion,omitempty"`
	OciEnvironment                      string      `json:"OciEnvironment"`
	Fingerprint                         string      `json:"Fingerprint,omitempty"`
}

// hypervisorTestModel is HypervisorTestResponseModel.
type hypervisorTestModel struct {
	Hypervisor  refModel `json:"Hypervisor"`
	NumPassed   int      `json:"NumPassed"`
	NumWarnings int      `json:"NumWarnings"`
	NumFailures int      `json:"NumFailures"`
}

// connectionTestChecks is how many checks the fake's connection test runs.
const connectionTestChecks = 4

// pluginID is the connection's plugin: the one it was made with, else its
// connection type's own (the spec gives every connection a non-empty one).
func (h *hypervisor) pluginID() string {
	if h.PluginID != "" {
		return h.PluginID
	}
	return h.ConnectionType + "Factory"
}

func (s *Server) hypervisorModel(h *hypervisor) hypervisorModel {
	return hypervisorModel{
		ID: h.ID, UID: h.UID, Name: h.Name, XDPath: h.xdPath(),
		ConnectionType: h.ConnectionType, Addresses: append([]string{}, h.Addresses...), InMaintenanceMode: h.Maintenance,
		PluginID: h.pluginID(), Scopes: []scopeModel{}, Tenants: []refModel{},
		UsesCloudInfrastructure: h.ConnectionType != "XenServer" && h.ConnectionType != "VCenter" && h.ConnectionType != "SCVMM",
		Zone:                    s.zoneRef(h.Zone), CustomProperties: strPtr(h.CustomProperties), IsVirtual: false,
	}
}

// defaultConnectionOptions are the options of a connection made without
// any: the spec requires a non-empty ConnectionOptions on every one.
const defaultConnectionOptions = "Default"

func (s *Server) hypervisorDetail(h *hypervisor) hypervisorDetailModel {
	return hypervisorDetailModel{
		hypervisorModel:                     s.hypervisorModel(h),
		Capabilities:                        []string{"PowerManagement", "MachineCreation"},
		ConfigurationObjectCapabilities:     []string{},
		PluginRevision:                      "1.0.0.0",
		MaxAbsoluteActiveActions:            h.MaxActive,
		MaxAbsoluteNewActionsPerMinute:      h.MaxPerMinute,
		MaxPowerActionsPercentageOfMachines: h.MaxPercent,
		ConnectionOptions:                   cmp.Or(h.ConnectionOption, defaultConnectionOptions),
		SupportsLocalStorageCaching:         true,
		Metadata:                            nonNil(h.Metadata),
		APIKey:                              h.APIKey,
		Region:                              h.Region,
		ApplicationID:                       h.ApplicationID,
		SubscriptionID:                      h.SubscriptionID,
		ActiveDirectoryID:                   h.DirectoryID,
		Environment:                         h.Environment,
		WakeOnLanPackets:                    "None",
		UserName:                            h.UserName,
		OciEnvironment:                      "Commercial",
	}
}

// nonNil returns a copy of nv, empty rather than nil.
func nonNil(nv []NameValue) []NameValue {
	return append([]NameValue{}, nv...)
}

func hypervisorRoutes() []*route {
	return []*route{
		newRoute(routeListHypervisors, (*Server).listHypervisors),
		newRoute(routeCreateHypervisor, (*Server).createHypervisor),
		newRoute(routeGetHypervisor, (*Server).getHypervisor),
		newRoute(routeUpdateHypervisor, (*Server).updateHypervisor),
		newRoute(routeDeleteHypervisor, (*Server).deleteHypervisor),
		newRoute(routeTestHypervisor, (*Server).testHypervisor),
	}
}

// FailConnectionTest makes the connection test of the hosting connection
// named name (now, or created later) report a failure with this reason,
// and a create of a connection of that name fail as an unreachable
// hypervisor does. An empty reason clears it.
func (s *Server) FailConnectionTest(name, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hand()
	if reason == "" {
		delete(h.failTests, strings.ToLower(name))
		return
	}
	h.failTests[strings.ToLower(name)] = reason
}

// Hypervisors returns the names of the hosting connections, in order of
// creation.
func (s *Server) Hypervisors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for _, h := range s.hand().hypervisors {
		names = append(names, h.Name)
	}
	return names
}

// findHypervisor finds a connection by name or id. Callers hold s.mu.
func (s *Server) findHypervisor(nameOrID string) *hypervisor {
	return findIdentified(s.hand().hypervisors, nameOrID)
}

func (s *Server) listHypervisors(c *call) *reply {
	return listOrJob(s, c, "hypervisors", "GetHypervisors", func() []*hypervisor { return s.hand().hypervisors },
		func(h *hypervisor) any { return s.hypervisorModel(h) })
}

func (s *Server) getHypervisor(c *call) *reply {
	h := s.findHypervisor(c.args[0])
	if h == nil {
		return notFound("Hypervisor", c.args[0])
	}
	return s.perform(c, jobSpec{typ: "GetHypervisor", params: []NameValue{{Name: "NameOrId", Value: c.args[0]}}},
		func(time.Time) result {
			if !slices.Contains(s.hand().hypervisors, h) {
				return result{failed: notFoundFailure("Hypervisor", h.ID)}
			}
			return result{status: http.StatusOK, body: s.hypervisorDetail(h)}
		})
}

// connectionDetails is HypervisorConnectionDetailRequestModel, with the
// properties the fake keeps; the others (credentials among them) are
// ignored.
type connectionDetails struct {
	Name                                string      `json:"Name"`
	ConnectionType                      string      `json:"ConnectionType"`
	Zone                                string      `json:"Zone"`
	Metadata                            []NameValue `json:"Metadata"`
	APIKey                              string      `json:"ApiKey"`
	Region                              string      `json:"Region"`
	Address                             string      `json:"Address"`
	Addresses                           []string    `json:"Addresses"`
	CustomProperties                    string      `json:"CustomProperties"`
	ApplicationID                       string      `json:"ApplicationId"`
	SubscriptionID                      string      `json:"SubscriptionId"`
	ActiveDirectoryID                   string      `json:"ActiveDirectoryId"`
	Environment                         string      `json:"Environment"`
	UserName                            string      `json:"UserName"`
	PluginID                            string      `json:"PluginId"`
	ConnectionOptions                   string      `json:"ConnectionOptions"`
	MaxAbsoluteActiveActions            int         `json:"MaxAbsoluteActiveActions"`
	MaxAbsoluteNewActionsPerMinute      int         `json:"MaxAbsoluteNewActionsPerMinute"`
	MaxPowerActionsPercentageOfMachines int         `json:"MaxPowerActionsPercentageOfMachines"`
}

// createHypervisorRequest is CreateHypervisorRequestModel.
type createHypervisorRequest struct {
	ConnectionDetails *connectionDetails `json:"ConnectionDetails"`
	PoolDetails       *poolRequest       `json:"PoolDetails"`
}

func (s *Server) createHypervisor(c *call) *reply {
	var req createHypervisorRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	if req.ConnectionDetails == nil {
		return badRequest("missing", "The ConnectionDetails property is required", "name", "ConnectionDetails")
	}
	d := req.ConnectionDetails
	if rp := required("Name", d.Name); rp != nil {
		return rp
	}
	typ, rp := oneOf("ConnectionType", d.ConnectionType, true, connectionTypes...)
	if rp != nil {
		return rp
	}
	zone := primaryZone
	if d.Zone != "" {
		z := s.findZone(d.Zone)
		if z == nil {
			return notFound("Zone", d.Zone)
		}
		zone = z.Name
	}
	if req.PoolDetails != nil {
		if rp := req.PoolDetails.check(); rp != nil {
			return rp
		}
	}
	h := &hypervisor{
		Name: strings.TrimSpace(d.Name), ConnectionType: typ, Zone: zone, Metadata: d.Metadata,
		Addresses: d.Addresses, PluginID: d.PluginID, UserName: d.UserName, Region: d.Region, APIKey: d.APIKey,
		ApplicationID: d.ApplicationID, SubscriptionID: d.SubscriptionID, DirectoryID: d.ActiveDirectoryID,
		Environment: d.Environment, ConnectionOption: d.ConnectionOptions, CustomProperties: d.CustomProperties,
		MaxActive: max(d.MaxAbsoluteActiveActions, 0), MaxPerMinute: max(d.MaxAbsoluteNewActionsPerMinute, 0),
		MaxPercent: max(d.MaxPowerActionsPercentageOfMachines, 0),
	}
	if d.Address != "" && len(h.Addresses) == 0 {
		h.Addresses = []string{d.Address}
	}
	if h.MaxActive == 0 {
		h.MaxActive, h.MaxPerMinute, h.MaxPercent = 100, 20, 20
	}
	return s.perform(c, jobSpec{typ: "CreateHypervisor", params: []NameValue{{Name: "Name", Value: h.Name}}},
		func(time.Time) result {
			st := s.hand()
			if f := s.hypervisorNameTaken(h.Name, nil); f != nil {
				return result{failed: f}
			}
			if reason, bad := st.failTests[strings.ToLower(h.Name)]; bad {
				return result{failed: &failure{status: http.StatusBadRequest, kind: "hypervisorNotContactable",
					code: "HypervisorNotContactable", detail: "The hypervisor could not be contacted: " + reason, params: []string{"name", h.Name}}}
			}
			if req.PoolDetails != nil {
				if f := s.poolNameTaken(req.PoolDetails.Name, nil); f != nil {
					return result{failed: f}
				}
			}
			h.ID, h.UID = s.newUUID(), st.uid()
			st.hypervisors = append(st.hypervisors, h)
			if req.PoolDetails != nil {
				s.addPool(h, req.PoolDetails)
			}
			return result{status: http.StatusCreated, body: s.hypervisorDetail(h), redirect: "/hypervisors/" + h.ID}
		})
}

// editHypervisorRequest is EditHypervisorConnectionRequestModel: a property
// that is absent is not changed.
type editHypervisorRequest struct {
	Name                                *string      `json:"Name"`
	InMaintenanceMode                   *bool        `json:"InMaintenanceMode"`
	ConnectionType                      string       `json:"ConnectionType"`
	Metadata                            *[]NameValue `json:"Metadata"`
	Addresses                           []string     `json:"Addresses"`
	UserName                            *string      `json:"UserName"`
	CustomProperties                    *string      `json:"CustomProperties"`
	ConnectionOptions                   *string      `json:"ConnectionOptions"`
	MaxAbsoluteActiveActions            *int         `json:"MaxAbsoluteActiveActions"`
	MaxAbsoluteNewActionsPerMinute      *int         `json:"MaxAbsoluteNewActionsPerMinute"`
	MaxPowerActionsPercentageOfMachines *int         `json:"MaxPowerActionsPercentageOfMachines"`
}

// editHypervisorIgnored are the properties of the edit request the fake
// accepts without modelling them.
var editHypervisorIgnored = []string{"Scopes", "Tenants", "ApiKey", "SecretKey", "SecretKeyFormat",
	"MaximumConcurrentProvisioningOperations", "Address", "ApplicationId", "ApplicationSecret", "ApplicationSecretFormat",
	"ServiceAccountId", "ServiceAccountCredentials", "ServiceAccountCredentialsFormat", "Password", "PasswordFormat",
	"SslThumbprints", "SccmWakeUpProxy", "WakeOnLanPackets", "ServiceAccountCredential", "ServiceAccountCredentialFormat",
	"ServiceAccountFingerprint"}

func (s *Server) updateHypervisor(c *call) *reply {
	var req editHypervisorRequest
	if rp := decodeIgnoring(c.body, &req, editHypervisorIgnored...); rp != nil {
		return rp
	}
	h := s.findHypervisor(c.args[0])
	if h == nil {
		return notFound("Hypervisor", c.args[0])
	}
	if rp := editRefused(h, req.ConnectionType, req.Name); rp != nil {
		return rp
	}
	return s.perform(c, jobSpec{typ: "UpdateHypervisor", params: []NameValue{{Name: "Id", Value: h.ID}, {Name: "Name", Value: h.Name}}},
		func(time.Time) result {
			if !slices.Contains(s.hand().hypervisors, h) {
				return result{failed: notFoundFailure("Hypervisor", h.ID)}
			}
			if req.Name != nil {
				name := strings.TrimSpace(*req.Name)
				if f := s.hypervisorNameTaken(name, h); f != nil {
					return result{failed: f}
				}
				h.Name = name
			}
			req.applyTo(h)
			return result{status: http.StatusNoContent, redirect: "/hypervisors/" + h.ID}
		})
}

// hypervisorNameTaken refuses name (trimmed, as stored) when a connection
// other than self has it in any case. Callers hold s.mu.
func (s *Server) hypervisorNameTaken(name string, self *hypervisor) *failure {
	if other := s.findHypervisor(name); other != nil && other != self {
		return duplicateFailure("hosting connection", name)
	}
	return nil
}

// editRefused checks an edit of h or of one of its pools: the edit's
// ConnectionType must be h's, and a new name must not be empty.
func editRefused(h *hypervisor, connectionType string, name *string) *reply {
	typ, rp := oneOf("ConnectionType", connectionType, true, connectionTypes...)
	if rp != nil {
		return rp
	}
	if typ != h.ConnectionType {
		return badRequest("invalidArgument", fmt.Sprintf("ConnectionType '%s' is not the connection's type, %s", typ, h.ConnectionType),
			"name", "ConnectionType", "value", typ)
	}
	if name != nil {
		return required("Name", *name)
	}
	return nil
}

// applyTo sets the properties the request changes, except the name.
func (req *editHypervisorRequest) applyTo(h *hypervisor) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setInt := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	if req.InMaintenanceMode != nil {
		h.Maintenance = *req.InMaintenanceMode
	}
	if req.Metadata != nil {
		h.Metadata = *req.Metadata
	}
	if req.Addresses != nil {
		h.Addresses = req.Addresses
	}
	set(&h.UserName, req.UserName)
	set(&h.CustomProperties, req.CustomProperties)
	set(&h.ConnectionOption, req.ConnectionOptions)
	setInt(&h.MaxActive, req.MaxAbsoluteActiveActions)
	setInt(&h.MaxPerMinute, req.MaxAbsoluteNewActionsPerMinute)
	setInt(&h.MaxPercent, req.MaxPowerActionsPercentageOfMachines)
}

func (s *Server) deleteHypervisor(c *call) *reply {
	h := s.findHypervisor(c.args[0])
	if h == nil {
		return notFound("Hypervisor", c.args[0])
	}
	return s.perform(c, jobSpec{typ: "DeleteHypervisor", params: []NameValue{{Name: "Id", Value: h.ID}, {Name: "Name", Value: h.Name}}},
		func(time.Time) result {
			st := s.hand()
			i := slices.Index(st.hypervisors, h)
			if i < 0 {
				return result{failed: notFoundFailure("Hypervisor", h.ID)}
			}
			st.hypervisors = slices.Delete(st.hypervisors, i, i+1)
			return result{status: http.StatusNoContent}
		})
}

// testHypervisor serves POST /Hypervisors/{nameOrId}/$test: a report of
// connectionTestChecks checks, one of them failed for a connection
// FailConnectionTest names.
func (s *Server) testHypervisor(c *call) *reply {
	h := s.findHypervisor(c.args[0])
	if h == nil {
		return notFound("Hypervisor", c.args[0])
	}
	return s.perform(c, jobSpec{typ: "TestHypervisor", params: []NameValue{{Name: "Id", Value: h.ID}, {Name: "Name", Value: h.Name}}},
		func(time.Time) result {
			if !slices.Contains(s.hand().hypervisors, h) {
				return result{failed: notFoundFailure("Hypervisor", h.ID)}
			}
			rep := hypervisorTestModel{Hypervisor: refModel{ID: h.ID, UID: h.UID, Name: h.Name}, NumPassed: connectionTestChecks}
			if _, bad := s.hand().failTests[strings.ToLower(h.Name)]; bad {
				rep.NumPassed, rep.NumFailures = connectionTestChecks-1, 1
			}
			return result{status: http.StatusOK, body: rep}
		})
}
