package daas

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"reflect"
	"strings"
)

// DeliveryGroupsService manages delivery groups (/DeliveryGroups): the
// groups of machines that deliver desktops and applications to users, and
// the machines in them.
//
// A delivery group is named as a catalog is: by id, by name, or by its
// folder path and name joined with "|" ("Europe|Paris|Pool"). The methods
// escape the name as one path segment. Each operation has a plain form and
// an ...Async form that returns a [Job], as in [MachineCatalogsService].
type DeliveryGroupsService service

// UserManagement is how the users of a delivery group are managed. Values
// the library does not know pass through unchanged.
type UserManagement string

// The user management values of the API.
const (
	UserManagementUnknown      UserManagement = "Unknown"
	UserManagementCloudLibrary UserManagement = "CloudLibrary"
	UserManagementStudio       UserManagement = "Studio"
)

// AppGroupCompatibility is whether a delivery group can deliver application
// groups. Values the library does not know pass through unchanged.
type AppGroupCompatibility string

// The application group compatibility values of the API.
const (
	AppGroupCompatibilityUnknown                  AppGroupCompatibility = "Unknown"
	AppGroupCompatibilityCompatible               AppGroupCompatibility = "Compatible"
	AppGroupCompatibilityIncompatiblePrivate      AppGroupCompatibility = "IncompatiblePrivate"
	AppGroupCompatibilityIncompatibleDeliveryType AppGroupCompatibility = "IncompatibleDeliveryType"
)

// AppOrDesktopCompatibility is whether a delivery group can deliver
// applications, or desktops. Values the library does not know pass through
// unchanged.
type AppOrDesktopCompatibility string

// The application and desktop compatibility values of the API.
const (
	AppOrDesktopCompatibilityUnknown                  AppOrDesktopCompatibility = "Unknown"
	AppOrDesktopCompatibilityCompatible               AppOrDesktopCompatibility = "Compatible"
	AppOrDesktopCompatibilityIncompatibleDeliveryType AppOrDesktopCompatibility = "IncompatibleDeliveryType"
)

// MachineLogOnType is how users sign in to the machines of a delivery
// group. Values the library does not know pass through unchanged.
type MachineLogOnType string

// The machine logon types of the API.
const (
	MachineLogOnTypeUnknown            MachineLogOnType = "Unknown"
	MachineLogOnTypeActiveDirectory    MachineLogOnType = "ActiveDirectory"
	MachineLogOnTypeLocalMappedAccount MachineLogOnType = "LocalMappedAccount"
	MachineLogOnTypeAzureAD            MachineLogOnType = "AzureAD"
)

// RequiredSleepCapability is the sleep capability a delivery group needs of
// its machines. Values the library does not know pass through unchanged.
type RequiredSleepCapability string

// The required sleep capabilities of the API.
const (
	RequiredSleepCapabilityUnknown RequiredSleepCapability = "Unknown"
	RequiredSleepCapabilityNone    RequiredSleepCapability = "None"
	RequiredSleepCapabilitySuspend RequiredSleepCapability = "Suspend"
)

// LicenseModel is the licensing model of a delivery group. Values the
// library does not know pass through unchanged.
type LicenseModel string

// The license models of the API.
const (
	LicenseModelUnknown    LicenseModel = "Unknown"
	LicenseModelNone       LicenseModel = "None"
	LicenseModelConcurrent LicenseModel = "Concurrent"
	LicenseModelUserDevice LicenseModel = "UserDevice"
)

// ColorDepth is the color depth of the sessions of a delivery group. Values
// the library does not know pass through unchanged.
type ColorDepth string

// The color depths of the API.
const (
	ColorDepthUnknown       ColorDepth = "Unknown"
	ColorDepthFourBit       ColorDepth = "FourBit"
	ColorDepthEightBit      ColorDepth = "EightBit"
	ColorDepthSixteenBit    ColorDepth = "SixteenBit"
	ColorDepthTwentyFourBit ColorDepth = "TwentyFourBit"
)

