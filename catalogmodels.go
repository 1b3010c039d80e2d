package daas

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ProvisioningProgress is the state of the provisioning tasks attached to a
// catalog (MCS creates a catalog's machines as tasks of their own, after the
// catalog exists).
type ProvisioningProgress struct {
	IsRunning           bool     `json:"IsRunning"`
	Progress            int      `json:"Progress"` // percent
	ProgressMessage     string   `json:"ProgressMessage"`
	ProgressMessageList []string `json:"ProgressMessageList"`
}

// MachineCatalog is a machine catalog: the API's
// MachineCatalogResponseModel (what lists return) and the detail fields of
// MachineCatalogDetailResponseModel (what getting, creating and updating one
// return; lists leave them zero).
//
// Deeply nested parts the library does not model (ProvisioningScheme,
// RemotePCEnrollmentScopes, Warnings, UpgradeInfo, UpgradeDetail) are kept as
// raw JSON, nil when the service sent none or null. A field whose JSON type
// is not the one expected is left zero rather than failing the call, so
// that a change on the service side does not break a whole list.
type MachineCatalog struct {
	ID          string `json:"Id"`
	UID         int    `json:"Uid"`  // deprecated by the service in favour of ID
	Name        string `json:"Name"` // the name within its admin folder
	FullName    string `json:"FullName"`
	Description string `json:"Description"`

	AllocationType   AllocationType   `json:"AllocationType"`
	SessionSupport   SessionSupport   `json:"SessionSupport"`
	ProvisioningType ProvisioningType `json:"ProvisioningType"`
	MachineType      MachineType      `json:"MachineType"`
	PersistChanges   PersistChanges   `json:"PersistChanges"`
	SharingKind      SharingKind      `json:"SharingKind"`

	TotalCount                      int `json:"TotalCount"`
	AssignedCount                   int `json:"AssignedCount"`
	UnassignedCount                 int `json:"UnassignedCount"`
	UsedCount                       int `json:"UsedCount"` // machines in a delivery group
	AvailableCount                  int `json:"AvailableCount"`
	AvailableAssignedCount          int `json:"AvailableAssignedCount"`
	AvailableUnassignedCount        int `json:"AvailableUnassignedCount"`
	AvailableCountOfSuspend         int `json:"AvailableCountOfSuspend"`
	AvailableAssignedCountOfSuspend int `json:"AvailableAssignedCountOfSuspend"`

	IsPowerManaged          bool `json:"IsPowerManaged"`
	IsRemotePC              bool `json:"IsRemotePC"`
	IsBroken                bool `json:"IsBroken"`
	IsMasterImageAssociated bool `json:"IsMasterImageAssociated"`
	HasBeenPromoted         bool `json:"HasBeenPromoted"`
	CanRollbackVMImage      bool `json:"CanRollbackVMImage"`
	CanRecreateCatalog      bool `json:"CanRecreateCatalog"`
	HypervisorVMTagging     bool `json:"HypervisorVMTagging"`

	MinimumFunctionalLevel FunctionalLevel `json:"MinimumFunctionalLevel"`
	HasBeenPromotedFrom    FunctionalLevel `json:"HasBeenPromotedFrom"`

	Zone           Ref         `json:"Zone,omitzero"`
	AdminFolder    Ref         `json:"AdminFolder,omitzero"` // zero for a catalog at the root
	JobsInProgress []Ref       `json:"JobsInProgress"`
	Scopes         []Ref       `json:"Scopes"`
	Tenants        []Ref       `json:"Tenants"`
	Metadata       []NameValue `json:"Metadata"`

	ProvisioningProgress ProvisioningProgress `json:"ProvisioningProgress,omitzero"`
	PvsAddress           string               `json:"PvsAddress"`
	PvsDomain            string               `json:"PvsDomain"`
	ImageUpdateStatus    string               `json:"ImageUpdateStatus"`
	Errors               []string             `json:"Errors"`

	ProvisioningScheme       json.RawMessage `json:"ProvisioningScheme,omitempty"`
	RemotePCEnrollmentScopes json.RawMessage `json:"RemotePCEnrollmentScopes,omitempty"`
	Warnings                 json.RawMessage `json:"Warnings,omitempty"`
	UpgradeInfo              json.RawMessage `json:"UpgradeInfo,omitempty"`

	// Detail fields: set by Get, Create and Update, zero in lists.

	AgentVersion         string          `json:"AgentVersion,omitempty"`
	HypervisorConnection Ref             `json:"HypervisorConnection,omitzero"`
	OSType               string          `json:"OSType,omitempty"`
	OSVersion            string          `json:"OSVersion,omitempty"`
	DeliveryGroups       []Ref           `json:"DeliveryGroups,omitempty"`
	UpgradeDetail        json.RawMessage `json:"UpgradeDetail,omitempty"`
}

