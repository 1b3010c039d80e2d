package daas_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// Most examples run against daastest, the library's fake Citrix DaaS, with
// poll intervals of milliseconds; against the real service only the client's
// construction differs, and the default poll policy is the right one.

// fast is the poll interval the examples use against the fake.
var fast = daas.PollInterval(time.Millisecond, 20*time.Millisecond)

func ExampleNewClient() {
	// The customer id, an API client (Citrix Cloud → Identity and Access
	// Management → API access) and, optionally, the site id. NewClient only
	// checks its arguments; the token is fetched on the first call.
	client, err := daas.NewClient("loy6oujtu6a4",
		daas.WithClientCredentials("my-client-id", "my-client-secret"),
		daas.WithSiteID("22ded57c-0306-47e4-b6e8-fed6252759e1"),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client) // never shows a credential
	// Output:
	// daas.Client{CustomerID:loy6oujtu6a4, SiteID:22ded57c-0306-47e4-b6e8-fed6252759e1, BaseURL:https://api.cloud.com/cvad/manage}
}

func ExampleWithRegion() {
	client, err := daas.NewClient("loy6oujtu6a4",
		daas.WithClientCredentials("my-client-id", "my-client-secret"),
		daas.WithRegion(daas.RegionJP),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())
	// Output:
	// https://api.citrixcloud.jp/cvad/manage
}

// WithClientCredentials fetches a token from the token endpoint and keeps it
// for its lifetime; without WithSiteID the client reads GET /me once to find
// the site. Here both endpoints are the fake's.
func ExampleWithClientCredentials() {
	srv := daastest.NewServer(daastest.WithCatalogs(3))
	defer srv.Close()
	ctx := context.Background()

	client, err := daas.NewClient(srv.CustomerID,
		daas.WithClientCredentials(srv.ClientID, srv.ClientSecret),
		daas.WithBaseURL(srv.URL),       // https://api.cloud.com/cvad/manage by default
		daas.WithTokenURL(srv.TokenURL), // by default from the region and the customer id
	)
	if err != nil {
		log.Fatal(err)
	}
	for range 3 {
		page, err := client.MachineCatalogs.List(ctx)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(len(page.Items), "catalogs")
	}
	fmt.Println("tokens fetched:", srv.Count("POST /tokens"))
	fmt.Println("site lookups:", srv.Count("GET /me"))
	// Output:
	// 3 catalogs
	// 3 catalogs
	// 3 catalogs
	// tokens fetched: 1
	// site lookups: 1
}

func ExampleWithBearerToken() {
	srv := daastest.NewServer(daastest.WithCatalogs(2))
	defer srv.Close()

	// A token obtained elsewhere; the client does not refresh it.
	token := srv.IssueToken()
	client := srv.Client(daas.WithBearerToken(token))

	cat, err := client.MachineCatalogs.Get(context.Background(), "Win2022-Shared-002")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cat.Name, cat.SessionSupport, cat.TotalCount)
	// Output:
	// Win2022-Shared-002 MultiSession 16
}

// Wait polls until the job ends; OnProgress sees each change of status or
// percent. The fake's clock is frozen here and moved 4 minutes at each
// report, so that the 10-minute job shows the same steps on every run.
func ExampleJob_Wait() {
	frozen := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	srv := daastest.NewServer(
		daastest.WithCatalogs(3),
		daastest.WithJobDuration(10*time.Minute),
		daastest.WithClock(func() time.Time { return frozen }),
	)
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	job, err := client.MachineCatalogs.ListAsync(ctx)
	if err != nil {
		log.Fatal(err)
	}
	catalogs, err := job.Wait(ctx, fast, daas.OnProgress(func(j daas.JobInfo) {
		fmt.Printf("%s %d%%\n", j.Status, j.Progress)
		srv.Advance(4 * time.Minute) // only for the fake
	}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(catalogs), "catalogs")
	// Output:
	// NotStarted 0%
	// InProgress 40%
	// InProgress 80%
	// Complete 100%
	// 3 catalogs
}

// A job id is all a program needs to keep to wait for the job later, after a
// restart or in another process: ResumeJob makes a handle from it. The
// service shows a job only to the API client that started it, for 48 hours
// after it ends.
func ExampleResumeJob() {
	srv := daastest.NewServer(daastest.WithJobDuration(50 * time.Millisecond))
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
	id := job.ID() // store it

	// Later, with a new client for the same API client:
	client := srv.Client()
	resumed := daas.ResumeJob[*daas.MachineCatalog](client, id)
	cat, err := resumed.Wait(ctx, fast)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resumed.Info().Type, resumed.Info().Status)
	fmt.Println(cat.Name, cat.ProvisioningType)
	// Output:
	// CreateMachineCatalog Complete
	// Win11-Pooled MCS
}