// LoadBalanceType is how a multi-session delivery group spreads sessions
// over its machines. Values the library does not know pass through
// unchanged.
type LoadBalanceType string

// The load balance types of the API.
const (
	LoadBalanceTypeUnknown    LoadBalanceType = "Unknown"
	LoadBalanceTypeVertical   LoadBalanceType = "Vertical"   // fill one machine before the next
	LoadBalanceTypeHorizontal LoadBalanceType = "Horizontal" // the least loaded machine first
	LoadBalanceTypeNone       LoadBalanceType = "None"
)

// NameCount is a name with a count, the API's NameValueIntPairModel: an
// operating system or an agent version and how many machines have it.
type NameCount struct {
	Name  string `json:"Name"`
	Value int    `json:"Value"`
}

// DeliveryGroup is a delivery group as lists return it: the API's
// DeliveryGroupResponseModel. Getting, creating, updating a group and
// adding machines to it return the [DeliveryGroupDetail], which adds the
// machine counts and settings. A field whose JSON type is not the one
// expected is left zero rather than failing the call.
type DeliveryGroup struct {
	ID            string `json:"Id"`
	UID           int    `json:"Uid"`  // deprecated by the service in favour of ID
	Name          string `json:"Name"` // the name within its admin folder
	FullName      string `json:"FullName"`
	Description   string `json:"Description"`
	PublishedName string `json:"PublishedName"` // the name users see

	// DeliveryType is what the group is set to deliver; Delivering what it
	// delivers now.
	DeliveryType   DeliveryKind   `json:"DeliveryType"`
	Delivering     DeliveryKind   `json:"Delivering"`
	SessionSupport SessionSupport `json:"SessionSupport"`
	SharingKind    SharingKind    `json:"SharingKind"`
	UserManagement UserManagement `json:"UserManagement"`

	Enabled             bool `json:"Enabled"`
	InMaintenanceMode   bool `json:"InMaintenanceMode"`
	IsBroken            bool `json:"IsBroken"`
	IsRemotePC          bool `json:"IsRemotePC"`
	IsPowerManaged      bool `json:"IsPowerManaged"`
	AutoscalingEnabled  bool `json:"AutoscalingEnabled"`
	HasBeenPromoted     bool `json:"HasBeenPromoted"`
	RequireUserHomeZone bool `json:"RequireUserHomeZone"`
	// ReuseMachinesWithoutShutdownInOutage lets machines serve new sessions
	// without a restart during an outage.
	ReuseMachinesWithoutShutdownInOutage bool `json:"ReuseMachinesWithoutShutdownInOutage"`

	MinimumFunctionalLevel FunctionalLevel `json:"MinimumFunctionalLevel"`
	HasBeenPromotedFrom    FunctionalLevel `json:"HasBeenPromotedFrom"`

	ApplicationGroupCompatibility AppGroupCompatibility     `json:"ApplicationGroupCompatibility"`
	ApplicationCompatibility      AppOrDesktopCompatibility `json:"ApplicationCompatibility"`
	DesktopCompatibility          AppOrDesktopCompatibility `json:"DesktopCompatibility"`
	MachineLogOnType              MachineLogOnType          `json:"MachineLogOnType"`
	RequiredSleepCapability       RequiredSleepCapability   `json:"RequiredSleepCapability"`

	TotalDesktops          int `json:"TotalDesktops"`
	TotalDesktopsOfSuspend int `json:"TotalDesktopsOfSuspend"`
	TotalApplications      int `json:"TotalApplications"`
	DesktopsAvailable      int `json:"DesktopsAvailable"`
	DesktopsDisconnected   int `json:"DesktopsDisconnected"`
	DesktopsFaulted        int `json:"DesktopsFaulted"`
	DesktopsUnregistered   int `json:"DesktopsUnregistered"`
	SessionCount           int `json:"SessionCount"`

	AdminFolder          Ref          `json:"AdminFolder,omitzero"` // zero for a group at the root
	Scopes               []Ref        `json:"Scopes"`
	Tenants              []Ref        `json:"Tenants"`
	Tags                 []string     `json:"Tags"`
	Metadata             []NameValue  `json:"Metadata"`
	PolicySetGUID        string       `json:"PolicySetGuid"`
	LicenseModel         LicenseModel `json:"LicenseModel"`
	ProductCode          string       `json:"ProductCode"`
	DefaultDesktopIconID string       `json:"DefaultDesktopIconId"`
}

