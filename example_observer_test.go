package daas_test

import (
	"context"
	"fmt"
	"log"
	"path"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

func ExampleWithObserver() {
	srv := daastest.NewServer(daastest.WithJobDuration(30 * time.Millisecond))
	defer srv.Close()
	// The hooks run synchronously in the waiting goroutine; the otel module
	// (github.com/daaskit/daas/otel) provides one that makes spans and
	// metrics.
	obs := daas.JobObserver{
		JobStarted: func(_ context.Context, i daas.JobStartInfo) {
			fmt.Println("job started by", i.Method, path.Base(i.Path))
		},
		WaitStart: func(ctx context.Context, i daas.WaitStartInfo) context.Context {
			fmt.Println("wait started")
			return ctx
		},
		Read: func(_ context.Context, i daas.ReadInfo) {
			if i.Status.Terminal() {
				fmt.Println("read", i.Via, i.Status)
			}
		},
		WaitEnd: func(_ context.Context, i daas.WaitEndInfo) {
			fmt.Println("wait ended:", i.Outcome, i.JobType, "detection delay known:", i.HasDetection)
		},
	}
	client := srv.Client(daas.WithObserver(obs))
	job, err := client.MachineCatalogs.ListAsync(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	if _, err := job.Wait(context.Background(), fast); err != nil {
		log.Fatal(err)
	}
	// Output:
	// job started by GET MachineCatalogs
	// wait started
	// read single Complete
	// wait ended: complete GetMachineCatalogs detection delay known: true
}
