package main

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/daaskit/daas/daastest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCatalogsDeleteKeepsVMs: the service's default (deleteVm true)
// deletes a catalog's VMs, so the command sends deleteVm=false and
// deleteAccount=None unless a flag asks otherwise, and says what became of
// the machines and their accounts.
func TestCatalogsDeleteKeepsVMs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithJobDuration(2*time.Second))
		r := runIn(t.Context(), srv, append(append([]string{}, fixedPoll...), "catalogs", "delete", "Win11-Pooled-001")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		q := lastRequest(srv, "DELETE /MachineCatalogs/{nameOrId}").Query
		assert.Equal(t, "false", q.Get("deleteVm"), "sent explicitly: the service's default deletes the VMs")
		assert.Equal(t, "None", q.Get("deleteAccount"))
		assert.False(t, q.Has("purgeDBOnly"), "its default (false) destroys nothing")
		golden(t, "catalogs_delete", r.stdout+"--- stderr\n"+r.stderr)

		r = runIn(t.Context(), srv, append(append([]string{}, fixedPoll...), "catalogs", "delete", "Win2022-Shared-002", "--delete-vms", "--accounts", "delete")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		q = lastRequest(srv, "DELETE /MachineCatalogs/{nameOrId}").Query
		assert.Equal(t, "true", q.Get("deleteVm"))
		assert.Equal(t, "Delete", q.Get("deleteAccount"))
		assert.Contains(t, r.stdout, "deleted catalog Win2022-Shared-002: deleted its virtual machines (if MCS-provisioned), deleted their Active Directory accounts\n")

		r = runIn(t.Context(), srv, "-o", "json", "catalogs", "delete", "Win11-Dedicated-003", "--no-wait", "--accounts", "disable")
		require.Equal(t, exitOK, r.code, r.stderr)
		q = lastRequest(srv, "DELETE /MachineCatalogs/{nameOrId}").Query
		assert.Equal(t, "false", q.Get("deleteVm"))
		assert.Equal(t, "Disable", q.Get("deleteAccount"))
		assert.Equal(t, "daas: the job deletes catalog Win11-Dedicated-003: keeps its virtual machines (--delete-vms deletes them), disables their Active Directory accounts\n", r.stderr)

		r = runIn(t.Context(), srv, "catalogs", "delete", "X", "--accounts", "shred")
		assert.Equal(t, exitUsage, r.code)
	})
}

// TestDoDeleteSaysDeleteVM: do sends a call as it is, so a DELETE of a
// catalog or a machine that does not say deleteVm (whose default deletes
// the VMs) is refused, before anything is sent.
func TestDoDeleteSaysDeleteVM(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithJobDuration(2*time.Second), daastest.WithMachines("Win11-Pooled-001", 1))
		m := srv.Machines()[0]
		before := len(srv.Requests())
		for _, args := range [][]string{
			{"do", "DELETE", "/MachineCatalogs/Win11-Pooled-001"},
			{"do", "delete", "MachineCatalogs/Win11-Pooled-001?deleteAccount=None"},
			{"do", "DELETE", "/machines/" + m.ID, "--async"},
			{"do", "DELETE", "/Machines/" + m.ID + "?async=true"},
		} {
			r := runIn(t.Context(), srv, args...)
			assert.Equal(t, exitUsage, r.code, "%q: %s", args, r.stderr)
			assert.Contains(t, r.stderr, "deleteVm=false", "%q", args)
		}
		assert.Len(t, srv.Requests(), before, "nothing sent")

		r := runIn(t.Context(), srv, append(append([]string{}, fixedPoll...), "do", "DELETE", "/MachineCatalogs/Win11-Pooled-001?deleteVm=false", "--async")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "false", lastRequest(srv, "DELETE /MachineCatalogs/{nameOrId}").Query.Get("deleteVm"))
	})
}
