package conformance

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/citrix/citrix-daas-rest-go/citrixorchestration"
)

// seedGroup is the delivery group the in-memory fake seeds.
const seedGroup = "Desktops"

// seedCatalog is the catalog whose machines the fakes seed for the
// machine and delivery-group steps (daastest.WithMachines in memory,
// daas-sim's -machines), and seedMachines how many.
const (
	seedCatalog  = "Win11-Pooled-001"
	seedMachines = 6
)

// completes checks that a job ended Complete with the type the step wants,
// one of the spec's JobType values.
func completes(t *testing.T, e *env, what, id string, typ citrixorchestration.JobType) *citrixorchestration.JobResponseModel {
	t.Helper()
	job := finish(t, e, id)
	if !typ.IsValid() {
		t.Fatalf("%s: %q is not in the spec's JobType enum", what, typ)
	}
	if job.GetStatus() != citrixorchestration.JOBSTATUS_COMPLETE || job.GetType() != typ {
		t.Fatalf("%s job = %s %s %s, want %s Complete", what, job.GetType(), job.GetStatus(), job.GetErrorString(), typ)
	}
	return job
}

// stepMachines: the machine list (sync, paged, async through the job), a
// machine by name and by id, and PATCH sync and async.
func stepMachines(t *testing.T, e *env) {
	ctx := t.Context()
	api := e.api.MachinesAPIsDAAS
	all := must[*citrixorchestration.MachineResponseModelCollection](t, "GET /Machines")(add(e, api.MachinesGetMachines(ctx)).Execute())
	if len(all.Items) < seedMachines {
		t.Fatalf("machines = %d, want at least %d", len(all.Items), seedMachines)
	}
	var ids []string
	for tok := ""; ; {
		r := api.MachinesGetMachines(ctx).Limit(3)
		if tok != "" {
			r = r.ContinuationToken(tok)
		}
		page := must[*citrixorchestration.MachineResponseModelCollection](t, "GET /Machines?limit=3")(add(e, r).Execute())
		for _, m := range page.Items {
			ids = append(ids, m.GetId())
		}
		if tok = page.GetContinuationToken(); tok == "" {
			break
		}
	}
	if len(ids) != len(all.Items) {
		t.Fatalf("paged %d machines of %d", len(ids), len(all.Items))
	}

	e.rec.expectResult("MachineResponseModelCollection")
	_, resp, err := add(e, api.MachinesGetMachines(ctx).Async(true)).Execute()
	id := jobID(t, resp, err)
	completes(t, e, "async GET /Machines", id, citrixorchestration.JOBTYPE_GET_MACHINES)
	must[string](t, "GET /Jobs/{id}/Results")(add(e, e.api.JobsAPIsDAAS.JobsGetJobResults(ctx, id)).Execute())
	e.rec.expectResult("")

	first := all.Items[0]
	for _, key := range []string{first.GetName(), first.GetId()} {
		got := must[*citrixorchestration.MachineDetailResponseModel](t, "GET /Machines/"+key)(add(e, api.MachinesGetMachine(ctx, key)).Execute())
		if got.GetId() != first.GetId() {
			t.Fatalf("get %s = %s", key, got.GetId())
		}
	}
	_, resp, err = add(e, api.MachinesGetMachine(ctx, "CORP\\NoSuchMachine")).Execute()
	if err == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown machine: %v", err)
	}

	upd := citrixorchestration.NewUpdateMachineRequestModel()
	upd.SetInMaintenanceMode(true)
	if _, err := add(e, api.MachinesUpdateMachineCatalogMachine(ctx, first.GetId()).UpdateMachineRequestModel(*upd)).Execute(); err != nil {
		t.Fatalf("PATCH /Machines/{id}: %v", err)
	}
	upd.SetInMaintenanceMode(false)
	resp, err = add(e, api.MachinesUpdateMachineCatalogMachine(ctx, first.GetId()).UpdateMachineRequestModel(*upd).Async(true)).Execute()
	completes(t, e, "async PATCH /Machines/{id}", jobID(t, resp, err), citrixorchestration.JOBTYPE_UPDATE_MACHINE_CATALOG_MACHINE)
	got := must[*citrixorchestration.MachineDetailResponseModel](t, "get patched")(add(e, api.MachinesGetMachine(ctx, first.GetId())).Execute())
	if got.GetInMaintenanceMode() {
		t.Fatal("InMaintenanceMode still true after the async PATCH")
	}
}

