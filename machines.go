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

// machinePath is the path template of one machine. The "\" of a SAM name
// goes on the wire as "|" (see pathSegment).
const machinePath = "Machines/{machine}"

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
	return writeThenRead(ctx, s.client, o, hasMachineID,
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
// [MachineAccounts], [PurgeDBOnly]): without DeleteVMs(false) the service
// deletes the virtual machine of an MCS machine too. The service refuses to
// remove a machine that is not in maintenance mode; put it there first with
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
// no result. Options are those of [MachinesService.Delete]: without
// DeleteVMs(false) the service deletes the virtual machine of an MCS
// machine too.
func (s *MachinesService) DeleteAsync(ctx context.Context, nameOrID string, opts ...DeleteOption) (*Job[struct{}], error) {
	q, err := newDeleteConfig(opts)
	if err != nil {
		return nil, err
	}
	return job(ctx, s.client, op{method: http.MethodDelete, path: machinePath, args: []string{nameOrID}, query: q}, noResult)
}

func hasMachineID(m *Machine) bool { return m.ID != "" }
