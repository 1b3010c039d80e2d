package temporal

import (
	"context"

	"errors"
	"github.com/daaskit/daas/daastest"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"testing"
	"time"

	"github.com/daaskit/daas"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	temporalsdk "go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

const routeImage = "POST /MachineCatalogs/{nameOrId}/$UpdateProvisioningScheme"

// updateWorkflow runs an image update to its end and returns the catalog.
func updateWorkflow(ctx workflow.Context, req StartRequest) (*daas.MachineCatalog, error) {
	return Run[*daas.MachineCatalog](ctx, req, RunOptions{StartTimeout: 10 * time.Second})
}

// startedWorkflow starts and waits for a job and returns it as started.
func startedWorkflow(ctx workflow.Context, req StartRequest) (StartedJob, error) {
	job, err := Start(ctx, req, RunOptions{StartTimeout: 10 * time.Second})
	if err != nil {
		return job, err
	}
	_, err = Wait(ctx, job, RunOptions{})
	return job, err
}

func TestRunReturnsTheJobsResult(t *testing.T) {
	s, c := newSim(t, nil)
	env := newEnv(t, c)
	env.RegisterWorkflow(updateWorkflow)

	env.ExecuteWorkflow(updateWorkflow, imageUpdate(t, firstCatalog, `XDHyp:\HostingUnits\Unit1\win11-v2.vm`))
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var got *daas.MachineCatalog
	require.NoError(t, env.GetWorkflowResult(&got))

	want, err := c.MachineCatalogs.Get(t.Context(), firstCatalog)
	require.NoError(t, err)
	assert.Equal(t, want.ID, got.ID)
	assert.Contains(t, string(got.ProvisioningScheme), `win11-v2.vm`)
	assert.Equal(t, 1, jobsOfType(t, c, "UpdateMachineCatalogProvisioningScheme"))
	assert.Equal(t, 1, posts(s, routeImage))
}

func TestRetriedStartFindsTheJobItSent(t *testing.T) {
	s, c := newSim(t, loseFirstAnswer("$UpdateProvisioningScheme"))
	env := newEnv(t, c)
	env.RegisterWorkflow(startedWorkflow)

	env.ExecuteWorkflow(startedWorkflow, imageUpdate(t, firstCatalog, `XDHyp:\v2.vm`))
	require.NoError(t, env.GetWorkflowError())
	var job StartedJob
	require.NoError(t, env.GetWorkflowResult(&job))
	assert.True(t, job.Found, "the retry found the job of the first attempt")
	assert.Equal(t, 2, job.Attempt)
	assert.Equal(t, "UpdateMachineCatalogProvisioningScheme", job.Type)
	assert.Equal(t, 1, posts(s, routeImage), "the request was sent once")
	assert.Equal(t, 1, jobsOfType(t, c, "UpdateMachineCatalogProvisioningScheme"))
}

func TestRetriedStartSendsWhenNothingWasSent(t *testing.T) {
	s, c := newSim(t, failFirstSend("$UpdateProvisioningScheme"))
	env := newEnv(t, c)
	env.RegisterWorkflow(startedWorkflow)

	env.ExecuteWorkflow(startedWorkflow, imageUpdate(t, firstCatalog, `XDHyp:\v2.vm`))
	require.NoError(t, env.GetWorkflowError())
	var job StartedJob
	require.NoError(t, env.GetWorkflowResult(&job))
	assert.False(t, job.Found)
	assert.Equal(t, 2, job.Attempt)
	assert.Equal(t, 1, posts(s, routeImage))
	assert.Equal(t, 1, jobsOfType(t, c, "UpdateMachineCatalogProvisioningScheme"))
}

func TestWaitOfAFailedJobIsANonRetryableError(t *testing.T) {
	s, c := newSim(t, nil)
	s.NextJob(daastest.Outcome{Status: "Failed", ErrorCode: "DuplicateObject", ErrorString: "A catalog of that name exists."})
	env := newEnv(t, c)
	env.RegisterWorkflow(updateWorkflow)
	waits := 0
	env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		if info.ActivityType.Name == WaitActivityName {
			waits++
		}
	})

	env.ExecuteWorkflow(updateWorkflow, imageUpdate(t, firstCatalog, `XDHyp:\v2.vm`))
	err := env.GetWorkflowError()
	var appErr *temporalsdk.ApplicationError
	require.True(t, errors.As(err, &appErr), "%v", err)
	assert.Equal(t, ErrorTypeJobFailed, appErr.Type())
	assert.True(t, appErr.NonRetryable())
	var f JobFailure
	require.NoError(t, appErr.Details(&f))
	assert.Equal(t, "DuplicateObject", f.Code)
	assert.Equal(t, "A catalog of that name exists.", f.Message)
	assert.Equal(t, statusFailed, f.Status)
	assert.Equal(t, "UpdateMachineCatalogProvisioningScheme", f.Type)
	assert.NotEmpty(t, f.JobID)
	assert.Equal(t, 1, waits, "a failed job is not waited for again")
}

