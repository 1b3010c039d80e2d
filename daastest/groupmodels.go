package daastest

import (
	"cmp"
	"encoding/json"
	"time"
)

// This file holds the delivery group wire models: the list item and detail
// answers the fake writes and the request bodies it reads.

// groupModel is DeliveryGroupResponseModel, the shape of list items. It
// has every property the spec requires, and the optional ones the fake
// can derive from its state.
type groupModel struct {
	ID                            string       `json:"Id"`
	UID                           int          `json:"Uid"`
	Name                          string       `json:"Name"`
	FullName                      string       `json:"FullName"`
	Description                   *string      `json:"Description"`
	PublishedName                 string       `json:"PublishedName"`
	UserManagement                string       `json:"UserManagement"`
	Delivering                    string       `json:"Delivering"`
	DeliveryType                  string       `json:"DeliveryType"`
	SessionSupport                string       `json:"SessionSupport"`
	SharingKind                   string       `json:"SharingKind"`
	Enabled                       bool         `json:"Enabled"`
	InMaintenanceMode             bool         `json:"InMaintenanceMode"`
	IsBroken                      bool         `json:"IsBroken"`
	IsRemotePC                    bool         `json:"IsRemotePC"`
	IsPowerManaged                bool         `json:"IsPowerManaged"`
	AutoscalingEnabled            bool         `json:"AutoscalingEnabled"`
	HasBeenPromoted               bool         `json:"HasBeenPromoted"`
	HasBeenPromotedFrom           string       `json:"HasBeenPromotedFrom"`
	RequireUserHomeZone           bool         `json:"RequireUserHomeZone"`
	MinimumFunctionalLevel        string       `json:"MinimumFunctionalLevel"`
	MachineLogOnType              string       `json:"MachineLogOnType"`
	LicenseModel                  string       `json:"LicenseModel"`
	ProductCode                   *string      `json:"ProductCode"`
	PolicySetGUID                 string       `json:"PolicySetGuid"`
	ApplicationGroupCompatibility string       `json:"ApplicationGroupCompatibility"`
	ApplicationCompatibility      string       `json:"ApplicationCompatibility"`
	DesktopCompatibility          string       `json:"DesktopCompatibility"`
	RequiredSleepCapability       string       `json:"RequiredSleepCapability"`
	DesktopsAvailable             int          `json:"DesktopsAvailable"`
	DesktopsDisconnected          int          `json:"DesktopsDisconnected"`
	DesktopsFaulted               int          `json:"DesktopsFaulted"`
	DesktopsUnregistered          int          `json:"DesktopsUnregistered"`
	SessionCount                  int          `json:"SessionCount"`
	TotalApplications             int          `json:"TotalApplications"`
	TotalDesktops                 int          `json:"TotalDesktops"`
	AdminFolder                   *refModel    `json:"AdminFolder"`
	Scopes                        []scopeModel `json:"Scopes"`
	Tenants                       []refModel   `json:"Tenants"`
	Tags                          []string     `json:"Tags"`
	Metadata                      []NameValue  `json:"Metadata"`
}

// nameCount is NameValueIntPairModel.
type nameCount struct {
	Name  string `json:"Name"`
	Value int    `json:"Value"`
}

// groupDetailModel is DeliveryGroupDetailResponseModel: the list shape
// plus the detail-only properties the spec requires and a few optional
// ones. It is what GET one, a sync create and a sync add of machines
// return.
type groupDetailModel struct {
	groupModel
	TotalMachines             int         `json:"TotalMachines"`
	RegisteredMachines        int         `json:"RegisteredMachines"`
	MachinesInMaintenanceMode int         `json:"MachinesInMaintenanceMode"`
	OffMachines               int         `json:"OffMachines"`
	UnassignedMachines        int         `json:"UnassignedMachines"`
	DesktopsInUse             int         `json:"DesktopsInUse"`
	DesktopsNeverRegistered   int         `json:"DesktopsNeverRegistered"`
	DesktopsPreparing         int         `json:"DesktopsPreparing"`
	TotalApplicationGroups    int         `json:"TotalApplicationGroups"`
	MachineType               string      `json:"MachineType"`
	MachineOperatingSystems   []nameCount `json:"MachineOperatingSystems"`
	VdaVersions               []nameCount `json:"VdaVersions"`
	SecureIcaRequired         bool        `json:"SecureIcaRequired"`
	ShutdownDesktopsAfterUse  bool        `json:"ShutdownDesktopsAfterUse"`
	TimeZone                  *string     `json:"TimeZone"`
}

