package daas_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

func TestMachinesListGetPaging(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, machineWorld()...)
	page, err := c.Machines.List(t.Context(), daas.PageSize(2))
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	require.NotEmpty(t, page.ContinuationToken)
	var names []string
	for m, err := range c.Machines.All(t.Context(), daas.PageSize(2)) {
		require.NoError(t, err)
		names = append(names, m.Name)
	}
	assert.Equal(t, []string{`CORP\Pool-001`, `CORP\Pool-002`, `CORP\Pool-003`}, names)
	assert.Equal(t, 3, srv.Count("GET /Machines"), "one page for List, two for All")

	m, err := c.Machines.Get(t.Context(), `CORP\Pool-002`)
	require.NoError(t, err)
	assert.Equal(t, daas.PowerStateOn, m.PowerState)
	assert.Equal(t, daas.RegistrationStateRegistered, m.RegistrationState)
	assert.Equal(t, "Pool", m.MachineCatalog.Name)
	assert.Equal(t, "pool-002.corp.local", m.DNSName)
	assert.Equal(t, "/cvad/manage/Machines/CORP%5CPool-002", lastRequest(t, srv, "GET /Machines/{nameOrId}").Path[:len("/cvad/manage/Machines/")]+"CORP%5CPool-002")

	_, err = c.Machines.Get(t.Context(), `CORP\Nope`)
	assert.ErrorIs(t, err, daas.ErrNotFound)

	job, err := c.Machines.ListAsync(t.Context())
	require.NoError(t, err)
	all, err := job.Wait(t.Context(), fastPoll)
	require.NoError(t, err)
	assert.Len(t, all, 3)
	assert.Equal(t, "GetMachines", job.Info().Type)

	var inCat int
	for _, err := range c.MachineCatalogs.Machines(t.Context(), "Office") {
		require.NoError(t, err)
		inCat++
	}
	assert.Zero(t, inCat)
}

func TestMachinesBadInputNoRequest(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, machineWorld()...)
	before := srv.Stats().Requests
	_, err := c.Machines.Get(t.Context(), " ")
	assert.Error(t, err)
	_, err = c.Machines.Update(t.Context(), `CORP\Pool-001`, daas.UpdateMachineRequest{})
	assert.ErrorContains(t, err, "nothing to update")
	_, err = c.Machines.StartAsync(t.Context(), `CORP\Pool-001`, daas.Force())
	assert.ErrorContains(t, err, "option Force does not apply")
	var ie *daas.InputError
	if assert.ErrorAs(t, err, &ie) {
		assert.Equal(t, "Machines.StartAsync", ie.Op, "the method called")
	}
	_, err = c.Machines.Start(t.Context(), `CORP\Pool-001`, daas.Force())
	if assert.ErrorAs(t, err, &ie) {
		assert.Equal(t, "Machines.Start", ie.Op)
	}
	_, err = c.Machines.RebootAsync(t.Context(), `CORP\Pool-001`, daas.Delay(time.Second))
	assert.ErrorContains(t, err, "option Delay does not apply")
	_, err = c.Machines.ShutdownAsync(t.Context(), `CORP\Pool-001`, daas.Delay(1500*time.Millisecond))
	assert.ErrorContains(t, err, "whole number of seconds")
	_, err = c.Machines.List(t.Context(), daas.InFolder("x"))
	assert.ErrorContains(t, err, "InFolder does not apply")
	_, err = c.MachineCatalogs.UpdateProvisioningSchemeAsync(t.Context(), "Pool", daas.UpdateProvisioningSchemeRequest{})
	assert.ErrorContains(t, err, "MasterImagePath or AssignImageVersionToProvisioningScheme is required")
	if assert.ErrorAs(t, err, &ie) {
		assert.Equal(t, "MachineCatalogs.UpdateProvisioningSchemeAsync", ie.Op)
	}
	_, err = c.MachineCatalogs.UpdateProvisioningSchemeAsync(t.Context(), "Pool", daas.UpdateProvisioningSchemeRequest{
		AssignImageVersionToProvisioningScheme: &daas.AssignImageVersionToProvisioningSchemeRequest{ImageDefinition: "win11"},
	})
	assert.ErrorContains(t, err, "needs ImageDefinition and ImageVersion")
	_, err = c.MachineCatalogs.AddMachineAsync(t.Context(), "Pool", daas.AddMachineRequest{MachineName: "a\x00b"})
	if assert.ErrorAs(t, err, &ie) {
		assert.Equal(t, "MachineCatalogs.AddMachineAsync", ie.Op)
	}
	_, err = c.MachineCatalogs.AddMachineAsync(t.Context(), "Pool", daas.AddMachineRequest{}, daas.AdminCredential("", "pw"))
	assert.Error(t, err)
	assert.Equal(t, before, srv.Stats().Requests, "bad input must not reach the service")
}

