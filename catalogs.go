package daas

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
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

// catalogPath is the path template of one catalog: its name or id is
// escaped as a single segment, so that "|" and "/" in foldered names stay
// inside it.
const catalogPath = "MachineCatalogs/{catalog}"

// List returns one page of machine catalogs (GET /MachineCatalogs). Pass
// the page's ContinuationToken back with [ContinuationToken] for the next
// one, or use [MachineCatalogsService.All] to range over every catalog.
func (s *MachineCatalogsService) List(ctx context.Context, opts ...ListOption) (*MachineCatalogPage, error) {
	cfg, err := newListConfig(opts)
	if err != nil {
		return nil, err
	}
	return page[MachineCatalog](ctx, s.client, op{method: http.MethodGet, path: "MachineCatalogs"}, cfg)
}

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
	cfg, err := newListConfig(opts)
	return all[MachineCatalog](ctx, s.client, op{method: http.MethodGet, path: "MachineCatalogs"}, cfg, err)
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
	return listJob[MachineCatalog](ctx, s.client, op{method: http.MethodGet, path: "MachineCatalogs"}, cfg)
}

// Get returns one machine catalog, by id, name or "Folder|Name" path (GET
// /MachineCatalogs/{nameOrId}). A catalog that does not exist gives an error
// matching [ErrNotFound].
func (s *MachineCatalogsService) Get(ctx context.Context, nameOrID string) (*MachineCatalog, error) {
	return one[MachineCatalog](ctx, s.client, op{method: http.MethodGet, path: catalogPath, args: []string{nameOrID}})
}

// GetAsync reads one machine catalog as a job of the service (GET
// /MachineCatalogs/{nameOrId}?async=true). Of the list options only
// [Fields] applies; any other is an error.
func (s *MachineCatalogsService) GetAsync(ctx context.Context, nameOrID string, opts ...ListOption) (*Job[*MachineCatalog], error) {
	cfg, err := listOptions("MachineCatalogs.GetAsync", opts, "Fields")
	if err != nil {
		return nil, err
	}
	return job(ctx, s.client, op{method: http.MethodGet, path: catalogPath, args: []string{nameOrID}, query: cfg.query()}, oneResult[MachineCatalog])
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
	var readBack func(context.Context) (*MachineCatalog, error)
	if !isGUID(req.AdminFolder) { // an answer without a body: read the new catalog back
		readBack = func(ctx context.Context) (*MachineCatalog, error) {
			return s.Get(ctx, joinFolder(folderPath(req.AdminFolder), req.Name))
		}
	}
	return writeThenRead(ctx, s.client, op{method: http.MethodPost, path: "MachineCatalogs", body: req}, hasCatalogID, readBack)
}

func hasCatalogID(c *MachineCatalog) bool { return c.ID != "" }

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
	return job(ctx, s.client, op{method: http.MethodPost, path: "MachineCatalogs", body: req}, oneResult[MachineCatalog])
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
	o := op{method: http.MethodPatch, path: catalogPath, args: []string{nameOrID}, body: req}
	if err := o.check(); err != nil {
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
	return writeThenRead(ctx, s.client, o, hasCatalogID, func(ctx context.Context) (*MachineCatalog, error) { return s.Get(ctx, after) })
}

// UpdateAsync starts an update of a machine catalog as a job of the service
// (PATCH /MachineCatalogs/{nameOrId}?async=true, job type
// UpdateMachineCatalog) and returns the job; its result is the updated
// catalog. An empty request is an error, returned before any request.
func (s *MachineCatalogsService) UpdateAsync(ctx context.Context, nameOrID string, req UpdateMachineCatalogRequest) (*Job[*MachineCatalog], error) {
	o := op{method: http.MethodPatch, path: catalogPath, args: []string{nameOrID}, body: req}
	if err := o.check(); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	return job(ctx, s.client, o, oneResult[MachineCatalog])
}

// Delete deletes a machine catalog (DELETE /MachineCatalogs/{nameOrId}).
// Options choose what becomes of its machines and their accounts. A catalog
// that does not exist gives an error matching [ErrNotFound].
func (s *MachineCatalogsService) Delete(ctx context.Context, nameOrID string, opts ...DeleteOption) error {
	q, err := newDeleteConfig(opts)
	if err != nil {
		return err
	}
	return none(ctx, s.client, op{method: http.MethodDelete, path: catalogPath, args: []string{nameOrID}, query: q})
}

// DeleteAsync starts the deletion of a machine catalog as a job of the
// service (DELETE /MachineCatalogs/{nameOrId}?async=true, job type
// DeleteMachineCatalog) and returns the job, which has no result.
func (s *MachineCatalogsService) DeleteAsync(ctx context.Context, nameOrID string, opts ...DeleteOption) (*Job[struct{}], error) {
	q, err := newDeleteConfig(opts)
	if err != nil {
		return nil, err
	}
	return job(ctx, s.client, op{method: http.MethodDelete, path: catalogPath, args: []string{nameOrID}, query: q}, noResult)
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
