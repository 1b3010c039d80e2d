// Command resume starts a job, keeps only its id, and waits for it through a
// new client with daas.ResumeJob, as a program restarted in the middle of a
// long job would: the job id is all it needs to store.
//
//	go run ./examples/resume              # start and resume in one run
//
// Against a service in another process (Citrix Cloud, or cmd/daas-sim with
// the CITRIX_* variables it prints) the two halves can run as two processes:
//
//	go run ./examples/resume -start       # prints the job id
//	go run ./examples/resume -id <job id> # waits for it and prints the result
//
// The job is an async catalog list, which changes nothing. The service shows
// a job only to the API client that started it, for 48 hours after it ends.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func main() { exampleenv.Main("resume", run) }

func run(ctx context.Context, stdout io.Writer, args []string, opts exampleenv.Options) error {
	fs := flag.NewFlagSet("resume", flag.ContinueOnError)
	fs.SetOutput(stdout)
	startOnly := fs.Bool("start", false, "only start the job and print its id")
	id := fs.String("id", "", "only resume the job with this id, started earlier")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *startOnly && *id != "" {
		return fmt.Errorf("-start and -id exclude each other")
	}

	env, err := exampleenv.Open(stdout, opts)
	if err != nil {
		return err
	}
	defer env.Close()
	if *id != "" && !env.Real() {
		return fmt.Errorf("-id needs the service that ran the job: the built-in fake starts empty in each process; set the CITRIX_* variables (cmd/daas-sim prints them)")
	}

	jobID := *id
	if jobID == "" {
		// The first "process": start the job and keep only its id.
		job, err := env.Client.MachineCatalogs.ListAsync(ctx)
		if err != nil {
			return err
		}
		jobID = job.ID()
		fmt.Fprintf(stdout, "Started job %s.\n", jobID)
		if *startOnly {
			fmt.Fprintf(stdout, "Resume it with: go run ./examples/resume -id %s\n", jobID)
			return nil
		}
	}

	// The second "process": a new client, which knows nothing of the job
	// but its id.
	client, err := env.NewClient()
	if err != nil {
		return err
	}
	job := daas.ResumeJob[[]daas.MachineCatalog](client, jobID)
	fmt.Fprintf(stdout, "Resumed job %s on a new client; waiting.\n", job.ID())
	catalogs, err := job.Wait(ctx)
	if err != nil {
		return err
	}
	info := job.Info()
	fmt.Fprintf(stdout, "Job %s (%s) ended %s: %d catalogs.\n", job.ID(), info.Type, info.Status, len(catalogs))
	for _, c := range catalogs {
		fmt.Fprintf(stdout, "  %s\n", c.FullName)
	}
	return nil
}