// plainDeliveryGroup is DeliveryGroup without its methods, for decoding.
type plainDeliveryGroup DeliveryGroup

// UnmarshalJSON decodes a delivery group leniently, as decodeModel does
// every model: a field of an unexpected JSON type is left zero. A value
// that is not a JSON object is an error.
func (g *DeliveryGroup) UnmarshalJSON(data []byte) error {
	return decodeModel(data, (*plainDeliveryGroup)(g))
}

// DeliveryGroupDetail is one delivery group in full: the API's
// DeliveryGroupDetailResponseModel, the [DeliveryGroup] of lists with the
// counts of its machines and the most used of its settings. It is what
// [DeliveryGroupsService.Get], Create, Update and AddMachinesAsync return.
// Settings kept as raw JSON are in the API's own shape.
type DeliveryGroupDetail struct {
	DeliveryGroup

	// TotalMachines is how many machines the group has; of them,
	// RegisteredMachines are registered, MachinesInMaintenanceMode in
	// maintenance mode, OffMachines powered off and UnassignedMachines
	// assigned to no user.
	TotalMachines             int `json:"TotalMachines"`
	RegisteredMachines        int `json:"RegisteredMachines"`
	MachinesInMaintenanceMode int `json:"MachinesInMaintenanceMode"`
	OffMachines               int `json:"OffMachines"`
	UnassignedMachines        int `json:"UnassignedMachines"`
	// DesktopsInUse are desktops with a session, DesktopsPreparing
	// desktops being prepared and DesktopsNeverRegistered desktops whose
	// machine has never registered.
	DesktopsInUse           int `json:"DesktopsInUse"`
	DesktopsPreparing       int `json:"DesktopsPreparing"`
	DesktopsNeverRegistered int `json:"DesktopsNeverRegistered"`
	TotalApplicationGroups  int `json:"TotalApplicationGroups"`

	MachineType MachineType `json:"MachineType"`
	// MachineOperatingSystems and VdaVersions count the group's machines
	// by operating system and by agent version.
	MachineOperatingSystems []NameCount `json:"MachineOperatingSystems"`
	VdaVersions             []NameCount `json:"VdaVersions"`

	SecureIcaRequired        bool            `json:"SecureIcaRequired"`
	ShutdownDesktopsAfterUse bool            `json:"ShutdownDesktopsAfterUse"`
	TimeZone                 string          `json:"TimeZone"`
	ColorDepth               ColorDepth      `json:"ColorDepth"`
	LoadBalanceType          LoadBalanceType `json:"LoadBalanceType"`
	// ProtocolPriority lists the display protocols in order of preference.
	ProtocolPriority []string `json:"ProtocolPriority"`
	// PeakBufferSizePercent and OffPeakBufferSizePercent are the share of
	// machines autoscale keeps powered on and free, in and out of peak
	// hours.
	PeakBufferSizePercent    int `json:"PeakBufferSizePercent"`
	OffPeakBufferSizePercent int `json:"OffPeakBufferSizePercent"`

	// PowerTimeSchemes (PowerTimeSchemeResponseModel[]) and
	// SimpleAccessPolicy (SimplifiedAccessPolicyResponseModel), as raw
	// JSON; absent or null leaves them nil.
	PowerTimeSchemes   json.RawMessage `json:"PowerTimeSchemes,omitempty"`
	SimpleAccessPolicy json.RawMessage `json:"SimpleAccessPolicy,omitempty"`
}

