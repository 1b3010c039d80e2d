//go:build unix && !race && doccommands

// Built only with -tags doccommands (.ci/run runs it so): the commands build
// and run whole programs, a minute or more of the test run, which would
// otherwise be spent by every `go test ./...` of the library's own code. Not
// built with -race: the race detector checks nothing in whole programs that
// the plain run does not, at several times the cost; the race-built tests of
// the library cover its concurrency.

package daas_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ciCommands are the commands of the docs that run every test of the
// repository: TestDocCommands would run itself through them, so .ci/run
// runs them instead, as written.
var ciCommands = []string{
	"go test ./... ./cmd/daas/...",
	"go test -race -count=1 ./...",
}

// docBlock is a fenced block of a markdown file.
type docBlock struct{ lang, text string }

func docBlocks(t *testing.T, file string) []docBlock {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []docBlock
	for _, m := range regexp.MustCompile("(?ms)^```(\\w*)\n(.*?)^```").FindAllStringSubmatch(string(b), -1) {
		blocks = append(blocks, docBlock{m[1], m[2]})
	}
	return blocks
}

func isShell(lang string) bool { return lang == "sh" || lang == "bash" || lang == "shell" }

// docScript turns the shell blocks of a document into one bash script that
// runs them in order, as a reader would in one terminal; a block that
// starts the simulator runs in the background, as in a terminal of its own,
// until its banner is out. A line "# save the program (or test) above as
// FILE" writes the last ```go block before it to FILE, as the reader does.
func docScript(t *testing.T, file, scratch string) (script string, cmds int) {
	t.Helper()
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	save := regexp.MustCompile(`^# save the (?:program|test) above as (\S+)$`)
	var b strings.Builder
	b.WriteString("set -eo pipefail\ntrap 'echo \"FAILED: $BASH_COMMAND\" >&2' ERR\n")
	lastGo := ""
	for i, blk := range docBlocks(t, file) {
		if blk.lang == "go" {
			lastGo = blk.text
			continue
		}
		if !isShell(blk.lang) {
			continue
		}
		if strings.Contains(blk.text, "daas-sim") {
			out := filepath.Join(scratch, fmt.Sprintf("background%d.out", i))
			fmt.Fprintf(&b, "( %s ) >%q 2>&1 &\n", strings.TrimSpace(blk.text), out)
			// The banner ends with the credential: a client secret, or an
			// on-premises password with -onprem.
			const done = "CITRIX_CLIENT_SECRET=\\|CITRIX_ONPREM_PASSWORD="
			fmt.Fprintf(&b, "for i in $(seq 600); do grep -q %q %q && break; sleep 0.2; done\n", done, out)
			fmt.Fprintf(&b, "grep -q %q %q || { cat %q; exit 1; }\n", done, out, out)
			cmds++
			continue
		}
		for line := range strings.Lines(blk.text) {
			trimmed := strings.TrimSpace(line)
			if m := save.FindStringSubmatch(trimmed); m != nil {
				if lastGo == "" {
					t.Fatalf("%s: %q with no ```go block before it", file, trimmed)
				}
				src := filepath.Join(scratch, fmt.Sprintf("block%d.go", i))
				if err := os.WriteFile(src, []byte(lastGo), 0o644); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&b, "cp %q %q\n", src, m[1])
				continue
			}
			cmd, _, _ := strings.Cut(trimmed, " #")
			if slices.Contains(ciCommands, strings.TrimSpace(cmd)) {
				if !strings.Contains(string(ci), "\n"+strings.TrimSpace(cmd)+"\n") {
					t.Errorf("%s: %q is left to .ci/run, which does not run it as written", file, cmd)
				}
				cmds++
				continue
			}
			if trimmed != "" && !strings.HasPrefix(trimmed, "#") {
				cmds++
			}
			b.WriteString(line)
		}
		b.WriteString("\n")
	}
	return b.String(), cmds
}

// repoFarm returns a new folder that holds a symbolic link to every entry
// of the repository's root, so that the commands of the docs run in the
// repository as written while the files they write (sim.env, ../hello)
// land in a scratch folder.
func repoFarm(t *testing.T) (farm, scratch string) {
	t.Helper()
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	scratch = t.TempDir()
	farm = filepath.Join(scratch, "daas")
	if err := os.Mkdir(farm, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == ".git" || strings.HasPrefix(e.Name(), "_") {
			continue
		}
		if err := os.Symlink(filepath.Join(root, e.Name()), filepath.Join(farm, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	return farm, scratch
}

// TestDocCommands runs every fenced shell command of the user docs, in
// order, as written, from the folder each document is written for. The
// commands that run every test of the repository are run by .ci/run
// instead (ciCommands). Run it with
//
//	go test -tags doccommands -run TestDocCommands .
func TestDocCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the docs' commands, which build and run programs")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("the docs' commands need bash:", err)
	}
	for file, dir := range userDocs(t) {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			farm, scratch := repoFarm(t)
			script, n := docScript(t, file, scratch)
			if n == 0 {
				return
			}
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bash, "-c", script)
			cmd.Dir = filepath.Join(farm, dir)
			cmd.Env = append(docEnv(), "PWD="+cmd.Dir)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			// The simulator a script started in the background ends with
			// the script's process group.
			cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			if cmd.Process != nil {
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			}
			if err != nil {
				t.Fatalf("the commands of %s: %v\n%s", file, err, out.String())
			}
		})
	}
}

// docEnv is the test's environment without the CITRIX_* variables, as for
// a reader who has set none.
func docEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CITRIX_") && !strings.HasPrefix(kv, "PWD=") {
			env = append(env, kv)
		}
	}
	return env
}
