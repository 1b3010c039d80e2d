package daas_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

func TestDeliveryGroupsSyncLifecycle(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, groupWorld()...)
	ctx := t.Context()

	g, err := c.DeliveryGroups.Create(ctx, daas.CreateDeliveryGroupRequest{
		Name:            "Call Centre",
		Description:     "Phones",
		MachineCatalogs: []daas.DeliveryGroupMachines{{MachineCatalog: "Pool", Count: 3}},
	})
	require.NoError(t, err)
	assert.Equal(t, `{"Name":"Call Centre","Description":"Phones","MachineCatalogs":[{"MachineCatalog":"Pool","Count":3}]}`,
		string(lastRequest(t, srv, "POST /DeliveryGroups").Body))
	assert.Equal(t, "Call Centre", g.Name)
	assert.Equal(t, 3, g.TotalMachines)
	assert.True(t, g.Enabled)

	_, err = c.DeliveryGroups.Create(ctx, daas.CreateDeliveryGroupRequest{Name: "Call Centre"})
	assert.ErrorIs(t, err, daas.ErrConflict)

	got, err := c.DeliveryGroups.Get(ctx, `Europe|Desk`)
	require.NoError(t, err)
	assert.Equal(t, `Europe\Desk`, got.FullName)
	assert.Equal(t, 2, got.TotalMachines)
	assert.Equal(t, "/cvad/manage/DeliveryGroups/Europe|Desk", lastRequest(t, srv, "GET /DeliveryGroups/{nameOrId}").Path)

	page, err := c.DeliveryGroups.List(ctx, daas.PageSize(1))
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	require.NotEmpty(t, page.ContinuationToken)
	var names []string
	for g, err := range c.DeliveryGroups.All(ctx, daas.PageSize(1)) {
		require.NoError(t, err)
		names = append(names, g.FullName)
	}
	assert.Equal(t, []string{`Europe\Desk`, "Call Centre"}, names)

	up, err := c.DeliveryGroups.Update(ctx, "Call Centre", daas.UpdateDeliveryGroupRequest{Name: daas.Ptr("Help Desk"), InMaintenanceMode: daas.Ptr(true)})
	require.NoError(t, err)
	assert.Equal(t, `{"Name":"Help Desk","InMaintenanceMode":true}`, string(lastRequest(t, srv, "PATCH /DeliveryGroups/{nameOrId}").Body))
	assert.Equal(t, "Help Desk", up.Name)
	assert.True(t, up.InMaintenanceMode)
	assert.Equal(t, g.ID, up.ID)

	var members []string
	for m, err := range c.DeliveryGroups.Machines(ctx, "Help Desk", daas.PageSize(2)) {
		require.NoError(t, err)
		members = append(members, m.Name)
	}
	assert.Equal(t, []string{`CORP\Pool-003`, `CORP\Pool-004`, `CORP\Pool-005`}, members)
	assert.Equal(t, 2, srv.Count("GET /DeliveryGroups/{nameOrId}/Machines"), "two pages of two")

	require.NoError(t, c.DeliveryGroups.Delete(ctx, "Help Desk", daas.Force()))
	assert.Equal(t, "true", lastRequest(t, srv, "DELETE /DeliveryGroups/{nameOrId}").Query.Get("force"))
	require.Len(t, srv.DeliveryGroups(), 1)
	for _, m := range srv.Machines()[2:5] {
		assert.Empty(t, m.DeliveryGroup, "a deleted group's machines stay in their catalog, in no group")
	}
	_, err = c.DeliveryGroups.Get(ctx, "Help Desk")
	assert.ErrorIs(t, err, daas.ErrNotFound)
}

func TestDeliveryGroupsAsyncLifecycle(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, groupWorld()...)
	ctx := t.Context()

	cj, err := c.DeliveryGroups.CreateAsync(ctx, daas.CreateDeliveryGroupRequest{Name: "Lab", Enabled: daas.Ptr(false)})
	require.NoError(t, err)
	g, err := cj.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.Equal(t, "CreateDeliveryGroup", cj.Info().Type)
	assert.Equal(t, "Lab", g.Name)
	assert.False(t, g.Enabled)

	lj, err := c.DeliveryGroups.ListAsync(ctx)
	require.NoError(t, err)
	all, err := lj.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.Len(t, all, 2)
	assert.Equal(t, "GetDeliveryGroups", lj.Info().Type)

	uj, err := c.DeliveryGroups.UpdateAsync(ctx, "Lab", daas.UpdateDeliveryGroupRequest{Description: daas.Ptr("lab seats")})
	require.NoError(t, err)
	g, err = uj.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.Equal(t, "UpdateDeliveryGroup", uj.Info().Type)
	assert.Equal(t, "lab seats", g.Description)

	dj, err := c.DeliveryGroups.DeleteAsync(ctx, "Lab")
	require.NoError(t, err)
	_, err = dj.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.Equal(t, "DeleteDeliveryGroup", dj.Info().Type)
	assert.Len(t, srv.DeliveryGroups(), 1)
}

