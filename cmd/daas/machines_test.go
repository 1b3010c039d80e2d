package main

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/daaskit/daas/daastest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMachinesGolden(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithMachines("Win11-Pooled-001", 2), daastest.WithJobDuration(3*time.Second))
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

func TestDeliveryGroupsGolden(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithJobDuration(3*time.Second))
		r := runIn(t.Context(), srv, "deliverygroups", "list")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "deliverygroups_list", r.stdout)
	})
}