// UnmarshalJSON decodes a delivery group detail as leniently as
// [DeliveryGroup.UnmarshalJSON]: each field of an unexpected JSON type is
// left zero.
func (d *DeliveryGroupDetail) UnmarshalJSON(data []byte) error {
	if err := d.DeliveryGroup.UnmarshalJSON(data); err != nil {
		return err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil || obj == nil {
		return nil // null, or a JSON error the group's decode reported
	}
	byName := make(map[string]json.RawMessage, len(obj))
	for k, raw := range obj {
		byName[strings.ToLower(k)] = raw // matched as encoding/json does, ignoring case
	}
	v := reflect.ValueOf(d).Elem()
	for _, f := range reflect.VisibleFields(v.Type()) {
		if f.Anonymous || len(f.Index) > 1 {
			continue // DeliveryGroup and its fields, decoded above
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		raw, ok := byName[strings.ToLower(name)]
		if !ok || string(raw) == "null" {
			continue
		}
		field := v.FieldByIndex(f.Index)
		if json.Unmarshal(raw, field.Addr().Interface()) != nil {
			field.SetZero()
		}
	}
	return nil
}

// DeliveryGroupPage is one page of a delivery group list.
type DeliveryGroupPage = Page[DeliveryGroup]

// DeliveryGroupMachines takes machines from a catalog into a delivery
// group: the API's DeliveryGroupAddMachinesRequestModel.
type DeliveryGroupMachines struct {
	// MachineCatalog is the catalog's name or id. Required.
	MachineCatalog string `json:"MachineCatalog"`
	// Count is how many of the catalog's free machines to take.
	Count int `json:"Count,omitempty"`
	// AssignMachinesToUsers names machines and the users they go to, raw
	// JSON in the API's shape (an array of AssignMachineToUserRequestModel).
	AssignMachinesToUsers json.RawMessage `json:"AssignMachinesToUsers,omitempty"`
}

func (m *DeliveryGroupMachines) validate(what string) error {
	switch {
	case strings.TrimSpace(m.MachineCatalog) == "":
		return inputErr(what, "MachineCatalog is required")
	case m.Count < 0:
		return inputErr(what, "negative Count %d", m.Count)
	case m.Count == 0 && len(m.AssignMachinesToUsers) == 0:
		return inputErr(what, "Count must be at least 1 (or AssignMachinesToUsers set)")
	}
	return nil
}

// CreateDeliveryGroupRequest is the body of a delivery group creation, the
// commonly used fields of the API's CreateDeliveryGroupRequestModel. Name is
// required; fields left zero are not sent, and the service uses its
// defaults. Deeply nested parts are raw JSON in the API's own shape.
type CreateDeliveryGroupRequest struct {
	// Name is the group's name, unique in its folder. Required.
	Name string `json:"Name"`

	AdminFolder            string                  `json:"AdminFolder,omitempty"` // path or id
	Description            string                  `json:"Description,omitempty"`
	DeliveryType           DeliveryKind            `json:"DeliveryType,omitempty"`
	SessionSupport         SessionSupport          `json:"SessionSupport,omitempty"`
	SharingKind            SharingKind             `json:"SharingKind,omitempty"`
	MinimumFunctionalLevel FunctionalLevel         `json:"MinimumFunctionalLevel,omitempty"`
	Enabled                *bool                   `json:"Enabled,omitempty"`           // service default true
	InMaintenanceMode      *bool                   `json:"InMaintenanceMode,omitempty"` // service default false
	IsRemotePC             *bool                   `json:"IsRemotePC,omitempty"`
	MachineCatalogs        []DeliveryGroupMachines `json:"MachineCatalogs,omitempty"` // machines to take at once
	Scopes                 []string                `json:"Scopes,omitempty"`          // names or ids
	Tenants                []string                `json:"Tenants,omitempty"`         // names or ids
	Metadata               []NameValue             `json:"Metadata,omitempty"`

	// Desktops (DesktopRequestModel[]), SimpleAccessPolicy and
	// RebootSchedules, as raw JSON.

	Desktops           json.RawMessage `json:"Desktops,omitempty"`
	SimpleAccessPolicy json.RawMessage `json:"SimpleAccessPolicy,omitempty"`
	RebootSchedules    json.RawMessage `json:"RebootSchedules,omitempty"`
}

func (r *CreateDeliveryGroupRequest) validate() error {
	if strings.TrimSpace(r.Name) == "" {
		return inputErr("CreateDeliveryGroupRequest", "Name is required")
	}
	for i := range r.MachineCatalogs {
		if err := r.MachineCatalogs[i].validate(fmt.Sprintf("CreateDeliveryGroupRequest.MachineCatalogs[%d]", i)); err != nil {
			return err
		}
	}
	return nil
}

// UpdateDeliveryGroupRequest is the body of a delivery group update, the
// commonly used fields of the API's EditDeliveryGroupRequestModel. Only the
// fields that are set are sent; [Ptr] makes the pointers.
type UpdateDeliveryGroupRequest struct {
	Name                   *string          `json:"Name,omitempty"`
	Description            *string          `json:"Description,omitempty"`
	PublishedName          *string          `json:"PublishedName,omitempty"`
	AdminFolder            *string          `json:"AdminFolder,omitempty"` // path or id
	DeliveryType           *DeliveryKind    `json:"DeliveryType,omitempty"`
	Enabled                *bool            `json:"Enabled,omitempty"`
	InMaintenanceMode      *bool            `json:"InMaintenanceMode,omitempty"`
	MinimumFunctionalLevel *FunctionalLevel `json:"MinimumFunctionalLevel,omitempty"`
	RequireUserHomeZone    *bool            `json:"RequireUserHomeZone,omitempty"`
	Scopes                 []string         `json:"Scopes,omitzero"`
	Tenants                []string         `json:"Tenants,omitzero"`
	Metadata               []NameValue      `json:"Metadata,omitzero"` // an empty Value removes the entry
}

func (r *UpdateDeliveryGroupRequest) validate() error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("daas: UpdateDeliveryGroupRequest: %w", err)
	}
	if string(b) == "{}" {
		return inputErr("UpdateDeliveryGroupRequest", "no field is set; nothing to update")
	}
	if r.Name != nil && strings.TrimSpace(*r.Name) == "" {
		return inputErr("UpdateDeliveryGroupRequest", "Name is set but empty")
	}
	return nil
}