func TestMachinesMaintenanceThenDelete(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, machineWorld()...)
	ctx := t.Context()
	// The service's rule: a machine not in maintenance mode is not removed.
	err := c.Machines.Delete(ctx, `CORP\Pool-001`)
	var ae *daas.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 400, ae.StatusCode)
	assert.Contains(t, ae.Type, "MachineNotInMaintenanceMode")
	job, err := c.Machines.DeleteAsync(ctx, `CORP\Pool-002`)
	require.NoError(t, err)
	_, err = job.Wait(ctx, fastPoll)
	var je *daas.JobError
	require.ErrorAs(t, err, &je)
	assert.Equal(t, "MachineNotInMaintenanceMode", je.Code)
	assert.Equal(t, "DeleteMachine", je.Type)
	assert.Zero(t, srv.Stats().MachinesDeleted)

	m, err := c.Machines.Update(ctx, `CORP\Pool-001`, daas.UpdateMachineRequest{InMaintenanceMode: daas.Ptr(true)})
	require.NoError(t, err)
	assert.True(t, m.InMaintenanceMode)
	assert.Equal(t, daas.MaintenanceModeReasonAdministrator, m.MaintenanceModeReason)
	assert.JSONEq(t, `{"InMaintenanceMode":true}`, string(lastRequest(t, srv, "PATCH /Machines/{nameOrId}").Body))

	uj, err := c.Machines.UpdateAsync(ctx, `CORP\Pool-002`, daas.UpdateMachineRequest{InMaintenanceMode: daas.Ptr(true)})
	require.NoError(t, err)
	m2, err := uj.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.True(t, m2.InMaintenanceMode)

	require.NoError(t, c.Machines.Delete(ctx, `CORP\Pool-001`, daas.DeleteVMs(true), daas.MachineAccounts(daas.AccountActionDisable)))
	q := lastRequest(t, srv, "DELETE /Machines/{nameOrId}").Query
	assert.Equal(t, "true", q.Get("deleteVm"))
	assert.Equal(t, "Disable", q.Get("deleteAccount"))
	dj, err := c.Machines.DeleteAsync(ctx, `CORP\Pool-002`, daas.PurgeDBOnly())
	require.NoError(t, err)
	_, err = dj.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Stats().MachinesDeleted)
	assert.Equal(t, 1, srv.Catalogs()[0].TotalCount)
}

func TestMachinesPowerTransitions(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv, c := newFake(t, machineWorld(daastest.WithJobDurationFor("ShutDownMachines", 10*time.Minute),
			daastest.WithMachine(daastest.Machine{Name: `CORP\Busy`, Catalog: "Pool", PowerState: "On", SessionCount: 2}))...)
		ctx := t.Context()
		job, err := c.Machines.ShutdownAsync(ctx, `CORP\Busy`, daas.Force(), daas.Delay(30*time.Second))
		require.NoError(t, err)
		q := lastRequest(t, srv, "POST /Machines/{nameOrId}/$shutdown").Query
		assert.Equal(t, "true", q.Get("force"))
		assert.Equal(t, "30", q.Get("delay"))
		m, err := c.Machines.Get(ctx, `CORP\Busy`)
		require.NoError(t, err)
		assert.Equal(t, daas.PowerStateTurningOff, m.PowerState)
		assert.True(t, m.PowerState.Transitional())
		assert.True(t, m.PowerActionPending)
		// A second power action while one runs is refused with the service's code.
		_, err = c.Machines.Start(ctx, `CORP\Busy`)
		var ae *daas.APIError
		require.ErrorAs(t, err, &ae)
		assert.Contains(t, ae.Type, "PowerActionInProgress")
		_, err = job.Wait(ctx)
		require.NoError(t, err)
		m, err = c.Machines.Get(ctx, `CORP\Busy`)
		require.NoError(t, err)
		assert.Equal(t, daas.PowerStateOff, m.PowerState)
		assert.Equal(t, daas.RegistrationStateUnregistered, m.RegistrationState)
		assert.Zero(t, m.SessionCount)

		// Suspending a machine that is off: the job fails with the code.
		sj, err := c.Machines.SuspendAsync(ctx, `CORP\Busy`)
		require.NoError(t, err)
		_, err = sj.Wait(ctx)
		var je *daas.JobError
		require.ErrorAs(t, err, &je)
		assert.Equal(t, "PowerActionNotStarted", je.Code)
		assert.Equal(t, "SuspendMachines", je.Type)

		// A machine of a physical catalog is not power managed.
		srv.Close()
	})
}

