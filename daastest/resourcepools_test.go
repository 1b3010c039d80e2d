package daastest_test

import (
	"net/http"
	"testing"
	"testing/synctest"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// TestPoolCaseOnlyRename: a rename that changes only the case of a
// resource pool's name takes effect.
func TestPoolCaseOnlyRename(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, c := connected(t, "vc01")
		ctx := t.Context()
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

// TestPoolDuplicateTrimmedName: the duplicate check compares the name as
// it is stored, trimmed, on create and on rename.
func TestPoolDuplicateTrimmedName(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(daastest.WithoutListener())
		defer s.Close()
		c, ctx := s.Client(), t.Context()
		hyp, err := c.Hypervisors.Create(ctx, newConnectionRequest("vc01"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Hypervisors.CreateResourcePool(ctx, hyp.ID, daas.CreateHypervisorResourcePoolRequest{
			Name: " pool-a ", ConnectionType: daas.HypervisorConnectionTypeVCenter,
		})
		eq(t, "padded duplicate create", apiStatus(err), http.StatusConflict)
		if _, err := c.Hypervisors.CreateResourcePool(ctx, hyp.ID, daas.CreateHypervisorResourcePoolRequest{
			Name: "Pool-B", ConnectionType: daas.HypervisorConnectionTypeVCenter,
		}); err != nil {
			t.Fatal(err)
		}
		err = c.Hypervisors.UpdateResourcePool(ctx, "vc01", "Pool-B", daas.EditHypervisorResourcePoolRequest{
			Name: daas.Ptr("Pool-A "), ConnectionType: daas.HypervisorConnectionTypeVCenter,
		})
		eq(t, "padded duplicate rename", apiStatus(err), http.StatusConflict)
		page, err := c.Hypervisors.ResourcePoolsPage(ctx, "vc01")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range page.Items {
			names = append(names, p.Name)
		}
		eq(t, "pools", names, []string{"Pool-A", "Pool-B"})
	})
}