// StartJob runs any of the API's async operations, including those without
// a typed method in this library (POST
// MachineCatalogs/{nameOrId}/$test, for one), with a result type of your
// choice. Here: an async list that asks only for two fields of each catalog.
func ExampleStartJob() {
	srv := daastest.NewServer(daastest.WithCatalogs(3), daastest.WithJobDuration(0))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	type nameAndSize struct {
		Name       string
		TotalCount int
	}
	job, err := daas.StartJob[[]nameAndSize](ctx, client, http.MethodGet, "MachineCatalogs?fields=Name,TotalCount", nil)
	if err != nil {
		log.Fatal(err)
	}
	catalogs, err := job.Wait(ctx, fast)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range catalogs {
		fmt.Println(c.Name, c.TotalCount)
	}
	// Output:
	// Win11-Pooled-001 9
	// Win2022-Shared-002 16
	// Win11-Dedicated-003 23
}

// A job that ends Failed or Canceled makes Wait return a *JobError with the
// job's error code, message and parameters. Here the catalog's name is taken,
// which the service finds only once the job runs.
func ExampleJobError() {
	srv := daastest.NewServer(daastest.WithCatalogs(1), daastest.WithJobDuration(0))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	job, err := client.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{
		Name:             "Win11-Pooled-001", // exists already
		ProvisioningType: daas.ProvisioningTypeMCS,
		SessionSupport:   daas.SessionSupportSingleSession,
	})
	if err != nil {
		log.Fatal(err) // the request itself failed: an *APIError, or no answer
	}
	_, err = job.Wait(ctx, fast)

	var jobErr *daas.JobError
	if errors.As(err, &jobErr) {
		fmt.Println("status:", jobErr.Status)
		fmt.Println("code:", jobErr.Code)
		fmt.Println("message:", jobErr.Message)
		fmt.Println("failed:", errors.Is(err, daas.ErrJobFailed))
	}
	// Output:
	// status: Failed
	// code: DuplicateObject
	// message: A machine catalog named 'Win11-Pooled-001' already exists.
	// failed: true
}

// A call the service refuses returns an *APIError; errors.Is matches the
// common statuses to sentinels such as ErrNotFound.
func ExampleAPIError() {
	srv := daastest.NewServer(daastest.WithCatalogs(1))
	defer srv.Close()
	client := srv.Client()

	_, err := client.MachineCatalogs.Get(context.Background(), "No-Such-Catalog")
	if errors.Is(err, daas.ErrNotFound) {
		fmt.Println("no such catalog")
	}
	var apiErr *daas.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Type)
		fmt.Println(apiErr.Method, apiErr.URL == srv.URL+"/MachineCatalogs/No-Such-Catalog")
		fmt.Println("transaction id kept:", apiErr.TransactionID != "")
	}
	// Output:
	// no such catalog
	// 404 https://errors-api.cloud.com/common/notFound
	// GET true
	// transaction id kept: true
}

