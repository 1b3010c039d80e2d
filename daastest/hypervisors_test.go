package daastest_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// newConnectionRequest is a vCenter connection with one pool.
func newConnectionRequest(name string) daas.CreateHypervisorRequest {
	return daas.CreateHypervisorRequest{
		ConnectionDetails: daas.HypervisorConnectionDetailRequest{
			Name: name, ConnectionType: daas.HypervisorConnectionTypeVCenter,
			Addresses: []string{"https://vcenter.corp.local"}, UserName: `CORP\svc-citrix`, Password: "hunter2-secret",
		},
		PoolDetails: daas.CreateHypervisorResourcePoolRequest{
			Name: "Pool-A", ConnectionType: daas.HypervisorConnectionTypeVCenter,
			Networks: []string{"LAN.network"}, Storage: []string{"DS1.storage"},
		},
	}
}

// connected returns a fake without a listener, closed when the test
// ends, and a client of it on which the vCenter connection name (with
// its pool Pool-A) has been created.
func connected(t *testing.T, name string) (*daastest.Server, *daas.Client) {
	t.Helper()
	s := daastest.NewServer(daastest.WithoutListener())
	t.Cleanup(s.Close)
	c := s.Client()
	if _, err := c.Hypervisors.Create(t.Context(), newConnectionRequest(name)); err != nil {
		t.Fatal(err)
	}
	return s, c
}

// apiStatus returns the status of an *daas.APIError, or 0.
func apiStatus(err error) int {
	var ae *daas.APIError
	if errors.As(err, &ae) {
		return ae.StatusCode
	}
	return 0
}

// jobType is the type of the job with this id on s.
func jobType(s *daastest.Server, id string) string {
	snap, _ := s.Job(id)
	return snap.Type
}

// jobCode returns the ErrorCode of a *daas.JobError, or "".
func jobCode(t *testing.T, err error) string {
	t.Helper()
	var je *daas.JobError
	if !errors.As(err, &je) {
		t.Fatalf("error %v is not a *daas.JobError", err)
	}
	return je.Code
}

// TestHypervisorLifecycle creates a connection with its first pool as a
// job, lists and reads both, adds a pool, renames the connection as a job
// and deletes it, through the typed methods.
func TestHypervisorLifecycle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(daastest.WithoutListener(), daastest.WithJobDurationFor("CreateHypervisor", 5*time.Minute))
		defer s.Close()
		c, ctx := s.Client(), t.Context()

		job, err := c.Hypervisors.CreateAsync(ctx, newConnectionRequest("vc01"))
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "job type", jobType(s, job.ID()), "CreateHypervisor")
		hyp, err := job.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "name", hyp.Name, "vc01")
		eq(t, "type", hyp.ConnectionType, daas.HypervisorConnectionTypeVCenter)
		eq(t, "zone", hyp.Zone.Name, "Initial Zone")
		eq(t, "XDPath", hyp.XDPath, `XDHyp:\Connections\vc01`)

		page, err := c.Hypervisors.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "listed", len(page.Items), 1)
		eq(t, "listed id", page.Items[0].ID, hyp.ID)

		pools, err := c.Hypervisors.ResourcePoolsPage(ctx, "vc01")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "pools", len(pools.Items), 1)
		eq(t, "pool network", pools.Items[0].DefaultNetwork.Name, "LAN")
		eq(t, "pool connection", pools.Items[0].HypervisorConnection.ID, hyp.ID)

		pool, err := c.Hypervisors.CreateResourcePool(ctx, hyp.ID, daas.CreateHypervisorResourcePoolRequest{
			Name: "Pool-B", ConnectionType: daas.HypervisorConnectionTypeVCenter, Networks: []string{"DMZ.network"},
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Hypervisors.ResourcePool(ctx, "vc01", pool.ID)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "pool by id", got.Name, "Pool-B")
		pj, err := c.Hypervisors.UpdateResourcePoolAsync(ctx, "vc01", "Pool-B", daas.EditHypervisorResourcePoolRequest{
			Name: daas.Ptr("Pool-B2"), ConnectionType: daas.HypervisorConnectionTypeVCenter, Networks: []string{"LAN2.network"},
			Storage: []daas.HypervisorResourcePoolStorageRequest{{StoragePath: "DS2.storage"}, {StoragePath: "DS1.storage", Superseded: true}},
		})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "pool update job type", jobType(s, pj.ID()), "UpdateHypervisorResourcePool")
		got, err = pj.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "pool renamed", [3]string{got.Name, got.DefaultNetwork.Name, got.Storage[0].Name}, [3]string{"Pool-B2", "LAN2", "DS2"})
		eq(t, "storage kept", len(got.Storage), 1)
		err = c.Hypervisors.UpdateResourcePool(ctx, "vc01", "Pool-B2", daas.EditHypervisorResourcePoolRequest{
			Name: daas.Ptr("Pool-A"), ConnectionType: daas.HypervisorConnectionTypeVCenter,
		})
		eq(t, "rename onto another pool", apiStatus(err), http.StatusConflict)
		_, err = c.Hypervisors.CreateResourcePool(ctx, hyp.ID, daas.CreateHypervisorResourcePoolRequest{
			Name: "Pool-C", ConnectionType: daas.HypervisorConnectionTypeAzureRM,
		})
		eq(t, "pool of another type", apiStatus(err), http.StatusBadRequest)

		upd, err := c.Hypervisors.UpdateAsync(ctx, "vc01", daas.EditHypervisorConnectionRequest{
			Name: daas.Ptr("vc-paris"), ConnectionType: daas.HypervisorConnectionTypeVCenter, InMaintenanceMode: daas.Ptr(true),
		})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "update job type", jobType(s, upd.ID()), "UpdateHypervisor")
		renamed, err := upd.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "renamed", renamed.Name, "vc-paris")
		eq(t, "maintenance", renamed.InMaintenanceMode, true)

		if err := c.Hypervisors.Delete(ctx, "vc-paris"); err != nil {
			t.Fatal(err)
		}
		_, err = c.Hypervisors.Get(ctx, hyp.ID)
		eq(t, "get after delete", apiStatus(err), http.StatusNotFound)
		eq(t, "connections", s.Hypervisors(), []string(nil))
	})
}

