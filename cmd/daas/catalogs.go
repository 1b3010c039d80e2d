package main

import (
	"context"
	"fmt"
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
	DeleteVMs bool   `name:"delete-vms" help:"Delete the virtual machines of an MCS catalog too (without it they are kept: deleteVm=false is sent, the service's default being to delete them)."`
	Accounts  string `enum:"keep,disable,delete" default:"keep" help:"What becomes of the machines' Active Directory accounts: keep, disable or delete (deleteAccount None, Disable or Delete)."`
	waitFlags `embed:""`
}

// accountActions maps --accounts to the deleteAccount parameter.
var accountActions = map[string]daas.AccountAction{
	"keep":    daas.AccountActionNone,
	"disable": daas.AccountActionDisable,
	"delete":  daas.AccountActionDelete,
}

// Run starts the deletion and waits for it. Every parameter whose service
// default destroys something is sent, the safe way unless a flag asks
// otherwise, and the output says what becomes of the machines and their
// accounts.
func (c *catalogsDeleteCmd) Run(ctx context.Context, a *app) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	job, err := client.MachineCatalogs.DeleteAsync(ctx, c.Catalog,
		daas.DeleteVMs(c.DeleteVMs), daas.MachineAccounts(accountActions[c.Accounts]))
	if err != nil {
		return err
	}
	if c.NoWait {
		a.stderrf("daas: %s\n", clean(c.effects("the job deletes catalog", "deletes", "keeps", "disables", "leaves")))
	}
	show := a.showOutcome(nil)
	return a.await(ctx, &c.waitFlags, []pending{pendingOf(job)}, func(o outcome) {
		show(o)
		if o.info == nil || (o.info.Status != daas.JobStatusComplete && o.info.Status != daas.JobStatusCompleteWithWarning) {
			return // not deleted, or not known to be
		}
		note := clean(c.effects("deleted catalog", "deleted", "kept", "disabled", "left"))
		if a.json {
			a.stderrf("daas: %s\n", note)
		} else {
			fmt.Fprintln(a.stdout, note)
		}
	})
}

// effects says what the deletion does to the catalog's machines and their
// accounts, with the verbs of its tense.
func (c *catalogsDeleteCmd) effects(what, deletes, keeps, disables, leaves string) string {
	vms := keeps + " its virtual machines (--delete-vms deletes them)"
	if c.DeleteVMs {
		vms = deletes + " its virtual machines (if MCS-provisioned)"
	}
	accounts := leaves + " their Active Directory accounts as they are"
	switch c.Accounts {
	case "disable":
		accounts = disables + " their Active Directory accounts"
	case "delete":
		accounts = deletes + " their Active Directory accounts"
	}
	return fmt.Sprintf("%s %s: %s, %s", what, c.Catalog, vms, accounts)
}