// stepPower runs each power and session action sync and async on a seeded
// machine.
func stepPower(t *testing.T, e *env) {
	ctx := t.Context()
	api := e.api.MachinesAPIsDAAS
	all := must[*citrixorchestration.MachineResponseModelCollection](t, "GET /Machines")(add(e, api.MachinesGetMachines(ctx)).Execute())
	// Each action runs sync on one machine and async on another, both in
	// the same power state.
	m, other := all.Items[len(all.Items)-1].GetId(), all.Items[len(all.Items)-2].GetId()
	type action struct {
		name  string
		typ   citrixorchestration.JobType
		sync  func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error)
		async func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error)
	}
	actions := []action{
		{"$shutdown", citrixorchestration.JOBTYPE_SHUT_DOWN_MACHINES,
			func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error) {
				return add(e, api.MachinesShutdownMachine(ctx, m)).Execute()
			},
			func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error) {
				return add(e, api.MachinesShutdownMachine(ctx, other).Async(true)).Execute()
			}},
		{"$start", citrixorchestration.JOBTYPE_START_MACHINES,
			func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error) {
				return add(e, api.MachinesStartMachine(ctx, m)).Execute()
			},
			func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error) {
				return add(e, api.MachinesStartMachine(ctx, other).Async(true)).Execute()
			}},
		{"$reboot", citrixorchestration.JOBTYPE_REBOOT_MACHINES,
			func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error) {
				return add(e, api.MachinesRebootMachine(ctx, m)).Execute()
			},
			func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error) {
				return add(e, api.MachinesRebootMachine(ctx, other).Async(true)).Execute()
			}},
		{"$suspend", citrixorchestration.JOBTYPE_SUSPEND_MACHINES,
			func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error) {
				return add(e, api.MachinesSuspendMachine(ctx, m)).Execute()
			},
			func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error) {
				return add(e, api.MachinesSuspendMachine(ctx, other).Async(true)).Execute()
			}},
		{"$resume", citrixorchestration.JOBTYPE_RESUME_MACHINES,
			func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error) {
				return add(e, api.MachinesResumeMachine(ctx, m)).Execute()
			},
			func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error) {
				return add(e, api.MachinesResumeMachine(ctx, other).Async(true)).Execute()
			}},
		{"$logoff", citrixorchestration.JOBTYPE_LOGOFF_MACHINE_SESSIONS,
			func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error) {
				return add(e, api.MachinesLogoffMachineSessions(ctx, m)).Execute()
			},
			func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error) {
				return add(e, api.MachinesLogoffMachineSessions(ctx, other).Async(true)).Execute()
			}},
		{"$disconnect", citrixorchestration.JOBTYPE_DISCONNECT_SESSIONS,
			func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error) {
				return add(e, api.MachinesDisconnectSessions(ctx, m)).Execute()
			},
			func() (*citrixorchestration.MachineDetailResponseModel, *http.Response, error) {
				return add(e, api.MachinesDisconnectSessions(ctx, other).Async(true)).Execute()
			}},
	}
	for _, a := range actions {
		got, _, err := a.sync()
		if err != nil {
			t.Fatalf("sync %s: %v", a.name, err)
		}
		if got.GetId() != m {
			t.Fatalf("sync %s answered machine %q", a.name, got.GetId())
		}
		if e.advance != nil {
			e.advance(2 * time.Minute) // let the sync action's power change settle
		}
		_, resp, err := a.async()
		completes(t, e, "async "+a.name, jobID(t, resp, err), a.typ)
	}
}

