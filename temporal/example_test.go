package temporal_test

import (
	"fmt"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/temporal"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// A worker registers the activities over one client, which all its waits
// share.
func ExampleActivities_Register() {
	dc, err := daas.NewClientFromEnv()
	if err != nil {
		fmt.Println(err)
		return
	}
	tc, err := client.Dial(client.Options{HostPort: "localhost:7233"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tc.Close()
	w := worker.New(tc, "daas", worker.Options{})
	temporal.NewActivities(dc, temporal.Options{}).Register(w)
	_ = w.Run(worker.InterruptCh())
}

// A workflow starts the job, waits for it and reads its result as its own
// type; with struct{} it reads none.
func ExampleRun() {
	updateImage := func(ctx workflow.Context, catalog, image string) (*daas.MachineCatalog, error) {
		req, err := temporal.NewStartRequest("POST", "MachineCatalogs/"+catalog+"/$UpdateProvisioningScheme",
			daas.UpdateProvisioningSchemeRequest{MasterImagePath: image},
			"UpdateMachineCatalogProvisioningScheme", daas.NameValue{Name: "Name", Value: catalog})
		if err != nil {
			return nil, err
		}
		return temporal.Run[*daas.MachineCatalog](ctx, req, temporal.RunOptions{})
	}
	_ = updateImage // a worker registers it beside the activities: w.RegisterWorkflow(updateImage)
}

// Step by step: the job's id is in the workflow's history once Start
// returns, and Wait resumes by it after any worker restart.
func ExampleStart() {
	_ = func(ctx workflow.Context, req temporal.StartRequest) (temporal.JobOutcome, error) {
		opts := temporal.RunOptions{CancelJob: true}
		job, err := temporal.Start(ctx, req, opts)
		if err != nil {
			return temporal.JobOutcome{}, err
		}
		workflow.GetLogger(ctx).Info("job started", "id", job.ID, "found", job.Found)
		return temporal.Wait(ctx, job, opts)
	}
}
