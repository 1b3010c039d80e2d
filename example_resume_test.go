package daas_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// T is what Job.Wait returns once the job ends: choose it from the job.
// A job you only need to see end (a delete, a power action, or any job
// whose result you will not read) takes struct{}: Wait reads its status
// and nothing else. A type such as json.RawMessage would make Wait read the
// job's result, and the result of a job that changed something is a 303 to
// the resource it changed: for a delete, the list of every catalog.
func ExampleResumeJob_noResult() {
	srv := daastest.NewServer(daastest.WithCatalogs(2), daastest.WithJobDuration(50*time.Millisecond))
	defer srv.Close()
	ctx := context.Background()

	job, err := srv.Client().MachineCatalogs.DeleteAsync(ctx, "Win11-Pooled-001")
	if err != nil {
		log.Fatal(err)
	}
	id := job.ID() // kept, say, in a database

	// Later, in another process with the same API client:
	resumed := daas.ResumeJob[struct{}](srv.Client(), id)
	if _, err := resumed.Wait(ctx, fast); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resumed.Info().Type, resumed.Info().Status)
	fmt.Println("results read:", srv.Count("GET /Jobs/{id}/Results"))
	// Output:
	// DeleteMachineCatalog Complete
	// results read: 0
}

// Cancel asks the service to cancel a job. The service decides: Wait then
// returns a *JobError matching ErrJobCanceled. To cancel a job when a wait
// gives up (a timeout, Ctrl-C), see CancelOnContextDone.
func ExampleJob_Cancel() {
	srv := daastest.NewServer(daastest.WithJobDuration(time.Hour))
	defer srv.Close()
	ctx := context.Background()

	job, err := srv.Client().MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{
		Name:             "Win11-Pooled",
		ProvisioningType: daas.ProvisioningTypeMCS,
		SessionSupport:   daas.SessionSupportSingleSession,
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := job.Cancel(ctx); err != nil {
		log.Fatal(err)
	}
	_, err = job.Wait(ctx, fast)
	fmt.Println(errors.Is(err, daas.ErrJobCanceled), job.Info().Status)
	// Output:
	// true Canceled
}