func TestResultDecodesIntoTheWorkflowsType(t *testing.T) {
	_, c := newSim(t, nil)
	env := newEnv(t, c)
	type named struct{ Name string }
	wf := func(ctx workflow.Context, req StartRequest) (named, error) {
		return Run[named](ctx, req, RunOptions{})
	}
	env.RegisterWorkflow(wf)
	env.ExecuteWorkflow(wf, imageUpdate(t, firstCatalog, `XDHyp:\v2.vm`))
	require.NoError(t, env.GetWorkflowError())
	var got named
	require.NoError(t, env.GetWorkflowResult(&got))
	assert.Equal(t, firstCatalog, got.Name)
}

func TestRunWithoutResultReadsNone(t *testing.T) {
	s, c := newSim(t, nil, daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "Desktops-001", Catalog: firstCatalog, Machines: 1}),
		daastest.WithMachines(firstCatalog, 2))
	env := newEnv(t, c)
	wf := func(ctx workflow.Context, req StartRequest) error {
		_, err := Run[struct{}](ctx, req, RunOptions{})
		return err
	}
	env.RegisterWorkflow(wf)
	req, err := NewStartRequest("POST", "DeliveryGroups/Desktops-001/$StartRebootCycle", daas.RebootCycleRequest{},
		"StartDeliveryGroupRebootCycle", daas.NameValue{Name: "NameOrId", Value: "Desktops-001"})
	require.NoError(t, err)
	env.ExecuteWorkflow(wf, req)
	require.NoError(t, env.GetWorkflowError())
	for _, r := range s.Requests() {
		assert.NotContains(t, r.Path, "/Results", "a job without a result is not read")
	}
	assert.Equal(t, 1, jobsOfType(t, c, "StartDeliveryGroupRebootCycle"))
}

func TestStartRefusesBadRequests(t *testing.T) {
	for name, req := range map[string]StartRequest{
		"operation": {Operation: "MachineCatalogs_UpdateMachineCatalogProvisioningScheme", Method: "POST", Path: "x", JobType: "T"},
		"no method": {Path: "x", JobType: "T"},
		"no path":   {Method: "POST", JobType: "T"},
		"no type":   {Method: "POST", Path: "x"},
	} {
		t.Run(name, func(t *testing.T) {
			s, c := newSim(t, nil)
			env := newEnv(t, c)
			env.RegisterWorkflow(startedWorkflow)
			env.ExecuteWorkflow(startedWorkflow, req)
			var appErr *temporalsdk.ApplicationError
			require.True(t, errors.As(env.GetWorkflowError(), &appErr))
			assert.Equal(t, ErrorTypeInvalidInput, appErr.Type())
			assert.Zero(t, s.Stats().Requests, "nothing was sent")
		})
	}
}

func TestValidateRefusesABodyThatIsNotJSON(t *testing.T) {
	err := StartRequest{Method: "POST", Path: "x", JobType: "T", Body: []byte("{")}.validate()
	assert.ErrorIs(t, err, daas.ErrInvalidInput)
	assert.ErrorContains(t, err, "Body is not JSON")
}

func TestJobFailureCarriesTheFailedSubJobs(t *testing.T) {
	s, c := newSim(t, nil, daastest.WithRoute("POST /Things", func(*daastest.Call) daastest.Reply {
		return daastest.Reply{Job: &daastest.JobSpec{Type: "CreateThing", SubJobs: []string{"PrepareThing", "BuildThing"}}}
	}))
	s.NextJob(daastest.Outcome{Status: "Failed", ErrorCode: "UnknownError", ErrorString: "The build broke."})
	env := newEnv(t, c)
	env.RegisterWorkflow(startedWorkflow)
	env.ExecuteWorkflow(startedWorkflow, StartRequest{Method: "POST", Path: "Things", JobType: "CreateThing"})

	var appErr *temporalsdk.ApplicationError
	require.True(t, errors.As(env.GetWorkflowError(), &appErr), "%v", env.GetWorkflowError())
	var f JobFailure
	require.NoError(t, appErr.Details(&f))
	assert.Equal(t, "The build broke.", f.Message)
	require.NotEmpty(t, f.SubJobs)
	for _, sub := range f.SubJobs {
		assert.Equal(t, statusFailed, sub.Status)
		assert.NotEmpty(t, sub.JobID)
		assert.Contains(t, []string{"PrepareThing", "BuildThing"}, sub.Type)
	}
}
