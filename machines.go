package daas

import (
	"context"
	"encoding/json"
	"fmt"
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
	o, err := machineWrite("Machines.Update", nameOrID, &req)
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
	o, err := machineWrite("Machines.UpdateAsync", nameOrID, &req)
	if err != nil {
		return nil, err
	}
	return job(ctx, s.client, o, oneResult[Machine])
}

// machineWrite is the checked update of one machine, for the method what.
func machineWrite(what, nameOrID string, req *UpdateMachineRequest) (op, error) {
	o := op{method: http.MethodPatch, path: machinePath, args: []string{nameOrID}, body: req}
	if err := o.checkFor(what); err != nil {
		return op{}, err
	}
	return o, req.validate()
}

func hasMachineID(m *Machine) bool { return m.ID != "" }