// RebootCycleRequest is the body of a reboot cycle, the API's
// RebootCycleRequestModel. Every field is optional; unset ones are not sent.
type RebootCycleRequest struct {
	// RebootDurationMinutes is roughly how long the cycle takes to reboot
	// every machine; 0 reboots them all at once.
	RebootDurationMinutes *int `json:"RebootDurationMinutes,omitempty"`
	// IgnoreMaintenanceMode reboots machines in maintenance mode too.
	IgnoreMaintenanceMode *bool `json:"IgnoreMaintenanceMode,omitempty"`
	// RestrictToTag reboots only the machines with this tag.
	RestrictToTag string `json:"RestrictToTag,omitempty"`
	// WarningTitle and WarningMessage are shown in the sessions of a
	// machine about to reboot.
	WarningTitle   string `json:"WarningTitle,omitempty"`
	WarningMessage string `json:"WarningMessage,omitempty"`
	// WarningDurationMinutes is how long before the reboot the warning
	// shows; WarningRepeatIntervalMinutes how often it repeats.
	WarningDurationMinutes       *int `json:"WarningDurationMinutes,omitempty"`
	WarningRepeatIntervalMinutes *int `json:"WarningRepeatIntervalMinutes,omitempty"`
}

func (r *RebootCycleRequest) validate() error {
	for _, f := range []struct {
		name string
		v    *int
	}{{"RebootDurationMinutes", r.RebootDurationMinutes}, {"WarningDurationMinutes", r.WarningDurationMinutes}, {"WarningRepeatIntervalMinutes", r.WarningRepeatIntervalMinutes}} {
		if f.v != nil && *f.v < 0 {
			return inputErr("RebootCycleRequest", "negative %s %d", f.name, *f.v)
		}
	}
	if r.WarningMessage == "" && (r.WarningDurationMinutes != nil || r.WarningRepeatIntervalMinutes != nil || r.WarningTitle != "") {
		return inputErr("RebootCycleRequest", "warning settings without a WarningMessage")
	}
	return nil
}

