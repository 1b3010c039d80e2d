package daas

import (
	"context"
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
// Options choose what becomes of its machines and their accounts
// ([DeleteVMs], [MachineAccounts], [PurgeDBOnly]): without DeleteVMs(false)
// the service deletes the virtual machines of an MCS catalog too. A catalog
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
// DeleteMachineCatalog) and returns the job, which has no result. Options
// are those of [MachineCatalogsService.Delete]: without DeleteVMs(false)
// the service deletes the virtual machines of an MCS catalog too.
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