func TestDeliveryGroupsMachineJobs(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, groupWorld()...)
	ctx := t.Context()

	aj, err := c.DeliveryGroups.AddMachinesAsync(ctx, `Europe|Desk`, "Pool", 3)
	require.NoError(t, err)
	assert.Equal(t, `{"MachineCatalog":"Pool","Count":3}`, string(lastRequest(t, srv, "POST /DeliveryGroups/{nameOrId}/Machines").Body))
	g, err := aj.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.Equal(t, "AddDeliveryGroupMachines", aj.Info().Type)
	assert.Equal(t, 5, g.TotalMachines)

	// One free machine is left: asking for two fails the job, and moves none.
	aj, err = c.DeliveryGroups.AddMachinesAsync(ctx, `Europe|Desk`, "Pool", 2)
	require.NoError(t, err)
	_, err = aj.Wait(ctx, fastPoll)
	var je *daas.JobError
	require.ErrorAs(t, err, &je)
	assert.Equal(t, "NoAvailableMachine", je.Code)
	assert.Contains(t, je.Message, "has 1 free machines; 2 were requested")
	free := 0
	for _, m := range srv.Machines() {
		if m.DeliveryGroup == "" {
			free++
		}
	}
	assert.Equal(t, 1, free)

	rj, err := c.DeliveryGroups.RemoveMachineAsync(ctx, `Europe|Desk`, `CORP\Pool-001`)
	require.NoError(t, err)
	assert.Equal(t, "/cvad/manage/DeliveryGroups/Europe|Desk/Machines/CORP|Pool-001",
		lastRequest(t, srv, "DELETE /DeliveryGroups/{nameOrId}/Machines/{machineNameOrId}").Path, `the "\" of a SAM name goes as "|"`)
	_, err = rj.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.Equal(t, "RemoveDeliveryGroupMachines", rj.Info().Type)
	assert.Empty(t, srv.Machines()[0].DeliveryGroup)

	// A machine in no group cannot be removed from this one.
	_, err = c.DeliveryGroups.RemoveMachineAsync(ctx, `Europe|Desk`, `CORP\Pool-001`)
	assert.ErrorIs(t, err, daas.ErrNotFound)

	// A machine already in another group cannot be assigned to a new one.
	_, err = c.DeliveryGroups.Create(ctx, daas.CreateDeliveryGroupRequest{
		Name: "Second",
		MachineCatalogs: []daas.DeliveryGroupMachines{{
			MachineCatalog:        "Pool",
			AssignMachinesToUsers: json.RawMessage(`[{"Machine":"CORP\\Pool-002","Users":["CORP\\ann"]}]`),
		}},
	})
	assert.ErrorIs(t, err, daas.ErrConflict)
	assert.ErrorContains(t, err, `already in the delivery group 'Europe\Desk'`)
	assert.Len(t, srv.DeliveryGroups(), 1, "nothing half-done")
}

func TestDeliveryGroupsRebootCycle(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, groupWorld()...)
	job, err := c.DeliveryGroups.StartRebootCycleAsync(t.Context(), `Europe|Desk`, daas.RebootCycleRequest{
		RebootDurationMinutes:  daas.Ptr(30),
		WarningMessage:         "Rebooting for the new image",
		WarningDurationMinutes: daas.Ptr(5),
	})
	require.NoError(t, err)
	assert.Equal(t, `{"RebootDurationMinutes":30,"WarningMessage":"Rebooting for the new image","WarningDurationMinutes":5}`,
		string(lastRequest(t, srv, "POST /DeliveryGroups/{nameOrId}/$StartRebootCycle").Body))
	_, err = job.Wait(t.Context(), fastPoll)
	require.NoError(t, err)
	assert.Equal(t, "StartDeliveryGroupRebootCycle", job.Info().Type)
	assert.Equal(t, 1, srv.DeliveryGroups()[0].RebootCycles)
}