func TestMachinesPowerSyncAndSessions(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, machineWorld(daastest.WithMachine(daastest.Machine{Name: `CORP\PC1`, Catalog: "Office", PowerState: "On", SessionCount: 1}),
		daastest.WithMachine(daastest.Machine{Name: `CORP\Host`, Catalog: "Pool", PowerState: "On", SessionCount: 3}))...)
	ctx := t.Context()
	m, err := c.Machines.Reboot(ctx, `CORP\Pool-001`, daas.Force())
	require.NoError(t, err)
	assert.Equal(t, daas.PowerStateTurningOff, m.PowerState)
	_, err = c.Machines.Start(ctx, `CORP\PC1`)
	var ae *daas.APIError
	require.ErrorAs(t, err, &ae)
	assert.Contains(t, ae.Type, "PowerActionsNotSupported")

	lj, err := c.Machines.LogOffSessionsAsync(ctx, `CORP\Host`)
	require.NoError(t, err)
	_, err = lj.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.Equal(t, "LogoffMachineSessions", lj.Info().Type)
	got, err := c.Machines.Get(ctx, `CORP\Host`)
	require.NoError(t, err)
	assert.Zero(t, got.SessionCount)
	assert.Equal(t, daas.PowerStateOn, got.PowerState)
	dj, err := c.Machines.DisconnectSessionsAsync(ctx, `CORP\PC1`)
	require.NoError(t, err)
	_, err = dj.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.Equal(t, "DisconnectSessions", dj.Info().Type)
	for _, route := range []string{"POST /Machines/{nameOrId}/$reboot", "POST /Machines/{nameOrId}/$logoff", "POST /Machines/{nameOrId}/$disconnect"} {
		assert.Equal(t, 1, srv.Count(route), route)
	}
}

func TestAddMachineManualAndRemove(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, machineWorld()...)
	ctx := t.Context()
	job, err := c.MachineCatalogs.AddMachineAsync(ctx, "Office", daas.AddMachineRequest{MachineName: `CORP\Desk-7`},
		daas.AdminCredential(`CORP\admin`, "s3cret-Pa55"))
	require.NoError(t, err)
	cat, err := job.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.Equal(t, 1, cat.TotalCount)
	req := lastRequest(t, srv, "POST /MachineCatalogs/{nameOrId}/Machines")
	assert.JSONEq(t, `{"MachineName":"CORP\\Desk-7"}`, string(req.Body))
	assert.Equal(t, []string{"REDACTED"}, req.Header.Values("X-Admincredential"), "sent, and redacted in the fake's log")
	assert.Equal(t, "AddMachineCatalogMachine", job.Info().Type)

	require.NoError(t, c.MachineCatalogs.RemoveMachine(ctx, "Office", `CORP\Desk-7`))
	assert.Equal(t, 0, srv.Catalogs()[1].TotalCount)
	assert.ErrorIs(t, c.MachineCatalogs.RemoveMachine(ctx, "Office", `CORP\Desk-7`), daas.ErrNotFound)
}

// The admin credential never reaches an error, in plain or base64 form,
// even when the service echoes the header back.
func TestAdminCredentialRedacted(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, machineWorld()...)
	_ = srv
	_, err := c.MachineCatalogs.AddMachineAsync(t.Context(), "Nope", daas.AddMachineRequest{MachineName: `CORP\X`},
		daas.AdminCredential("admin", "hunter2-very-secret"))
	require.Error(t, err)
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err)} {
		assert.NotContains(t, s, "hunter2-very-secret")
		assert.NotContains(t, s, "YWRtaW46aHVudGVyMi12ZXJ5LXNlY3JldA==")
	}
}

