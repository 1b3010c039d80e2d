// Command listcatalogs lists the machine catalogs of a Citrix DaaS site the
// way the service suggests for large sites: as an asynchronous job
// (GET /MachineCatalogs?async=true), waited on with progress, then printed
// as a table.
//
//	go run ./examples/listcatalogs
//
// With no CITRIX_* variables it starts the library's fake service in
// process. With CITRIX_CUSTOMER_ID, CITRIX_CLIENT_ID and CITRIX_CLIENT_SECRET
// (and optionally CITRIX_SITE_ID, CITRIX_REGION, CITRIX_BASE_URL,
// CITRIX_TOKEN_URL) it talks to Citrix Cloud, or to a cmd/daas-sim started
// in another terminal.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func main() { exampleenv.Main("listcatalogs", run) }

func run(ctx context.Context, stdout io.Writer, args []string, opts exampleenv.Options) error {
	fs := flag.NewFlagSet("listcatalogs", flag.ContinueOnError)
	fs.SetOutput(stdout)
	folder := fs.String("folder", "", "list only the catalogs of this admin folder (path or id)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	env, err := exampleenv.Open(stdout, opts)
	if err != nil {
		return err
	}
	defer env.Close()

	var listOpts []daas.ListOption
	if *folder != "" {
		listOpts = append(listOpts, daas.InFolder(*folder))
	}
	start := time.Now()
	job, err := env.Client.MachineCatalogs.ListAsync(ctx, listOpts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Job %s accepted; waiting for it.\n", job.ID())

	catalogs, err := job.Wait(ctx, daas.OnProgress(func(j daas.JobInfo) {
		if j.Progress >= 0 {
			fmt.Fprintf(stdout, "  %-12s %3d%%\n", j.Status, j.Progress)
		} else {
			fmt.Fprintf(stdout, "  %s\n", j.Status)
		}
	}))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d catalogs in %.1fs:\n\n", len(catalogs), time.Since(start).Seconds())

	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPROVISIONING\tSESSIONS\tALLOCATION\tMACHINES\tIN USE\tZONE")
	for _, c := range catalogs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n",
			c.FullName, c.ProvisioningType, c.SessionSupport, c.AllocationType, c.TotalCount, c.UsedCount, c.Zone.Name)
	}
	return tw.Flush()
}
