package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pane is a real terminal (a tmux pane) running the built command against
// srv.
type pane struct {
	t    *testing.T
	sock string
	srv  *daastest.Server
}

// buildDaas builds the command and returns the binary's path; it skips
// the test without tmux.
func buildDaas(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	bin := filepath.Join(t.TempDir(), "daas")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	return bin
}

// newPane starts script (with $DAAS the binary bin) in a tmux pane of
// 120x20, configured for srv.
func newPane(t *testing.T, srv *daastest.Server, bin, script string) *pane {
	t.Helper()
	p := &pane{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock"), srv: srv}
	script = strings.ReplaceAll(script, "$DAAS", bin) + "; echo EXIT=$?; sleep 60"
	out, err := p.tmux("new-session", "-d", "-s", "daas", "-x", "120", "-y", "20", script).CombinedOutput()
	require.NoError(t, err, "%s", out)
	t.Cleanup(func() { p.tmux("kill-server").Run() })
	return p
}

func (p *pane) tmux(args ...string) *exec.Cmd {
	cmd := exec.Command("tmux", append([]string{"-S", p.sock, "-f", "/dev/null"}, args...)...)
	cmd.Env = append(os.Environ(),
		"CITRIX_BASE_URL="+p.srv.URL, "CITRIX_TOKEN_URL="+p.srv.TokenURL,
		"CITRIX_CUSTOMER_ID="+p.srv.CustomerID, "CITRIX_SITE_ID="+p.srv.SiteID,
		"CITRIX_CLIENT_ID="+p.srv.ClientID, "CITRIX_CLIENT_SECRET="+p.srv.ClientSecret, "TERM=xterm-256color")
	return cmd
}

// capture is what the pane shows.
func (p *pane) capture() string {
	out, err := p.tmux("capture-pane", "-p", "-t", "daas").Output()
	require.NoError(p.t, err)
	return string(out)
}

// until captures the pane until ok holds for what it shows, and returns
// that; it fails the test after 30 s.
func (p *pane) until(what string, ok func(string) bool) string {
	ctx, cancel := context.WithTimeout(p.t.Context(), 30*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if s := p.capture(); ok(s) {
			return s
		}
		time.Sleep(50 * time.Millisecond) // the terminal is real: poll what it shows
	}
	require.FailNow(p.t, "never saw "+what, "last pane:\n%s", p.capture())
	return ""
}

// nonBlank are the lines of s that are not blank, trailing spaces cut.
func nonBlank(s string) []string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, strings.TrimRight(l, " "))
		}
	}
	return lines
}

func isBar(line string) bool {
	return strings.Contains(line, "[") && strings.Contains(line, "]") && strings.Contains(line, "%")
}

// TestTerminalBars runs the built command in a real terminal (a tmux pane)
// while it waits for two jobs, and checks from the pane's captures that a
// bar per job was drawn and then cleared, leaving the final lines.
func TestTerminalBars(t *testing.T) {
	bin := buildDaas(t)
	srv := daastest.NewServer(daastest.WithJobDuration(2*time.Second), daastest.WithCatalogs(1))
	t.Cleanup(srv.Close)
	client := srv.Client()
	var ids []string
	for _, name := range []string{"TTY-A", "TTY-B"} {
		job, err := client.MachineCatalogs.CreateAsync(t.Context(), daastestCatalog(name))
		require.NoError(t, err)
		ids = append(ids, job.ID())
	}
	p := newPane(t, srv, bin, "$DAAS --poll-min 100ms --poll-max 100ms jobs wait "+strings.Join(ids, " "))
	sawBars := p.until("two bars drawn", func(s string) bool {
		return len(slices.DeleteFunc(strings.Split(s, "\n"), func(l string) bool { return !isBar(l) })) == 2
	})
	final := p.until("the command end", func(s string) bool { return strings.Contains(s, "EXIT=") })
	t.Logf("while waiting:\n%s\nat the end:\n%s", sawBars, final)
	for _, id := range ids {
		assert.Contains(t, sawBars, id[:8], "a bar names each job")
	}
	assert.Contains(t, sawBars, "CreateMachineCatalog")
	assert.Contains(t, sawBars, "ETA")

	lines := nonBlank(final)
	for _, l := range lines {
		assert.False(t, isBar(l), "bar left on screen: %q", l)
	}
	require.GreaterOrEqual(t, len(lines), 3, final)
	n := len(lines)
	assert.Equal(t, "EXIT=0", lines[n-1])
	assert.Regexp(t, `^job `+ids[0]+` CreateMachineCatalog Complete in [0-9.]+s$`, lines[n-3])
	assert.Regexp(t, `^job `+ids[1]+` CreateMachineCatalog Complete in [0-9.]+s$`, lines[n-2])
}

// TestTerminalInterrupt waits in a real terminal for a job whose type,
// from the service, is made to color the screen and forge a line: the bar
// shows it escaped. Then a real Ctrl-C stops the wait: exit 130, and the
// command says how to wait for the job again.
func TestTerminalInterrupt(t *testing.T) {
	bin := buildDaas(t)
	srv := daastest.NewServer(daastest.WithJobDuration(time.Hour))
	t.Cleanup(srv.Close)
	srv.Handle("POST /Zones/{id}/$evil", func(*daastest.Call) daastest.Reply {
		return daastest.Reply{Job: &daastest.JobSpec{Type: "Evil\x1b[31mRED\nNAME2\tfake"}}
	})
	job, err := daas.StartJob[struct{}](t.Context(), srv.Client(), "POST", "Zones/z1/$evil", nil)
	require.NoError(t, err)

	p := newPane(t, srv, bin, "$DAAS --poll-min 100ms --poll-max 100ms jobs wait "+job.ID())
	bar := p.until("the bar", func(s string) bool { return slices.ContainsFunc(strings.Split(s, "\n"), isBar) })
	assert.Contains(t, bar, job.ID()[:8]+` Evil\x1b[31mRED\nNAME2\tfake NotStarted `, "the type shown escaped, on the bar's line")
	assert.NotContains(t, bar, "NAME2\tfake")

	require.NoError(t, p.tmux("send-keys", "-t", "daas", "C-c").Run())
	final := p.until("the command end", func(s string) bool { return strings.Contains(s, "EXIT=") })
	t.Logf("at the end:\n%s", final)
	lines := nonBlank(final)
	require.GreaterOrEqual(t, len(lines), 3, final)
	n := len(lines)
	assert.Equal(t, "EXIT=130", lines[n-1])
	assert.Equal(t, "daas: the job goes on; wait for it again with: daas jobs wait "+job.ID(), lines[n-2])
	st, ok := srv.Job(job.ID())
	require.True(t, ok)
	assert.Contains(t, []string{"NotStarted", "InProgress"}, st.Status, "the job goes on")
}
