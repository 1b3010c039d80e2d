package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/daaskit/daas"
)

// machinesCmd is the machines group.
type machinesCmd struct {
	List     machinesListCmd  `cmd:"" help:"List the machines (every page), of the site or of one catalog."`
	Get      machinesGetCmd   `cmd:"" help:"Show one machine."`
	Start    machinesStartCmd `cmd:"" help:"Start machines, one job each."`
	Shutdown machinesStopCmd  `cmd:"" help:"Shut machines down, one job each."`
	Reboot   machinesBootCmd  `cmd:"" help:"Reboot machines, one job each."`
}

type machinesListCmd struct {
	Catalog string `help:"Only the machines of this catalog (name, Folder|Name or id)."`
}

// Run lists the machines.
func (c *machinesListCmd) Run(ctx context.Context, a *app) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	seq := client.Machines.All(ctx)
	if c.Catalog != "" {
		seq = client.MachineCatalogs.Machines(ctx, c.Catalog)
	}
	return listItems(a, seq, machineHeader, machineRow)
}

var machineHeader = []string{"NAME", "ID", "CATALOG", "DELIVERY GROUP", "POWER", "REGISTRATION", "SESSIONS"}

func machineRow(m *daas.Machine) []string {
	return []string{m.Name, m.ID, m.MachineCatalog.Name, m.DeliveryGroup.Name, string(m.PowerState), string(m.RegistrationState), strconv.Itoa(m.SessionCount)}
}

type machinesGetCmd struct {
	Machine string `arg:"" help:"Name (DOMAIN\\NAME) or id."`
}

// Run shows the machine.
func (c *machinesGetCmd) Run(ctx context.Context, a *app) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	m, err := client.Machines.Get(ctx, c.Machine)
	if err != nil {
		return err
	}
	return printOne(a, m, machineHeader, machineRow(m))
}

// powerCmd is what the power commands share: the machines, and the wait.
type powerCmd struct {
	Machines  []string `arg:"" help:"Names (DOMAIN\\NAME) or ids."`
	waitFlags `embed:""`
}

// run starts one job a machine with start and waits for them all. A start
// that fails stops the command; the jobs started before it are named in
// the error, and go on.
func (c *powerCmd) run(ctx context.Context, a *app, start func(ctx context.Context, client *daas.Client, machine string) (*daas.Job[struct{}], error)) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	jobs := make([]pending, 0, len(c.Machines))
	for _, m := range c.Machines {
		job, err := start(ctx, client, m)
		if err != nil {
			if len(jobs) == 0 {
				return err
			}
			ids := make([]string, len(jobs))
			for i, j := range jobs {
				ids[i] = j.id
			}
			return fmt.Errorf("%s: %w (jobs started before it, not waited for: %s)", m, err, strings.Join(ids, " "))
		}
		jobs = append(jobs, pendingOf(job))
	}
	return a.await(ctx, &c.waitFlags, jobs, a.showOutcome(nil))
}

type machinesStartCmd struct {
	powerCmd `embed:""`
}

// Run starts the machines.
func (c *machinesStartCmd) Run(ctx context.Context, a *app) error {
	return c.run(ctx, a, func(ctx context.Context, client *daas.Client, m string) (*daas.Job[struct{}], error) {
		return client.Machines.StartAsync(ctx, m)
	})
}

type machinesStopCmd struct {
	Force    bool           `help:"Do not wait for users to end their work (unsaved work may be lost)."`
	Delay    *time.Duration `help:"Shut down after this long, in whole seconds (at least 1s)."`
	powerCmd `embed:""`
}

// Run shuts the machines down.
func (c *machinesStopCmd) Run(ctx context.Context, a *app) error {
	var opts []daas.PowerOption
	if c.Force {
		opts = append(opts, daas.Force())
	}
	if c.Delay != nil {
		if *c.Delay < time.Second || *c.Delay%time.Second != 0 {
			return usagef("--delay %v: want a whole number of seconds, at least 1s", *c.Delay)
		}
		opts = append(opts, daas.Delay(*c.Delay))
	}
	return c.run(ctx, a, func(ctx context.Context, client *daas.Client, m string) (*daas.Job[struct{}], error) {
		return client.Machines.ShutdownAsync(ctx, m, opts...)
	})
}

type machinesBootCmd struct {
	Force    bool `help:"Do not wait for users to end their work (unsaved work may be lost)."`
	powerCmd `embed:""`
}

// Run reboots the machines.
func (c *machinesBootCmd) Run(ctx context.Context, a *app) error {
	var opts []daas.PowerOption
	if c.Force {
		opts = append(opts, daas.Force())
	}
	return c.run(ctx, a, func(ctx context.Context, client *daas.Client, m string) (*daas.Job[struct{}], error) {
		return client.Machines.RebootAsync(ctx, m, opts...)
	})
}
