package main

import (
	"testing"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"github.com/daaskit/daas/temporal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
)

func TestImageRolloutUpdatesTwoAtATimeThenReboots(t *testing.T) {
	s := daastest.NewServer(daastest.WithCatalogs(5), daastest.WithMachines("Win11-Pooled-001", 6),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "Desktops-001", Catalog: "Win11-Pooled-001", Machines: 2}),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "Desktops-002", Catalog: "Win11-Pooled-001", Machines: 1}),
		daastest.WithJobDuration(100*time.Millisecond))
	t.Cleanup(s.Close)
	policy := daas.PollPolicy{MinInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond, Multiplier: 2}
	c := s.Client(daas.WithPollPolicy(policy))

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetTestTimeout(30 * time.Second)
	temporal.NewActivities(c, temporal.Options{PollPolicy: policy}).Register(env)
	env.RegisterActivityWithOptions(Groups{Client: c}.GroupsUsing, activity.RegisterOptions{Name: groupsUsingActivity})
	env.RegisterWorkflow(ImageRollout)

	catalogs := []string{"Win11-Pooled-001", "Win2022-Shared-002", "Win11-Dedicated-003"}
	env.ExecuteWorkflow(ImageRollout, Rollout{Catalogs: catalogs, Image: `XDHyp:\new.vm`, Parallel: 2})
	require.NoError(t, env.GetWorkflowError())
	var out Rolled
	require.NoError(t, env.GetWorkflowResult(&out))

	require.Len(t, out.Catalogs, 3)
	for i, u := range out.Catalogs {
		assert.Equal(t, catalogs[i], u.Name)
		assert.Equal(t, `XDHyp:\new.vm`, u.Image)
		cat, err := c.MachineCatalogs.Get(t.Context(), u.Name)
		require.NoError(t, err)
		assert.Contains(t, string(cat.ProvisioningScheme), `new.vm`)
	}
	assert.Equal(t, []string{"Desktops-001", "Desktops-002"}, out.Groups)
	starts := map[string]int{}
	for _, r := range s.Requests() {
		starts[r.Route]++
	}
	assert.Equal(t, 3, starts["POST /MachineCatalogs/{nameOrId}/$UpdateProvisioningScheme"])
	assert.Equal(t, 2, starts["POST /DeliveryGroups/{nameOrId}/$StartRebootCycle"])

	// Never more than two image updates ran at once.
	var updates []daas.JobInfo
	for j, err := range c.Jobs.All(t.Context()) {
		require.NoError(t, err)
		if j.Type == "UpdateMachineCatalogProvisioningScheme" {
			updates = append(updates, j)
		}
	}
	require.Len(t, updates, 3)
	for _, j := range updates {
		running := 0
		for _, k := range updates {
			if !k.CreatedAt.After(j.CreatedAt) && k.EndedAt.After(j.CreatedAt) {
				running++
			}
		}
		assert.LessOrEqual(t, running, 2, "updates running when %s started", j.ID)
	}
}