// WaitProvisioned: an MCS catalog whose create job ends in seconds while
// provisioning its machines takes an hour, waited at no real cost.
func TestWaitProvisionedHourLong(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv, c := newFake(t, daastest.WithJobDurationFor("AddMachines", time.Hour))
		ctx := t.Context()
		job, err := c.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{
			Name: "Scale", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportMultiSession,
			ProvisioningScheme: json.RawMessage(`{"NumTotalMachines":4,"MasterImagePath":"XDHyp:\\img.snapshot","MachineAccountCreationRules":{"NamingScheme":"SC-##"}}`),
		})
		require.NoError(t, err)
		cat, err := job.Wait(ctx)
		require.NoError(t, err)
		assert.True(t, cat.ProvisioningProgress.IsRunning, "the create job ended; provisioning goes on")
		require.Len(t, cat.JobsInProgress, 1)
		assert.Zero(t, cat.TotalCount)

		start := time.Now()
		var seen []daas.JobInfo
		done, err := c.MachineCatalogs.WaitProvisioned(ctx, "Scale", daas.OnProgress(func(j daas.JobInfo) { seen = append(seen, j) }))
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), 59*time.Minute)
		assert.False(t, done.ProvisioningProgress.IsRunning)
		assert.Empty(t, done.JobsInProgress)
		assert.Equal(t, 4, done.TotalCount)
		require.NotEmpty(t, seen)
		assert.Equal(t, cat.JobsInProgress[0].ID, seen[0].ID)
		assert.Equal(t, daas.JobStatusComplete, seen[len(seen)-1].Status)
		assert.Less(t, srv.Count("GET /Jobs/{id}"), 200, "an hour of waiting stays on the poll schedule")
		var names []string
		for m, err := range c.MachineCatalogs.Machines(ctx, "Scale") {
			require.NoError(t, err)
			names = append(names, m.Name)
		}
		assert.Equal(t, []string{`CORP\SC-01`, `CORP\SC-02`, `CORP\SC-03`, `CORP\SC-04`}, names)
	})
}

// A provisioning job where one machine of two failed: the error lists each
// failed sub job; the machine that was added stays.
func TestWaitProvisionedPartialFailure(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv, c := newFake(t, daastest.WithJobDurationFor("AddMachines", 2*time.Hour))
		ctx := t.Context()
		srv.FailProvisioning("Half", 1, "no capacity in the zone")
		_, err := c.MachineCatalogs.Create(ctx, daas.CreateMachineCatalogRequest{
			Name: "Half", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportSingleSession,
			ProvisioningScheme: json.RawMessage(`{"NumTotalMachines":2}`),
		})
		require.NoError(t, err)
		cat, err := c.MachineCatalogs.WaitProvisioned(ctx, "Half")
		var pe *daas.ProvisioningError
		require.ErrorAs(t, err, &pe)
		assert.ErrorIs(t, err, daas.ErrJobFailed)
		var je *daas.JobError
		require.ErrorAs(t, err, &je)
		assert.Equal(t, "AddMachines", je.Type)
		assert.Contains(t, je.Message, "1 of 2 machines were added")
		require.Len(t, je.SubJobs, 1)
		assert.Equal(t, daas.JobStatusFailed, je.SubJobs[0].Status)
		assert.Equal(t, "UnknownError", je.SubJobs[0].ErrorCode)
		assert.Contains(t, je.SubJobs[0].ErrorString, "no capacity in the zone")
		assert.Contains(t, err.Error(), "1 of 2 sub-jobs failed")
		assert.Contains(t, err.Error(), je.SubJobs[0].ID)
		require.NotNil(t, cat, "the successful part is not hidden")
		assert.Equal(t, 1, cat.TotalCount)
	})
}

