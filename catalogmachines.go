package daas

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
)

// This file holds the catalog methods about machines: listing, adding and
// removing them, and changing the image of an MCS catalog. Waiting for
// provisioning is in provisioning.go.

// AddMachineRequest is the body of adding one machine to a catalog, the
// API's AddMachineToMachineCatalogDetailRequestModel. For an MCS catalog
// leave MachineName empty: MCS creates a machine by the catalog's naming
// scheme. For a manual (or Remote PC) catalog MachineName, the existing
// machine's DOMAIN\NAME, is required.
type AddMachineRequest struct {
	MachineName          string      `json:"MachineName,omitempty"`
	AssignedClientName   string      `json:"AssignedClientName,omitempty"`
	AssignedIPAddress    string      `json:"AssignedIPAddress,omitempty"`
	AssignedUsers        []string    `json:"AssignedUsers,omitempty"`
	HostedMachineID      string      `json:"HostedMachineId,omitempty"`
	HypervisorConnection string      `json:"HypervisorConnection,omitempty"` // name or id
	InMaintenanceMode    *bool       `json:"InMaintenanceMode,omitempty"`
	Metadata             []NameValue `json:"Metadata,omitempty"`
}

// An AddMachineOption changes how a machine is added: [AdminCredential].
// It is a [CallOption].
type AddMachineOption = CallOption

// AdminCredential makes the service act with these domain credentials (the
// X-AdminCredential header), for example to create or delete a machine's
// Active Directory account, on any method whose operation takes the header.
// They are sent on this call only and never appear in errors or logs.
func AdminCredential(username, password string) CallOption {
	return func(c *listConfig) {
		if strings.TrimSpace(username) == "" || strings.Contains(username, ":") || password == "" {
			c.set("AdminCredential", "X-AdminCredential")
			c.fail("AdminCredential", "want a username without ':' and a password")
			return
		}
		enc := base64.StdEncoding.EncodeToString([]byte(username + ":" + password))
		headerParam("AdminCredential", "X-AdminCredential", "Basic "+enc)(c)
		c.secrets = append(c.secrets, password, enc)
	}
}

// AddMachineAsync adds one machine to a catalog as a job of the service
// (POST /MachineCatalogs/{nameOrId}/Machines?async=true, job type
// AddMachineCatalogMachine); the job's result is the catalog. For an MCS
// catalog the job creates the machine: see also
// [MachineCatalogsService.WaitProvisioned].
func (s *MachineCatalogsService) AddMachineAsync(ctx context.Context, nameOrID string, req AddMachineRequest, opts ...AddMachineOption) (*Job[*MachineCatalog], error) {
	o, _, err := operation("MachineCatalogs", "AddMachine").call("MachineCatalogs.AddMachineAsync", []string{nameOrID}, nil, req, opts)
	if err != nil {
		return nil, err
	}
	if req.MachineName != "" {
		if err := checkID("machine name", req.MachineName); err != nil {
			return nil, forMethod("MachineCatalogs.AddMachineAsync", err)
		}
	}
	return job(ctx, s.client, o, oneResult[MachineCatalog])
}

// RebootOptions is how the machines of a catalog restart onto a new image,
// the API's RebootMachinesRequestModel. Durations are in minutes.
type RebootOptions struct {
	RebootDuration        *int   `json:"RebootDuration,omitempty"` // minutes over which to restart every machine; 0: all at once
	WarningDuration       *int   `json:"WarningDuration,omitempty"`
	WarningTitle          string `json:"WarningTitle,omitempty"`
	WarningMessage        string `json:"WarningMessage,omitempty"`
	WarningRepeatInterval *int   `json:"WarningRepeatInterval,omitempty"`
}

