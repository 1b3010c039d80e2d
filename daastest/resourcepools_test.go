package daastest_test

import (
	"testing"
	"testing/synctest"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// TestPoolCaseOnlyRename: a rename that changes only the case of a
// resource pool's name takes effect.
func TestPoolCaseOnlyRename(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(daastest.WithoutListener())
		defer s.Close()
		c, ctx := s.Client(), t.Context()
		if _, err := c.Hypervisors.Create(ctx, newConnectionRequest("vc01")); err != nil {
			t.Fatal(err)
		}
		if err := c.Hypervisors.UpdateResourcePool(ctx, "vc01", "Pool-A", daas.EditHypervisorResourcePoolRequest{
			Name: daas.Ptr("POOL-A"), ConnectionType: daas.HypervisorConnectionTypeVCenter,
		}); err != nil {
			t.Fatal(err)
		}
		got, err := c.Hypervisors.ResourcePool(ctx, "vc01", "pool-a")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "renamed", got.Name, "POOL-A")
		eq(t, "XDPath", got.XDPath, `XDHyp:\HostingUnits\POOL-A`)
	})
}
