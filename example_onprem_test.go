package daas_test

import (
	"context"
	"fmt"
	"log"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// WithOnPremisesCredentials talks to an on-premises Delivery Controller: the
// token comes from the controller's POST /cvad/manage/Tokens with Basic
// authentication, and an empty customer id means CitrixOnPremises. Here the
// controller is the fake's on-premises mode, over HTTPS with its own
// certificate; against a real one, pass its API root and, for a self-signed
// certificate, an HTTP client that trusts it (see docs/onprem.md).
func ExampleWithOnPremisesCredentials() {
	ddc := daastest.NewServer(daastest.WithOnPremises(), daastest.WithCatalogs(2), daastest.WithJobDuration(0))
	defer ddc.Close()

	client, err := daas.NewClient("",
		daas.WithBaseURL(ddc.URL),                                  // https://{ddc}/cvad/manage
		daas.WithOnPremisesCredentials(ddc.Username, ddc.Password), // DOMAIN\user or user@domain
		daas.WithHTTPClient(ddc.HTTPClient()),                      // trusts the controller's certificate
	)
	if err != nil {
		log.Fatal(err)
	}
	job, err := client.MachineCatalogs.ListAsync(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	catalogs, err := job.Wait(context.Background(), fast)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.CustomerID(), len(catalogs), "catalogs")
	fmt.Println("tokens fetched:", ddc.Count("POST /Tokens"))
	// Output:
	// CitrixOnPremises 2 catalogs
	// tokens fetched: 1
}
