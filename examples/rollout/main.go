// Command rollout moves the machines of an MCS catalog to a new image and
// restarts them: it updates the catalog's provisioning scheme, waits for the
// update and for the machines to be moved to the image, then starts a
// reboot cycle on every delivery group that holds machines of the catalog
// and waits for those too, printing each job's progress as it goes.
//
//	go run ./examples/rollout                 # against the built-in fake
//	go run ./examples/rollout -catalog Win11 -image 'XDHyp:\HostingUnits\Unit1\win11-2026-03.snapshot' -yes
//
// Against the built-in fake (no CITRIX_* variable set) it seeds what
// cmd/daas-sim seeds by default: among its catalogs "Win11-Pooled-001"
// (the default -catalog) with 15 machines, 3 of them in delivery group
// "Desktops-001"; so the defaults work against daas-sim too. Against a
// service named by CITRIX_* variables, the simulator included, it changes
// nothing without -yes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func main() { exampleenv.Main("rollout", run) }

// defaultCatalog is the first catalog daas-sim and the built-in fake seed.
const defaultCatalog = "Win11-Pooled-001"

// Seeds returns what the built-in fake adds to its catalogs: daas-sim's
// defaults (-machines 6 -groups 1), 6 more machines in the first catalog
// and a delivery group with 3 of them.
func Seeds() []daastest.Option {
	return []daastest.Option{
		daastest.WithMachines(defaultCatalog, 6),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "Desktops-001", Catalog: defaultCatalog, Machines: 3}),
	}
}

func run(ctx context.Context, stdout io.Writer, args []string, opts exampleenv.Options) error {
	fs := flag.NewFlagSet("rollout", flag.ContinueOnError)
	fs.SetOutput(stdout)
	catalog := fs.String("catalog", defaultCatalog, "the MCS catalog to update (name, Folder|Name or id)")
	image := fs.String("image", `XDHyp:\HostingUnits\Unit1\win11-2026-03.vm\win11-2026-03.snapshot`, "the new master image path")
	warn := fs.String("warning", "This machine restarts in 5 minutes for an update.", "the message users see before their machine restarts")
	yes := fs.Bool("yes", false, "change a real service (CITRIX_* variables set)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if opts.Fake == nil {
		// Used only if Open finds no CITRIX_* variable.
		fake := exampleenv.NewFake(Seeds()...)
		defer fake.Close()
		opts.Fake = fake
	}
	env, err := exampleenv.Open(stdout, opts)
	if err != nil {
		return err
	}
	defer env.Close()
	if env.Real() && !*yes {
		return fmt.Errorf("this would update the image of catalog %s and reboot its delivery groups on %s; pass -yes to go ahead", *catalog, env.Client.BaseURL())
	}
	c := env.Client

	cat, err := c.MachineCatalogs.Get(ctx, *catalog)
	if err != nil {
		return err
	}
	groups, err := groupsOf(ctx, c, cat.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Catalog %s: %d machines; delivery groups using it: %v\n", cat.FullName, cat.TotalCount, groups)

	upd, err := c.MachineCatalogs.UpdateProvisioningSchemeAsync(ctx, cat.ID, daas.UpdateProvisioningSchemeRequest{
		MasterImagePath: *image,
		StoreOldImage:   true,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Updating the image as job %s\n", upd.ID())
	if _, err := upd.Wait(ctx, progress(stdout, "image update")); err != nil {
		return err
	}
	if _, err := c.MachineCatalogs.WaitProvisioned(ctx, cat.ID, progress(stdout, "machines")); err != nil {
		return err
	}

	var jobs []*daas.Job[struct{}]
	for _, g := range groups {
		job, err := c.DeliveryGroups.StartRebootCycleAsync(ctx, g, daas.RebootCycleRequest{
			RebootDurationMinutes:  daas.Ptr(60),
			WarningMessage:         *warn,
			WarningTitle:           "Restart",
			WarningDurationMinutes: daas.Ptr(5),
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Reboot cycle of %s as job %s\n", g, job.ID())
		jobs = append(jobs, job)
	}
	var errs []error
	for i, job := range jobs {
		if _, err := job.Wait(ctx, progress(stdout, "reboot "+groups[i])); err != nil {
			errs = append(errs, fmt.Errorf("reboot cycle of %s: %w", groups[i], err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	stale := 0
	for m, err := range c.MachineCatalogs.Machines(ctx, cat.ID) {
		if err != nil {
			return err
		}
		if m.Hosting.ImageOutOfDate {
			stale++
		}
	}
	fmt.Fprintf(stdout, "Done: image %s rolled out; %d machines still on an old image.\n", *image, stale)
	return nil
}

// groupsOf returns the delivery groups holding machines of the catalog.
func groupsOf(ctx context.Context, c *daas.Client, catalogID string) ([]string, error) {
	var out []string
	for m, err := range c.MachineCatalogs.Machines(ctx, catalogID) {
		if err != nil {
			return nil, err
		}
		if g := m.DeliveryGroup.Name; g != "" && !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out, nil
}

// progress prints a job's status and progress when they change.
func progress(w io.Writer, what string) daas.WaitOption {
	return daas.OnProgress(func(j daas.JobInfo) {
		fmt.Fprintf(w, "  %-22s %-12s %3d%%\n", what, j.Status, j.Progress)
	})
}