// With CancelOnContextDone, a wait whose context ends first (a timeout,
// Ctrl-C through signal.NotifyContext) also asks the service to cancel the
// job.
func ExampleCancelOnContextDone() {
	srv := daastest.NewServer(daastest.WithJobDuration(time.Hour))
	defer srv.Close()
	client := srv.Client()

	job, err := client.MachineCatalogs.CreateAsync(context.Background(), daas.CreateMachineCatalogRequest{
		Name:             "Win11-Pooled",
		ProvisioningType: daas.ProvisioningTypeMCS,
		SessionSupport:   daas.SessionSupportSingleSession,
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = job.Wait(ctx, fast, daas.CancelOnContextDone())
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	fmt.Println(job.Info().Status)
	// Output:
	// true
	// Canceled
}

// A job that ends CompleteWithWarning has its result by default, with the
// warning on Info; WarningsAsErrors makes it a *JobError instead.
func ExampleWarningsAsErrors() {
	srv := daastest.NewServer(daastest.WithCatalogs(2), daastest.WithJobDuration(0))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	warn := daastest.Outcome{Status: "CompleteWithWarning", ErrorString: "Some machines were skipped."}

	srv.NextJob(warn)
	job, err := client.MachineCatalogs.ListAsync(ctx)
	if err != nil {
		log.Fatal(err)
	}
	catalogs, err := job.Wait(ctx, fast)
	fmt.Println(len(catalogs), err, job.Info().Status, job.Info().ErrorString)

	srv.NextJob(warn)
	job, err = client.MachineCatalogs.ListAsync(ctx)
	if err != nil {
		log.Fatal(err)
	}
	_, err = job.Wait(ctx, fast, daas.WarningsAsErrors())
	fmt.Println(errors.Is(err, daas.ErrJobFailed))
	// Output:
	// 2 <nil> CompleteWithWarning Some machines were skipped.
	// true
}

// Example_testing shows the library's fake in a test of your own code:
// daastest.NewServer starts it, Server.Client returns a client for it, and
// its controls make jobs fail, inject faults and count requests.
func Example_testing() {
	// In a test: srv := daastest.NewServer(...); t.Cleanup(srv.Close)
	srv := daastest.NewServer(daastest.WithCatalogs(2), daastest.WithJobDuration(0))
	defer srv.Close()
	srv.NextJob(daastest.Outcome{Status: "Failed", ErrorCode: "PermissionDenied", ErrorString: "Access denied."})
	srv.InjectFault(daastest.Fault{Route: "GET /Jobs/{id}", Count: 1, Status: http.StatusServiceUnavailable})

	client := srv.Client(daas.WithRetryPolicy(daas.RetryPolicy{MaxRetries: 2, MinDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}))

	// The code under test:
	job, err := client.MachineCatalogs.ListAsync(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	_, err = job.Wait(context.Background(), fast)

	// What the test checks:
	var jobErr *daas.JobError
	fmt.Println(errors.As(err, &jobErr), jobErr.Code, jobErr.Message)
	fmt.Println("status reads:", srv.Count("GET /Jobs/{id}"), "of which faulted:", srv.Stats().Faults)
	// Output:
	// true PermissionDenied Access denied.
	// status reads: 2 of which faulted: 1
}

// A wait that ends on its context says why: the error matches the context's
// error and also carries the job's last status and the last poll's error,
// so "the job is slow" and "the service is down" read differently.
func ExampleWaitError() {
	srv := daastest.NewServer(daastest.WithCatalogs(1), daastest.WithJobDuration(time.Hour))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	job, err := client.MachineCatalogs.ListAsync(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := job.Poll(ctx); err != nil { // one good read: the job has not started yet
		log.Fatal(err)
	}
	// From now on every status read is answered 503.
	srv.InjectFault(daastest.Fault{Route: "GET /Jobs/{id}", Status: http.StatusServiceUnavailable})

	wctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, err = job.Wait(wctx, fast)

	var waitErr *daas.WaitError
	var apiErr *daas.APIError
	fmt.Println("deadline:", errors.Is(err, context.DeadlineExceeded))
	if errors.As(err, &waitErr) {
		fmt.Println("last status:", waitErr.LastStatus)
	}
	if errors.As(err, &apiErr) {
		fmt.Println("last poll:", apiErr.StatusCode)
	}
	// Output:
	// deadline: true
	// last status: NotStarted
	// last poll: 503
}
