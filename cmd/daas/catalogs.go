package main

import (
	"context"
	"strconv"

	"github.com/daaskit/daas"
)

// catalogsCmd is the catalogs group.
type catalogsCmd struct {
	List   catalogsListCmd   `cmd:"" help:"List the machine catalogs (every page)."`
	Get    catalogsGetCmd    `cmd:"" help:"Show one machine catalog."`
	Create catalogsCreateCmd `cmd:"" help:"Create a machine catalog, as a job."`
	Delete catalogsDeleteCmd `cmd:"" help:"Delete a machine catalog, as a job."`
}

type catalogsListCmd struct {
	Folder string `help:"Only the catalogs in this admin folder."`
}

// Run lists the catalogs.
func (c *catalogsListCmd) Run(ctx context.Context, a *app) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	return listItems(a, client.MachineCatalogs.All(ctx, inFolder(c.Folder)...), catalogHeader, catalogRow)
}

var catalogHeader = []string{"NAME", "ID", "PROVISIONING", "SESSIONS", "ALLOCATION", "MACHINES"}

func catalogRow(c *daas.MachineCatalog) []string {
	return []string{c.FullName, c.ID, string(c.ProvisioningType), string(c.SessionSupport), string(c.AllocationType), strconv.Itoa(c.TotalCount)}
}

// printCatalog prints one catalog as a table or JSON.
func (a *app) printCatalog(c *daas.MachineCatalog) error {
	return printOne(a, c, catalogHeader, catalogRow(c))
}

type catalogsGetCmd struct {
	Catalog string `arg:"" help:"Name, folder path and name (Folder|Name) or id."`
}

// Run shows the catalog.
func (c *catalogsGetCmd) Run(ctx context.Context, a *app) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	cat, err := client.MachineCatalogs.Get(ctx, c.Catalog)
	if err != nil {
		return err
	}
	return a.printCatalog(cat)
}

type catalogsCreateCmd struct {
	Name             string `arg:"" help:"Name of the new catalog."`
	ProvisioningType string `required:"" help:"MCS, PVS or Manual."`
	SessionSupport   string `required:"" help:"SingleSession or MultiSession."`
	AllocationType   string `help:"Static or Random."`
	Description      string `help:"Description of the catalog."`
	Zone             string `help:"Zone, by name or id."`
	waitFlags        `embed:""`
}

// Run starts the creation and waits for it.
func (c *catalogsCreateCmd) Run(ctx context.Context, a *app) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	job, err := client.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{
		Name:             c.Name,
		ProvisioningType: daas.ProvisioningType(c.ProvisioningType),
		SessionSupport:   daas.SessionSupport(c.SessionSupport),
		AllocationType:   daas.AllocationType(c.AllocationType),
		Description:      c.Description,
		Zone:             c.Zone,
	})
	if err != nil {
		return err
	}
	return a.await(ctx, &c.waitFlags, []pending{pendingOf(job)}, a.showOutcome(func(r any) {
		if cat, ok := r.(*daas.MachineCatalog); ok && cat != nil {
			a.printCatalog(cat)
		}
	}))
}

type catalogsDeleteCmd struct {
	Catalog   string `arg:"" help:"Name, folder path and name (Folder|Name) or id."`
	DeleteVMs bool   `name:"delete-vms" help:"Delete the catalog's virtual machines too."`
	waitFlags `embed:""`
}

// Run starts the deletion and waits for it.
func (c *catalogsDeleteCmd) Run(ctx context.Context, a *app) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	var opts []daas.DeleteOption
	if c.DeleteVMs {
		opts = append(opts, daas.DeleteVMs(true))
	}
	job, err := client.MachineCatalogs.DeleteAsync(ctx, c.Catalog, opts...)
	if err != nil {
		return err
	}
	return a.await(ctx, &c.waitFlags, []pending{pendingOf(job)}, a.showOutcome(nil))
}
