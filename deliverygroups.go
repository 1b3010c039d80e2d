package daas

import (
	"context"
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

// groupUpdate is the checked update of one group, for the method what.
func groupUpdate(what, nameOrID string, req *UpdateDeliveryGroupRequest) (op, error) {
	o := op{method: http.MethodPatch, path: groupPath, args: []string{nameOrID}, body: req}
	if err := o.checkFor(what); err != nil {
		return op{}, err
	}
	return o, req.validate()
}

// Update changes the fields of a delivery group that req sets (PATCH
// /DeliveryGroups/{nameOrId}, answered 204) and returns the group as it is
// afterwards, read back under its new name when req renames it.
func (s *DeliveryGroupsService) Update(ctx context.Context, nameOrID string, req UpdateDeliveryGroupRequest) (*DeliveryGroupDetail, error) {
	o, err := groupUpdate("DeliveryGroups.Update", nameOrID, &req)
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
	o, err := groupUpdate("DeliveryGroups.UpdateAsync", nameOrID, &req)
	if err != nil {
		return nil, err
	}
	return job(ctx, s.client, o, oneResult[DeliveryGroupDetail])
}

// addMachines is the checked operation of AddMachinesAsync, for the
// method what.
func addMachines(what, nameOrID, catalog string, count int) (op, error) {
	o := op{method: http.MethodPost, path: groupPath + "/Machines", args: []string{nameOrID}}
	if err := o.checkFor(what); err != nil {
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
func (s *DeliveryGroupsService) AddMachinesAsync(ctx context.Context, nameOrID, catalog string, count int) (*Job[*DeliveryGroupDetail], error) {
	o, err := addMachines("DeliveryGroups.AddMachinesAsync", nameOrID, catalog, count)
	if err != nil {
		return nil, err
	}
	return job(ctx, s.client, o, oneResult[DeliveryGroupDetail])
}

// StartRebootCycleAsync starts a reboot cycle of the machines of a delivery
// group (POST /DeliveryGroups/{nameOrId}/$StartRebootCycle?async=true, job
// type StartDeliveryGroupRebootCycle, body RebootCycleRequestModel), for
// example after a catalog's image update, so that every machine restarts on
// the new image.
func (s *DeliveryGroupsService) StartRebootCycleAsync(ctx context.Context, nameOrID string, req RebootCycleRequest) (*Job[struct{}], error) {
	o := op{method: http.MethodPost, path: groupPath + "/$StartRebootCycle", args: []string{nameOrID}, body: &req}
	if err := o.checkFor("DeliveryGroups.StartRebootCycleAsync"); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	return job(ctx, s.client, o, noResult)
}

// AddMachinesItem is [DeliveryGroupsService.AddMachinesAsync] as a
// [Client.Batch] item, checked and escaped the same way.
func (s *DeliveryGroupsService) AddMachinesItem(nameOrID, catalog string, count int) (BatchItem, error) {
	o, err := addMachines("DeliveryGroups.AddMachinesItem", nameOrID, catalog, count)
	if err != nil {
		return BatchItem{}, err
	}
	return asyncItem(s.client, o)
}

// RemoveMachineItem is [DeliveryGroupsService.RemoveMachineAsync] as a
// [Client.Batch] item, checked and escaped the same way.
func (s *DeliveryGroupsService) RemoveMachineItem(nameOrID, machineNameOrID string) (BatchItem, error) {
	o, _, err := operation("DeliveryGroups", "RemoveMachine").call("DeliveryGroups.RemoveMachineItem", []string{nameOrID, machineNameOrID}, nil, nil, nil)
	if err != nil {
		return BatchItem{}, err
	}
	return asyncItem(s.client, o)
}
