package daastest_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

// TestMachineRoutes checks the machine routes the fake models, in the
// spec's paths, between the catalog and the job routes.
func TestMachineRoutes(t *testing.T) {
	t.Parallel()
	want := []string{
		"GET /Machines", "GET /Machines/{nameOrId}", "PATCH /Machines/{nameOrId}", "DELETE /Machines/{nameOrId}",
		"POST /Machines/{nameOrId}/$start", "POST /Machines/{nameOrId}/$shutdown", "POST /Machines/{nameOrId}/$reboot",
		"POST /Machines/{nameOrId}/$suspend", "POST /Machines/{nameOrId}/$resume", "POST /Machines/{nameOrId}/$logoff",
		"POST /Machines/{nameOrId}/$disconnect",
		"GET /MachineCatalogs/{nameOrId}/Machines", "POST /MachineCatalogs/{nameOrId}/Machines",
		"DELETE /MachineCatalogs/{nameOrId}/Machines/{machine}",
		"POST /MachineCatalogs/{nameOrId}/$UpdateProvisioningScheme", "POST /MachineCatalogs/{nameOrId}/$RollbackProvisioningScheme",
	}
	routes := daastest.Routes()
	first := slices.Index(routes, want[0])
	if first < 0 || first+len(want) > len(routes) {
		t.Fatalf("routes %v do not hold the machine routes", routes)
	}
	eq(t, "machine routes", routes[first:first+len(want)], want)
	eq(t, "before them", routes[first-1], "DELETE /MachineCatalogs/{nameOrId}")
	eq(t, "after them", routes[first+len(want)], "GET /Jobs")
}

// TestProvisioningWire checks what a catalog says while MCS provisions its
// machines after the create job, and once it has finished: the spec's
// nullable JobsInProgress is null when no job runs, and the references of
// the running jobs while provisioning goes on.
func TestProvisioningWire(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithJobDuration(time.Hour), daastest.WithTokenLifetime(24*time.Hour))
	created := f.want(200, "POST", "/MachineCatalogs", `{"Name":"Scale","ProvisioningType":"MCS","SessionSupport":"MultiSession",
		"ProvisioningScheme":{"NumTotalMachines":2,"MasterImagePath":"XDHyp:\\img.snapshot","MachineAccountCreationRules":{"NamingScheme":"SC-##"}}}`)
	id := created["Id"].(string)

	running := f.want(200, "GET", "/MachineCatalogs/"+id, "")
	refs, ok := running["JobsInProgress"].([]any)
	if !ok || len(refs) != 1 {
		t.Fatalf("JobsInProgress while provisioning = %v, want one reference", running["JobsInProgress"])
	}
	ref := refs[0].(map[string]any)
	eq(t, "reference keys", sortedKeys(ref), []string{"Id", "Name", "Uid"})
	job := f.job(ref["Id"].(string))
	eq(t, "job type", job["Type"], any("AddMachines"))
	eq(t, "job status", job["Status"], any("NotStarted"))
	prog := running["ProvisioningProgress"].(map[string]any)
	eq(t, "progress keys", sortedKeys(prog), []string{"IsRunning", "Progress", "ProgressMessage", "ProgressMessageList"})
	eq(t, "IsRunning", prog["IsRunning"], any(true))
	eq(t, "machines before the job ends", len(items(t, f.want(200, "GET", "/MachineCatalogs/"+id+"/Machines", ""))), 0)

	f.s.Advance(30 * time.Minute)
	half := f.want(200, "GET", "/MachineCatalogs/"+id, "")["ProvisioningProgress"].(map[string]any)
	if p := half["Progress"].(float64); p <= 0 || p >= 100 {
		t.Errorf("Progress half way = %v, want between 0 and 100", p)
	}
	eq(t, "job status half way", f.job(ref["Id"].(string))["Status"], any("InProgress"))

	f.s.Advance(time.Hour)
	done := f.want(200, "GET", "/MachineCatalogs/"+id, "")
	if v, present := done["JobsInProgress"]; !present || v != nil {
		t.Errorf("JobsInProgress after provisioning = %v (present %v), want an explicit null", v, present)
	}
	prog = done["ProvisioningProgress"].(map[string]any)
	eq(t, "IsRunning after", prog["IsRunning"], any(false))
	eq(t, "Progress after", prog["Progress"], any(100.0))
	eq(t, "job status after", f.job(ref["Id"].(string))["Status"], any("Complete"))
	ms := items(t, f.want(200, "GET", "/MachineCatalogs/"+id+"/Machines", ""))
	eq(t, "machines after", len(ms), 2)
}

// TestMachineDeleteRule checks the service's rule that a machine leaves
// only in maintenance mode, answered with the spec's ErrorResponse.
func TestMachineDeleteRule(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithCatalog(daastest.Catalog{Name: "Pool"}), daastest.WithMachines("Pool", 1))
	name := f.s.Machines()[0].ID
	body := f.want(400, "DELETE", "/Machines/"+name, "")
	params := errorBody(t, body, "MachineNotInMaintenanceMode")
	eq(t, "id parameter", params["id"], name)
	eq(t, "machine kept", len(f.s.Machines()), 1)

	f.want(204, "PATCH", "/Machines/"+name, `{"InMaintenanceMode":true}`) // the spec's sync answer
	f.want(204, "DELETE", "/Machines/"+name+"?deleteVm=true&deleteAccount=Delete", "")
	eq(t, "machine gone", len(f.s.Machines()), 0)
	eq(t, "deleted counter", f.s.Stats().MachinesDeleted, 1)
}

