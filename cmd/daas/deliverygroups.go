package main

import (
	"context"
	"strconv"

	"github.com/daaskit/daas"
)

// deliveryGroupsCmd is the deliverygroups group.
type deliveryGroupsCmd struct {
	List        deliveryGroupsListCmd   `cmd:"" help:"List the delivery groups (every page)."`
	Get         deliveryGroupsGetCmd    `cmd:"" help:"Show one delivery group."`
	RebootCycle deliveryGroupsRebootCmd `cmd:"" name:"reboot-cycle" help:"Reboot the machines of a delivery group, as a job."`
}

type deliveryGroupsListCmd struct {
	Folder string `help:"Only the delivery groups in this admin folder."`
}

// Run lists the delivery groups.
func (c *deliveryGroupsListCmd) Run(ctx context.Context, a *app) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	var opts []daas.ListOption
	if c.Folder != "" {
		opts = append(opts, daas.InFolder(c.Folder))
	}
	gs, err := collect(client.DeliveryGroups.All(ctx, opts...))
	if err != nil {
		return err
	}
	return printItems(a, gs, groupHeader, groupRow)
}

var groupHeader = []string{"NAME", "ID", "DELIVERING", "SESSIONS", "DESKTOPS", "AVAILABLE", "ENABLED"}

func groupRow(g *daas.DeliveryGroup) []string {
	return []string{g.FullName, g.ID, string(g.Delivering), string(g.SessionSupport), strconv.Itoa(g.TotalDesktops), strconv.Itoa(g.DesktopsAvailable), strconv.FormatBool(g.Enabled)}
}

type deliveryGroupsGetCmd struct {
	Group string `arg:"" help:"Name, folder path and name (Folder|Name) or id."`
}

// Run shows the delivery group.
func (c *deliveryGroupsGetCmd) Run(ctx context.Context, a *app) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	g, err := client.DeliveryGroups.Get(ctx, c.Group)
	if err != nil {
		return err
	}
	return printItems(a, []daas.DeliveryGroup{g.DeliveryGroup}, groupHeader, groupRow)
}

type deliveryGroupsRebootCmd struct {
	Group                 string `arg:"" help:"Name, folder path and name (Folder|Name) or id."`
	DurationMinutes       *int   `name:"duration-minutes" help:"About how long the cycle takes to reboot every machine; 0 reboots them all at once."`
	IgnoreMaintenanceMode bool   `help:"Reboot machines in maintenance mode too."`
	Tag                   string `help:"Only the machines with this tag."`
	WarningMessage        string `help:"Message shown in the sessions of a machine about to reboot."`
	WarningTitle          string `help:"Title of the warning."`
	WarningMinutes        *int   `name:"warning-minutes" help:"How long before the reboot the warning shows."`
	waitFlags             `embed:""`
}

// Run starts the reboot cycle and waits for it.
func (c *deliveryGroupsRebootCmd) Run(ctx context.Context, a *app) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	req := daas.RebootCycleRequest{
		RebootDurationMinutes:  c.DurationMinutes,
		RestrictToTag:          c.Tag,
		WarningTitle:           c.WarningTitle,
		WarningMessage:         c.WarningMessage,
		WarningDurationMinutes: c.WarningMinutes,
	}
	if c.IgnoreMaintenanceMode {
		req.IgnoreMaintenanceMode = &c.IgnoreMaintenanceMode
	}
	job, err := client.DeliveryGroups.StartRebootCycleAsync(ctx, c.Group, req)
	if err != nil {
		return err
	}
	return a.await(ctx, &c.waitFlags, []pending{pendingOf(job)}, a.showOutcome(nil))
}
