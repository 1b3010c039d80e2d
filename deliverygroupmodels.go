package daas

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

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

// plain is the group without its methods, for decoding in a page.
func (g *DeliveryGroup) plain() any { return (*plainDeliveryGroup)(g) }

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

// UnmarshalJSON decodes a delivery group detail leniently, as decodeModel
// does every model: each field of an unexpected JSON type is left zero.
func (d *DeliveryGroupDetail) UnmarshalJSON(data []byte) error {
	// The field named UnmarshalJSON hides the method the embedded
	// DeliveryGroup would lend the wrapper, which would decode the group's
	// fields alone; the detail's fields are decoded in the same pass.
	err := decodeModel(data, &struct {
		*plainGroupDetail
		UnmarshalJSON struct{} `json:"-"`
	}{plainGroupDetail: (*plainGroupDetail)(d)})
	dropNullRaw(reflect.ValueOf(d))
	return err
}

// plainGroupDetail is DeliveryGroupDetail without its own methods.
type plainGroupDetail DeliveryGroupDetail

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
