package main

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/daaskit/daas/daastest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMachinesGolden(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// One catalog of two machines: the whole world the table lists.
		srv := newWorld(t, daastest.WithCatalog(daastest.Catalog{Name: "Win11-Pooled-001", TotalCount: 2}), daastest.WithJobDuration(3*time.Second))
		r := runIn(t.Context(), srv, "machines", "list")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "machines_list", r.stdout)

		ms := srv.Machines()
		require.Len(t, ms, 2)
		r = runIn(t.Context(), srv, append(append([]string{}, fixedPoll...), "machines", "shutdown", "--force", ms[0].Name, ms[1].Name)...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "machines_shutdown", byJob(r.stdout, []string{srv.Jobs()[0].ID, srv.Jobs()[1].ID}), srv.Jobs()[0].ID, srv.Jobs()[1].ID)
		require.Len(t, srv.Jobs(), 2, "one job a machine")

		r = runIn(t.Context(), srv, "machines", "start", "--no-wait", ms[0].Name)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Len(t, srv.Jobs(), 3)

		r = runIn(t.Context(), srv, "machines", "reboot", "--delay", "5s", ms[0].Name)
		assert.Equal(t, exitUsage, r.code, "reboot takes no --delay")
	})
}

// TestMachinesGetAndPower shows one machine and waits for a reboot and a
// start (exit codes of each end), with --output json too.
func TestMachinesGetAndPower(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithMachines("Win11-Pooled-001", 2), daastest.WithJobDuration(3*time.Second))
		ms := srv.Machines()
		r := runIn(t.Context(), srv, "machines", "get", ms[0].Name)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, 2, strings.Count(r.stdout, "\n"), "header and one row:\n%s", r.stdout)
		assert.Contains(t, r.stdout, ms[0].Name)
		r = runIn(t.Context(), srv, "-o", "json", "machines", "get", ms[1].ID)
		require.Equal(t, exitOK, r.code, r.stderr)
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &m), "one JSON object: %s", r.stdout)
		assert.Equal(t, ms[1].ID, m["Id"])
		r = runIn(t.Context(), srv, "machines", "get", `CORP\nope`)
		assert.Equal(t, exitError, r.code)
		assert.Contains(t, r.stderr, "404")

		r = runIn(t.Context(), srv, append(append([]string{}, fixedPoll...), "machines", "reboot", ms[0].Name)...)
		require.Equal(t, exitOK, r.code, r.stderr)
		require.Len(t, srv.Jobs(), 1)
		assert.Contains(t, r.stdout, "job "+srv.Jobs()[0].ID+" "+srv.Jobs()[0].Type+" Complete in 3s")

		r = runIn(t.Context(), srv, append(append([]string{"-o", "json"}, fixedPoll...), "machines", "start", ms[0].Name, ms[1].Name)...)
		require.Equal(t, exitOK, r.code, r.stderr)
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		require.Len(t, lines, 2, "one JSON line a job: %s", r.stdout)
		for _, l := range lines {
			var got jobJSON
			require.NoError(t, json.Unmarshal([]byte(l), &got))
			assert.Equal(t, "Complete", string(got.Status))
		}

		srv.NextJob(daastest.Outcome{Status: "Canceled"})
		r = runIn(t.Context(), srv, append(append([]string{}, fixedPoll...), "machines", "shutdown", ms[1].Name)...)
		assert.Equal(t, exitCanceled, r.code, r.stdout)
		r = runIn(t.Context(), srv, append(append([]string{}, fixedPoll...), "machines", "start", "--timeout", "1500ms", ms[1].Name)...)
		assert.Equal(t, exitTimeout, r.code, r.stdout)
		r = runIn(t.Context(), srv, "machines", "start", `CORP\nope`)
		assert.Equal(t, exitError, r.code)
	})
}

// TestCatalogsDeleteWaits deletes a catalog and waits: exit 0, the catalog
// gone; a catalog that does not exist is an error, no job.
func TestCatalogsDeleteWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithJobDuration(2*time.Second))
		r := runIn(t.Context(), srv, append(append([]string{}, fixedPoll...), "catalogs", "delete", "Win11-Pooled-001")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "DeleteMachineCatalog Complete in 2s")
		r = runIn(t.Context(), srv, "catalogs", "get", "Win11-Pooled-001")
		assert.Equal(t, exitError, r.code, "deleted")
		jobs := len(srv.Jobs())
		r = runIn(t.Context(), srv, "catalogs", "delete", "Nope")
		assert.Equal(t, exitError, r.code)
		assert.Contains(t, r.stderr, "404")
		assert.Len(t, srv.Jobs(), jobs)
	})
}

// groupFake is a fake with two delivery groups: one with two machines of
// a catalog, one empty and disabled in a folder.
func groupFake(t *testing.T) *daastest.Server {
	t.Helper()
	return newFake(t, daastest.WithMachines("Win11-Pooled-001", 3), daastest.WithJobDuration(3*time.Second),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{
			ID: "0b6c7a5e-2f4d-4e3a-9c1b-5d8e7f6a4b3c", Name: "Pooled-Desktops", Description: "Windows 11 pool",
			Catalog: "Win11-Pooled-001", Machines: 2,
		}),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{
			ID: "7e1d2c3b-4a59-4687-b8c9-0a1b2c3d4e5f", Name: "Apps", AdminFolder: `Europe\Paris`,
			DeliveryType: "AppsOnly", SessionSupport: "MultiSession", Disabled: true,
		}))
}

