package daas_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// All ranges over every job of the caller, reading the pages of GET /Jobs
// as the loop reaches them; List reads one page, whose ContinuationToken
// names the next.
func ExampleJobsService_All() {
	srv := daastest.NewServer()
	defer srv.Close()
	srv.AddFinishedJobs("", "UpdateMachineCatalog", 3, 5*time.Minute)
	client := srv.Client()
	ctx := context.Background()

	byStatus := map[daas.JobStatus]int{}
	for j, err := range client.Jobs.All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		byStatus[j.Status]++
	}
	fmt.Println(byStatus)

	page, err := client.Jobs.List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Items), "jobs on the first page; more:", page.ContinuationToken != "")
	// Output:
	// map[Complete:3]
	// 3 jobs on the first page; more: false
}