func TestDeliveryGroupsBadInputNoRequest(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, groupWorld()...)
	ctx := t.Context()
	before := srv.Stats().Requests
	_, err := c.DeliveryGroups.Get(ctx, " ")
	assert.Error(t, err)
	_, err = c.DeliveryGroups.Create(ctx, daas.CreateDeliveryGroupRequest{})
	assert.ErrorContains(t, err, "Name is required")
	_, err = c.DeliveryGroups.Create(ctx, daas.CreateDeliveryGroupRequest{Name: "x", MachineCatalogs: []daas.DeliveryGroupMachines{{MachineCatalog: "Pool"}}})
	assert.ErrorContains(t, err, "Count must be at least 1")
	_, err = c.DeliveryGroups.Update(ctx, "Desk", daas.UpdateDeliveryGroupRequest{})
	assert.ErrorContains(t, err, "nothing to update")
	_, err = c.DeliveryGroups.AddMachinesAsync(ctx, "Desk", "", 1)
	assert.ErrorContains(t, err, "MachineCatalog is required")
	_, err = c.DeliveryGroups.AddMachinesAsync(ctx, "Desk", "Pool", -1)
	assert.ErrorContains(t, err, "negative Count")
	_, err = c.DeliveryGroups.RemoveMachineAsync(ctx, "Desk", "")
	assert.Error(t, err)
	_, err = c.DeliveryGroups.StartRebootCycleAsync(ctx, "Desk", daas.RebootCycleRequest{WarningTitle: "t"})
	assert.ErrorContains(t, err, "without a WarningMessage")
	_, err = c.DeliveryGroups.StartRebootCycleAsync(ctx, "Desk", daas.RebootCycleRequest{RebootDurationMinutes: daas.Ptr(-1)})
	assert.ErrorContains(t, err, "negative RebootDurationMinutes")
	err = c.DeliveryGroups.Delete(ctx, "Desk", daas.DeleteVMs(true))
	assert.ErrorContains(t, err, "option DeleteVMs does not apply")
	_, err = c.DeliveryGroups.Get(ctx, "")
	assert.Error(t, err)
	for _, err := range c.DeliveryGroups.Machines(ctx, "Desk", daas.Fields("Name")) {
		assert.ErrorContains(t, err, "does not apply")
	}
	assert.Equal(t, before, srv.Stats().Requests, "no request for bad input")
}

// TestDeliveryGroupDetail: Get returns the detail model, with the counts
// of the group's machines, while list items carry the list model only.
func TestDeliveryGroupDetail(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, groupWorld(daastest.WithMachine(daastest.Machine{Name: `CORP\Spare`, Catalog: "Pool", PowerState: "Off", InMaintenanceMode: true}))...)
	ctx := t.Context()
	_, err := c.DeliveryGroups.AddMachinesAsync(ctx, `Europe|Desk`, "Pool", 5)
	require.NoError(t, err)
	srv.Advance(time.Minute)

	g, err := c.DeliveryGroups.Get(ctx, `Europe|Desk`)
	require.NoError(t, err)
	assert.Equal(t, 7, g.TotalMachines)
	assert.Equal(t, 6, g.RegisteredMachines)
	assert.Equal(t, 1, g.OffMachines)
	assert.Equal(t, 1, g.MachinesInMaintenanceMode)
	assert.Equal(t, 6, g.DesktopsAvailable)
	assert.Equal(t, 0, g.DesktopsInUse)
	assert.Equal(t, daas.MachineTypeVirtual, g.MachineType)
	assert.Equal(t, []daas.NameCount{{Name: "Windows 11 Enterprise", Value: 7}}, g.MachineOperatingSystems)
	assert.Equal(t, daas.DeliveryKindDesktopsOnly, g.Delivering)
	assert.Equal(t, daas.AppGroupCompatibilityIncompatibleDeliveryType, g.ApplicationGroupCompatibility)
	assert.Equal(t, daas.MachineLogOnTypeActiveDirectory, g.MachineLogOnType)
	assert.Equal(t, daas.LicenseModelConcurrent, g.LicenseModel)
	assert.Equal(t, `Europe\Desk`, g.FullName, "the list fields are there too")

	page, err := c.DeliveryGroups.List(ctx)
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, g.DeliveryGroup, page.Items[0], "the list item is the detail's DeliveryGroup")
}

// TestDeliveryGroupDetailLenient: unknown enum values pass through, and a
// field of the wrong JSON type is left zero without failing the decode or
// the other fields.
func TestDeliveryGroupDetailLenient(t *testing.T) {
	t.Parallel()
	var g daas.DeliveryGroupDetail
	require.NoError(t, json.Unmarshal([]byte(`{"Id":"g1","Name":"Desk","TotalDesktops":"many","Delivering":"Holograms",
		"ApplicationGroupCompatibility":"Sideways","TotalMachines":4,"OffMachines":"two","MachineType":"Quantum",
		"machineoperatingsystems":[{"Name":"Win","Value":4}],"SecureIcaRequired":true,"PowerTimeSchemes":[{"Name":"Week"}],
		"SimpleAccessPolicy":null}`), &g))
	assert.Equal(t, "g1", g.ID)
	assert.Equal(t, 0, g.TotalDesktops)
	assert.Equal(t, daas.DeliveryKind("Holograms"), g.Delivering)
	assert.Equal(t, daas.AppGroupCompatibility("Sideways"), g.ApplicationGroupCompatibility)
	assert.Equal(t, 4, g.TotalMachines)
	assert.Equal(t, 0, g.OffMachines)
	assert.Equal(t, daas.MachineType("Quantum"), g.MachineType)
	assert.Equal(t, []daas.NameCount{{Name: "Win", Value: 4}}, g.MachineOperatingSystems, "names match ignoring case")
	assert.True(t, g.SecureIcaRequired)
	assert.JSONEq(t, `[{"Name":"Week"}]`, string(g.PowerTimeSchemes))
	assert.Nil(t, g.SimpleAccessPolicy)

	assert.Error(t, json.Unmarshal([]byte(`["not","an","object"]`), &g))
	require.NoError(t, json.Unmarshal([]byte(`null`), &g))
}
