//go:build e2e && linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeCommands returns the lines of the first sh block of README.md.
func readmeCommands(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)
	var lines []string
	in := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		switch line := sc.Text(); {
		case line == "```sh":
			in = true
		case in && line == "```":
			return lines
		case in:
			lines = append(lines, line)
		}
	}
	t.Fatal("README.md has no sh block")
	return nil
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// TestREADMECommands runs the README's two commands as written, on a free
// port instead of 7233, from the repository's root.
func TestREADMECommands(t *testing.T) {
	cmds := readmeCommands(t)
	require.Len(t, cmds, 2)
	require.True(t, strings.HasPrefix(cmds[0], "temporal server start-dev "), cmds[0])
	port := freePort(t)
	root, err := filepath.Abs("../../..")
	require.NoError(t, err)

	bin := os.Getenv("TEMPORAL_CLI")
	if bin == "" {
		bin, err = exec.LookPath("temporal")
		require.NoError(t, err, "no Temporal CLI: set TEMPORAL_CLI or put temporal on the PATH")
	}
	// The server's other ports (HTTP, metrics, UI) are free ones too.
	server := exec.Command("sh", "-c", strings.Replace(strings.ReplaceAll(cmds[0], "7233", port), "temporal ", bin+" ", 1)+
		" --ip 127.0.0.1 --http-port "+freePort(t)+" --metrics-port "+freePort(t)+" --ui-port "+freePort(t)+" --log-level error")
	server.Dir = root
	server.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	server.Stdout, server.Stderr = os.Stderr, os.Stderr
	require.NoError(t, server.Start())
	t.Cleanup(func() {
		_ = syscall.Kill(-server.Process.Pid, syscall.SIGKILL)
		_ = server.Wait()
	})

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	var out []byte
	for {
		run := exec.CommandContext(ctx, "sh", "-c", strings.ReplaceAll(cmds[1], "7233", port))
		run.Dir = root
		run.Env = append(os.Environ(), "CITRIX_BASE_URL=") // the in-process daas-sim
		out, err = run.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "connecting to Temporal") || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Second) // the server is still starting
	}
	require.NoError(t, err, "%s", out)
	t.Logf("%s", out)
	for _, want := range []string{
		"updating 3 catalogs, 2 at a time",
		`catalog Win11-Pooled-001: image XDHyp:\HostingUnits\Unit1\win11-2026-12.vm`,
		`catalog Win2022-Shared-002: image XDHyp:\HostingUnits\Unit1\win11-2026-12.vm`,
		`catalog Win11-Dedicated-003: image XDHyp:\HostingUnits\Unit1\win11-2026-12.vm`,
		"reboot cycle done: Desktops-001, Desktops-002, Desktops-003",
	} {
		assert.Contains(t, string(out), want)
	}
}
