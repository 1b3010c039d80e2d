package daas

import (
	"encoding/json"
)

// PowerState is the power state of a machine. Values the library does not
// know pass through unchanged.
type PowerState string

// The power states of the API. TurningOn, TurningOff, Suspending and
// Resuming are transitional: a power action is under way.
const (
	PowerStateUnknown                PowerState = "Unknown"
	PowerStateUnmanaged              PowerState = "Unmanaged"
	PowerStateUnavailable            PowerState = "Unavailable"
	PowerStateOff                    PowerState = "Off"
	PowerStateOn                     PowerState = "On"
	PowerStateSuspended              PowerState = "Suspended"
	PowerStateTurningOn              PowerState = "TurningOn"
	PowerStateTurningOff             PowerState = "TurningOff"
	PowerStateSuspending             PowerState = "Suspending"
	PowerStateResuming               PowerState = "Resuming"
	PowerStateNotSupported           PowerState = "NotSupported"
	PowerStateVirtualMachineNotFound PowerState = "VirtualMachineNotFound"
)

// Transitional reports whether the state is one a power action passes
// through: TurningOn, TurningOff, Suspending or Resuming.
func (p PowerState) Transitional() bool {
	switch p {
	case PowerStateTurningOn, PowerStateTurningOff, PowerStateSuspending, PowerStateResuming:
		return true
	}
	return false
}

// RegistrationState is whether a machine's Virtual Delivery Agent is
// registered with the site. Values the library does not know pass through
// unchanged.
type RegistrationState string

// The registration states of the API.
const (
	RegistrationStateUnknown      RegistrationState = "Unknown"
	RegistrationStateUnregistered RegistrationState = "Unregistered"
	RegistrationStateInitializing RegistrationState = "Initializing"
	RegistrationStateRegistered   RegistrationState = "Registered"
	RegistrationStateAgentError   RegistrationState = "AgentError"
)

// MaintenanceModeReason is why a machine is in maintenance mode. Values the
// library does not know pass through unchanged.
type MaintenanceModeReason string

// The maintenance mode reasons of the API.
const (
	MaintenanceModeReasonUnknown                MaintenanceModeReason = "Unknown"
	MaintenanceModeReasonNone                   MaintenanceModeReason = "None"
	MaintenanceModeReasonAdministrator          MaintenanceModeReason = "Administrator"
	MaintenanceModeReasonMaxFailedRegistrations MaintenanceModeReason = "MaxFailedRegistrations"
)

// SummaryState is the one-word state of a machine the consoles show.
// Values the library does not know pass through unchanged.
type SummaryState string

// The summary states of the API.
const (
	SummaryStateUnknown      SummaryState = "Unknown"
	SummaryStateOff          SummaryState = "Off"
	SummaryStateUnregistered SummaryState = "Unregistered"
	SummaryStateAvailable    SummaryState = "Available"
	SummaryStateDisconnected SummaryState = "Disconnected"
	SummaryStateInUse        SummaryState = "InUse"
	SummaryStatePreparing    SummaryState = "Preparing"
)

// FaultState is the fault a machine is in, if any. Values the library does
// not know pass through unchanged.
type FaultState string

// The fault states of the API.
const (
	FaultStateUnknown                FaultState = "Unknown"
	FaultStateNone                   FaultState = "None"
	FaultStateFailedToStart          FaultState = "FailedToStart"
	FaultStateStuckOnBoot            FaultState = "StuckOnBoot"
	FaultStateUnregistered           FaultState = "Unregistered"
	FaultStateMaxCapacity            FaultState = "MaxCapacity"
	FaultStateVirtualMachineNotFound FaultState = "VirtualMachineNotFound"
)

// SupportedPowerAction is a power action a machine supports. Values the
// library does not know pass through unchanged.
type SupportedPowerAction string

