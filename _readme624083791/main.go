package main

import (
	"context"
	"fmt"
	"log"

	"github.com/daaskit/daas"
)

func main() {
	ctx := context.Background()
	// CITRIX_CUSTOMER_ID, CITRIX_CLIENT_ID, CITRIX_CLIENT_SECRET and, when
	// set, CITRIX_SITE_ID, CITRIX_REGION, CITRIX_BASE_URL, CITRIX_TOKEN_URL,
	// CITRIX_CA_FILE.
	client, err := daas.NewClientFromEnv()
	if err != nil {
		log.Fatal(err)
	}

	// GET /MachineCatalogs?async=true: 202 Accepted, and a job to wait for.
	job, err := client.MachineCatalogs.ListAsync(ctx)
	if err != nil {
		log.Fatal(err)
	}
	catalogs, err := job.Wait(ctx, daas.OnProgress(func(j daas.JobInfo) {
		fmt.Printf("job %s: %s %d%%\n", j.ID, j.Status, j.Progress)
	}))
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range catalogs {
		fmt.Println(c.Name, c.ProvisioningType, c.SessionSupport, c.TotalCount)
	}
}
