package conformance

import (
	"testing"

	"github.com/citrix/citrix-daas-rest-go/citrixorchestration"
)

// checkCodes fails when a job, or one of its sub-jobs, names an ErrorCode
// that is not one of the spec's JobErrorCode values: Citrix's client
// decodes any string, but its callers compare against the enum.
func checkCodes(t *testing.T, what string, job *citrixorchestration.JobResponseModel) {
	t.Helper()
	if code, ok := job.GetErrorCodeOk(); ok && !code.IsValid() {
		t.Fatalf("%s: job %s has ErrorCode %q, not in the spec's JobErrorCode enum", what, job.GetId(), *code)
	}
	for _, sub := range job.GetSubJobs() {
		checkCodes(t, what+" (sub-job)", &sub)
	}
}

// fails checks that a job ended Failed with the spec's error code want.
func fails(t *testing.T, e *env, what, id string, want citrixorchestration.JobErrorCode) *citrixorchestration.JobResponseModel {
	t.Helper()
	job := finish(t, e, id)
	if job.GetStatus() != citrixorchestration.JOBSTATUS_FAILED || job.GetErrorCode() != want {
		t.Fatalf("%s job = %s %s %q, want Failed %s", what, job.GetStatus(), job.GetErrorCode(), job.GetErrorString(), want)
	}
	return job
}

// stepRefusals: the jobs the service fails because of a rule it enforces
// end Failed with codes of the spec's JobErrorCode enum: machines asked of
// a catalog that has too few free ones (NoAvailableMachine), a machine
// that is in another delivery group (MachineInDesktopGroup), and, in
// memory where the fake can be told to, an MCS machine whose provisioning
// fails (the failed sub-job and its parent).
func stepRefusals(t *testing.T, e *env) {
	ctx := t.Context()
	api := e.api.DeliveryGroupsAPIsDAAS
	mk := func(name string, machines int32) string {
		t.Helper()
		create := citrixorchestration.NewCreateDeliveryGroupRequestModel(name)
		create.SetMachineCatalogs([]citrixorchestration.DeliveryGroupAddMachinesRequestModel{*addMachines(machines)})
		g := must[*citrixorchestration.DeliveryGroupDetailResponseModel](t, "POST /DeliveryGroups "+name)(add(e, api.DeliveryGroupsCreateDeliveryGroup(ctx).CreateDeliveryGroupRequestModel(*create)).Execute())
		t.Cleanup(func() { _, _ = add(e, api.DeliveryGroupsDeleteDeliveryGroup(ctx, g.GetId())).Execute() })
		return g.GetId()
	}
	holder, other := mk("Conformance Holder", 1), mk("Conformance Other", 1)

	_, resp, err := add(e, api.DeliveryGroupsDoAddMachines(ctx, other).DeliveryGroupAddMachinesRequestModel(*addMachines(100000)).Async(true)).Execute()
	fails(t, e, "too many machines", jobID(t, resp, err), citrixorchestration.JOBERRORCODE_NO_AVAILABLE_MACHINE)

	held := must[*citrixorchestration.MachineResponseModelCollection](t, "GET /DeliveryGroups/{id}/Machines")(add(e, api.DeliveryGroupsGetDeliveryGroupMachines(ctx, holder)).Execute())
	if len(held.Items) != 1 {
		t.Fatalf("holder group machines = %d, want 1", len(held.Items))
	}
	assign := citrixorchestration.NewDeliveryGroupAddMachinesRequestModel(seedCatalog)
	assign.SetAssignMachinesToUsers([]citrixorchestration.AssignMachineToUserRequestModel{*citrixorchestration.NewAssignMachineToUserRequestModel(held.Items[0].GetName())})
	_, resp, err = add(e, api.DeliveryGroupsDoAddMachines(ctx, other).DeliveryGroupAddMachinesRequestModel(*assign).Async(true)).Execute()
	fails(t, e, "a machine of another group", jobID(t, resp, err), citrixorchestration.JOBERRORCODE_MACHINE_IN_DESKTOP_GROUP)

	if e.fake == nil {
		return // the simulator has no control to make provisioning fail
	}
	e.fake.FailProvisioning(seedCatalog, 1, "")
	_, resp, err = add(e, e.api.MachineCatalogsAPIsDAAS.MachineCatalogsAddMachineCatalogMachine(ctx, seedCatalog).AddMachineToMachineCatalogDetailRequestModel(*citrixorchestration.NewAddMachineToMachineCatalogDetailRequestModel()).Async(true)).Execute()
	job := fails(t, e, "a failed provisioning", jobID(t, resp, err), citrixorchestration.JOBERRORCODE_UNKNOWN_ERROR)
	if len(job.GetSubJobs()) == 0 {
		t.Fatalf("a failed provisioning has no sub-jobs")
	}
}
