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
	return listItems(a, client.DeliveryGroups.All(ctx, inFolder(c.Folder)...), groupHeader, func(g *daas.DeliveryGroup) []string {
		return groupRow(g.FullName, g.ID, g.Delivering, g.SessionSupport, g.TotalDesktops, g.DesktopsAvailable, g.Enabled)
	})
}

var groupHeader = []string{"NAME", "ID", "DELIVERING", "SESSIONS", "DESKTOPS", "AVAILABLE", "ENABLED"}

// groupRow is the table row of a delivery group. It takes the fields, not
// a struct, so that a group of the list and the answer of Get (which has
// the list's fields, and may have more) share it.
func groupRow(name, id string, delivering daas.DeliveryKind, sessions daas.SessionSupport, desktops, available int, enabled bool) []string {
	return []string{name, id, string(delivering), string(sessions), strconv.Itoa(desktops), strconv.Itoa(available), strconv.FormatBool(enabled)}
}

type deliveryGroupsGetCmd struct {
	Group string `arg:"" help:"Name, folder path and name (Folder|Name) or id."`
}

// Run shows the delivery group: a one-row table, or with --output json
// the group as the service described it.
func (c *deliveryGroupsGetCmd) Run(ctx context.Context, a *app) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	g, err := client.DeliveryGroups.Get(ctx, c.Group)
	if err != nil {
		return err
	}
	return printOne(a, g, groupHeader, groupRow(g.FullName, g.ID, g.Delivering, g.SessionSupport, g.TotalDesktops, g.DesktopsAvailable, g.Enabled))
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
	for _, f := range []struct {
		name string
		n    *int
	}{{"--duration-minutes", c.DurationMinutes}, {"--warning-minutes", c.WarningMinutes}} {
		if f.n != nil && *f.n < 0 {
			return usagef("%s %d: must be 0 or more", f.name, *f.n)
		}
	}
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
