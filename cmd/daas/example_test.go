package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// The command against the fake, as a test runs it: a table of catalogs,
// then a deletion waited for, reported as JSON (with, on standard error
// here shown with the rest, what became of the catalog's machines), and
// its exit status.
func Example() {
	srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithSeed(17), daastest.WithCatalogs(2),
		daastest.WithJobDuration(20*time.Millisecond))
	defer srv.Close()
	for k, v := range map[string]string{
		"CITRIX_BASE_URL": srv.URL, "CITRIX_TOKEN_URL": srv.TokenURL, "CITRIX_CUSTOMER_ID": srv.CustomerID,
		"CITRIX_SITE_ID": srv.SiteID, "CITRIX_CLIENT_ID": srv.ClientID, "CITRIX_CLIENT_SECRET": srv.ClientSecret,
	} {
		old, had := os.LookupEnv(k)
		os.Setenv(k, v)
		defer func() {
			if had {
				os.Setenv(k, old)
			} else {
				os.Unsetenv(k)
			}
		}()
	}
	a := &app{stdout: os.Stdout, stderr: os.Stdout, opts: []daas.Option{daas.WithHTTPClient(srv.HTTPClient())}}

	run(context.Background(), []string{"catalogs", "list"}, a)
	code := run(context.Background(), []string{"-o", "json", "--poll-min", "5ms", "--poll-max", "5ms",
		"catalogs", "delete", "Win2022-Shared-002"}, a)
	fmt.Println("exit status", code)
	// Output:
	// NAME                ID                                    PROVISIONING  SESSIONS       ALLOCATION  MACHINES
	// Win11-Pooled-001    bb32f9bf-85f9-44f0-9406-77f418d2577e  MCS           SingleSession  Random      9
	// Win2022-Shared-002  72b6b368-0827-45b5-a7f9-1a0cc54f21e6  MCS           MultiSession   Random      16
	// {"Id":"de3870a0-9978-4c33-bc68-7bb97dd580eb","Type":"DeleteMachineCatalog","Status":"Complete","OverallProgressPercent":100,"ErrorCode":"Unknown"}
	// daas: deleted catalog Win2022-Shared-002: kept its virtual machines (--delete-vms deletes them), left their Active Directory accounts as they are
	// exit status 0
}