// groupOS is the operating system the fake reports for the machines of
// every group, and groupVDA their agent version.
const (
	groupOS  = "Windows 11 Enterprise"
	groupVDA = "2411.0.0.1"
)

// groupModel renders g as a list item at service time now. Callers hold
// s.mu.
func (s *Server) groupModel(g *DeliveryGroup, now time.Time) groupModel {
	m := groupModel{
		ID: g.ID, UID: g.UID, Name: g.Name, FullName: groupFullName(g), Description: strPtr(g.Description),
		PublishedName: cmp.Or(g.PublishedName, g.Name), UserManagement: "Studio",
		Delivering: g.DeliveryType, DeliveryType: g.DeliveryType, SessionSupport: g.SessionSupport, SharingKind: "Shared",
		Enabled: !g.Disabled, InMaintenanceMode: g.InMaintenanceMode, IsPowerManaged: true,
		HasBeenPromotedFrom: "Unknown", RequireUserHomeZone: g.RequireUserHomeZone, MinimumFunctionalLevel: "L7_20",
		MachineLogOnType: "ActiveDirectory", LicenseModel: "Concurrent", PolicySetGUID: "00000000-0000-0000-0000-000000000000",
		ApplicationGroupCompatibility: "Compatible", ApplicationCompatibility: "Compatible", DesktopCompatibility: "Compatible",
		RequiredSleepCapability: "None",
		AdminFolder:             s.folderRef(g.AdminFolder), Scopes: []scopeModel{}, Tenants: []refModel{}, Tags: []string{}, Metadata: []NameValue{},
	}
	switch g.DeliveryType {
	case "DesktopsOnly":
		m.ApplicationGroupCompatibility, m.ApplicationCompatibility = "IncompatibleDeliveryType", "IncompatibleDeliveryType"
	case "AppsOnly":
		m.DesktopCompatibility = "IncompatibleDeliveryType"
	}
	for _, mc := range s.groupMachines(g) {
		if g.DeliveryType != "AppsOnly" {
			m.TotalDesktops++
		}
		m.SessionCount += mc.SessionCount
		switch summaryState(mc, s.powerStateAt(mc, now)) {
		case "Available":
			m.DesktopsAvailable++
		case "Unregistered":
			m.DesktopsUnregistered++
		}
	}
	return m
}

// groupDetail renders g as the detail answer at service time now: its
// machine counts come from the machines in it. The fake models no
// disconnected, faulted, preparing or never-registered desktops, and no
// applications. Callers hold s.mu.
func (s *Server) groupDetail(g *DeliveryGroup, now time.Time) groupDetailModel {
	d := groupDetailModel{
		groupModel: s.groupModel(g, now), MachineType: "Unknown",
		MachineOperatingSystems: []nameCount{}, VdaVersions: []nameCount{},
	}
	for _, mc := range s.groupMachines(g) {
		d.TotalMachines++
		power := s.powerStateAt(mc, now)
		if mc.RegistrationState == "Registered" {
			d.RegisteredMachines++
		}
		if mc.InMaintenanceMode {
			d.MachinesInMaintenanceMode++
		}
		if power == "Off" || power == "Suspended" {
			d.OffMachines++
		}
		if summaryState(mc, power) == "InUse" {
			d.DesktopsInUse++
		}
		if cat := s.findCatalog(mc.Catalog); cat != nil && d.MachineType == "Unknown" {
			d.MachineType = cat.MachineType
		}
	}
	if d.TotalMachines > 0 {
		d.MachineOperatingSystems = []nameCount{{Name: groupOS, Value: d.TotalMachines}}
		d.VdaVersions = []nameCount{{Name: groupVDA, Value: d.TotalMachines}}
	}
	return d
}

