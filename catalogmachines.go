package daas

import (
	"context"
	"encoding/base64"
	"iter"
	"net/http"
	"strings"
)

// This file holds the catalog methods about machines: listing, adding and
// removing them, and changing the image of an MCS catalog. Waiting for
// provisioning is in provisioning.go.

// Machines returns every machine of a catalog, fetching the pages of GET
// /MachineCatalogs/{nameOrId}/Machines as the loop reaches them. [PageSize],
// [Fields] and [ContinuationToken] apply.
func (s *MachineCatalogsService) Machines(ctx context.Context, catalog string, opts ...ListOption) iter.Seq2[Machine, error] {
	cfg, err := machineList("MachineCatalogs.Machines", opts)
	return all[Machine](ctx, s.client, op{method: http.MethodGet, path: catalogPath + "/Machines", args: []string{catalog}}, cfg, err)
}

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
type AddMachineOption func(*addMachineConfig)

type addMachineConfig struct {
	credential string // the X-AdminCredential header value
	secrets    []string
	err        error
}

// AdminCredential makes the service act with these domain credentials (the
// X-AdminCredential header), for example to create the machine's Active
// Directory account. They are sent on this call only and never appear in
// errors or logs.
func AdminCredential(username, password string) AddMachineOption {
	return func(c *addMachineConfig) {
		if strings.TrimSpace(username) == "" || strings.Contains(username, ":") || password == "" {
			c.err = inputErr("AdminCredential", "want a username without ':' and a password")
			return
		}
		enc := base64.StdEncoding.EncodeToString([]byte(username + ":" + password))
		c.credential = "Basic " + enc
		c.secrets = []string{password, enc}
	}
}

// AddMachineAsync adds one machine to a catalog as a job of the service
// (POST /MachineCatalogs/{nameOrId}/Machines?async=true, job type
// AddMachineCatalogMachine); the job's result is the catalog. For an MCS
// catalog the job creates the machine: see also
// [MachineCatalogsService.WaitProvisioned].
func (s *MachineCatalogsService) AddMachineAsync(ctx context.Context, catalog string, req AddMachineRequest, opts ...AddMachineOption) (*Job[*MachineCatalog], error) {
	o := op{method: http.MethodPost, path: catalogPath + "/Machines", args: []string{catalog}, body: req}
	if err := o.check(); err != nil {
		return nil, err
	}
	if req.MachineName != "" {
		if err := checkID("machine name", req.MachineName); err != nil {
			return nil, err
		}
	}
	cfg := &addMachineConfig{}
	for _, o := range opts {
		if o != nil {
			o(cfg)
		}
	}
	if cfg.err != nil {
		return nil, cfg.err
	}
	if cfg.credential != "" {
		o.header = http.Header{"X-Admincredential": {cfg.credential}}
		o.secrets = cfg.secrets
	}
	return job(ctx, s.client, o, oneResult[MachineCatalog])
}

// RemoveMachine removes a machine from a catalog, and so from the site
// (DELETE /MachineCatalogs/{nameOrId}/Machines/{machine}); its VM is left
// alone. The service refuses a machine that is in a delivery group.
func (s *MachineCatalogsService) RemoveMachine(ctx context.Context, catalog, machine string) error {
	return none(ctx, s.client, op{method: http.MethodDelete, path: catalogPath + "/Machines/{machine}", args: []string{catalog, machine}})
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
// UpdateMachineCatalogProvisioningSchemeRequestModel. MasterImagePath is
// required.
type UpdateProvisioningSchemeRequest struct {
	// MasterImagePath is the new image, such as
	// "XDHyp:\HostingUnits\Unit1\image.folder\win11.snapshot". Required.
	MasterImagePath string `json:"MasterImagePath"`
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
func (s *MachineCatalogsService) UpdateProvisioningSchemeAsync(ctx context.Context, catalog string, req UpdateProvisioningSchemeRequest) (*Job[*MachineCatalog], error) {
	o := op{method: http.MethodPost, path: catalogPath + "/$UpdateProvisioningScheme", args: []string{catalog}, body: req}
	if err := o.check(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.MasterImagePath) == "" {
		return nil, inputErr("UpdateProvisioningSchemeRequest", "MasterImagePath is required")
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
func (s *MachineCatalogsService) RollbackProvisioningSchemeAsync(ctx context.Context, catalog string, reboot *RebootOptions) (*Job[*MachineCatalog], error) {
	if reboot == nil {
		reboot = &RebootOptions{}
	}
	return job(ctx, s.client, op{method: http.MethodPost, path: catalogPath + "/$RollbackProvisioningScheme", args: []string{catalog}, body: reboot}, oneResult[MachineCatalog])
}