// ForceDelete deletes a delivery group even when machines in it are assigned to
// users (the force parameter). It applies to delivery groups only.
func ForceDelete() DeleteOption {
	return func(c *deleteConfig) { c.q.Set("force", "true") }
}

// groupPath is the path template of one delivery group.
const groupPath = "DeliveryGroups/{group}"

// List returns one page of delivery groups (GET /DeliveryGroups). Pass the
// page's ContinuationToken back with [ContinuationToken] for the next one,
// or use [DeliveryGroupsService.All].
func (s *DeliveryGroupsService) List(ctx context.Context, opts ...ListOption) (*DeliveryGroupPage, error) {
	cfg, err := newListConfig(opts)
	if err != nil {
		return nil, err
	}
	return page[DeliveryGroup](ctx, s.client, op{method: http.MethodGet, path: "DeliveryGroups"}, cfg)
}

// All returns every delivery group, fetching the pages of GET
// /DeliveryGroups as the loop reaches them. A failed page ends the sequence
// with its error, yielded once.
func (s *DeliveryGroupsService) All(ctx context.Context, opts ...ListOption) iter.Seq2[DeliveryGroup, error] {
	cfg, err := newListConfig(opts)
	return all[DeliveryGroup](ctx, s.client, op{method: http.MethodGet, path: "DeliveryGroups"}, cfg, err)
}

// ListAsync lists every delivery group as a job of the service (GET
// /DeliveryGroups?async=true, job type GetDeliveryGroups); the job's result
// holds all pages.
func (s *DeliveryGroupsService) ListAsync(ctx context.Context, opts ...ListOption) (*Job[[]DeliveryGroup], error) {
	cfg, err := newListConfig(opts)
	if err != nil {
		return nil, err
	}
	return listJob[DeliveryGroup](ctx, s.client, op{method: http.MethodGet, path: "DeliveryGroups"}, cfg)
}

// Get returns one delivery group in full, with the counts of its machines,
// by id, name or "Folder|Name" path (GET /DeliveryGroups/{nameOrId}). One
// that does not exist gives an error matching [ErrNotFound].
func (s *DeliveryGroupsService) Get(ctx context.Context, nameOrID string) (*DeliveryGroupDetail, error) {
	return one[DeliveryGroupDetail](ctx, s.client, op{method: http.MethodGet, path: groupPath, args: []string{nameOrID}})
}

// GetAsync reads one delivery group as a job (GET
// /DeliveryGroups/{nameOrId}?async=true). Of the list options only [Fields]
// applies. The spec (v1.0.31) does not declare async on this operation; a
// service that answers it synchronously makes GetAsync fail with an
// "expected 202" error, and [DeliveryGroupsService.Get] is the way then.
func (s *DeliveryGroupsService) GetAsync(ctx context.Context, nameOrID string, opts ...ListOption) (*Job[*DeliveryGroupDetail], error) {
	o := op{method: http.MethodGet, path: groupPath, args: []string{nameOrID}}
	if err := o.check(); err != nil {
		return nil, err
	}
	cfg, err := listOptions("DeliveryGroups.GetAsync", opts, "Fields")
	if err != nil {
		return nil, err
	}
	o.query = cfg.query()
	return job(ctx, s.client, o, oneResult[DeliveryGroupDetail])
}

// Create creates a delivery group and returns it (POST /DeliveryGroups),
// with the machines req.MachineCatalogs takes. A name already in use gives
// an error matching [ErrConflict].
func (s *DeliveryGroupsService) Create(ctx context.Context, req CreateDeliveryGroupRequest) (*DeliveryGroupDetail, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	var readBack func(context.Context) (*DeliveryGroupDetail, error)
	if !isGUID(req.AdminFolder) {
		readBack = func(ctx context.Context) (*DeliveryGroupDetail, error) {
			return s.Get(ctx, joinFolder(folderPath(req.AdminFolder), req.Name))
		}
	}
	return writeThenRead(ctx, s.client, op{method: http.MethodPost, path: "DeliveryGroups", body: req}, hasGroupID, readBack)
}

