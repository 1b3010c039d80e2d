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

	"github.com/daaskit/daas/daastest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTerminalBars runs the built command in a real terminal (a tmux pane)
// while it waits for two jobs, and checks from the pane's captures that a
// bar per job was drawn and then cleared, leaving the final lines.
func TestTerminalBars(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "daas")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	srv := daastest.NewServer(daastest.WithJobDuration(2*time.Second), daastest.WithCatalogs(1))
	t.Cleanup(srv.Close)
	client := srv.Client()
	var ids []string
	for _, name := range []string{"TTY-A", "TTY-B"} {
		job, err := client.MachineCatalogs.CreateAsync(t.Context(), daastestCatalog(name))
		require.NoError(t, err)
		ids = append(ids, job.ID())
	}

	sock := filepath.Join(dir, "tmux.sock")
	tmux := func(args ...string) *exec.Cmd {
		cmd := exec.Command("tmux", append([]string{"-S", sock, "-f", "/dev/null"}, args...)...)
		cmd.Env = append(os.Environ(),
			"CITRIX_BASE_URL="+srv.URL, "CITRIX_TOKEN_URL="+srv.TokenURL,
			"CITRIX_CUSTOMER_ID="+srv.CustomerID, "CITRIX_SITE_ID="+srv.SiteID,
			"CITRIX_CLIENT_ID="+srv.ClientID, "CITRIX_CLIENT_SECRET="+srv.ClientSecret, "TERM=xterm-256color")
		return cmd
	}
	script := bin + " --poll-min 100ms --poll-max 100ms jobs wait " + strings.Join(ids, " ") + "; echo EXIT=$?; sleep 60"
	out, err := tmux("new-session", "-d", "-s", "daas", "-x", "120", "-y", "20", script).CombinedOutput()
	require.NoError(t, err, "%s", out)
	t.Cleanup(func() { tmux("kill-server").Run() })

	capture := func() string {
		out, err := tmux("capture-pane", "-p", "-t", "daas").Output()
		require.NoError(t, err)
		return string(out)
	}
	isBar := func(line string) bool {
		return strings.Contains(line, "[") && strings.Contains(line, "]") && strings.Contains(line, "%")
	}
	var sawBars, final string
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for ctx.Err() == nil && final == "" {
		pane := capture()
		if bars := slices.DeleteFunc(strings.Split(pane, "\n"), func(l string) bool { return !isBar(l) }); len(bars) == 2 && sawBars == "" {
			sawBars = pane
		}
		if strings.Contains(pane, "EXIT=") {
			final = pane
		}
		time.Sleep(50 * time.Millisecond) // the terminal is real: poll what it shows
	}
	require.NotEmpty(t, sawBars, "never saw two bars drawn; last pane:\n%s", capture())
	require.NotEmpty(t, final, "the command did not end; pane:\n%s", capture())
	t.Logf("while waiting:\n%s\nat the end:\n%s", sawBars, final)
	for _, id := range ids {
		assert.Contains(t, sawBars, id[:8], "a bar names each job")
	}
	assert.Contains(t, sawBars, "CreateMachineCatalog")
	assert.Contains(t, sawBars, "ETA")

	var lines []string
	for _, l := range strings.Split(final, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, strings.TrimRight(l, " "))
		}
	}
	for _, l := range lines {
		assert.False(t, isBar(l), "bar left on screen: %q", l)
	}
	require.GreaterOrEqual(t, len(lines), 3, final)
	n := len(lines)
	assert.Equal(t, "EXIT=0", lines[n-1])
	assert.Regexp(t, `^job `+ids[0]+` CreateMachineCatalog Complete in [0-9.]+s$`, lines[n-3])
	assert.Regexp(t, `^job `+ids[1]+` CreateMachineCatalog Complete in [0-9.]+s$`, lines[n-2])
}