func TestDeliveryGroupsGolden(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := groupFake(t)
		r := runIn(t.Context(), srv, "deliverygroups", "list")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "deliverygroups_list", r.stdout)
		assert.Equal(t, 3, strings.Count(r.stdout, "\n"), "header and two rows:\n%s", r.stdout)

		// --folder is the adminFolder parameter (the fake lists every group
		// all the same).
		r = runIn(t.Context(), srv, "deliverygroups", "list", "--folder", `Europe\Paris`)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, `Europe\Paris`, lastRequest(srv, "GET /DeliveryGroups").Query.Get("adminFolder"))

		r = runIn(t.Context(), srv, "-o", "json", "deliverygroups", "list")
		require.Equal(t, exitOK, r.code, r.stderr)
		var groups []map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &groups))
		require.Len(t, groups, 2)
		assert.ElementsMatch(t, []any{"Pooled-Desktops", "Apps"}, []any{groups[0]["Name"], groups[1]["Name"]})
	})
}

func TestDeliveryGroupsGet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := groupFake(t)
		r := runIn(t.Context(), srv, "deliverygroups", "get", "Pooled-Desktops")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "deliverygroups_get", r.stdout)

		// By id, and as one JSON object.
		r = runIn(t.Context(), srv, "-o", "json", "deliverygroups", "get", "7e1d2c3b-4a59-4687-b8c9-0a1b2c3d4e5f")
		require.Equal(t, exitOK, r.code, r.stderr)
		var g map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &g), r.stdout)
		assert.Equal(t, "Apps", g["Name"])
		assert.Equal(t, false, g["Enabled"])

		r = runIn(t.Context(), srv, "deliverygroups", "get", "Nope")
		assert.Equal(t, exitError, r.code)
		assert.Contains(t, r.stderr, "404")
		assert.Empty(t, r.stdout)
		r = runIn(t.Context(), srv, "deliverygroups", "get")
		assert.Equal(t, exitUsage, r.code)
	})
}

// TestDeliveryGroupsRebootCycle waits for a reboot cycle (golden), starts
// one without waiting, and checks the exit codes of a cycle that fails and
// of a group that does not exist.
func TestDeliveryGroupsRebootCycle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := groupFake(t)
		reboot := func(extra ...string) result {
			args := append(append([]string{}, fixedPoll...), "deliverygroups", "reboot-cycle", "Pooled-Desktops")
			return runIn(t.Context(), srv, append(args, extra...)...)
		}
		r := reboot("--duration-minutes", "0", "--warning-message", "Rebooting soon")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "deliverygroups_reboot_cycle", r.stdout+"--- stderr\n"+r.stderr)
		require.Len(t, srv.Jobs(), 1)
		assert.Equal(t, "StartDeliveryGroupRebootCycle", srv.Jobs()[0].Type)
		assert.Equal(t, 1, groupNamed(t, srv, "Pooled-Desktops").RebootCycles)
		var body map[string]any
		require.NoError(t, json.Unmarshal(lastRequest(srv, "POST /DeliveryGroups/{nameOrId}/$StartRebootCycle").Body, &body))
		assert.Equal(t, map[string]any{"RebootDurationMinutes": 0.0, "WarningMessage": "Rebooting soon"}, body)

		r = reboot("--no-wait")
		requireStartedNotWaited(t, srv, r, "StartDeliveryGroupRebootCycle")
		assert.Equal(t, 1, groupNamed(t, srv, "Pooled-Desktops").RebootCycles, "not done yet")

		srv.NextJob(daastest.Outcome{Status: "Failed", ErrorCode: "HypervisorError", ErrorString: "the hypervisor refused"})
		r = reboot()
		assert.Equal(t, exitFailed, r.code, r.stdout)
		assert.Contains(t, r.stdout, "Failed in")
		assert.Contains(t, r.stdout, "HypervisorError: the hypervisor refused")

		r = reboot("--timeout", "1500ms")
		assert.Equal(t, exitTimeout, r.code, r.stdout)

		before := len(srv.Jobs())
		r = runIn(t.Context(), srv, "deliverygroups", "reboot-cycle", "Nope")
		assert.Equal(t, exitError, r.code)
		assert.Contains(t, r.stderr, "404")
		r = runIn(t.Context(), srv, "deliverygroups", "reboot-cycle", "Pooled-Desktops", "--duration-minutes=-1")
		assert.Equal(t, exitUsage, r.code, "a negative duration is refused before any request")
		assert.Contains(t, r.stderr, "--duration-minutes -1")
		assert.Len(t, srv.Jobs(), before, "no job for a refused call")
	})
}

// groupNamed is the fake's delivery group named name.
func groupNamed(t *testing.T, srv *daastest.Server, name string) daastest.DeliveryGroup {
	t.Helper()
	for _, g := range srv.DeliveryGroups() {
		if g.Name == name {
			return g
		}
	}
	t.Fatalf("no delivery group %q", name)
	return daastest.DeliveryGroup{}
}

// lastRequest is the last request srv got on route.
func lastRequest(srv *daastest.Server, route string) daastest.Request {
	var last daastest.Request
	for _, r := range srv.Requests() {
		if r.Route == route {
			last = r
		}
	}
	return last
}
