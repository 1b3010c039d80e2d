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

// The examples run against daastest, the library's fake Citrix DaaS. Against
// the real service only the client's construction differs.

func ExampleMachineCatalogsService_List() {
	srv := daastest.NewServer(daastest.WithCatalogs(3))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	page, err := client.MachineCatalogs.List(ctx, daas.PageSize(2))
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range page.Items {
		fmt.Println(c.Name, c.ProvisioningType, c.SessionSupport)
	}

	// The next page, from the token of this one.
	page, err = client.MachineCatalogs.List(ctx, daas.PageSize(2), daas.ContinuationToken(page.ContinuationToken))
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range page.Items {
		fmt.Println(c.Name, c.ProvisioningType, c.SessionSupport)
	}
	fmt.Printf("last page: %t\n", page.ContinuationToken == "")
	// Output:
	// Win11-Pooled-001 MCS SingleSession
	// Win2022-Shared-002 MCS MultiSession
	// Win11-Dedicated-003 MCS SingleSession
	// last page: true
}

func ExampleMachineCatalogsService_All() {
	srv := daastest.NewServer(daastest.WithCatalogs(600))
	defer srv.Close()
	client := srv.Client()

	machines := 0
	for cat, err := range client.MachineCatalogs.All(context.Background(), daas.PageSize(250)) {
		if err != nil {
			log.Fatal(err)
		}
		machines += cat.TotalCount
	}
	fmt.Println("machines:", machines)
	fmt.Println("pages fetched:", srv.Count("GET /MachineCatalogs"))
	// Output:
	// machines: 7799
	// pages fetched: 3
}

func ExampleMachineCatalogsService_ListAsync() {
	srv := daastest.NewServer(daastest.WithCatalogs(1200), daastest.WithJobDuration(50*time.Millisecond))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	job, err := client.MachineCatalogs.ListAsync(ctx)
	if err != nil {
		log.Fatal(err)
	}
	// Short poll intervals suit the fake; the client's default policy suits
	// the real service.
	catalogs, err := job.Wait(ctx, daas.PollInterval(10*time.Millisecond, 100*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(job.Info().Type, job.Info().Status)
	fmt.Println(len(catalogs), "catalogs, first", catalogs[0].Name)
	// Output:
	// GetMachineCatalogs Complete
	// 1200 catalogs, first Win11-Pooled-001
}

func ExampleMachineCatalogsService_CreateAsync() {
	srv := daastest.NewServer(daastest.WithJobDuration(50 * time.Millisecond))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	job, err := client.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{
		Name:             "Win11-Pooled",
		ProvisioningType: daas.ProvisioningTypeMCS,
		SessionSupport:   daas.SessionSupportSingleSession,
		AllocationType:   daas.AllocationTypeRandom,
		Description:      "Pooled Windows 11 desktops",
	})
	if err != nil {
		log.Fatal(err)
	}
	// The job id can be stored and the wait resumed elsewhere with
	// daas.ResumeJob.
	cat, err := job.Wait(ctx, daas.PollInterval(10*time.Millisecond, 100*time.Millisecond))
	var jobErr *daas.JobError
	switch {
	case errors.As(err, &jobErr):
		log.Fatalf("the service could not create the catalog: %s (%s)", jobErr.Message, jobErr.Code)
	case err != nil:
		log.Fatal(err)
	}
	fmt.Println(cat.Name, cat.AllocationType, cat.SharingKind)
	// Output:
	// Win11-Pooled Random Shared
}
