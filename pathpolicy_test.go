package daas_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
)

// The path policy: every path a caller gives (Do, StartJob, a batch item)
// and every path argument of a typed method is refused, before anything is
// sent, when it could leave the place it names once a server unescapes it,
// however often: a dot segment, with "/" or "\" as the separator, escaped
// once, twice or not at all, in either case; or a backslash as it is.

// trickPaths are caller paths that must be refused.
var trickPaths = []string{
	"..%2Fadmin",
	"Zones%2F..%2F..%2Fadmin",
	"%2e%2e%5c%2e%2e%5cadmin",
	"%2E%2E%5C%2E%2E%5Cadmin",
	"%2E%2e/admin",
	"Zones/%2e%2E/admin",
	"Zones/%2e/x",
	"../admin",
	"./Zones",
	"Zones/..",
	"Zones/.",
	"Zones/../Machines?limit=1",
	`Zones\..\x`,
	`Zones\x`,
	`..\admin`,
	"Zones%5C..%5Cadmin",
	"Zones/..%5cadmin",
	"%252e%252e/admin",
	"%252E%252E%252Fadmin",
	"Zones%252F..%252F..%252Fadmin",
	"Zones%255c..%255cadmin",
	"%25252e%25252e/admin",
	"%2e%2e",
	"Zones/%2e%2e?sig=x",
}

// plainPaths are caller paths that must pass as they are.
var plainPaths = []string{
	"Zones",
	"Machines/m1/$start",
	"MachineCatalogs/Pool%7CWin11/$test",
	"Zones?filter=a/../b",
	"Zones?x=..%2F..%5C",
	"ImageVersions/v1.2",
	"Machines/a..b",
	"Machines/...",
	"Machines/.hidden",
	"MachineCatalogs/100%25",
	"MachineCatalogs/50%25off",
	// The spec's Admin/Administrators/{name} takes "domain\username": an
	// escaped backslash that makes no dot segment is a name, not a path.
	"Admin/Administrators/DOMAIN%5Cuser",
}