// TestImageHistoryWire checks the image history of an MCS catalog: updates
// with StoreOldImage keep the image before them, each rollback (a job of
// the spec's type) returns to the last one kept and drops it, an update
// without StoreOldImage empties the history, and a rollback with nothing
// kept is refused with the spec's ErrorResponse, or fails in its job when
// another rollback took the image first.
func TestImageHistoryWire(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithJobDuration(time.Minute), daastest.WithTokenLifetime(24*time.Hour))
	created := f.want(200, "POST", "/MachineCatalogs", `{"Name":"Scale","ProvisioningType":"MCS","SessionSupport":"MultiSession",
		"ProvisioningScheme":{"NumTotalMachines":1,"MasterImagePath":"XDHyp:\\HostingUnits\\U1\\v1.snapshot"}}`)
	id := created["Id"].(string)
	f.s.Advance(2 * time.Minute)
	// image checks the catalog's image and the images kept for a
	// rollback, the next one first.
	image := func(what, want string, kept ...string) {
		t.Helper()
		cat := f.want(200, "GET", "/MachineCatalogs/"+id, "")
		ps := cat["ProvisioningScheme"].(map[string]any)
		eq(t, what+": MasterImage", ps["MasterImage"], any(map[string]any{"Name": want[strings.LastIndex(want, `\`)+1:], "XDPath": want}))
		cur := ps["CurrentDiskImage"].(map[string]any)
		eq(t, what+": CurrentDiskImage", []any{cur["Image"].(map[string]any)["XDPath"], cur["ImageStatus"]}, []any{want, "Current"})
		var history []string
		for _, h := range ps["HistoricalDiskImages"].([]any) {
			hm := h.(map[string]any)
			eq(t, what+": historical ImageStatus", hm["ImageStatus"], any("Prepared"))
			history = append(history, hm["Image"].(map[string]any)["XDPath"].(string))
		}
		eq(t, what+": HistoricalDiskImages", history, kept)
		eq(t, what+": CanRollbackVMImage", cat["CanRollbackVMImage"], any(len(kept) > 0))
	}
	const (
		rollback = "/$RollbackProvisioningScheme?async=true"
		v1       = `XDHyp:\HostingUnits\U1\v1.snapshot`
		v2       = `XDHyp:\HostingUnits\U1\v2.snapshot`
		v3       = `XDHyp:\HostingUnits\U1\v3.snapshot`
		v4       = `XDHyp:\HostingUnits\U1\v4.snapshot`
		v5       = `XDHyp:\HostingUnits\U1\v5.snapshot`
		v6       = `XDHyp:\HostingUnits\U1\v6.snapshot`
	)
	update := func(img string, store bool) {
		t.Helper()
		body := fmt.Sprintf(`{"MasterImagePath":%q,"StoreOldImage":%t}`, img, store)
		job := f.startJob("POST", "/MachineCatalogs/"+id+"/$UpdateProvisioningScheme?async=true", body)
		f.s.Advance(3 * time.Minute) // the job, then the UpdateImage roll-out
		eq(t, "update job", f.job(job)["Status"], any("Complete"))
	}
	rollBack := func() map[string]any {
		t.Helper()
		job := f.startJob("POST", "/MachineCatalogs/"+id+rollback, `{"RebootDuration":0}`)
		f.s.Advance(3 * time.Minute)
		return f.job(job)
	}
	refused := func(what string) {
		t.Helper()
		params := errorBody(t, f.want(400, "POST", "/MachineCatalogs/"+id+rollback, `{}`), "ConstraintViolation")
		eq(t, what+": name parameter", params["name"], "Scale")
	}
	refused("before any update")
	image("created", v1)

	update(v2, true)
	update(v3, true)
	image("two updates", v3, v2, v1)
	job := rollBack()
	eq(t, "rollback job", []any{job["Type"], job["Status"]}, []any{"RollbackMachineCatalogProvisioningScheme", "Complete"})
	image("one rollback", v2, v1)
	eq(t, "second rollback", rollBack()["Status"], any("Complete"))
	image("two rollbacks", v1)
	refused("history used up")

	update(v4, true)
	update(v5, false)
	image("update without StoreOldImage", v5)
	refused("after an update without StoreOldImage")

	// Two rollbacks accepted while one image is kept: the first to end
	// takes it, the second fails in its job.
	update(v6, true)
	first := f.startJob("POST", "/MachineCatalogs/"+id+rollback, `{}`)
	f.s.Advance(10 * time.Second)
	second := f.startJob("POST", "/MachineCatalogs/"+id+rollback, `{}`)
	f.s.Advance(3 * time.Minute)
	eq(t, "first rollback", f.job(first)["Status"], any("Complete"))
	late := f.job(second)
	eq(t, "second rollback", []any{late["Status"], late["ErrorCode"]}, []any{"Failed", "ConstraintViolation"})
	image("after the race", v5)
}
