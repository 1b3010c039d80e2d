package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the output of the tests")

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// configure points the environment at srv, as sim.env would.
func configure(t *testing.T, srv *daastest.Server) {
	t.Helper()
	for k, v := range map[string]string{
		"CITRIX_BASE_URL":        srv.URL,
		"CITRIX_TOKEN_URL":       srv.TokenURL,
		"CITRIX_CUSTOMER_ID":     srv.CustomerID,
		"CITRIX_SITE_ID":         srv.SiteID,
		"CITRIX_CLIENT_ID":       srv.ClientID,
		"CITRIX_CLIENT_SECRET":   srv.ClientSecret,
		"CITRIX_BEARER_TOKEN":    "",
		"CITRIX_REGION":          "",
		"CITRIX_CA_FILE":         "",
		"CITRIX_ONPREM_USERNAME": "",
		"CITRIX_ONPREM_PASSWORD": "",
	} {
		t.Setenv(k, v)
	}
}

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

// runIn runs the command line against srv (in process: srv has no
// listener) and returns what it printed and its exit code.
func runIn(ctx context.Context, srv *daastest.Server, args ...string) result {
	var out, errOut syncBuffer
	a := &app{stdout: &out, stderr: &errOut, opts: runOpts(srv)}
	code := run(ctx, args, a)
	return result{code, out.String(), errOut.String()}
}

// runOpts are the client options of a run against srv.
func runOpts(srv *daastest.Server) []daas.Option {
	return []daas.Option{daas.WithHTTPClient(srv.HTTPClient())}
}

// newFake is a fake with no listener (for a synctest bubble), configured in
// the environment, seeded with 3 catalogs and their machines, then opts.
func newFake(t *testing.T, opts ...daastest.Option) *daastest.Server {
	t.Helper()
	return newWorld(t, append([]daastest.Option{daastest.WithCatalogs(3)}, opts...)...)
}

// newWorld is newFake seeded with opts only, for a test that needs an
// exact world.
func newWorld(t *testing.T, opts ...daastest.Option) *daastest.Server {
	t.Helper()
	srv := daastest.NewServer(append([]daastest.Option{daastest.WithoutListener(), daastest.WithSeed(17)}, opts...)...)
	t.Cleanup(srv.Close)
	configure(t, srv)
	return srv
}

// fixedPoll are flags for a poll every second exactly, so that the lines
// printed do not depend on jitter.
var fixedPoll = []string{"--poll-min", "1s", "--poll-max", "1s"}

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// golden compares got with testdata/name.golden (rewritten with -update).
// Ids are replaced by <id1>, <id2>... in order of appearance, since the
// fake's ids are fixed by its seed but change when it creates more; known
// ids are numbered first, in their order.
func golden(t *testing.T, name, got string, known ...string) {
	t.Helper()
	ids := map[string]string{}
	for _, id := range known {
		ids[id] = fmt.Sprintf("%-36s", fmt.Sprintf("<id%d>", len(ids)+1))
	}
	got = uuidRE.ReplaceAllStringFunc(got, func(id string) string {
		if _, ok := ids[id]; !ok {
			ids[id] = fmt.Sprintf("%-36s", fmt.Sprintf("<id%d>", len(ids)+1)) // keeps columns aligned
		}
		return ids[id]
	})
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), got, "output differs from %s (go test -update rewrites it)", path)
}

// byJob reorders the progress lines of a wait for several jobs, which
// interleave as the jobs' goroutines happen to run, into the lines of
// ids[0], then those of ids[1], and so on, then every other line. The
// order of each job's lines is kept.
func byJob(out string, ids []string) string {
	groups := make([][]string, len(ids)+1)
	for _, line := range strings.SplitAfter(out, "\n") {
		i := slices.IndexFunc(ids, func(id string) bool { return strings.HasPrefix(line, id+" ") })
		if i < 0 {
			i = len(ids)
		}
		groups[i] = append(groups[i], line)
	}
	return strings.Join(slices.Concat(groups...), "")
}

// daastestCatalog is a valid creation request named name.
func daastestCatalog(name string) daas.CreateMachineCatalogRequest {
	return daas.CreateMachineCatalogRequest{Name: name, ProvisioningType: "MCS", SessionSupport: "MultiSession"}
}

// requireStartedNotWaited checks that a --no-wait run printed only the id
// of a job of the given type that srv still runs.
func requireStartedNotWaited(t *testing.T, srv *daastest.Server, r result, jobType string) {
	t.Helper()
	require.Equal(t, exitOK, r.code, r.stderr)
	id := strings.TrimSpace(r.stdout)
	job, ok := srv.Job(id)
	require.True(t, ok, "printed %q, not a job id", r.stdout)
	assert.Equal(t, jobType, job.Type)
	assert.False(t, job.EndedAt.After(job.CreatedAt), "still running: nothing waited")
}
