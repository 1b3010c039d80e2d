package main

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/daaskit/daas/daastest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// evil is a catalog name made to color the terminal, forge a row and a
// column, and (with CR, CSI, DEL and a bidi override) rewrite what is shown.
const evil = "Evil\x1b[31mRED\nNAME2\tfake\r\u009b2K\u202e\x7f"

func TestClean(t *testing.T) {
	assert.Equal(t, `Evil\x1b[31mRED\nNAME2\tfake\r\u009b2K\u202e\x7f`, clean(evil))
	assert.Equal(t, `CORP\Win11 ünï`, clean(`CORP\Win11 ünï`), "printable text is kept as it is")
	assert.Equal(t, `bad\xff byte`, clean("bad\xff byte"))
	for _, r := range clean(evil + "\u200b\u2066\x00") {
		assert.False(t, unsafeRune(r), "%U left", r)
	}
}

// TestServerTextEscaped: names, statuses, job messages and errors that
// come from the service reach the terminal with their control characters
// escaped, in tables, progress lines, final lines, warnings and errors,
// and -o json carries none raw either.
func TestServerTextEscaped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithCatalog(daastest.Catalog{Name: evil}), daastest.WithJobDuration(2*time.Second))
		r := runIn(t.Context(), srv, "catalogs", "list")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "catalogs_list_hostile", r.stdout)
		assert.Equal(t, 5, strings.Count(r.stdout, "\n"), "header and 4 rows, none forged:\n%s", r.stdout)
		requireNoUnsafe(t, r.stdout)

		r = runIn(t.Context(), srv, "-o", "json", "catalogs", "list")
		require.Equal(t, exitOK, r.code, r.stderr)
		requireNoUnsafe(t, r.stdout)
		assert.Contains(t, r.stdout, `\tfake\r\u009b2K\u202e\u007f`)

		// The service's own text: an error message, a job's type (in the
		// progress lines and the final line) and its warning.
		srv.Handle("GET /Zones/{id}/$evil", func(*daastest.Call) daastest.Reply {
			return daastest.ErrorReply(404, "notFound", evil)
		})
		// The job stores a result (a JobSpec with none answers JSON null,
		// which the library refuses for any result type but struct{}).
		srv.Handle("POST /Zones/{id}/$evil", func(*daastest.Call) daastest.Reply {
			return daastest.Reply{Job: &daastest.JobSpec{Type: evil, Result: map[string]string{"Name": evil}}}
		})
		r = runIn(t.Context(), srv, "do", "GET", "/Zones/z1/$evil")
		assert.Equal(t, exitError, r.code)
		requireNoUnsafe(t, r.stderr)
		assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
		assert.Contains(t, r.stderr, "Evil")

		srv.NextJob(daastest.Outcome{Status: "CompleteWithWarning", ErrorString: "zone\x1b[2K\rbusy\nfake line"})
		r = runIn(t.Context(), srv, append(append([]string{}, fixedPoll...), "do", "--async", "POST", "/Zones/z1/$evil")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		requireNoUnsafe(t, r.stdout+r.stderr)
		golden(t, "do_async_hostile", r.stdout+"--- stderr\n"+r.stderr)
		assert.Contains(t, r.stdout, `warning: zone\x1b[2K\rbusy\nfake line`)
	})
}

// requireNoUnsafe fails when s holds a control or format character other
// than the line ends of the output itself.
func requireNoUnsafe(t *testing.T, s string) {
	t.Helper()
	for _, r := range strings.ReplaceAll(s, "\n", "") {
		require.False(t, unsafeRune(r), "%U printed raw in:\n%q", r, s)
	}
}