// stepCatalogMachines: a catalog's machines, adding one (a job) and
// removing it, and updating the provisioning scheme.
func stepCatalogMachines(t *testing.T, e *env) {
	ctx := t.Context()
	api := e.api.MachineCatalogsAPIsDAAS
	list := must[*citrixorchestration.MachineResponseModelCollection](t, "GET /MachineCatalogs/{id}/Machines")(add(e, api.MachineCatalogsGetMachineCatalogMachines(ctx, seedCatalog)).Execute())
	if len(list.Items) < seedMachines {
		t.Fatalf("catalog machines = %d", len(list.Items))
	}
	e.rec.expectResult("MachineResponseModelCollection")
	_, resp, err := add(e, api.MachineCatalogsGetMachineCatalogMachines(ctx, seedCatalog).Async(true)).Execute()
	id := jobID(t, resp, err)
	completes(t, e, "async catalog machines", id, citrixorchestration.JOBTYPE_GET_MACHINE_CATALOG_MACHINES)
	must[string](t, "GET /Jobs/{id}/Results")(add(e, e.api.JobsAPIsDAAS.JobsGetJobResults(ctx, id)).Execute())
	e.rec.expectResult("")

	_, resp, err = add(e, api.MachineCatalogsAddMachineCatalogMachine(ctx, seedCatalog).AddMachineToMachineCatalogDetailRequestModel(*citrixorchestration.NewAddMachineToMachineCatalogDetailRequestModel()).Async(true)).Execute()
	completes(t, e, "POST /MachineCatalogs/{id}/Machines", jobID(t, resp, err), citrixorchestration.JOBTYPE_ADD_MACHINE_CATALOG_MACHINE)
	after := must[*citrixorchestration.MachineResponseModelCollection](t, "catalog machines after add")(add(e, api.MachineCatalogsGetMachineCatalogMachines(ctx, seedCatalog)).Execute())
	if len(after.Items) != len(list.Items)+1 {
		t.Fatalf("catalog machines after add = %d, want %d", len(after.Items), len(list.Items)+1)
	}
	added := after.Items[len(after.Items)-1].GetId()
	if _, err := add(e, api.MachineCatalogsRemoveMachineCatalogMachine(ctx, seedCatalog, added)).Execute(); err != nil {
		t.Fatalf("DELETE /MachineCatalogs/{id}/Machines/{machine}: %v", err)
	}

	upd := citrixorchestration.NewUpdateMachineCatalogProvisioningSchemeRequestModel()
	upd.SetMasterImagePath(`XDHyp:\HostingUnits\Unit\Image-v2.vm`)
	_, resp, err = add(e, api.MachineCatalogsUpdateMachineCatalogProvisioningScheme(ctx, seedCatalog).UpdateMachineCatalogProvisioningSchemeRequestModel(*upd).Async(true)).Execute()
	completes(t, e, "$UpdateProvisioningScheme", jobID(t, resp, err), citrixorchestration.JOBTYPE_UPDATE_MACHINE_CATALOG_PROVISIONING_SCHEME)
}