// plain is the catalog without its methods, for decoding in a page.
func (c *MachineCatalog) plain() any { return (*plainCatalog)(c) }

// UnmarshalJSON decodes a catalog leniently (see [Page]): a field of an
// unexpected JSON type is left zero, raw JSON parts that are null are nil.
func (c *MachineCatalog) UnmarshalJSON(data []byte) error {
	return decodeModel(data, (*plainCatalog)(c))
}

// plainCatalog is MachineCatalog without its methods, for decoding.
type plainCatalog MachineCatalog

// MachineCatalogPage is one page of a catalog list.
type MachineCatalogPage = Page[MachineCatalog]

// CreateMachineCatalogRequest is the body of a catalog creation, the API's
// CreateMachineCatalogRequestModel. Name, ProvisioningType and
// SessionSupport are required; the library checks them before it sends
// anything. Fields left zero are not sent, and the service uses its
// defaults.
//
// Deeply nested parts (ProvisioningScheme, Machines, ...) are raw JSON in
// the API's own shape: a ProvisioningScheme read from an existing catalog can
// be sent as it is.
type CreateMachineCatalogRequest struct {
	// Name is the catalog's name, unique in the site. Required.
	Name string `json:"Name"`
	// ProvisioningType is how machines are created. Required.
	ProvisioningType ProvisioningType `json:"ProvisioningType"`
	// SessionSupport is single- or multi-session. Required.
	SessionSupport SessionSupport `json:"SessionSupport"`

	// AdminFolder is the admin folder of the catalog, by path or id.
	AdminFolder                  string          `json:"AdminFolder,omitempty"`
	AllocationType               AllocationType  `json:"AllocationType,omitempty"`
	Description                  string          `json:"Description,omitempty"`
	HypervisorConnection         string          `json:"HypervisorConnection,omitempty"` // name or id
	IsRemotePC                   bool            `json:"IsRemotePC,omitempty"`
	MachineType                  MachineType     `json:"MachineType,omitempty"`
	MinimumFunctionalLevel       FunctionalLevel `json:"MinimumFunctionalLevel,omitempty"`
	PersistUserChanges           PersistChanges  `json:"PersistUserChanges,omitempty"`
	PvsAddress                   string          `json:"PvsAddress,omitempty"`
	PvsDomain                    string          `json:"PvsDomain,omitempty"`
	PvsCollectionIDs             []string        `json:"PvsCollectionIds,omitempty"`
	Scopes                       []string        `json:"Scopes,omitempty"`  // names or ids
	Tenants                      []string        `json:"Tenants,omitempty"` // names or ids
	VdaUpgradeType               string          `json:"VdaUpgradeType,omitempty"`
	Zone                         string          `json:"Zone,omitempty"` // name or id
	HypervisorVMTagging          bool            `json:"HypervisorVMTagging,omitempty"`
	Metadata                     []NameValue     `json:"Metadata,omitempty"`
	ProvisioningScheme           json.RawMessage `json:"ProvisioningScheme,omitempty"`
	ProvisioningSchemeImportData json.RawMessage `json:"ProvisioningSchemeImportData,omitempty"`
	RemotePCEnrollmentScopes     json.RawMessage `json:"RemotePCEnrollmentScopes,omitempty"`
	Machines                     json.RawMessage `json:"Machines,omitempty"`
}