func hasGroupID(g *DeliveryGroupDetail) bool { return g.ID != "" }

// CreateAsync starts the creation of a delivery group as a job (POST
// /DeliveryGroups?async=true, job type CreateDeliveryGroup); its result is
// the new group.
func (s *DeliveryGroupsService) CreateAsync(ctx context.Context, req CreateDeliveryGroupRequest) (*Job[*DeliveryGroupDetail], error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return job(ctx, s.client, op{method: http.MethodPost, path: "DeliveryGroups", body: req}, oneResult[DeliveryGroupDetail])
}

// groupUpdate is the checked update of one group.
func groupUpdate(nameOrID string, req *UpdateDeliveryGroupRequest) (op, error) {
	o := op{method: http.MethodPatch, path: groupPath, args: []string{nameOrID}, body: req}
	if err := o.check(); err != nil {
		return op{}, err
	}
	return o, req.validate()
}

// Update changes the fields of a delivery group that req sets (PATCH
// /DeliveryGroups/{nameOrId}, answered 204) and returns the group as it is
// afterwards, read back under its new name when req renames it.
func (s *DeliveryGroupsService) Update(ctx context.Context, nameOrID string, req UpdateDeliveryGroupRequest) (*DeliveryGroupDetail, error) {
	o, err := groupUpdate(nameOrID, &req)
	if err != nil {
		return nil, err
	}
	after := nameOrID
	if !isGUID(nameOrID) && (req.Name != nil || req.AdminFolder != nil) {
		cur, err := s.Get(ctx, nameOrID) // its id stays the same
		if err != nil {
			return nil, err
		}
		after = cur.ID
	}
	return writeThenRead(ctx, s.client, o, func(*DeliveryGroupDetail) bool { return false },
		func(ctx context.Context) (*DeliveryGroupDetail, error) { return s.Get(ctx, after) })
}

// UpdateAsync starts an update of a delivery group as a job (PATCH
// /DeliveryGroups/{nameOrId}?async=true, job type UpdateDeliveryGroup).
func (s *DeliveryGroupsService) UpdateAsync(ctx context.Context, nameOrID string, req UpdateDeliveryGroupRequest) (*Job[*DeliveryGroupDetail], error) {
	o, err := groupUpdate(nameOrID, &req)
	if err != nil {
		return nil, err
	}
	return job(ctx, s.client, o, oneResult[DeliveryGroupDetail])
}

// groupDelete is the checked deletion of one group.
func groupDelete(nameOrID string, opts []DeleteOption) (op, error) {
	o := op{method: http.MethodDelete, path: groupPath, args: []string{nameOrID}}
	if err := o.check(); err != nil {
		return op{}, err
	}
	q, err := newDeleteConfig(opts)
	if err != nil {
		return op{}, err
	}
	for k := range q {
		if k != "force" {
			return op{}, inputErr("DeliveryGroups.Delete", "option %s applies to catalogs, not delivery groups", k)
		}
	}
	o.query = q
	return o, nil
}

// Delete deletes a delivery group (DELETE /DeliveryGroups/{nameOrId}); its
// machines stay in their catalogs. Of the delete options only [ForceDelete]
// applies.
func (s *DeliveryGroupsService) Delete(ctx context.Context, nameOrID string, opts ...DeleteOption) error {
	o, err := groupDelete(nameOrID, opts)
	if err != nil {
		return err
	}
	return none(ctx, s.client, o)
}

// DeleteAsync starts the deletion of a delivery group as a job (DELETE
// /DeliveryGroups/{nameOrId}?async=true, job type DeleteDeliveryGroup).
func (s *DeliveryGroupsService) DeleteAsync(ctx context.Context, nameOrID string, opts ...DeleteOption) (*Job[struct{}], error) {
	o, err := groupDelete(nameOrID, opts)
	if err != nil {
		return nil, err
	}
	return job(ctx, s.client, o, noResult)
}