// UpdateProvisioningSchemeRequest is an image update of an MCS catalog, the
// commonly used fields of the API's
// UpdateMachineCatalogProvisioningSchemeRequestModel. The new image is
// MasterImagePath or an image version (AssignImageVersionToProvisioningScheme):
// one of them is required.
type UpdateProvisioningSchemeRequest struct {
	// MasterImagePath is the new image, such as
	// "XDHyp:\HostingUnits\Unit1\image.folder\win11.snapshot".
	MasterImagePath string `json:"MasterImagePath,omitempty"`
	// AssignImageVersionToProvisioningScheme names an image version of an
	// image definition (see [ImageDefinitionsService]) as the new image.
	AssignImageVersionToProvisioningScheme *AssignImageVersionToProvisioningSchemeRequest `json:"AssignImageVersionToProvisioningScheme,omitempty"`
	// StoreOldImage keeps the current image so that
	// [MachineCatalogsService.RollbackProvisioningSchemeAsync] can return to it.
	StoreOldImage          bool            `json:"StoreOldImage,omitempty"`
	MasterImageNote        string          `json:"MasterImageNote,omitempty"`
	MinimumFunctionalLevel FunctionalLevel `json:"MinimumFunctionalLevel,omitempty"`
	RebootOptions          *RebootOptions  `json:"RebootOptions,omitempty"`
}

// UpdateProvisioningSchemeAsync changes the image of an MCS catalog as a
// job of the service (POST
// /MachineCatalogs/{nameOrId}/$UpdateProvisioningScheme?async=true, job type
// UpdateMachineCatalogProvisioningScheme). The job can end while the
// machines are still being moved to the image: wait for that with
// [MachineCatalogsService.WaitProvisioned].
func (s *MachineCatalogsService) UpdateProvisioningSchemeAsync(ctx context.Context, nameOrID string, req UpdateProvisioningSchemeRequest) (*Job[*MachineCatalog], error) {
	o := op{method: http.MethodPost, path: catalogPath + "/$UpdateProvisioningScheme", args: []string{nameOrID}, body: req}
	if err := o.checkFor("MachineCatalogs.UpdateProvisioningSchemeAsync"); err != nil {
		return nil, err
	}
	const what = "MachineCatalogs.UpdateProvisioningSchemeAsync"
	if strings.TrimSpace(req.MasterImagePath) == "" && req.AssignImageVersionToProvisioningScheme == nil {
		return nil, inputErr(what, "MasterImagePath or AssignImageVersionToProvisioningScheme is required")
	}
	if a := req.AssignImageVersionToProvisioningScheme; a != nil && (strings.TrimSpace(a.ImageDefinition) == "" || strings.TrimSpace(a.ImageVersion) == "") {
		return nil, inputErr(what, "AssignImageVersionToProvisioningScheme needs ImageDefinition and ImageVersion")
	}
	return job(ctx, s.client, o, oneResult[MachineCatalog])
}

// RollbackProvisioningSchemeAsync returns an MCS catalog to the image kept
// by an update with StoreOldImage, as a job of the service (POST
// /MachineCatalogs/{nameOrId}/$RollbackProvisioningScheme?async=true, job
// type RollbackMachineCatalogProvisioningScheme). reboot may be nil. Each
// rollback returns to the image kept by the last update and drops it, so a
// second rollback returns to the one before. With no image kept
// (CanRollbackVMImage false) the service refuses with an [*APIError]; a
// rollback whose image another rollback took first ends in a [*JobError].
func (s *MachineCatalogsService) RollbackProvisioningSchemeAsync(ctx context.Context, nameOrID string, reboot *RebootOptions) (*Job[*MachineCatalog], error) {
	if reboot == nil {
		reboot = &RebootOptions{}
	}
	o := op{method: http.MethodPost, path: catalogPath + "/$RollbackProvisioningScheme", args: []string{nameOrID}, body: reboot}
	if err := o.checkFor("MachineCatalogs.RollbackProvisioningSchemeAsync"); err != nil {
		return nil, err
	}
	return job(ctx, s.client, o, oneResult[MachineCatalog])
}