func TestImageUpdateAndRollback(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv, c := newFake(t, machineWorld(daastest.WithJobDurationFor("UpdateImage", 3*time.Hour))...)
		ctx := t.Context()
		_, err := c.MachineCatalogs.RollbackProvisioningSchemeAsync(ctx, "Pool", nil)
		var ae *daas.APIError
		require.ErrorAs(t, err, &ae, "nothing to roll back to yet")
		job, err := c.MachineCatalogs.UpdateProvisioningSchemeAsync(ctx, "Pool", daas.UpdateProvisioningSchemeRequest{
			MasterImagePath: `XDHyp:\HostingUnits\U1\v2.snapshot`, StoreOldImage: true,
			RebootOptions: &daas.RebootOptions{RebootDuration: daas.Ptr(60), WarningDuration: daas.Ptr(15)},
		})
		require.NoError(t, err)
		assert.JSONEq(t, `{"MasterImagePath":"XDHyp:\\HostingUnits\\U1\\v2.snapshot","StoreOldImage":true,"RebootOptions":{"RebootDuration":60,"WarningDuration":15}}`,
			string(lastRequest(t, srv, "POST /MachineCatalogs/{nameOrId}/$UpdateProvisioningScheme").Body))
		cat, err := job.Wait(ctx)
		require.NoError(t, err)
		assert.Equal(t, "UpdateMachineCatalogProvisioningScheme", job.Info().Type)
		assert.True(t, cat.ProvisioningProgress.IsRunning)
		m, err := c.Machines.Get(ctx, `CORP\Pool-001`)
		require.NoError(t, err)
		assert.True(t, m.Hosting.ImageOutOfDate)
		cat, err = c.MachineCatalogs.WaitProvisioned(ctx, "Pool")
		require.NoError(t, err)
		assert.True(t, cat.CanRollbackVMImage)
		m, err = c.Machines.Get(ctx, `CORP\Pool-001`)
		require.NoError(t, err)
		assert.False(t, m.Hosting.ImageOutOfDate)

		rj, err := c.MachineCatalogs.RollbackProvisioningSchemeAsync(ctx, "Pool", nil)
		require.NoError(t, err)
		_, err = rj.Wait(ctx)
		require.NoError(t, err)
		cat, err = c.MachineCatalogs.WaitProvisioned(ctx, "Pool")
		require.NoError(t, err)
		assert.False(t, cat.CanRollbackVMImage)
		assert.Contains(t, string(cat.ProvisioningScheme), `Pool-base.snapshot`, "back on the image kept by StoreOldImage")
	})
}

