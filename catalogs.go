package daas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"reflect"
	"strings"
)

// MachineCatalogsService manages machine catalogs (/MachineCatalogs).
//
// A catalog is named by its id (a GUID), by its name, or, for a catalog in
// an admin folder, by its folder path and name joined with "|":
// "Folder1|Folder2|Win11-Pooled". The methods escape the name as one path
// segment, so any of these forms can be passed as it is.
//
// Each operation comes in two forms: the plain one waits for the service's
// answer (the service may take up to about 90 s before it times out a
// synchronous call); the ...Async one starts a job of the service and
// returns it at once, to be waited on with [Job.Wait].
type MachineCatalogsService service

// AllocationType is how machines of a catalog are given to users. Values
// the library does not know pass through unchanged.
type AllocationType string

// The allocation types of the API.
const (
	AllocationTypeUnknown AllocationType = "Unknown"
	AllocationTypeStatic  AllocationType = "Static" // a user keeps the machine
	AllocationTypeRandom  AllocationType = "Random" // a free machine at each logon
)

// SessionSupport is how many sessions a machine of a catalog hosts. Values
// the library does not know pass through unchanged.
type SessionSupport string

// The session support values of the API.
const (
	SessionSupportUnknown       SessionSupport = "Unknown"
	SessionSupportSingleSession SessionSupport = "SingleSession" // desktop OS, one user per machine
	SessionSupportMultiSession  SessionSupport = "MultiSession"  // server OS, many sessions per machine
)

// ProvisioningType is how the machines of a catalog are created. Values the
// library does not know pass through unchanged.
type ProvisioningType string

// The provisioning types of the API.
const (
	ProvisioningTypeUnknown      ProvisioningType = "Unknown"
	ProvisioningTypeManual       ProvisioningType = "Manual"    // existing machines, added by hand
	ProvisioningTypeMCS          ProvisioningType = "MCS"       // Machine Creation Services
	ProvisioningTypeMCSImport    ProvisioningType = "MCSImport" // machines imported into MCS
	ProvisioningTypePVS          ProvisioningType = "PVS"       // Provisioning Services
	ProvisioningTypePVSStreaming ProvisioningType = "PVSStreaming"
)

// MachineType is the kind of machines a catalog holds. Values the library
// does not know pass through unchanged.
type MachineType string

// The machine types of the API.
const (
	MachineTypeUnknown  MachineType = "Unknown"
	MachineTypeVirtual  MachineType = "Virtual"
	MachineTypePhysical MachineType = "Physical"
)

// PersistChanges is what becomes of the changes users make to a machine.
// Values the library does not know pass through unchanged.
type PersistChanges string

// The persistence values of the API.
const (
	PersistChangesUnknown PersistChanges = "Unknown"
	PersistChangesDiscard PersistChanges = "Discard" // dropped when the machine restarts
	PersistChangesOnLocal PersistChanges = "OnLocal" // kept on the machine's own disk
)

// SharingKind is whether the machines of a catalog are shared between
// users. Values the library does not know pass through unchanged.
type SharingKind string

// The sharing kinds of the API.
const (
	SharingKindUnknown SharingKind = "Unknown"
	SharingKindPrivate SharingKind = "Private"
	SharingKindShared  SharingKind = "Shared"
)

// FunctionalLevel is a VDA functional level: the oldest Virtual Delivery
// Agent version a catalog accepts. Values the library does not know pass
// through unchanged.
type FunctionalLevel string

// The functional levels of the API, oldest first. LMIN and LMAX stand for
// the oldest and newest levels the site supports.
const (
	FunctionalLevelUnknown FunctionalLevel = "Unknown"
	FunctionalLevelL5      FunctionalLevel = "L5"
	FunctionalLevelLMIN    FunctionalLevel = "LMIN"
	FunctionalLevelL7      FunctionalLevel = "L7"
	FunctionalLevelL7_6    FunctionalLevel = "L7_6"
	FunctionalLevelL7_7    FunctionalLevel = "L7_7"
	FunctionalLevelL7_8    FunctionalLevel = "L7_8"
	FunctionalLevelL7_9    FunctionalLevel = "L7_9"
	FunctionalLevelL7_20   FunctionalLevel = "L7_20"
	FunctionalLevelL7_25   FunctionalLevel = "L7_25"
	FunctionalLevelL7_30   FunctionalLevel = "L7_30"
	FunctionalLevelL7_34   FunctionalLevel = "L7_34"
	FunctionalLevelLMAX    FunctionalLevel = "LMAX"
)

