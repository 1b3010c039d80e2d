package daas

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
)

// MachinesService manages the machines of the site (/Machines): reading
// them, changing their settings, power actions, their sessions, and
// removing them.
//
// A machine is named by its id (a GUID), by its SAM name ("DOMAIN\NAME"),
// or by its DNS name. The methods escape the name as one path segment, so
// the "\" of a SAM name can be passed as it is.
type MachinesService service

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
	PowerActionUnknown       SupportedPowerAction = "Unknown"
	PowerActionPowerOn       SupportedPowerAction = "PowerOn"
	PowerActionPowerOff      SupportedPowerAction = "PowerOff"
	PowerActionSuspendResume SupportedPowerAction = "SuspendResume"
	PowerActionRestart       SupportedPowerAction = "Restart"
	PowerActionReset         SupportedPowerAction = "Reset"
	PowerActionShutdown      SupportedPowerAction = "Shutdown"
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

// UnmarshalJSON decodes a machine leniently, as decodeModel does every
// model: a field of an unexpected JSON type is left zero.
func (m *Machine) UnmarshalJSON(data []byte) error {
	return decodeModel(data, (*plainMachine)(m))
}

// MachinePage is one page of a machine list.
type MachinePage = Page[Machine]

// machinePath is the path template of one machine. The "\" of a SAM name
// goes on the wire as "|" (see pathSegment).
const machinePath = "Machines/{machine}"

// machineList is a list of machines: [InFolder] does not apply.
func machineList(what string, opts []ListOption) (*listConfig, error) {
	return listOptions(what, opts, "PageSize", "Fields", "ContinuationToken")
}

// List returns one page of the site's machines (GET /Machines). Pass the
// page's ContinuationToken back with [ContinuationToken] for the next one,
// or use [MachinesService.All]. [InFolder] does not apply to machines.
func (s *MachinesService) List(ctx context.Context, opts ...ListOption) (*MachinePage, error) {
	cfg, err := machineList("Machines.List", opts)
	if err != nil {
		return nil, err
	}
	return page[Machine](ctx, s.client, op{method: http.MethodGet, path: "Machines"}, cfg)
}

// All returns every machine of the site, fetching the pages of GET
// /Machines one at a time as the loop reaches them. A failed page ends the
// sequence with its error, yielded once.
func (s *MachinesService) All(ctx context.Context, opts ...ListOption) iter.Seq2[Machine, error] {
	cfg, err := machineList("Machines.All", opts)
	return all[Machine](ctx, s.client, op{method: http.MethodGet, path: "Machines"}, cfg, err)
}

// ListAsync lists every machine of the site as a job of the service (GET
// /Machines?async=true, job type GetMachines); the job's result holds all
// pages.
func (s *MachinesService) ListAsync(ctx context.Context, opts ...ListOption) (*Job[[]Machine], error) {
	cfg, err := machineList("Machines.ListAsync", opts)
	if err != nil {
		return nil, err
	}
	return listJob[Machine](ctx, s.client, op{method: http.MethodGet, path: "Machines"}, cfg)
}

// Get returns one machine, by id, SAM name (DOMAIN\NAME) or DNS name (GET
// /Machines/{nameOrId}). A machine that does not exist gives an error
// matching [ErrNotFound].
func (s *MachinesService) Get(ctx context.Context, nameOrID string) (*Machine, error) {
	return one[Machine](ctx, s.client, op{method: http.MethodGet, path: machinePath, args: []string{nameOrID}})
}

// UpdateMachineRequest is the body of a machine update, the API's
// UpdateMachineRequestModel: only the fields set are changed. Put a machine
// in maintenance mode before removing it or rebooting it out of use:
//
//	daas.UpdateMachineRequest{InMaintenanceMode: daas.Ptr(true)}
type UpdateMachineRequest struct {
	InMaintenanceMode    *bool       `json:"InMaintenanceMode,omitempty"`
	AssignedClientName   *string     `json:"AssignedClientName,omitempty"`
	AssignedIPAddress    *string     `json:"AssignedIPAddress,omitempty"`
	AssignedUsers        []string    `json:"AssignedUsers,omitzero"` // every user: those not listed are unassigned
	HostedMachineID      *string     `json:"HostedMachineId,omitempty"`
	HypervisorConnection *string     `json:"HypervisorConnection,omitempty"` // name or id
	PublishedName        *string     `json:"PublishedName,omitempty"`
	Icon                 *string     `json:"Icon,omitempty"` // icon id
	Metadata             []NameValue `json:"Metadata,omitzero"`
}

func (r *UpdateMachineRequest) validate() error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("daas: UpdateMachineRequest: %w", err)
	}
	if string(b) == "{}" {
		return inputErr("UpdateMachineRequest", "no field is set; nothing to update")
	}
	return nil
}

// Update changes the fields of a machine that req sets (PATCH
// /Machines/{nameOrId}) and returns the machine as it is afterwards, read
// back with a GET since the service answers 204 No Content. An empty
// request is an error, returned before any request.
func (s *MachinesService) Update(ctx context.Context, nameOrID string, req UpdateMachineRequest) (*Machine, error) {
	o, err := machineWrite(http.MethodPatch, nameOrID, &req)
	if err != nil {
		return nil, err
	}
	return writeThenRead(ctx, s.client, o, func(m *Machine) bool { return m.ID != "" },
		func(ctx context.Context) (*Machine, error) { return s.Get(ctx, nameOrID) })
}

// UpdateAsync starts an update of a machine as a job of the service (PATCH
// /Machines/{nameOrId}?async=true, job type UpdateMachineCatalogMachine);
// its result is the machine as it is afterwards.
func (s *MachinesService) UpdateAsync(ctx context.Context, nameOrID string, req UpdateMachineRequest) (*Job[*Machine], error) {
	o, err := machineWrite(http.MethodPatch, nameOrID, &req)
	if err != nil {
		return nil, err
	}
	return job(ctx, s.client, o, oneResult[Machine])
}

// machineWrite is the checked update of one machine.
func machineWrite(method, nameOrID string, req *UpdateMachineRequest) (op, error) {
	o := op{method: method, path: machinePath, args: []string{nameOrID}, body: req}
	if err := o.check(); err != nil {
		return op{}, err
	}
	return o, req.validate()
}

// Delete removes a machine from the site (DELETE /Machines/{nameOrId}).
// Options choose what becomes of its VM and its account ([DeleteVMs],
// [MachineAccounts], [PurgeDBOnly]). The service refuses to remove a
// machine that is not in maintenance mode; put it there first with
// [MachinesService.Update].
func (s *MachinesService) Delete(ctx context.Context, nameOrID string, opts ...DeleteOption) error {
	q, err := newDeleteConfig(opts)
	if err != nil {
		return err
	}
	return none(ctx, s.client, op{method: http.MethodDelete, path: machinePath, args: []string{nameOrID}, query: q})
}

// DeleteAsync starts the removal of a machine as a job of the service
// (DELETE /Machines/{nameOrId}?async=true, job type DeleteMachine), which has
// no result.
func (s *MachinesService) DeleteAsync(ctx context.Context, nameOrID string, opts ...DeleteOption) (*Job[struct{}], error) {
	q, err := newDeleteConfig(opts)
	if err != nil {
		return nil, err
	}
	return job(ctx, s.client, op{method: http.MethodDelete, path: machinePath, args: []string{nameOrID}, query: q}, noResult)
}
