package daas

import (
	"context"
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

// catalogPath is the path template of one catalog: its name or id is
// escaped as a single segment, so that "|" and "/" in foldered names stay
// inside it.
const catalogPath = "MachineCatalogs/{catalog}"

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
	if err := o.checkFor("MachineCatalogs.Update"); err != nil {
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
	if err := o.checkFor("MachineCatalogs.UpdateAsync"); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	return job(ctx, s.client, o, oneResult[MachineCatalog])
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