// AccountAction is what deleting a catalog does to the Active Directory
// accounts of its machines (the deleteAccount parameter). Values the library
// does not know are sent as they are.
type AccountAction string

// The account actions of the API. The service's default is
// AccountActionNone.
const (
	AccountActionUnknown AccountAction = "Unknown"
	AccountActionLeave   AccountAction = "Leave"   // leave the accounts as they are
	AccountActionNone    AccountAction = "None"    // do nothing with the accounts
	AccountActionDisable AccountAction = "Disable" // disable the accounts
	AccountActionDelete  AccountAction = "Delete"  // delete the accounts
)

// Ref is a reference to another object of the site, the API's
// RefResponseModel: a zone, an admin folder, a job, a delivery group, a
// scope or a tenant.
type Ref struct {
	ID   string `json:"Id"`
	UID  int    `json:"Uid"` // deprecated by the service in favour of ID
	Name string `json:"Name"`
}

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

// UnmarshalJSON decodes a catalog leniently: a field of an unexpected JSON
// type is left zero instead of failing the decode, and raw JSON parts that
// are null become nil.
func (c *MachineCatalog) UnmarshalJSON(data []byte) error {
	// Leniency is for fields: a catalog that is not an object at all (an
	// array, a string) is an error, not an empty catalog.
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] != '{' && string(t) != "null" {
		return &json.UnmarshalTypeError{Value: jsonKind(t[0]), Type: reflect.TypeFor[MachineCatalog]()}
	}
	err := json.Unmarshal(data, (*plainCatalog)(c))
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		return err
	}
	// encoding/json decodes every other field before it reports a type
	// mismatch; keep them.
	c.dropNullRaw()
	return nil
}

// dropNullRaw makes the raw JSON parts that are null nil.
func (c *MachineCatalog) dropNullRaw() {
	for _, raw := range []*json.RawMessage{&c.ProvisioningScheme, &c.RemotePCEnrollmentScopes, &c.Warnings, &c.UpgradeInfo, &c.UpgradeDetail} {
		if string(*raw) == "null" {
			*raw = nil
		}
	}
}

// jsonKind names the kind of JSON value that starts with b.
func jsonKind(b byte) string {
	switch b {
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	}
	return "number"
}

// MachineCatalogPage is one page of a catalog list.
type MachineCatalogPage struct {
	Items []MachineCatalog `json:"Items"`
	// ContinuationToken asks for the next page: pass it back with the
	// [ContinuationToken] option. Empty on the last page.
	ContinuationToken string `json:"ContinuationToken,omitempty"`
	// TotalItems is the number of items of the whole query, when the
	// service reports it (it does for searches); 0 otherwise.
	TotalItems int `json:"TotalItems,omitempty"`
}

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

// catalogPath returns the API path of one catalog: nameOrID escaped as a
// single segment, so that "|" and "/" in foldered names stay inside it.
func catalogPath(nameOrID string) (string, error) {
	seg, err := pathSegment("machine catalog name or id", nameOrID)
	if err != nil {
		return "", err
	}
	return "MachineCatalogs/" + seg, nil
}

// send does a synchronous call that must answer a plain success.
func (s *MachineCatalogsService) send(ctx context.Context, r *request, v any) (*http.Response, error) {
	return (*service)(s).send(ctx, r, v)
}

// List returns one page of machine catalogs (GET /MachineCatalogs). Pass
// the page's ContinuationToken back with [ContinuationToken] for the next
// one, or use [MachineCatalogsService.All] to range over every catalog.
func (s *MachineCatalogsService) List(ctx context.Context, opts ...ListOption) (*MachineCatalogPage, error) {
	cfg, err := newListConfig(opts)
	if err != nil {
		return nil, err
	}
	return s.list(ctx, cfg)
}

