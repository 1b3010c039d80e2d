package main

import (
	"context"
	"encoding/json"
	"time"

	"github.com/daaskit/daas"
)

// jobsCmd is the jobs group.
type jobsCmd struct {
	List    jobsListCmd    `cmd:"" help:"List your active and recent jobs."`
	Get     jobsGetCmd     `cmd:"" help:"Show one job."`
	Wait    jobsWaitCmd    `cmd:"" help:"Wait for jobs to end, with live progress."`
	Watch   jobsWatchCmd   `cmd:"" help:"Wait for every job still running, with live progress."`
	Cancel  jobsCancelCmd  `cmd:"" help:"Ask the service to cancel a job."`
	Results jobsResultsCmd `cmd:"" help:"Print the result of a finished job (JSON)."`
}

var jobHeader = []string{"ID", "TYPE", "STATUS", "PROGRESS", "CREATED", "ERROR"}

func jobRow(j *daas.JobInfo) []string {
	msg := j.ErrorString
	if j.ErrorCode != "" && j.ErrorCode != "Unknown" {
		msg = j.ErrorCode + ": " + msg
	}
	created := "-"
	if !j.CreatedAt.IsZero() {
		created = j.CreatedAt.UTC().Format(time.RFC3339)
	}
	return []string{j.ID, j.Type, string(j.Status), percent(j.Progress), created, msg}
}

// printJobs prints jobs as a table or a JSON array.
func (a *app) printJobs(jobs []daas.JobInfo) error {
	if a.json {
		return printJSON(a.stdout, viewsOf(jobs))
	}
	rows := make([][]string, len(jobs))
	for i := range jobs {
		rows[i] = jobRow(&jobs[i])
	}
	return printTable(a.stdout, jobHeader, rows)
}

type jobsListCmd struct{}

// Run lists the jobs.
func (c *jobsListCmd) Run(ctx context.Context, a *app) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	jobs, err := allJobs(ctx, client)
	if err != nil {
		return err
	}
	return a.printJobs(jobs)
}

type jobsGetCmd struct {
	ID string `arg:"" help:"Job id."`
}

// Run shows the job.
func (c *jobsGetCmd) Run(ctx context.Context, a *app) error {
	id, err := jobID(c.ID)
	if err != nil {
		return err
	}
	client, err := a.client()
	if err != nil {
		return err
	}
	j, err := client.Jobs.Get(ctx, id)
	if err != nil {
		return err
	}
	return printOne(a, viewOf(j), jobHeader, jobRow(j))
}

type jobsWaitCmd struct {
	IDs       []string `arg:"" name:"id" help:"Job ids, or the JSON lines --no-wait -o json prints; - reads them from standard input."`
	waitFlags `embed:""`
}

// Run waits for the jobs.
func (c *jobsWaitCmd) Run(ctx context.Context, a *app) error {
	ids, err := jobIDs(c.IDs, a.input())
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return usagef("no job id given")
	}
	client, err := a.client()
	if err != nil {
		return err
	}
	return a.awaitIDs(ctx, client, &c.waitFlags, ids)
}

// awaitIDs waits for the jobs of ids.
func (a *app) awaitIDs(ctx context.Context, client *daas.Client, w *waitFlags, ids []string) error {
	jobs := make([]pending, len(ids))
	for i, id := range ids {
		jobs[i] = pendingOf(daas.ResumeJob[struct{}](client, id))
	}
	return a.await(ctx, w, jobs, a.showOutcome(nil))
}

type jobsWatchCmd struct {
	waitFlags `embed:""`
}

// Run waits for every job the list shows running.
func (c *jobsWatchCmd) Run(ctx context.Context, a *app) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	all, err := allJobs(ctx, client)
	if err != nil {
		return err
	}
	var ids []string
	for _, j := range all {
		if !j.Status.Terminal() {
			ids = append(ids, j.ID)
		}
	}
	if len(ids) == 0 {
		if !a.json {
			a.stderrf("daas: no job is running\n")
		}
		return nil
	}
	return a.awaitIDs(ctx, client, &c.waitFlags, ids)
}

type jobsCancelCmd struct {
	ID string `arg:"" help:"Job id."`
}

// Run cancels the job and shows it.
func (c *jobsCancelCmd) Run(ctx context.Context, a *app) error {
	id, err := jobID(c.ID)
	if err != nil {
		return err
	}
	client, err := a.client()
	if err != nil {
		return err
	}
	j, err := client.Jobs.Cancel(ctx, id)
	if err != nil {
		return err
	}
	return printOne(a, viewOf(j), jobHeader, jobRow(j))
}

type jobsResultsCmd struct {
	ID string `arg:"" help:"Job id."`
}

// Run prints the job's result.
func (c *jobsResultsCmd) Run(ctx context.Context, a *app) error {
	id, err := jobID(c.ID)
	if err != nil {
		return err
	}
	client, err := a.client()
	if err != nil {
		return err
	}
	raw, err := client.Jobs.Results(ctx, id)
	if err != nil {
		return err
	}
	return printJSON(a.stdout, json.RawMessage(raw))
}

// allJobs is every job of the list, read page by page; an error comes
// without the jobs read before it.
func allJobs(ctx context.Context, client *daas.Client) ([]daas.JobInfo, error) {
	var jobs []daas.JobInfo
	for j, err := range client.Jobs.All(ctx) {
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}
