package conformance

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/citrix/citrix-daas-rest-go/citrixorchestration"
)

// waitJob waits for a job with Citrix's own client (WaitForJob, as its
// Terraform provider does) and checks that it ended Complete with the
// type the step wants. In memory, service time moves past the job's end
// first, so the client's first poll sees it ended and it never sleeps; the
// simulator's jobs end at once.
func waitJob(t *testing.T, e *env, what string, resp *http.Response, err error, typ citrixorchestration.JobType) {
	t.Helper()
	id := jobID(t, resp, err)
	if e.advance != nil {
		e.advance(2 * time.Minute)
	}
	job, err := e.cc.WaitForJob(t.Context(), id, 1)
	if err != nil {
		t.Fatalf("%s: WaitForJob: %v", what, err)
	}
	if !typ.IsValid() {
		t.Fatalf("%s: %q is not in the spec's JobType enum", what, typ)
	}
	if job.GetStatus() != citrixorchestration.JOBSTATUS_COMPLETE || job.GetType() != typ {
		t.Fatalf("%s job = %s %s %s, want %s Complete", what, job.GetType(), job.GetStatus(), job.GetErrorString(), typ)
	}
}

// stepDeliveryGroups drives every delivery group route with Citrix's
// client: an async create with the body its constructor prefills, the
// list (sync and through a job), the detail by name and id, an update,
// machines added from a catalog (sync and async), the group's machines, a
// reboot cycle, a machine removed and the group deleted.
func stepDeliveryGroups(t *testing.T, e *env) {
	ctx := t.Context()
	api := e.api.DeliveryGroupsAPIsDAAS
	const name = "Conformance Desktops"

	create := citrixorchestration.NewCreateDeliveryGroupRequestModel(name)
	create.SetDescription("made by Citrix's client")
	create.SetDeliveryType(citrixorchestration.DELIVERYKIND_DESKTOPS_AND_APPS)
	create.SetSessionSupport(citrixorchestration.SESSIONSUPPORT_SINGLE_SESSION)
	create.SetMachineCatalogs([]citrixorchestration.DeliveryGroupAddMachinesRequestModel{*addMachines(1)})
	_, resp, err := add(e, api.DeliveryGroupsCreateDeliveryGroup(ctx).CreateDeliveryGroupRequestModel(*create).Async(true)).Execute()
	waitJob(t, e, "async POST /DeliveryGroups", resp, err, citrixorchestration.JOBTYPE_CREATE_DELIVERY_GROUP)

	list := must[*citrixorchestration.DeliveryGroupResponseModelCollection](t, "GET /DeliveryGroups")(add(e, api.DeliveryGroupsGetDeliveryGroups(ctx)).Execute())
	var id string
	for _, g := range list.Items {
		if g.GetName() == name {
			id = g.GetId()
		}
	}
	if id == "" {
		t.Fatalf("the created group is not in the list of %d", len(list.Items))
	}
	e.rec.expectResult("DeliveryGroupResponseModelCollection")
	_, resp, err = add(e, api.DeliveryGroupsGetDeliveryGroups(ctx).Async(true)).Execute()
	jobs := jobID(t, resp, err)
	completes(t, e, "async GET /DeliveryGroups", jobs, citrixorchestration.JOBTYPE_GET_DELIVERY_GROUPS)
	raw := must[string](t, "GET /Jobs/{id}/Results")(add(e, e.api.JobsAPIsDAAS.JobsGetJobResults(ctx, jobs)).Execute())
	e.rec.expectResult("")
	var page citrixorchestration.DeliveryGroupResponseModelCollection
	if err := json.Unmarshal([]byte(raw), &page); err != nil || len(page.Items) != len(list.Items) {
		t.Fatalf("async list Results: %d items, %v", len(page.Items), err)
	}

	get := func(key string) *citrixorchestration.DeliveryGroupDetailResponseModel {
		t.Helper()
		return must[*citrixorchestration.DeliveryGroupDetailResponseModel](t, "GET /DeliveryGroups/"+key)(add(e, api.DeliveryGroupsGetDeliveryGroup(ctx, key)).Execute())
	}
	for _, key := range []string{name, id} {
		g := get(key)
		if g.GetId() != id || g.GetTotalMachines() != 1 || g.GetDelivering() != citrixorchestration.DELIVERYKIND_DESKTOPS_AND_APPS ||
			g.GetMachineType() != citrixorchestration.MACHINETYPE_VIRTUAL || len(g.GetMachineOperatingSystems()) != 1 {
			t.Fatalf("detail of %s = id %s, %d machines, delivering %s, type %s, OS %v", key, g.GetId(), g.GetTotalMachines(), g.GetDelivering(), g.GetMachineType(), g.GetMachineOperatingSystems())
		}
	}

	edit := citrixorchestration.NewEditDeliveryGroupRequestModel()
	edit.SetDescription("changed by Citrix's client")
	edit.SetInMaintenanceMode(true)
	edit.SetAutoScaleEnabled(false)
	if _, err := add(e, api.DeliveryGroupsPatchDeliveryGroup(ctx, id).EditDeliveryGroupRequestModel(*edit)).Execute(); err != nil {
		t.Fatalf("PATCH /DeliveryGroups/{id}: %v", err)
	}
	edit = citrixorchestration.NewEditDeliveryGroupRequestModel()
	edit.SetInMaintenanceMode(false)
	resp, err = add(e, api.DeliveryGroupsPatchDeliveryGroup(ctx, id).EditDeliveryGroupRequestModel(*edit).Async(true)).Execute()
	waitJob(t, e, "async PATCH /DeliveryGroups/{id}", resp, err, citrixorchestration.JOBTYPE_UPDATE_DELIVERY_GROUP)
	if g := get(id); g.GetDescription() != "changed by Citrix's client" || g.GetInMaintenanceMode() {
		t.Fatalf("after the updates: Description %q, InMaintenanceMode %v", g.GetDescription(), g.GetInMaintenanceMode())
	}

	synced := must[*citrixorchestration.DeliveryGroupDetailResponseModel](t, "POST /DeliveryGroups/{id}/Machines")(add(e, api.DeliveryGroupsDoAddMachines(ctx, id).DeliveryGroupAddMachinesRequestModel(*addMachines(1))).Execute())
	if synced.GetTotalMachines() != 2 {
		t.Fatalf("machines after a sync add = %d, want 2", synced.GetTotalMachines())
	}
	_, resp, err = add(e, api.DeliveryGroupsDoAddMachines(ctx, id).DeliveryGroupAddMachinesRequestModel(*addMachines(1)).Async(true)).Execute()
	waitJob(t, e, "async POST /DeliveryGroups/{id}/Machines", resp, err, citrixorchestration.JOBTYPE_ADD_DELIVERY_GROUP_MACHINES)

	machines := must[*citrixorchestration.MachineResponseModelCollection](t, "GET /DeliveryGroups/{id}/Machines")(add(e, api.DeliveryGroupsGetDeliveryGroupMachines(ctx, id)).Execute())
	if len(machines.Items) != 3 {
		t.Fatalf("group machines = %d, want 3", len(machines.Items))
	}
	for _, m := range machines.Items {
		if g, ok := m.GetDeliveryGroupOk(); !ok || g.GetId() != id {
			t.Fatalf("machine %s of the group names group %v", m.GetName(), g)
		}
	}

	cycle := citrixorchestration.NewRebootCycleRequestModel()
	cycle.SetRebootDurationMinutes(0)
	cycle.SetWarningMessage("Restarting for an update")
	cycle.SetWarningDurationMinutes(5)
	resp, err = add(e, api.DeliveryGroupsStartDeliveryGroupRebootCycle(ctx, id).RebootCycleRequestModel(*cycle).Async(true)).Execute()
	waitJob(t, e, "$StartRebootCycle", resp, err, citrixorchestration.JOBTYPE_START_DELIVERY_GROUP_REBOOT_CYCLE)

	// The "\" of a SAM name is a "|" in the path.
	first := machines.Items[0].GetName()
	resp, err = add(e, api.DeliveryGroupsDoRemoveMachines(ctx, id, pipeName(first)).Async(true)).Execute()
	waitJob(t, e, "async DELETE /DeliveryGroups/{id}/Machines/{machine}", resp, err, citrixorchestration.JOBTYPE_REMOVE_DELIVERY_GROUP_MACHINES)
	if _, err := add(e, api.DeliveryGroupsDoRemoveMachines(ctx, id, machines.Items[1].GetId())).Execute(); err != nil {
		t.Fatalf("DELETE /DeliveryGroups/{id}/Machines/{machine}: %v", err)
	}
	if g := get(id); g.GetTotalMachines() != 1 {
		t.Fatalf("machines after two removals = %d, want 1", g.GetTotalMachines())
	}

	resp, err = add(e, api.DeliveryGroupsDeleteDeliveryGroup(ctx, id).Async(true)).Execute()
	waitJob(t, e, "async DELETE /DeliveryGroups/{id}", resp, err, citrixorchestration.JOBTYPE_DELETE_DELIVERY_GROUP)
	_, resp, err = add(e, api.DeliveryGroupsGetDeliveryGroup(ctx, id)).Execute()
	if err == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("deleted group: %v", err)
	}
}

// addMachines is the add of count free machines of the seeded catalog.
func addMachines(count int32) *citrixorchestration.DeliveryGroupAddMachinesRequestModel {
	m := citrixorchestration.NewDeliveryGroupAddMachinesRequestModel(seedCatalog)
	m.SetCount(count)
	return m
}

// pipeName writes the "\" of a SAM name as the "|" the path wants.
func pipeName(sam string) string { return strings.ReplaceAll(sam, `\`, "|") }
