package daastest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// A hosting connection whose test a test makes fail: the report counts the
// failure, as the service's does for an unreachable hypervisor.
func ExampleServer_FailConnectionTest() {
	s := daastest.NewServer(daastest.WithoutListener())
	defer s.Close()
	c, ctx := s.Client(), context.Background()
	_, err := c.Hypervisors.Create(ctx, daas.CreateHypervisorRequest{
		ConnectionDetails: daas.HypervisorConnectionDetailRequest{
			Name: "vc01", ConnectionType: daas.HypervisorConnectionTypeVCenter,
			Addresses: []string{"https://vcenter.corp.local"}, UserName: `CORP\svc-citrix`, Password: "secret",
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	s.FailConnectionTest("vc01", "certificate expired")
	rep, err := c.Hypervisors.Test(ctx, "vc01")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("failures:", rep.NumFailures)
	// Output: failures: 1
}

// User sessions seeded on a delivery group's machines, one per
// single-session machine.
func ExampleWithSessions() {
	s := daastest.NewServer(daastest.WithoutListener(),
		daastest.WithCatalog(daastest.Catalog{Name: "Pool", ProvisioningType: "MCS"}),
		daastest.WithMachines("Pool", 4),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "Desk", Catalog: "Pool", Machines: 3}),
		daastest.WithSessions(2))
	defer s.Close()
	n := 0
	for _, err := range s.Client().Sessions.All(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(n, "sessions")
	// Output: 2 sessions
}