func (s *MachineCatalogsService) list(ctx context.Context, cfg *listConfig) (*MachineCatalogPage, error) {
	r, err := s.client.newRequest(http.MethodGet, "MachineCatalogs", cfg.query(), nil)
	if err != nil {
		return nil, err
	}
	// The page decodes into the plain catalog type, without the lenient
	// UnmarshalJSON of MachineCatalog: encoding/json already skips a field
	// of the wrong type and goes on, and this way each catalog is scanned
	// once instead of three times. Only an item that is not an object at
	// all fails the page, as it fails MachineCatalog.UnmarshalJSON.
	var wire catalogPageWire
	if _, err := s.send(ctx, r, &wire); err != nil {
		return nil, err
	}
	next, err := wire.token()
	if err != nil {
		return nil, fmt.Errorf("daas: %s %s: decoding the page: %w", r.method, r.redacted(), err)
	}
	page := &MachineCatalogPage{
		Items:             make([]MachineCatalog, len(wire.Items)),
		ContinuationToken: next,
		TotalItems:        wire.TotalItems,
	}
	for i := range wire.Items {
		page.Items[i] = MachineCatalog(wire.Items[i])
		page.Items[i].dropNullRaw()
	}
	return page, nil
}

// catalogPageWire is a page of GET /MachineCatalogs as the service sends it.
// The continuation token is kept raw: encoding/json reports only the first
// type mismatch of a value, so a lenient catalog field before it would hide
// a token of the wrong type, and All would stop after this page.
type catalogPageWire struct {
	Items             []plainCatalog  `json:"Items"`
	ContinuationToken json.RawMessage `json:"ContinuationToken"`
	TotalItems        int             `json:"TotalItems"`
}

// tolerate makes the decoding of a page lenient for the fields of its
// catalogs (and its TotalItems): a field of an unexpected type is left zero.
// Items that are not an array of objects fail the page.
func (*catalogPageWire) tolerate(err error) bool {
	var typeErr *json.UnmarshalTypeError
	return errors.As(err, &typeErr) && typeErr.Field != "Items"
}

// token returns the page's continuation token: a string, or absent (null).
func (w *catalogPageWire) token() (string, error) {
	raw := bytes.TrimSpace(w.ContinuationToken)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var tok string
	if err := json.Unmarshal(raw, &tok); err != nil {
		return "", &json.UnmarshalTypeError{Value: jsonKind(raw[0]), Type: reflect.TypeFor[string](), Field: "ContinuationToken"}
	}
	return tok, nil
}

// plainCatalog is MachineCatalog without its methods, for decoding.
type plainCatalog MachineCatalog

// All returns every machine catalog, fetching the pages of GET
// /MachineCatalogs one at a time as the loop reaches them:
//
//	for cat, err := range client.MachineCatalogs.All(ctx, daas.PageSize(500)) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(cat.Name)
//	}
//
// A failed page ends the sequence with its error, yielded once. Breaking out
// of the loop stops the fetching. Each range over the sequence starts again
// from the first page (or from the [ContinuationToken] option).
func (s *MachineCatalogsService) All(ctx context.Context, opts ...ListOption) iter.Seq2[MachineCatalog, error] {
	return func(yield func(MachineCatalog, error) bool) {
		cfg, err := newListConfig(opts)
		if err != nil {
			yield(MachineCatalog{}, err)
			return
		}
		pages(cfg, "GET MachineCatalogs", func() ([]MachineCatalog, string, error) {
			page, err := s.list(ctx, cfg)
			if err != nil {
				return nil, "", err
			}
			return page.Items, page.ContinuationToken, nil
		}, yield)
	}
}

// ListAsync lists every machine catalog as a job of the service (GET
// /MachineCatalogs?async=true): the job's result holds all pages, fetched
// when [Job.Wait] or [Job.Result] returns it. Options narrow the list as for
// [MachineCatalogsService.List]; [PageSize] sets the size of the pages
// fetched.
func (s *MachineCatalogsService) ListAsync(ctx context.Context, opts ...ListOption) (*Job[[]MachineCatalog], error) {
	cfg, err := newListConfig(opts)
	if err != nil {
		return nil, err
	}
	r, err := s.client.newRequest(http.MethodGet, "MachineCatalogs", cfg.query(), nil)
	if err != nil {
		return nil, err
	}
	return startJob[[]MachineCatalog](ctx, s.client, r)
}

