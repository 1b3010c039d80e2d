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

// TestMalformedJobIDs: every job id that is not a UUID is refused with
// exit 2 before anything is sent, by every command that takes one.
func TestMalformedJobIDs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t)
		for _, id := range []string{"not-a-uuid", "1234", "../../etc", "bad/id", "", " ", "3fa85f64-5717-4562-b3fc-2c963f66afa6/x",
			"3fa85f64-5717-4562-b3fc-2c963f66afa", "{}", `{"Id":"x"}`, `{"Id":"3fa85f64-5717-4562-b3fc-2c963f66afa6/.."}`} {
			for _, cmd := range []string{"get", "wait", "cancel", "results"} {
				start := time.Now()
				r := runIn(t.Context(), srv, "jobs", cmd, id)
				assert.Equal(t, exitUsage, r.code, "jobs %s %q: %s%s", cmd, id, r.stdout, r.stderr)
				assert.Zero(t, time.Since(start), "jobs %s %q waited", cmd, id)
				assert.Empty(t, r.stdout)
				assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "jobs %s %q: %q", cmd, id, r.stderr)
			}
		}
		assert.Empty(t, srv.Requests(), "nothing sent for a malformed id")
	})
}

// TestNoWaitJSONWaitedBack: what --no-wait -o json prints, jobs wait
// takes back, as arguments or from standard input.
func TestNoWaitJSONWaitedBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithJobDuration(3*time.Second), daastest.WithMachines("Win11-Pooled-001", 2))
		ms := srv.Machines()
		r := runIn(t.Context(), srv, "-o", "json", "machines", "start", "--no-wait", ms[0].Name, ms[1].Name)
		require.Equal(t, exitOK, r.code, r.stderr)
		lines := strings.Fields(r.stdout)
		require.Len(t, lines, 2, r.stdout)
		for i, l := range lines {
			var v map[string]string
			require.NoError(t, json.Unmarshal([]byte(l), &v))
			assert.Equal(t, map[string]string{"Id": srv.Jobs()[i].ID}, v)
		}

		r = runIn(t.Context(), srv, append(append(append([]string{}, fixedPoll...), "jobs", "wait"), lines...)...)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, 2, strings.Count(r.stdout, "Complete in"), r.stdout)

		r = runIn(t.Context(), srv, "-o", "json", "catalogs", "delete", "Win2022-Shared-002", "--no-wait")
		require.Equal(t, exitOK, r.code, r.stderr)
		var out, errOut syncBuffer
		a := &app{stdin: strings.NewReader(r.stdout + "\n"), stdout: &out, stderr: &errOut, opts: runOpts(srv)}
		code := run(t.Context(), append(append([]string{}, fixedPoll...), "jobs", "wait", "-"), a)
		require.Equal(t, exitOK, code, errOut.String())
		assert.Contains(t, out.String(), "DeleteMachineCatalog Complete in 3s")
	})
}