func (r *CreateMachineCatalogRequest) validate() error {
	switch {
	case strings.TrimSpace(r.Name) == "":
		return inputErr("CreateMachineCatalogRequest", "Name is required")
	case r.ProvisioningType == "":
		return inputErr("CreateMachineCatalogRequest", "ProvisioningType is required")
	case r.SessionSupport == "":
		return inputErr("CreateMachineCatalogRequest", "SessionSupport is required")
	}
	return nil
}

// UpdateMachineCatalogRequest is the body of a catalog update, the API's
// UpdateMachineCatalogRequestModel. Only the fields that are set are sent,
// and the service changes only those: a nil pointer or a nil slice leaves
// the catalog's value alone, while a non-nil empty slice is sent as [] (for
// Scopes, it removes the catalog from every scope that can be removed).
// [Ptr] makes the pointers: Description: daas.Ptr("Pooled desktops").
//
// Deeply nested parts are raw JSON in the API's own shape, sent when
// non-empty.
type UpdateMachineCatalogRequest struct {
	Name        *string `json:"Name,omitempty"`
	Description *string `json:"Description,omitempty"`
	// AdminFolder moves the catalog to a folder, by path or id; a path that
	// does not exist is created.
	AdminFolder            *string          `json:"AdminFolder,omitempty"`
	Zone                   *string          `json:"Zone,omitempty"`                 // name or id
	HypervisorConnection   *string          `json:"HypervisorConnection,omitempty"` // name or id
	MinimumFunctionalLevel *FunctionalLevel `json:"MinimumFunctionalLevel,omitempty"`
	PvsAddress             *string          `json:"PvsAddress,omitempty"`
	PvsDomain              *string          `json:"PvsDomain,omitempty"`
	Scopes                 []string         `json:"Scopes,omitzero"`  // names or ids
	Tenants                []string         `json:"Tenants,omitzero"` // names or ids
	ShowRdsLicenseWarning  *bool            `json:"ShowRdsLicenseWarning,omitempty"`
	VdaUpgradeType         *string          `json:"VdaUpgradeType,omitempty"`
	Metadata               []NameValue      `json:"Metadata,omitzero"` // an empty Value removes the entry
	HypervisorVMTagging    *bool            `json:"HypervisorVMTagging,omitempty"`

	// Provisioning scheme settings, for machines created from now on.

	CpuCount                   *int        `json:"CpuCount,omitempty"`
	MemoryMB                   *int        `json:"MemoryMB,omitempty"`
	ServiceOfferingPath        *string     `json:"ServiceOfferingPath,omitempty"`
	SecurityGroups             []string    `json:"SecurityGroups,omitzero"`
	MachineProfilePath         *string     `json:"MachineProfilePath,omitempty"`
	CustomProperties           []NameValue `json:"CustomProperties,omitzero"`
	WriteBackCacheDiskSizeGB   *int        `json:"WriteBackCacheDiskSizeGB,omitempty"`
	WriteBackCacheMemorySizeMB *int        `json:"WriteBackCacheMemorySizeMB,omitempty"`
	AzureADSecurityGroupName   *string     `json:"AzureADSecurityGroupName,omitempty"`
	AzureADTenantID            *string     `json:"AzureADTenantId,omitempty"`

	// Raw JSON parts: NetworkMapping (an array of NetworkMapRequestModel),
	// RemotePCEnrollmentScopes (every scope: those not listed are removed)
	// and ServiceAccountUid.

	NetworkMapping           json.RawMessage `json:"NetworkMapping,omitempty"`
	RemotePCEnrollmentScopes json.RawMessage `json:"RemotePCEnrollmentScopes,omitempty"`
	ServiceAccountUID        json.RawMessage `json:"ServiceAccountUid,omitempty"`
}

func (r *UpdateMachineCatalogRequest) validate() error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("daas: UpdateMachineCatalogRequest: %w", err)
	}
	if string(b) == "{}" {
		return inputErr("UpdateMachineCatalogRequest", "no field is set; nothing to update")
	}
	if r.Name != nil && strings.TrimSpace(*r.Name) == "" {
		return inputErr("UpdateMachineCatalogRequest", "Name is set but empty")
	}
	return nil
}