// Get returns one machine catalog, by id, name or "Folder|Name" path (GET
// /MachineCatalogs/{nameOrId}). A catalog that does not exist gives an error
// matching [ErrNotFound].
func (s *MachineCatalogsService) Get(ctx context.Context, nameOrID string) (*MachineCatalog, error) {
	path, err := catalogPath(nameOrID)
	if err != nil {
		return nil, err
	}
	r, err := s.client.newRequest(http.MethodGet, path, nil, nil)
	if err != nil {
		return nil, err
	}
	cat := new(MachineCatalog)
	if _, err := s.send(ctx, r, cat); err != nil {
		return nil, err
	}
	return cat, nil
}

// GetAsync reads one machine catalog as a job of the service (GET
// /MachineCatalogs/{nameOrId}?async=true). Of the list options only
// [Fields] applies; any other is an error.
func (s *MachineCatalogsService) GetAsync(ctx context.Context, nameOrID string, opts ...ListOption) (*Job[*MachineCatalog], error) {
	path, err := catalogPath(nameOrID)
	if err != nil {
		return nil, err
	}
	cfg, err := newListConfig(opts)
	if err != nil {
		return nil, err
	}
	for _, name := range cfg.used {
		if name != "Fields" {
			return nil, inputErr("MachineCatalogs.GetAsync", "option %s does not apply to one catalog", name)
		}
	}
	r, err := s.client.newRequest(http.MethodGet, path, cfg.query(), nil)
	if err != nil {
		return nil, err
	}
	return startJob[*MachineCatalog](ctx, s.client, r)
}

// Create creates a machine catalog and returns it (POST /MachineCatalogs).
// Name, ProvisioningType and SessionSupport are checked before anything is
// sent. A name already in use gives an error matching [ErrConflict].
//
// For an MCS catalog, the service creates the machines afterwards, as
// provisioning tasks of their own: see the catalog's JobsInProgress and
// ProvisioningProgress. Creating a catalog can take longer than a
// synchronous call may last; [MachineCatalogsService.CreateAsync] does not
// have that limit.
func (s *MachineCatalogsService) Create(ctx context.Context, req CreateMachineCatalogRequest) (*MachineCatalog, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	r, err := s.client.newRequest(http.MethodPost, "MachineCatalogs", nil, req)
	if err != nil {
		return nil, err
	}
	cat := new(MachineCatalog)
	if _, err := s.send(ctx, r, cat); err != nil {
		return nil, err
	}
	if cat.ID == "" && !isGUID(req.AdminFolder) {
		// An answer without a body: read the new catalog back.
		return s.Get(ctx, joinFolder(folderPath(req.AdminFolder), req.Name))
	}
	return cat, nil
}

// CreateAsync starts the creation of a machine catalog as a job of the
// service (POST /MachineCatalogs?async=true, job type CreateMachineCatalog)
// and returns the job; its result is the new catalog. The request is checked
// as for [MachineCatalogsService.Create]. A job that fails (a duplicate
// name, for example) makes Wait return a [*JobError] with the service's
// error code and message.
func (s *MachineCatalogsService) CreateAsync(ctx context.Context, req CreateMachineCatalogRequest) (*Job[*MachineCatalog], error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	r, err := s.client.newRequest(http.MethodPost, "MachineCatalogs", nil, req)
	if err != nil {
		return nil, err
	}
	return startJob[*MachineCatalog](ctx, s.client, r)
}