// Machines returns the machines of a delivery group, fetching the pages of
// GET /DeliveryGroups/{nameOrId}/Machines as the loop reaches them. Of the
// list options [PageSize] and [ContinuationToken] apply.
func (s *DeliveryGroupsService) Machines(ctx context.Context, group string, opts ...ListOption) iter.Seq2[Machine, error] {
	o := op{method: http.MethodGet, path: groupPath + "/Machines", args: []string{group}}
	cfg, err := listOptions("DeliveryGroups.Machines", opts, "PageSize", "ContinuationToken")
	if err == nil {
		err = o.check()
	}
	return all[Machine](ctx, s.client, o, cfg, err)
}

// addMachines is the checked operation of AddMachinesAsync.
func addMachines(group, catalog string, count int) (op, error) {
	o := op{method: http.MethodPost, path: groupPath + "/Machines", args: []string{group}}
	if err := o.check(); err != nil {
		return op{}, err
	}
	body := DeliveryGroupMachines{MachineCatalog: catalog, Count: count}
	o.body = body
	return o, body.validate("AddMachines")
}

// AddMachinesAsync takes count free machines (in no delivery group) of a
// catalog into a delivery group, as a job (POST
// /DeliveryGroups/{nameOrId}/Machines?async=true, job type
// AddDeliveryGroupMachines, body DeliveryGroupAddMachinesRequestModel). Its
// result is the group afterwards. A catalog with fewer free machines makes
// the job fail.
func (s *DeliveryGroupsService) AddMachinesAsync(ctx context.Context, group, catalog string, count int) (*Job[*DeliveryGroupDetail], error) {
	o, err := addMachines(group, catalog, count)
	if err != nil {
		return nil, err
	}
	return job(ctx, s.client, o, oneResult[DeliveryGroupDetail])
}

// removeMachine is the operation of RemoveMachineAsync.
func removeMachine(group, machine string) op {
	return op{method: http.MethodDelete, path: groupPath + "/Machines/{machine}", args: []string{group, machine}}
}

// RemoveMachineAsync takes a machine (id, SAM name or DNS name) out of a
// delivery group, as a job (DELETE
// /DeliveryGroups/{nameOrId}/Machines/{machine}?async=true, job type
// RemoveDeliveryGroupMachines). The machine stays in its catalog. The "\"
// of a SAM name is sent as "|", as the service wants it.
func (s *DeliveryGroupsService) RemoveMachineAsync(ctx context.Context, group, machine string) (*Job[struct{}], error) {
	return job(ctx, s.client, removeMachine(group, machine), noResult)
}

// StartRebootCycleAsync starts a reboot cycle of the machines of a delivery
// group (POST /DeliveryGroups/{nameOrId}/$StartRebootCycle?async=true, job
// type StartDeliveryGroupRebootCycle, body RebootCycleRequestModel), for
// example after a catalog's image update, so that every machine restarts on
// the new image.
func (s *DeliveryGroupsService) StartRebootCycleAsync(ctx context.Context, group string, req RebootCycleRequest) (*Job[struct{}], error) {
	o := op{method: http.MethodPost, path: groupPath + "/$StartRebootCycle", args: []string{group}, body: &req}
	if err := o.check(); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	return job(ctx, s.client, o, noResult)
}

// AddMachinesItem is [DeliveryGroupsService.AddMachinesAsync] as a
// [Client.Batch] item, checked and escaped the same way.
func (s *DeliveryGroupsService) AddMachinesItem(group, catalog string, count int) (BatchItem, error) {
	o, err := addMachines(group, catalog, count)
	if err != nil {
		return BatchItem{}, err
	}
	return asyncItem(s.client, o)
}

// RemoveMachineItem is [DeliveryGroupsService.RemoveMachineAsync] as a
// [Client.Batch] item, checked and escaped the same way.
func (s *DeliveryGroupsService) RemoveMachineItem(group, machine string) (BatchItem, error) {
	return asyncItem(s.client, removeMachine(group, machine))
}
