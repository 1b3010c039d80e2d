// Command createcatalog creates a machine catalog as an asynchronous job
// (POST /MachineCatalogs?async=true) and waits for it with a live progress
// line. Ctrl-C stops the wait and asks the service to cancel the job. A job
// that fails is printed from the fields of its *daas.JobError.
//
//	go run ./examples/createcatalog -name Win11-Pooled-Demo
//	go run ./examples/createcatalog -name Win11-Pooled-001   # a duplicate: the job fails
//
// Against the built-in fake, Win11-Pooled-001 is one of the seeded catalogs,
// so creating it again fails the way the service fails. Against a real
// service (CITRIX_* variables set) it creates an empty catalog of the given
// provisioning type, and only with -yes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func main() { exampleenv.Main("createcatalog", run) }

func run(ctx context.Context, stdout io.Writer, args []string, opts exampleenv.Options) error {
	fs := flag.NewFlagSet("createcatalog", flag.ContinueOnError)
	fs.SetOutput(stdout)
	name := fs.String("name", "Win11-Pooled-Demo", "name of the new catalog (an existing name makes the job fail)")
	provisioning := fs.String("provisioning", "Manual", "provisioning type: Manual, MCS, PVS, ...")
	sessions := fs.String("sessions", "SingleSession", "session support: SingleSession or MultiSession")
	description := fs.String("description", "Created by the daas createcatalog example", "description of the new catalog")
	yes := fs.Bool("yes", false, "create the catalog on a real service (CITRIX_* variables set)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	env, err := exampleenv.Open(stdout, opts)
	if err != nil {
		return err
	}
	defer env.Close()
	if env.Real() && !*yes {
		return fmt.Errorf("this would create catalog %q on %s; pass -yes to go ahead", *name, env.Client.BaseURL())
	}

	job, err := env.Client.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{
		Name:             *name,
		ProvisioningType: daas.ProvisioningType(*provisioning),
		SessionSupport:   daas.SessionSupport(*sessions),
		AllocationType:   daas.AllocationTypeRandom,
		Description:      *description,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Creating catalog %q as job %s (Ctrl-C cancels it).\n", *name, job.ID())

	// On a terminal the progress line is rewritten in place; elsewhere
	// (a pipe, a log, a test) each change gets a line of its own.
	live := isTerminal(stdout)
	cat, err := job.Wait(ctx,
		daas.OnProgress(func(j daas.JobInfo) {
			line := fmt.Sprintf("  %s", j.Status)
			if j.Progress >= 0 {
				line = fmt.Sprintf("  %-12s %3d%%", j.Status, j.Progress)
			}
			if live {
				fmt.Fprintf(stdout, "\r%-40s", line)
			} else {
				fmt.Fprintln(stdout, line)
			}
		}),
		// When ctx ends (Ctrl-C) before the job, Wait asks the service to
		// cancel the job before it returns.
		daas.CancelOnContextDone(),
	)
	if live {
		fmt.Fprintln(stdout)
	}

	var jobErr *daas.JobError
	switch {
	case err == nil:
		fmt.Fprintf(stdout, "Created catalog %s (id %s): %s, %s, %s, %d machines.\n",
			cat.FullName, cat.ID, cat.ProvisioningType, cat.SessionSupport, cat.AllocationType, cat.TotalCount)
		return nil
	case errors.As(err, &jobErr):
		fmt.Fprintf(stdout, "Job %s ended %s.\n", jobErr.JobID, jobErr.Status)
		fmt.Fprintf(stdout, "  type:     %s\n", jobErr.Type)
		fmt.Fprintf(stdout, "  code:     %s\n", jobErr.Code)
		fmt.Fprintf(stdout, "  message:  %s\n", jobErr.Message)
		for _, p := range jobErr.Parameters {
			fmt.Fprintf(stdout, "  param:    %s = %s\n", p.Name, p.Value)
		}
		return err
	case ctx.Err() != nil:
		// Wait has already asked the service to cancel the job; Info shows
		// the job as the cancel request returned it (or as last polled, if
		// the cancel failed).
		if info := job.Info(); info != nil {
			fmt.Fprintf(stdout, "Interrupted: job %s is now %s.\n", job.ID(), info.Status)
		}
		return err
	}
	return err
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