// The power actions of the API.
const (
	SupportedPowerActionUnknown       SupportedPowerAction = "Unknown"
	SupportedPowerActionPowerOn       SupportedPowerAction = "PowerOn"
	SupportedPowerActionPowerOff      SupportedPowerAction = "PowerOff"
	SupportedPowerActionSuspendResume SupportedPowerAction = "SuspendResume"
	SupportedPowerActionRestart       SupportedPowerAction = "Restart"
	SupportedPowerActionReset         SupportedPowerAction = "Reset"
	SupportedPowerActionShutdown      SupportedPowerAction = "Shutdown"
)

// DeliveryKind is what a machine delivers: desktops, applications or both
// (the API's DeliveryKind). Values the library does not know pass through
// unchanged.
type DeliveryKind string

// The delivery kinds of the API.
const (
	DeliveryKindUnknown         DeliveryKind = "Unknown"
	DeliveryKindDesktopsOnly    DeliveryKind = "DesktopsOnly"
	DeliveryKindDesktopsAndApps DeliveryKind = "DesktopsAndApps"
	DeliveryKindAppsOnly        DeliveryKind = "AppsOnly"
)

// SessionState is the state of a machine's session. Values the library
// does not know pass through unchanged.
type SessionState string

// The session states of the API.
const (
	SessionStateUnknown      SessionState = "Unknown"
	SessionStateConnected    SessionState = "Connected"
	SessionStateActive       SessionState = "Active"
	SessionStateDisconnected SessionState = "Disconnected"
)

// ProtocolType is the remoting protocol of a session (Hdx, Rdp, Console).
// Values the library does not know pass through unchanged.
type ProtocolType string

// MachineUnavailableReason is why a machine cannot take sessions (None when
// it can). Values the library does not know pass through unchanged.
type MachineUnavailableReason string

// DeregistrationReason is why a machine's agent last deregistered
// (AgentShutdown, PowerOff, ...). Values the library does not know pass
// through unchanged.
type DeregistrationReason string

// ConnectionFailureReason is why the last connection to a machine failed
// (None, RegistrationTimeout, ...). Values the library does not know pass
// through unchanged.
type ConnectionFailureReason string

// AzureADJoinedMode is how a machine is joined to Microsoft Entra ID
// (NotAadJoined, HybridAadJoined, PureAadJoined). Values the library does
// not know pass through unchanged.
type AzureADJoinedMode string

// ScheduledReboot is the state of a machine's scheduled reboot (None,
// Pending, Draining, InProgress, Natural). Values the library does not know
// pass through unchanged.
type ScheduledReboot string

// WindowsConnectionSetting is whether a multi-session machine accepts
// logons (LogonEnabled, Draining, DrainingUntilRestart, LogonDisabled).
// Values the library does not know pass through unchanged.
type WindowsConnectionSetting string

// VdaUpgradeType is the release track of a machine's agent upgrades
// (NotSet, LTSR, CR, EAR_LTSR, EAR_CR). Values the library does not know
// pass through unchanged.
type VdaUpgradeType string

// VdaUpgradeState is the state of a machine's agent upgrade
// (MissingUpgradeType, UpgradeScheduled, UpgradeAvailable, UpToDate,
// Unknown). Values the library does not know pass through unchanged.
type VdaUpgradeState string

// DesktopCondition is a condition reported on a machine's desktop (CPU,
// ICALatency, UPMLogonTime). Values the library does not know pass through
// unchanged.
type DesktopCondition string

// MachineHosting is where a machine's virtual machine runs: the API's
// MachineHostingResponseModel.
type MachineHosting struct {
	HostedMachineID                string `json:"HostedMachineId"`
	HostedMachineName              string `json:"HostedMachineName"`
	HostingServerName              string `json:"HostingServerName"`
	LastHostingUpdateTime          string `json:"LastHostingUpdateTime"`
	FormattedLastHostingUpdateTime string `json:"FormattedLastHostingUpdateTime"`
	HypervisorConnection           Ref    `json:"HypervisorConnection,omitzero"`
	// ImageOutOfDate reports a machine of an MCS catalog that has not
	// restarted on the catalog's current image yet.
	ImageOutOfDate bool `json:"ImageOutOfDate"`
}

