package daas

import (
	"context"
	"iter"
	"net/http"
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