// TestConnectionTestCanFail: FailConnectionTest makes the connection test
// report a failure (sync and as a TestHypervisor job) and a create of that
// name fail as an unreachable hypervisor.
func TestConnectionTestCanFail(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := connected(t, "vc01")
		ctx := t.Context()
		rep, err := c.Hypervisors.Test(ctx, "vc01")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "healthy", [2]int{rep.NumPassed, rep.NumFailures}, [2]int{4, 0})

		s.FailConnectionTest("VC01", "certificate expired")
		job, err := c.Hypervisors.TestAsync(ctx, "vc01")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "test job type", jobType(s, job.ID()), "TestHypervisor")
		rep, err = job.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "failing", [2]int{rep.NumPassed, rep.NumFailures}, [2]int{3, 1})
		eq(t, "report names it", rep.Hypervisor.Name, "vc01")

		s.FailConnectionTest("vc02", "no route to host")
		_, err = c.Hypervisors.Create(ctx, newConnectionRequest("vc02"))
		eq(t, "sync create", apiStatus(err), http.StatusBadRequest)
		cj, err := c.Hypervisors.CreateAsync(ctx, newConnectionRequest("vc02"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = cj.Wait(ctx)
		eq(t, "async create", jobCode(t, err), "HypervisorNotContactable")

		s.FailConnectionTest("vc01", "")
		rep, err = c.Hypervisors.Test(ctx, "vc01")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "cleared", rep.NumFailures, 0)
		eq(t, "connections", s.Hypervisors(), []string{"vc01"})
	})
}