// Two image updates with StoreOldImage, then two rollbacks: each returns to
// the image before the last update still kept, as a job of the spec's
// type, and a third finds nothing kept: the service's refusal is an
// *APIError with its code, and a rollback job that loses the kept image to
// another rollback is a *JobError with the code.
func TestRollbackHistory(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv, c := newFake(t, machineWorld()...)
		ctx := t.Context()
		image := func(cat *daas.MachineCatalog) string {
			t.Helper()
			var ps struct{ MasterImage struct{ XDPath string } }
			require.NoError(t, json.Unmarshal(cat.ProvisioningScheme, &ps))
			return ps.MasterImage.XDPath
		}
		const (
			base = `XDHyp:\HostingUnits\Unit1\Pool-base.snapshot`
			v2   = `XDHyp:\HostingUnits\U1\v2.snapshot`
			v3   = `XDHyp:\HostingUnits\U1\v3.snapshot`
		)
		for _, img := range []string{v2, v3} {
			job, err := c.MachineCatalogs.UpdateProvisioningSchemeAsync(ctx, "Pool", daas.UpdateProvisioningSchemeRequest{MasterImagePath: img, StoreOldImage: true})
			require.NoError(t, err)
			_, err = job.Wait(ctx)
			require.NoError(t, err)
		}
		cat, err := c.MachineCatalogs.WaitProvisioned(ctx, "Pool")
		require.NoError(t, err)
		assert.Equal(t, v3, image(cat))

		for _, want := range []struct {
			image       string
			canRollback bool
		}{{v2, true}, {base, false}} {
			job, err := c.MachineCatalogs.RollbackProvisioningSchemeAsync(ctx, "Pool", &daas.RebootOptions{RebootDuration: daas.Ptr(0)})
			require.NoError(t, err)
			assert.JSONEq(t, `{"RebootDuration":0}`, string(lastRequest(t, srv, "POST /MachineCatalogs/{nameOrId}/$RollbackProvisioningScheme").Body))
			_, err = job.Wait(ctx)
			require.NoError(t, err)
			assert.Equal(t, "RollbackMachineCatalogProvisioningScheme", job.Info().Type)
			cat, err := c.MachineCatalogs.WaitProvisioned(ctx, "Pool")
			require.NoError(t, err)
			assert.Equal(t, want.image, image(cat), "the image before the last update still kept")
			assert.Equal(t, want.canRollback, cat.CanRollbackVMImage)
		}

		before := srv.Count("POST /MachineCatalogs/{nameOrId}/$RollbackProvisioningScheme")
		_, err = c.MachineCatalogs.RollbackProvisioningSchemeAsync(ctx, "Pool", nil)
		var ae *daas.APIError
		require.ErrorAs(t, err, &ae, "nothing kept")
		assert.Equal(t, 400, ae.StatusCode)
		assert.Equal(t, "https://errors-api.cloud.com/common/ConstraintViolation", ae.Type)
		name, _ := ae.Param("name")
		assert.Equal(t, "Pool", name)
		assert.JSONEq(t, `{}`, string(lastRequest(t, srv, "POST /MachineCatalogs/{nameOrId}/$RollbackProvisioningScheme").Body))
		assert.Equal(t, before+1, srv.Count("POST /MachineCatalogs/{nameOrId}/$RollbackProvisioningScheme"), "refused, not retried")

		// One image kept, two rollbacks accepted: the one that ends second
		// finds nothing and fails in its job.
		job, err := c.MachineCatalogs.UpdateProvisioningSchemeAsync(ctx, "Pool", daas.UpdateProvisioningSchemeRequest{MasterImagePath: v2, StoreOldImage: true})
		require.NoError(t, err)
		_, err = job.Wait(ctx)
		require.NoError(t, err)
		first, err := c.MachineCatalogs.RollbackProvisioningSchemeAsync(ctx, "Pool", nil)
		require.NoError(t, err)
		time.Sleep(5 * time.Millisecond) // fake time: the second ends after the first
		second, err := c.MachineCatalogs.RollbackProvisioningSchemeAsync(ctx, "Pool", nil)
		require.NoError(t, err)
		_, err = first.Wait(ctx)
		require.NoError(t, err)
		_, err = second.Wait(ctx)
		var je *daas.JobError
		require.ErrorAs(t, err, &je)
		assert.ErrorIs(t, err, daas.ErrJobFailed)
		assert.Equal(t, "ConstraintViolation", je.Code)
		assert.Equal(t, "RollbackMachineCatalogProvisioningScheme", je.Type)
		cat, err = c.MachineCatalogs.WaitProvisioned(ctx, "Pool")
		require.NoError(t, err)
		assert.Equal(t, base, image(cat))
	})
}

// Many provisioning jobs at once: WaitProvisioned waits on them through the
// shared poller, which reads them all with one GET /Jobs per tick, and
// OnProgress hears from every job.
func TestWaitProvisionedBatches(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv, c := newFake(t, machineWorld(daastest.WithJobDurationFor("AddMachineCatalogMachine", time.Hour))...)
		ctx := t.Context()
		const n = 8
		ids := map[string]bool{}
		for range n {
			job, err := c.MachineCatalogs.AddMachineAsync(ctx, "Pool", daas.AddMachineRequest{})
			require.NoError(t, err)
			ids[job.ID()] = true
		}
		before := srv.Count("GET /Jobs/{id}")
		reported := map[string]daas.JobStatus{}
		start := time.Now()
		cat, err := c.MachineCatalogs.WaitProvisioned(ctx, "Pool", daas.OnProgress(func(j daas.JobInfo) { reported[j.ID] = j.Status }))
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), 59*time.Minute, "the jobs run for the duration of their type")
		assert.Equal(t, 3+n, cat.TotalCount)
		assert.Len(t, reported, n, "every job reported")
		for id, st := range reported {
			assert.True(t, ids[id], "reported job %s is one of the catalog's", id)
			assert.Equal(t, daas.JobStatusComplete, st)
		}
		lists := srv.Count("GET /Jobs")
		t.Logf("GET /Jobs %d, GET /Jobs/{id} %d while waiting", lists, srv.Count("GET /Jobs/{id}")-before)
		assert.Positive(t, lists, "batch reads")
		assert.Less(t, srv.Count("GET /Jobs/{id}")-before, n, "fewer single reads than jobs: the list serves them")
		assert.Less(t, lists, 200, "an hour of waiting stays on the poll schedule (30s at most between reads)")
	})
}