// groupMachinesRequest is DeliveryGroupAddMachinesRequestModel.
type groupMachinesRequest struct {
	MachineCatalog        string `json:"MachineCatalog"`
	Count                 int    `json:"Count"`
	AssignMachinesToUsers []struct {
		Machine              string          `json:"Machine"`
		Users                []string        `json:"Users"`
		MachinePublishedName json.RawMessage `json:"MachinePublishedName"`
		Icon                 json.RawMessage `json:"Icon"`
	} `json:"AssignMachinesToUsers"`
}

// groupFields are the properties CreateDeliveryGroupRequestModel and
// EditDeliveryGroupRequestModel share that the fake reads.
type groupFields struct {
	namePatch
	DeliveryType        *string `json:"DeliveryType"`
	Enabled             *bool   `json:"Enabled"`
	InMaintenanceMode   *bool   `json:"InMaintenanceMode"`
	RequireUserHomeZone *bool   `json:"RequireUserHomeZone"`
}

// groupSettings are the properties both request models share that the fake
// accepts and ignores: desktops, access policies, autoscale and session
// settings.
type groupSettings struct {
	MinimumFunctionalLevel                               json.RawMessage `json:"MinimumFunctionalLevel"`
	Desktops                                             json.RawMessage `json:"Desktops"`
	Scopes                                               json.RawMessage `json:"Scopes"`
	Tenants                                              json.RawMessage `json:"Tenants"`
	Metadata                                             json.RawMessage `json:"Metadata"`
	ReuseMachinesWithoutShutdownInOutage                 json.RawMessage `json:"ReuseMachinesWithoutShutdownInOutage"`
	LoadBalanceType                                      json.RawMessage `json:"LoadBalanceType"`
	AppProtectionKeyLoggingRequired                      json.RawMessage `json:"AppProtectionKeyLoggingRequired"`
	AppProtectionScreenCaptureRequired                   json.RawMessage `json:"AppProtectionScreenCaptureRequired"`
	AppAccessPolicy                                      json.RawMessage `json:"AppAccessPolicy"`
	AutomaticPowerOnForAssigned                          json.RawMessage `json:"AutomaticPowerOnForAssigned"`
	AutomaticPowerOnForAssignedDuringPeak                json.RawMessage `json:"AutomaticPowerOnForAssignedDuringPeak"`
	AutoScaleEnabled                                     json.RawMessage `json:"AutoScaleEnabled"`
	RestrictAutoscaleTag                                 json.RawMessage `json:"RestrictAutoscaleTag"`
	ColorDepth                                           json.RawMessage `json:"ColorDepth"`
	ProductCode                                          json.RawMessage `json:"ProductCode"`
	LicenseModel                                         json.RawMessage `json:"LicenseModel"`
	DefaultDesktopIcon                                   json.RawMessage `json:"DefaultDesktopIcon"`
	HdxSslEnabled                                        json.RawMessage `json:"HdxSslEnabled"`
	LingerSettings                                       json.RawMessage `json:"LingerSettings"`
	RestrictAutoscaleMinIdleUntaggedPercentDuringPeak    json.RawMessage `json:"RestrictAutoscaleMinIdleUntaggedPercentDuringPeak"`
	RestrictAutoscaleMinIdleUntaggedPercentDuringOffPeak json.RawMessage `json:"RestrictAutoscaleMinIdleUntaggedPercentDuringOffPeak"`
	OffPeakBufferSizePercent                             json.RawMessage `json:"OffPeakBufferSizePercent"`
	OffPeakDisconnectAction                              json.RawMessage `json:"OffPeakDisconnectAction"`
	OffPeakDisconnectTimeoutMinutes                      json.RawMessage `json:"OffPeakDisconnectTimeoutMinutes"`
	OffPeakExtendedDisconnectAction                      json.RawMessage `json:"OffPeakExtendedDisconnectAction"`
	OffPeakExtendedDisconnectTimeoutMinutes              json.RawMessage `json:"OffPeakExtendedDisconnectTimeoutMinutes"`
	OffPeakLogOffAction                                  json.RawMessage `json:"OffPeakLogOffAction"`
	OffPeakLogOffTimeoutMinutes                          json.RawMessage `json:"OffPeakLogOffTimeoutMinutes"`
	PeakAutoscaleAssignedPowerOnIdleTimeoutMinutes       json.RawMessage `json:"PeakAutoscaleAssignedPowerOnIdleTimeoutMinutes"`
	PeakAutoscaleAssignedPowerOnIdleAction               json.RawMessage `json:"PeakAutoscaleAssignedPowerOnIdleAction"`
	PeakBufferSizePercent                                json.RawMessage `json:"PeakBufferSizePercent"`
	PeakDisconnectAction                                 json.RawMessage `json:"PeakDisconnectAction"`
	PeakDisconnectTimeoutMinutes                         json.RawMessage `json:"PeakDisconnectTimeoutMinutes"`
	PeakExtendedDisconnectAction                         json.RawMessage `json:"PeakExtendedDisconnectAction"`
	PeakExtendedDisconnectTimeoutMinutes                 json.RawMessage `json:"PeakExtendedDisconnectTimeoutMinutes"`
	LimitSecondsToForceLogOffUserDuringPeak              json.RawMessage `json:"LimitSecondsToForceLogOffUserDuringPeak"`
	LimitSecondsToForceLogOffUserDuringOffPeak           json.RawMessage `json:"LimitSecondsToForceLogOffUserDuringOffPeak"`
	LogOffWarningMessage                                 json.RawMessage `json:"LogOffWarningMessage"`
	LogOffWarningTitle                                   json.RawMessage `json:"LogOffWarningTitle"`
	PeakLogOffAction                                     json.RawMessage `json:"PeakLogOffAction"`
	PeakLogOffTimeoutMinutes                             json.RawMessage `json:"PeakLogOffTimeoutMinutes"`
	DisconnectPeakIdleSessionAfterSeconds                json.RawMessage `json:"DisconnectPeakIdleSessionAfterSeconds"`
	DisconnectOffPeakIdleSessionAfterSeconds             json.RawMessage `json:"DisconnectOffPeakIdleSessionAfterSeconds"`
	LogoffPeakDisconnectedSessionAfterSeconds            json.RawMessage `json:"LogoffPeakDisconnectedSessionAfterSeconds"`
	LogoffOffPeakDisconnectedSessionAfterSeconds         json.RawMessage `json:"LogoffOffPeakDisconnectedSessionAfterSeconds"`
	PowerTimeSchemes                                     json.RawMessage `json:"PowerTimeSchemes"`
	PowerOffDelayMinutes                                 json.RawMessage `json:"PowerOffDelayMinutes"`
	AutoscaleLogOffReminderEnabled                       json.RawMessage `json:"AutoscaleLogOffReminderEnabled"`
	AutoscaleLogOffReminderIntervalSecondsOffPeak        json.RawMessage `json:"AutoscaleLogOffReminderIntervalSecondsOffPeak"`
	AutoscaleLogOffReminderIntervalSecondsPeak           json.RawMessage `json:"AutoscaleLogOffReminderIntervalSecondsPeak"`
	AutoscaleLogOffReminderMessage                       json.RawMessage `json:"AutoscaleLogOffReminderMessage"`
	AutoscaleLogOffReminderTitle                         json.RawMessage `json:"AutoscaleLogOffReminderTitle"`
	AutoscaleScaleDownActionDuringPeak                   json.RawMessage `json:"AutoscaleScaleDownActionDuringPeak"`
	AutoscaleScaleDownActionDuringOffPeak                json.RawMessage `json:"AutoscaleScaleDownActionDuringOffPeak"`
	MachineCost                                          json.RawMessage `json:"MachineCost"`
	MachineLogOnType                                     json.RawMessage `json:"MachineLogOnType"`
	PrelaunchSettings                                    json.RawMessage `json:"PrelaunchSettings"`
	ProtocolPriority                                     json.RawMessage `json:"ProtocolPriority"`
	RebootSchedules                                      json.RawMessage `json:"RebootSchedules"`
	SettlementPeriodBeforeAutoShutdownSeconds            json.RawMessage `json:"SettlementPeriodBeforeAutoShutdownSeconds"`
	SettlementPeriodBeforeUseSeconds                     json.RawMessage `json:"SettlementPeriodBeforeUseSeconds"`
	ShutdownDesktopsAfterUse                             json.RawMessage `json:"ShutdownDesktopsAfterUse"`
	SimpleAccessPolicy                                   json.RawMessage `json:"SimpleAccessPolicy"`
	StoreFrontServersForHostedReceiver                   json.RawMessage `json:"StoreFrontServersForHostedReceiver"`
	TimeZone                                             json.RawMessage `json:"TimeZone"`
	TurnOnAddedMachines                                  json.RawMessage `json:"TurnOnAddedMachines"`
	ZonePreferences                                      json.RawMessage `json:"ZonePreferences"`
	PolicySetGUID                                        json.RawMessage `json:"PolicySetGuid"`
	RequiredSleepCapability                              json.RawMessage `json:"RequiredSleepCapability"`
}

