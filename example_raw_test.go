package daas_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// ExampleClient_Do calls an endpoint the library has no typed method for,
// GET /Zones/{nameOrId}, on the same stack as the typed methods: token,
// site, retries and typed errors.
func ExampleClient_Do() {
	s := daastest.NewServer(daastest.WithoutListener())
	defer s.Close()
	s.Handle("GET /Zones/{nameOrId}", func(c *daastest.Call) daastest.Reply {
		if c.PathValue("nameOrId") != "Paris" {
			return daastest.ErrorReply(http.StatusNotFound, "notFound", "Zone not found")
		}
		return daastest.Reply{Body: map[string]string{"Id": "z1", "Name": "Paris"}}
	})
	c := s.Client()
	ctx := context.Background()

	var zone struct {
		ID   string `json:"Id"`
		Name string
	}
	if err := c.Do(ctx, http.MethodGet, "Zones/Paris", nil, &zone); err != nil {
		panic(err)
	}
	fmt.Println(zone.ID, zone.Name)

	err := c.Do(ctx, http.MethodGet, "Zones/Rome", nil, nil)
	fmt.Println(errors.Is(err, daas.ErrNotFound))
	// Output:
	// z1 Paris
	// true
}

// ExampleAcceptedError shows what Client.Do returns for a call the service
// runs as a job (202 Accepted): an *AcceptedError that names the job,
// which can still be waited for by id. StartJob is the call for such
// operations.
func ExampleAcceptedError() {
	s := daastest.NewServer(daastest.WithoutListener(), daastest.WithJobDuration(0))
	defer s.Close()
	s.Handle("POST /Zones", func(*daastest.Call) daastest.Reply {
		return daastest.Reply{Job: &daastest.JobSpec{Type: "CreateZone"}}
	})
	c := s.Client()
	ctx := context.Background()

	err := c.Do(ctx, http.MethodPost, "Zones", map[string]string{"Name": "Lyon"}, nil)
	fmt.Println(errors.Is(err, daas.ErrAccepted))
	var acc *daas.AcceptedError
	if errors.As(err, &acc) {
		job := daas.ResumeJob[struct{}](c, acc.JobID)
		if _, err := job.Wait(ctx); err != nil {
			panic(err)
		}
		fmt.Println(acc.Method, job.Info().Type, job.Info().Status)
	}
	// Output:
	// true
	// POST CreateZone Complete
}

// ExampleClient_SiteID shows the site a client without WithSiteID
// discovers: the customer's only site, through GET /me, once.
func ExampleClient_SiteID() {
	s := daastest.NewServer(daastest.WithoutListener(), daastest.WithSites("site-0001"))
	defer s.Close()
	c, err := daas.NewClient(s.CustomerID,
		daas.WithBaseURL(s.URL), daas.WithTokenURL(s.TokenURL), daas.WithHTTPClient(s.HTTPClient()),
		daas.WithClientCredentials(s.ClientID, s.ClientSecret))
	if err != nil {
		panic(err)
	}
	id, err := c.SiteID(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(id, s.Count("GET /me"))
	// Output: site-0001 1
}

// ExampleNewClientFromEnv configures a client from the CITRIX_* variables,
// here the ones the simulator (cmd/daas-sim) prints for this fake.
func ExampleNewClientFromEnv() {
	s := daastest.NewServer(daastest.WithCatalogs(3))
	defer s.Close()
	for name, value := range map[string]string{
		daas.EnvCustomerID:   s.CustomerID,
		daas.EnvClientID:     s.ClientID,
		daas.EnvClientSecret: s.ClientSecret,
		daas.EnvSiteID:       s.SiteID,
		daas.EnvBaseURL:      s.URL,
		daas.EnvTokenURL:     s.TokenURL,
		daas.EnvBearerToken:  "", // unset, as are the other CITRIX_* variables
		daas.EnvRegion:       "",
		daas.EnvCAFile:       "",
	} {
		_ = os.Setenv(name, value) // in a shell: . ./sim.env
		defer os.Unsetenv(name)
	}

	c, err := daas.NewClientFromEnv(daas.WithUserAgent("example/1.0"))
	if err != nil {
		panic(err)
	}
	page, err := c.MachineCatalogs.List(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(len(page.Items), "catalogs")
	// Output: 3 catalogs
}