// pathServer counts the requests of a client; every answer is 200 {}.
func pathServer(t *testing.T) (*daas.Client, *atomic.Int32, *[]string) {
	t.Helper()
	var hits atomic.Int32
	var mu sync.Mutex
	var seen []string
	c := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		mu.Lock()
		seen = append(seen, r.URL.EscapedPath())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{}`)
	})
	return c, &hits, &seen
}

func TestCallerPathTricksRefused(t *testing.T) {
	t.Parallel()
	c, hits, seen := pathServer(t)
	ctx := t.Context()
	entries := map[string]func(path string) error{
		"Do": func(p string) error { return c.Do(ctx, http.MethodGet, p, nil, nil) },
		"StartJob": func(p string) error {
			_, err := daas.StartJob[struct{}](ctx, c, http.MethodPost, p, nil)
			return err
		},
		"Batch": func(p string) error {
			_, err := c.Batch(ctx, []daas.BatchItem{daas.NewBatchItem(http.MethodGet, p, nil)})
			return err
		},
	}
	for name, call := range entries {
		for _, p := range trickPaths {
			err := call(p)
			var ie *daas.InputError
			if assert.ErrorAs(t, err, &ie, "%s %q", name, p) {
				assert.ErrorIs(t, err, daas.ErrInvalidInput, "%s %q", name, p)
				assert.NotContains(t, err.Error(), "sig=", "%s %q: the error repeats the query", name, p)
			}
			if name == "Batch" {
				assert.ErrorIs(t, err, daas.ErrBadBatch, "%s %q", name, p)
			}
		}
	}
	assert.Zero(t, hits.Load(), "requests sent for refused paths: %q", *seen)
}

func TestCallerPlainPathsPass(t *testing.T) {
	t.Parallel()
	c, hits, seen := pathServer(t)
	for _, p := range plainPaths {
		require.NoError(t, c.Do(t.Context(), http.MethodGet, p, nil, nil), p)
	}
	assert.EqualValues(t, len(plainPaths), hits.Load())
	for i, p := range plainPaths {
		want, _, _ := strings.Cut(p, "?")
		assert.Equal(t, "/cvad/manage/"+want, (*seen)[i], "sent as given")
	}
}

func TestTypedPathArgumentTricksRefused(t *testing.T) {
	t.Parallel()
	c, hits, seen := pathServer(t)
	ctx := t.Context()
	for _, name := range []string{"..", ".", "a%2F..", "%2e%2e", "%252e%252e", `..\admin`, `a\..`, "a/../b", "a%5C..%5Cb"} {
		_, err := c.MachineCatalogs.Get(ctx, name)
		var ie *daas.InputError
		assert.ErrorAs(t, err, &ie, "catalog %q", name)
		_, err = c.DeliveryGroups.Get(ctx, name)
		assert.ErrorAs(t, err, &ie, "group %q", name)
	}
	assert.Zero(t, hits.Load(), "requests sent for refused names: %q", *seen)

	// Names that are names pass, escaped as one segment.
	for _, name := range []string{"v1.2", "a..b", "...", "Europe|Desk", "50%", `DOMAIN\NAME`} {
		_, err := c.MachineCatalogs.Get(ctx, name)
		assert.NoError(t, err, name)
	}
	_, err := c.Machines.Get(ctx, `CORP\..`) // a machine's "\" is written "|"
	assert.NoError(t, err)
	assert.Contains(t, *seen, "/cvad/manage/Machines/CORP%7C..")
}

// TestLocationEchoWithoutQuery checks that an error naming a Location the
// service sent, or a path the caller gave, shows its scheme, host and path
// but never its query, which may hold a secret.
func TestLocationEchoWithoutQuery(t *testing.T) {
	t.Parallel()
	const secret = "SECRETSIG"
	var loc atomic.Value
	var origin string
	c := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
		l := strings.ReplaceAll(loc.Load().(string), "ORIGIN", origin)
		w.Header().Set("Location", l)
		if r.URL.Query().Get("async") == "true" || strings.HasSuffix(r.URL.Path, "/Zones") {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		w.WriteHeader(http.StatusSeeOther)
	})
	// The scripted server's origin is the client's base URL without its path.
	origin = strings.TrimSuffix(c.BaseURL(), "/cvad/manage")
	ctx := t.Context()
	for _, l := range []string{
		"/cvad/manage/Jobs/j1?sig=" + secret,                         // not absolute
		"ORIGIN/cvad/manage/Other/j1?sig=" + secret,                  // not a job
		"ORIGIN/cvad/manage/Jobs/%2e%2e?sig=" + secret,               // dot segment
		"ORIGIN/cvad/manage/Jobs/a%5Cb?sig=" + secret,                // malformed id
		"ftp://h/cvad/manage/Jobs/j1?sig=" + secret,                  // scheme
		"ORIGIN/cvad/manage/Jobs/%252e%252e/x?sig=" + secret,         // double-escaped dot segment
		"ORIGIN/cvad/manage/Jobs/j%zz1?sig=" + secret + "#" + secret, // malformed
	} {
		loc.Store(l)
		_, err := daas.StartJob[struct{}](ctx, c, http.MethodPost, "MachineCatalogs", nil)
		require.Error(t, err, l)
		assert.NotContains(t, err.Error(), secret, l)
		assert.ErrorIs(t, err, daas.ErrBadLocation, l)

		err = c.Do(ctx, http.MethodGet, "Zones", nil, nil) // a 202: AcceptedError
		require.Error(t, err, l)
		assert.NotContains(t, err.Error(), secret, l)

		err = c.Do(ctx, http.MethodGet, "Machines", nil, nil) // a 303
		require.Error(t, err, l)
		assert.NotContains(t, err.Error(), secret, l)
	}
}

// TestJobIDTricksRefused checks that a job id that is a dot segment once
// unescaped is a malformed job id, as ".." is, on every entry that takes
// one, and that nothing is sent.
func TestJobIDTricksRefused(t *testing.T) {
	t.Parallel()
	c, hits, seen := pathServer(t)
	ctx := t.Context()
	for _, id := range []string{"..", "%2e%2e", "%2E", "%252e%252e", "a%2F..", "%2e%2e%5cx"} {
		_, err := c.Jobs.Get(ctx, id)
		assert.ErrorIs(t, err, daas.ErrBadJobID, "Jobs.Get %q", id)
		_, err = c.Jobs.Cancel(ctx, id)
		assert.ErrorIs(t, err, daas.ErrBadJobID, "Jobs.Cancel %q", id)
		j := daas.ResumeJob[struct{}](c, id)
		_, err = j.Poll(ctx)
		assert.ErrorIs(t, err, daas.ErrBadJobID, "ResumeJob %q", id)
	}
	assert.Zero(t, hits.Load(), "requests sent for refused ids: %q", *seen)
}