// createGroupRequest is CreateDeliveryGroupRequestModel: every property of
// the spec is accepted; those the fake does not model are ignored.
type createGroupRequest struct {
	groupFields
	groupSettings
	SessionSupport              string                 `json:"SessionSupport"`
	SharingKind                 json.RawMessage        `json:"SharingKind"`
	IsRemotePC                  json.RawMessage        `json:"IsRemotePC"`
	UserManagement              json.RawMessage        `json:"UserManagement"`
	Applications                json.RawMessage        `json:"Applications"`
	MachineCatalogs             []groupMachinesRequest `json:"MachineCatalogs"`
	DefaultDesktopPublishedName json.RawMessage        `json:"DefaultDesktopPublishedName"`
	SecureIcaRequired           json.RawMessage        `json:"SecureIcaRequired"`
}

// updateGroupRequest is EditDeliveryGroupRequestModel: every property of
// the spec is accepted; those the fake does not model are ignored.
type updateGroupRequest struct {
	groupFields
	groupSettings
	PublishedName         *string         `json:"PublishedName"`
	AssignMachinesToUsers json.RawMessage `json:"AssignMachinesToUsers"`
	SecureIcaEnabled      json.RawMessage `json:"SecureIcaEnabled"`
	AdvancedAccessPolicy  json.RawMessage `json:"AdvancedAccessPolicy"`
}

// applyTo sets on g the properties f changes. Callers hold s.mu.
func (f *groupFields) applyTo(s *Server, g *DeliveryGroup) {
	s.applyNames(f.namePatch, &g.Name, &g.Description, &g.AdminFolder)
	if f.DeliveryType != nil {
		g.DeliveryType = *f.DeliveryType
	}
	if f.Enabled != nil {
		g.Disabled = !*f.Enabled
	}
	if f.InMaintenanceMode != nil {
		g.InMaintenanceMode = *f.InMaintenanceMode
	}
	if f.RequireUserHomeZone != nil {
		g.RequireUserHomeZone = *f.RequireUserHomeZone
	}
}