// stepRollback: the image history of the seeded MCS catalog. Nothing is
// kept yet (stepCatalogMachines' update kept no image), so a rollback is
// refused with a 400 and the spec's ErrorResponse; after two updates with
// StoreOldImage, two rollbacks (jobs of type
// RollbackMachineCatalogProvisioningScheme, async and sync) each put back
// the image before the last update still kept, and a third is refused
// again.
func stepRollback(t *testing.T, e *env) {
	ctx := t.Context()
	api := e.api.MachineCatalogsAPIsDAAS
	rollback := func() citrixorchestration.ApiMachineCatalogsRollbackMachineCatalogProvisioningSchemeRequest {
		reboot := citrixorchestration.NewRebootMachinesRequestModel()
		reboot.SetRebootDuration(0)
		return add(e, api.MachineCatalogsRollbackMachineCatalogProvisioningScheme(ctx, seedCatalog).RebootMachinesRequestModel(*reboot))
	}
	refused := func(what string) {
		t.Helper()
		_, resp, err := rollback().Async(true).Execute()
		var ge *citrixorchestration.GenericOpenAPIError
		if !errors.As(err, &ge) || resp == nil || resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: rollback = %v, want a 400", what, err)
		}
		model, ok := ge.Model().(citrixorchestration.ErrorResponse)
		if !ok || !strings.HasSuffix(model.GetType(), "/ConstraintViolation") || !strings.Contains(model.GetDetail(), seedCatalog) {
			t.Fatalf("%s: 400 model = %#v", what, ge.Model())
		}
	}
	image := func(what, want string, canRollback bool) string {
		t.Helper()
		cat := must[*citrixorchestration.MachineCatalogDetailResponseModel](t, "GET /MachineCatalogs/{id}")(add(e, api.MachineCatalogsGetMachineCatalog(ctx, seedCatalog)).Execute())
		ps := cat.GetProvisioningScheme()
		master, current := ps.GetMasterImage(), ps.GetCurrentDiskImage()
		img := current.GetImage()
		if want == "" { // the image before this step: whatever it is
			want = master.GetXDPath()
		}
		// A seeded catalog whose image was never named (the step runs
		// alone) has no scheme yet.
		named := want != "" || cat.HasProvisioningScheme()
		if named && (master.GetXDPath() != want || img.GetXDPath() != want || current.GetImageStatus() != citrixorchestration.VMIMAGESTATUS_CURRENT) {
			t.Fatalf("%s: MasterImage %q, CurrentDiskImage %q %s; want %q Current", what, master.GetXDPath(), img.GetXDPath(), current.GetImageStatus(), want)
		}
		if cat.GetCanRollbackVMImage() != canRollback || (len(ps.GetHistoricalDiskImages()) > 0) != canRollback {
			t.Fatalf("%s: CanRollbackVMImage %v with %d historical images, want %v", what, cat.GetCanRollbackVMImage(), len(ps.GetHistoricalDiskImages()), canRollback)
		}
		return want
	}
	const (
		v3 = `XDHyp:\HostingUnits\Unit\Image-v3.vm`
		v4 = `XDHyp:\HostingUnits\Unit\Image-v4.vm`
	)
	refused("nothing kept")
	// stepCatalogMachines' Image-v2 in the whole run; the fake's name for
	// a seeded catalog's image when the step runs alone.
	v2 := image("before", "", false)
	for _, img := range []string{v3, v4} {
		upd := citrixorchestration.NewUpdateMachineCatalogProvisioningSchemeRequestModel()
		upd.SetMasterImagePath(img)
		upd.SetStoreOldImage(true)
		_, resp, err := add(e, api.MachineCatalogsUpdateMachineCatalogProvisioningScheme(ctx, seedCatalog).UpdateMachineCatalogProvisioningSchemeRequestModel(*upd).Async(true)).Execute()
		completes(t, e, "$UpdateProvisioningScheme with StoreOldImage", jobID(t, resp, err), citrixorchestration.JOBTYPE_UPDATE_MACHINE_CATALOG_PROVISIONING_SCHEME)
	}
	image("two updates", v4, true)

	_, resp, err := rollback().Async(true).Execute()
	completes(t, e, "async $RollbackProvisioningScheme", jobID(t, resp, err), citrixorchestration.JOBTYPE_ROLLBACK_MACHINE_CATALOG_PROVISIONING_SCHEME)
	image("one rollback", v3, true)

	// The sync form starts the job too and answers 200 with it.
	job := must[*citrixorchestration.JobResponseModel](t, "sync $RollbackProvisioningScheme")(rollback().Execute())
	completes(t, e, "sync $RollbackProvisioningScheme", job.GetId(), citrixorchestration.JOBTYPE_ROLLBACK_MACHINE_CATALOG_PROVISIONING_SCHEME)
	image("two rollbacks", v2, false)
	refused("history used up")
}

// stepDeleteMachine deletes a machine sync and another async.
func stepDeleteMachine(t *testing.T, e *env) {
	ctx := t.Context()
	api := e.api.MachinesAPIsDAAS
	all := must[*citrixorchestration.MachineResponseModelCollection](t, "GET /Machines")(add(e, api.MachinesGetMachines(ctx).Configured(true)).Execute())
	var free []string
	for _, m := range all.Items {
		if g, ok := m.GetDeliveryGroupOk(); !ok || g == nil || g.GetId() == "" {
			free = append(free, m.GetId())
		}
	}
	if len(free) < 2 {
		t.Fatalf("%d machines outside a delivery group, want 2", len(free))
	}
	maint := citrixorchestration.NewUpdateMachineRequestModel()
	maint.SetInMaintenanceMode(true)
	for _, id := range free[:2] {
		if _, err := add(e, api.MachinesUpdateMachineCatalogMachine(ctx, id).UpdateMachineRequestModel(*maint)).Execute(); err != nil {
			t.Fatalf("maintenance mode on: %v", err)
		}
	}
	if _, err := add(e, api.MachinesRemoveMachine(ctx, free[0])).Execute(); err != nil {
		t.Fatalf("DELETE /Machines/{id}: %v", err)
	}
	resp, err := add(e, api.MachinesRemoveMachine(ctx, free[1]).Async(true)).Execute()
	completes(t, e, "async DELETE /Machines/{id}", jobID(t, resp, err), citrixorchestration.JOBTYPE_DELETE_MACHINE)
	for _, id := range free[:2] {
		if _, resp, err := add(e, api.MachinesGetMachine(ctx, id)).Execute(); err == nil || resp.StatusCode != http.StatusNotFound {
			t.Fatalf("deleted machine %s: %v", id, err)
		}
	}
}