// TestHypervisorRefusals: the spec's checks on a connection and its
// credentials never coming back.
func TestHypervisorRefusals(t *testing.T) {
	f := newFixture(t)
	c, ctx := f.s.Client(), t.Context()
	if _, err := c.Hypervisors.Create(ctx, newConnectionRequest("vc01")); err != nil {
		t.Fatal(err)
	}
	_, err := c.Hypervisors.Create(ctx, newConnectionRequest("VC01"))
	eq(t, "duplicate", apiStatus(err), http.StatusConflict)
	bad := newConnectionRequest("vc02")
	bad.ConnectionDetails.ConnectionType = "Hyper-V"
	_, err = c.Hypervisors.Create(ctx, bad)
	eq(t, "unknown type", apiStatus(err), http.StatusBadRequest)
	bad = newConnectionRequest("vc03")
	bad.ConnectionDetails.Zone = "Mars"
	_, err = c.Hypervisors.Create(ctx, bad)
	eq(t, "unknown zone", apiStatus(err), http.StatusNotFound)
	errorBody(t, f.want(http.StatusBadRequest, "POST", "/hypervisors", `{"ConnectionDetails":{"ConnectionType":"XenServer"}}`), "missing")

	_, body := f.call("GET", "/hypervisors/vc01", "")
	if strings.Contains(string(body), "hunter2") {
		t.Errorf("the password came back: %s", body)
	}
	// The spec requires a non-empty plugin and options of every
	// connection: one made without them has defaults.
	for _, name := range []string{"PluginId", "ConnectionOptions"} {
		if got := object(t, body)[name]; got == "" || got == nil {
			t.Errorf("%s = %#v, want a non-empty one", name, got)
		}
	}
	// Another type's properties are left out, not empty.
	if got, ok := object(t, body)["ActiveDirectoryId"]; ok {
		t.Errorf("a connection without Azure's directory answers ActiveDirectoryId %#v", got)
	}
	if n := len(f.s.Hypervisors()); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}

// TestConnectionCredentialsNotLogged: the request log shows a connection's
// password as REDACTED.
func TestConnectionCredentialsNotLogged(t *testing.T) {
	f := newFixture(t)
	req := newConnectionRequest("vc01")
	req.ConnectionDetails.SecretKey = "s3cr3t-key"
	if _, err := f.s.Client().Hypervisors.Create(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Client().Hypervisors.Update(t.Context(), "vc01", daas.EditHypervisorConnectionRequest{
		ConnectionType: daas.HypervisorConnectionTypeVCenter, Password: daas.Ptr("n3w-hunter2"),
	}); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range f.s.Requests() {
		body := string(r.Body)
		for _, secret := range []string{"hunter2", "s3cr3t"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s logged with a secret: %s", r.Route, body)
			}
		}
		if strings.Contains(body, `"Password":"REDACTED"`) {
			n++
		}
	}
	eq(t, "redacted bodies", n, 2)
}

// TestHypervisorPoolDetailsDuplicate: a connection's first pool
// (PoolDetails) goes through the pool create's duplicate check: a name
// another pool has fails the create, sync and as a job, and leaves no
// connection behind.
func TestHypervisorPoolDetailsDuplicate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := connected(t, "vc01")
		ctx := t.Context()
		_, err := c.Hypervisors.Create(ctx, newConnectionRequest("vc02"))
		eq(t, "sync create", apiStatus(err), http.StatusConflict)
		req := newConnectionRequest("vc03")
		req.PoolDetails.Name = " POOL-A"
		job, err := c.Hypervisors.CreateAsync(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		_, err = job.Wait(ctx)
		eq(t, "async create", jobCode(t, err), "HostingUnitDuplicateObjectExists")
		eq(t, "connections", s.Hypervisors(), []string{"vc01"})
	})
}

// TestHypervisorRenameDuplicateTrimmedName: a rename's duplicate check
// compares the name as it is stored, trimmed and in any case, sync and as
// a job; a connection may still take its own name in another case.
func TestHypervisorRenameDuplicateTrimmedName(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(daastest.WithoutListener())
		defer s.Close()
		c, ctx := s.Client(), t.Context()
		for _, name := range []string{"vc01", "vc02"} {
			req := newConnectionRequest(name)
			req.PoolDetails.Name = "Pool-" + name
			if _, err := c.Hypervisors.Create(ctx, req); err != nil {
				t.Fatal(err)
			}
		}
		edit := func(name string) daas.EditHypervisorConnectionRequest {
			return daas.EditHypervisorConnectionRequest{Name: daas.Ptr(name), ConnectionType: daas.HypervisorConnectionTypeVCenter}
		}
		err := c.Hypervisors.Update(ctx, "vc02", edit(" VC01 "))
		eq(t, "padded duplicate rename", apiStatus(err), http.StatusConflict)
		job, err := c.Hypervisors.UpdateAsync(ctx, "vc02", edit("vc01\t"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = job.Wait(ctx)
		eq(t, "padded duplicate rename job", jobCode(t, err), "DuplicateObject")
		if err := c.Hypervisors.Update(ctx, "vc01", edit(" VC01")); err != nil {
			t.Fatal(err)
		}
		eq(t, "connections", s.Hypervisors(), []string{"VC01", "vc02"})
	})
}