// Every power action, in both forms: the plain form answers with the
// machine in its transitional state, the job form ends with the machine in
// its final state; each call is one request on its route.
func TestMachinesPowerEveryAction(t *testing.T) {
	t.Parallel()
	type action struct {
		name          string
		route         string
		from          daas.PowerState
		plain         func(ctx context.Context, c *daas.Client, m string) (*daas.Machine, error)
		async         func(ctx context.Context, c *daas.Client, m string) (*daas.Job[struct{}], error)
		between, then daas.PowerState
		jobType       string
	}
	actions := []action{
		{"start", "$start", daas.PowerStateOff,
			func(ctx context.Context, c *daas.Client, m string) (*daas.Machine, error) {
				return c.Machines.Start(ctx, m)
			},
			func(ctx context.Context, c *daas.Client, m string) (*daas.Job[struct{}], error) {
				return c.Machines.StartAsync(ctx, m)
			},
			daas.PowerStateTurningOn, daas.PowerStateOn, "StartMachines"},
		{"shutdown", "$shutdown", daas.PowerStateOn,
			func(ctx context.Context, c *daas.Client, m string) (*daas.Machine, error) {
				return c.Machines.Shutdown(ctx, m)
			},
			func(ctx context.Context, c *daas.Client, m string) (*daas.Job[struct{}], error) {
				return c.Machines.ShutdownAsync(ctx, m)
			},
			daas.PowerStateTurningOff, daas.PowerStateOff, "ShutDownMachines"},
		{"reboot", "$reboot", daas.PowerStateOn,
			func(ctx context.Context, c *daas.Client, m string) (*daas.Machine, error) {
				return c.Machines.Reboot(ctx, m)
			},
			func(ctx context.Context, c *daas.Client, m string) (*daas.Job[struct{}], error) {
				return c.Machines.RebootAsync(ctx, m)
			},
			daas.PowerStateTurningOff, daas.PowerStateOn, "RebootMachines"},
		{"suspend", "$suspend", daas.PowerStateOn,
			func(ctx context.Context, c *daas.Client, m string) (*daas.Machine, error) {
				return c.Machines.Suspend(ctx, m)
			},
			func(ctx context.Context, c *daas.Client, m string) (*daas.Job[struct{}], error) {
				return c.Machines.SuspendAsync(ctx, m)
			},
			daas.PowerStateSuspending, daas.PowerStateSuspended, "SuspendMachines"},
		{"resume", "$resume", daas.PowerStateSuspended,
			func(ctx context.Context, c *daas.Client, m string) (*daas.Machine, error) {
				return c.Machines.Resume(ctx, m)
			},
			func(ctx context.Context, c *daas.Client, m string) (*daas.Job[struct{}], error) {
				return c.Machines.ResumeAsync(ctx, m)
			},
			daas.PowerStateResuming, daas.PowerStateOn, "ResumeMachines"},
	}
	for _, a := range actions {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				srv, c := newFake(t, machineWorld(daastest.WithJobDuration(5*time.Minute),
					daastest.WithMachine(daastest.Machine{Name: `CORP\Sync`, Catalog: "Pool", PowerState: string(a.from)}),
					daastest.WithMachine(daastest.Machine{Name: `CORP\Job`, Catalog: "Pool", PowerState: string(a.from)}))...)
				ctx := t.Context()
				route := "POST /Machines/{nameOrId}/" + a.route

				m, err := a.plain(ctx, c, `CORP\Sync`)
				require.NoError(t, err)
				assert.Equal(t, a.between, m.PowerState, "plain form answers at once")
				assert.Equal(t, `CORP\Sync`, m.Name)
				assert.Equal(t, "", lastRequest(t, srv, route).Query.Get("async"))

				job, err := a.async(ctx, c, `CORP\Job`)
				require.NoError(t, err)
				assert.Equal(t, "true", lastRequest(t, srv, route).Query.Get("async"))
				_, err = job.Wait(ctx)
				require.NoError(t, err)
				assert.Equal(t, a.jobType, job.Info().Type)
				for _, name := range []string{`CORP\Sync`, `CORP\Job`} {
					got, err := c.Machines.Get(ctx, name)
					require.NoError(t, err)
					assert.Equal(t, a.then, got.PowerState, name)
					assert.False(t, got.PowerActionPending, name)
				}
				assert.Equal(t, 2, srv.Count(route))
				assert.Equal(t, 2, srv.Stats().PowerActions)
			})
		})
	}
}