// Update changes the fields of a machine catalog that req sets and returns
// the catalog as it is afterwards (PATCH /MachineCatalogs/{nameOrId}). An
// empty request is an error, returned before any request.
//
// The service answers either with the updated catalog or with 204 No
// Content. After a 204, Update reads the catalog back with a GET, under its
// new name if req renames or moves it. One case needs a GET before the
// PATCH: a catalog named by name (not id) that req moves to a folder given
// by id, since its new path is not known otherwise.
func (s *MachineCatalogsService) Update(ctx context.Context, nameOrID string, req UpdateMachineCatalogRequest) (*MachineCatalog, error) {
	path, err := catalogPath(nameOrID)
	if err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	after, known := nameAfterUpdate(nameOrID, &req)
	if !known {
		cur, err := s.Get(ctx, nameOrID)
		if err != nil {
			return nil, err
		}
		after = cur.ID
	}
	r, err := s.client.newRequest(http.MethodPatch, path, nil, req)
	if err != nil {
		return nil, err
	}
	cat := new(MachineCatalog)
	if _, err := s.send(ctx, r, cat); err != nil {
		return nil, err
	}
	if cat.ID != "" {
		return cat, nil
	}
	return s.Get(ctx, after)
}

// UpdateAsync starts an update of a machine catalog as a job of the service
// (PATCH /MachineCatalogs/{nameOrId}?async=true, job type
// UpdateMachineCatalog) and returns the job; its result is the updated
// catalog. An empty request is an error, returned before any request.
func (s *MachineCatalogsService) UpdateAsync(ctx context.Context, nameOrID string, req UpdateMachineCatalogRequest) (*Job[*MachineCatalog], error) {
	path, err := catalogPath(nameOrID)
	if err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	r, err := s.client.newRequest(http.MethodPatch, path, nil, req)
	if err != nil {
		return nil, err
	}
	return startJob[*MachineCatalog](ctx, s.client, r)
}

// Delete deletes a machine catalog (DELETE /MachineCatalogs/{nameOrId}).
// Options choose what becomes of its machines and their accounts. A catalog
// that does not exist gives an error matching [ErrNotFound].
func (s *MachineCatalogsService) Delete(ctx context.Context, nameOrID string, opts ...DeleteOption) error {
	r, err := s.deleteRequest(nameOrID, opts)
	if err != nil {
		return err
	}
	_, err = s.send(ctx, r, nil)
	return err
}

// DeleteAsync starts the deletion of a machine catalog as a job of the
// service (DELETE /MachineCatalogs/{nameOrId}?async=true, job type
// DeleteMachineCatalog) and returns the job, which has no result.
func (s *MachineCatalogsService) DeleteAsync(ctx context.Context, nameOrID string, opts ...DeleteOption) (*Job[struct{}], error) {
	r, err := s.deleteRequest(nameOrID, opts)
	if err != nil {
		return nil, err
	}
	return startJob[struct{}](ctx, s.client, r)
}

func (s *MachineCatalogsService) deleteRequest(nameOrID string, opts []DeleteOption) (*request, error) {
	path, err := catalogPath(nameOrID)
	if err != nil {
		return nil, err
	}
	q, err := newDeleteConfig(opts)
	if err != nil {
		return nil, err
	}
	return s.client.newRequest(http.MethodDelete, path, q, nil)
}

// nameAfterUpdate returns the name or id that addresses the catalog
// nameOrID once req is applied, and false when it cannot tell (req moves a
// catalog named by name into a folder given by id).
func nameAfterUpdate(nameOrID string, req *UpdateMachineCatalogRequest) (string, bool) {
	if isGUID(nameOrID) || (req.Name == nil && req.AdminFolder == nil) {
		return nameOrID, true
	}
	folder, name := "", nameOrID
	if i := strings.LastIndexByte(nameOrID, '|'); i >= 0 {
		folder, name = nameOrID[:i], nameOrID[i+1:]
	}
	if req.Name != nil {
		name = *req.Name
	}
	if req.AdminFolder != nil {
		if isGUID(*req.AdminFolder) {
			return "", false
		}
		folder = folderPath(*req.AdminFolder)
	}
	return joinFolder(folder, name), true
}

// folderPath turns an admin folder path as the API writes it
// ("Folder1\Folder2\") into the "|" form of catalog names ("Folder1|Folder2").
func folderPath(p string) string {
	p = strings.Trim(strings.TrimSpace(p), `\|`)
	return strings.ReplaceAll(p, `\`, "|")
}

func joinFolder(folder, name string) string {
	if folder == "" {
		return name
	}
	return folder + "|" + name
}

// isGUID reports whether s has the form of a GUID,
// 8-4-4-4-12 hexadecimal digits.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