// IdentityUser is a user or group as machines reference them (assigned
// users, the last connected user): the commonly used fields of the API's
// IdentityUserResponseModel.
type IdentityUser struct {
	DisplayName    string `json:"DisplayName"`
	Name           string `json:"Name"`
	SamName        string `json:"SamName"`
	SamAccountName string `json:"SamAccountName"`
	PrincipalName  string `json:"PrincipalName"`
	CommonName     string `json:"CommonName"`
	Sid            string `json:"Sid"`
	Oid            string `json:"Oid"`
	UserIdentity   string `json:"UserIdentity"`
	IsGroup        bool   `json:"IsGroup"`
	Mail           string `json:"Mail"`
}

// Machine is a machine of the site: the API's MachineResponseModel (what
// lists and GET /Machines/{nameOrId} return), in Go names.
//
// Times are kept as the service writes them (the Formatted... fields hold
// the ISO 8601 form). Nested parts the library does not model
// (ContainerScopes, ContainerMetadata, UpgradeDetail) are raw JSON, nil when
// the service sent none or null. A field whose JSON type is not the one
// expected is left zero rather than failing the call.
type Machine struct {
	ID             string `json:"Id"`
	UID            int    `json:"Uid"`  // deprecated by the service in favour of ID
	Name           string `json:"Name"` // the SAM name, DOMAIN\NAME
	DNSName        string `json:"DnsName"`
	Description    string `json:"Description"`
	MachineCatalog Ref    `json:"MachineCatalog,omitzero"`
	DeliveryGroup  Ref    `json:"DeliveryGroup,omitzero"` // zero for a machine in no delivery group
	Zone           Ref    `json:"Zone,omitzero"`

	PowerState            PowerState             `json:"PowerState"`
	PowerActionPending    bool                   `json:"PowerActionPending"`
	SupportedPowerActions []SupportedPowerAction `json:"SupportedPowerActions"`
	RegistrationState     RegistrationState      `json:"RegistrationState"`
	InMaintenanceMode     bool                   `json:"InMaintenanceMode"`
	MaintenanceModeReason MaintenanceModeReason  `json:"MaintenanceModeReason"`
	DrainingUntilShutdown bool                   `json:"DrainingUntilShutdown"`
	SummaryState          SummaryState           `json:"SummaryState"`
	FaultState            FaultState             `json:"FaultState"`
	WillShutdownAfterUse  bool                   `json:"WillShutdownAfterUse"`
	ScheduledReboot       ScheduledReboot        `json:"ScheduledReboot"`

	AllocationType     AllocationType   `json:"AllocationType"`
	SessionSupport     SessionSupport   `json:"SessionSupport"`
	ProvisioningType   ProvisioningType `json:"ProvisioningType"`
	MachineType        MachineType      `json:"MachineType"`
	PersistUserChanges PersistChanges   `json:"PersistUserChanges"`
	DeliveryType       DeliveryKind     `json:"DeliveryType"`
	FunctionalLevel    FunctionalLevel  `json:"FunctionalLevel"`

	AgentVersion      string            `json:"AgentVersion"`
	ControllerDNSName string            `json:"ControllerDnsName"`
	IPAddress         string            `json:"IPAddress"`
	OSType            string            `json:"OSType"`
	OSVersion         string            `json:"OSVersion"`
	Sid               string            `json:"Sid"`
	Hosting           MachineHosting    `json:"Hosting,omitzero"`
	AzureADJoinedMode AzureADJoinedMode `json:"AzureAdJoinedMode"`

	IsAssigned            bool           `json:"IsAssigned"`
	AssignedUsers         []IdentityUser `json:"AssignedUsers"`
	AssociatedUsers       []IdentityUser `json:"AssociatedUsers"`
	ApplicationsInUse     []Ref          `json:"ApplicationsInUse"`
	PublishedName         string         `json:"PublishedName"`
	PublishedApplications []string       `json:"PublishedApplications"`
	IconID                string         `json:"IconId"`

	SessionCount                    int                      `json:"SessionCount"`
	SessionState                    SessionState             `json:"SessionState"`
	SessionUserName                 string                   `json:"SessionUserName"`
	SessionProtocol                 ProtocolType             `json:"SessionProtocol"`
	SessionClientAddress            string                   `json:"SessionClientAddress"`
	SessionClientName               string                   `json:"SessionClientName"`
	SessionClientVersion            string                   `json:"SessionClientVersion"`
	SessionConnectedViaHostName     string                   `json:"SessionConnectedViaHostName"`
	SessionConnectedViaIP           string                   `json:"SessionConnectedViaIP"`
	SessionLaunchedViaHostName      string                   `json:"SessionLaunchedViaHostName"`
	SessionLaunchedViaIP            string                   `json:"SessionLaunchedViaIP"`
	SessionSecureIcaActive          bool                     `json:"SessionSecureIcaActive"`
	SessionSmartAccessTags          []string                 `json:"SessionSmartAccessTags"`
	SessionStartTime                string                   `json:"SessionStartTime"`
	FormattedSessionStartTime       string                   `json:"FormattedSessionStartTime"`
	SessionStateChangeTime          string                   `json:"SessionStateChangeTime"`
	FormattedSessionStateChangeTime string                   `json:"FormattedSessionStateChangeTime"`
	WindowsConnectionSetting        WindowsConnectionSetting `json:"WindowsConnectionSetting"`
	DesktopConditions               []DesktopCondition       `json:"DesktopConditions"`

	LastConnectionFailure           ConnectionFailureReason  `json:"LastConnectionFailure"`
	LastConnectionTime              string                   `json:"LastConnectionTime"`
	FormattedLastConnectionTime     string                   `json:"FormattedLastConnectionTime"`
	LastConnectionUser              IdentityUser             `json:"LastConnectionUser,omitzero"`
	LastDeregistrationReason        DeregistrationReason     `json:"LastDeregistrationReason"`
	LastDeregistrationTime          string                   `json:"LastDeregistrationTime"`
	FormattedLastDeregistrationTime string                   `json:"FormattedLastDeregistrationTime"`
	LastErrorReason                 string                   `json:"LastErrorReason"`
	LastErrorTime                   string                   `json:"LastErrorTime"`
	FormattedLastErrorTime          string                   `json:"FormattedLastErrorTime"`
	MachineUnavailableReason        MachineUnavailableReason `json:"MachineUnavailableReason"`

	LoadIndex      int      `json:"LoadIndex"`
	LoadIndexes    []int    `json:"LoadIndexes"`
	LoadIndexNames []string `json:"LoadIndexNames"`

	WindowsActivationStatus                        string `json:"WindowsActivationStatus"`
	WindowsActivationStatusErrorCode               string `json:"WindowsActivationStatusErrorCode"`
	WindowsActivationStatusVirtualMachineError     string `json:"WindowsActivationStatusVirtualMachineError"`
	WindowsActivationTypeProvisionedVirtualMachine string `json:"WindowsActivationTypeProvisionedVirtualMachine"`

	UpgradeType                   VdaUpgradeType  `json:"UpgradeType"`
	UpgradeState                  VdaUpgradeState `json:"UpgradeState"`
	MachineConfigurationOutOfSync bool            `json:"MachineConfigurationOutOfSync"`
	Tags                          []string        `json:"Tags"`
	Metadata                      []NameValue     `json:"Metadata"`

	ContainerScopes   json.RawMessage `json:"ContainerScopes,omitempty"`
	ContainerMetadata json.RawMessage `json:"ContainerMetadata,omitempty"`
	UpgradeDetail     json.RawMessage `json:"UpgradeDetail,omitempty"`
}

// plainMachine is Machine without its methods, for decoding.
type plainMachine Machine

// plain is the machine without its methods, for decoding in a page.
func (m *Machine) plain() any { return (*plainMachine)(m) }

// UnmarshalJSON decodes a machine leniently, as decodeModel does every
// model: a field of an unexpected JSON type is left zero.
func (m *Machine) UnmarshalJSON(data []byte) error {
	return decodeModel(data, (*plainMachine)(m))
}

// MachinePage is one page of a machine list.
type MachinePage = Page[Machine]