// The plain session actions answer with the machine; logging off ends its
// sessions.
func TestMachinesSessionActionsPlain(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv, c := newFake(t, machineWorld(daastest.WithJobDuration(time.Minute),
			daastest.WithMachine(daastest.Machine{Name: `CORP\Host`, Catalog: "Pool", PowerState: "On", SessionCount: 4}))...)
		ctx := t.Context()
		m, err := c.Machines.DisconnectSessions(ctx, `CORP\Host`)
		require.NoError(t, err)
		assert.Equal(t, `CORP\Host`, m.Name)
		m, err = c.Machines.LogOffSessions(ctx, `CORP\Host`)
		require.NoError(t, err)
		assert.Equal(t, daas.PowerStateOn, m.PowerState)
		time.Sleep(2 * time.Minute) // fake time inside the bubble: the log-off takes its minute
		got, err := c.Machines.Get(ctx, `CORP\Host`)
		require.NoError(t, err)
		assert.Zero(t, got.SessionCount)
		assert.Equal(t, 1, srv.Count("POST /Machines/{nameOrId}/$logoff"))
		assert.Equal(t, 1, srv.Count("POST /Machines/{nameOrId}/$disconnect"))
		_, err = c.Machines.LogOffSessions(ctx, `CORP\Gone`)
		assert.ErrorIs(t, err, daas.ErrNotFound)
	})
}

// WaitProvisioned classifies errors as a job wait does: a catalog read that
// fails with a 503 (after the client's retries) keeps the wait going, and a
// wait whose context ends matches the context's error and wraps each running
// job's *WaitError with its last poll error.
func TestWaitProvisionedTransientAndContextEnd(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv, c := newFake(t, daastest.WithJobDurationFor("AddMachines", time.Hour))
		ctx := t.Context()
		_, err := c.MachineCatalogs.Create(ctx, daas.CreateMachineCatalogRequest{
			Name: "Slow", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportSingleSession,
			ProvisioningScheme: json.RawMessage(`{"NumTotalMachines":2}`),
		})
		require.NoError(t, err)
		attempts := daas.DefaultRetryPolicy().MaxRetries + 1
		srv.InjectFault(daastest.Fault{Route: "GET /MachineCatalogs/{nameOrId}", Status: http.StatusServiceUnavailable, Count: attempts})
		done, err := c.MachineCatalogs.WaitProvisioned(ctx, "Slow")
		require.NoError(t, err, "a 503 on the catalog read does not end the wait")
		assert.Equal(t, 2, done.TotalCount)
		assert.Greater(t, srv.Count("GET /MachineCatalogs/{nameOrId}"), attempts)

		_, err = c.MachineCatalogs.Create(ctx, daas.CreateMachineCatalogRequest{
			Name: "Stuck", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportSingleSession,
			ProvisioningScheme: json.RawMessage(`{"NumTotalMachines":2}`),
		})
		require.NoError(t, err)
		srv.InjectFault(daastest.Fault{Route: "GET /Jobs/{id}", Status: http.StatusServiceUnavailable})
		short, cancel := context.WithTimeout(ctx, 10*time.Minute)
		defer cancel()
		_, err = c.MachineCatalogs.WaitProvisioned(short, "Stuck")
		require.ErrorIs(t, err, context.DeadlineExceeded)
		var we *daas.WaitError
		require.ErrorAs(t, err, &we)
		assert.NotEmpty(t, we.JobID)
		var ae *daas.APIError
		require.ErrorAs(t, err, &ae, "the last poll error is wrapped")
		assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
		assert.Contains(t, err.Error(), "catalog Stuck")
		assert.Contains(t, err.Error(), "503")
	})
}
