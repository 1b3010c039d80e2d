package daas_test

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/daaskit/daas/daastest"
	"github.com/daaskit/daas/daastest/daassim"
)

// userDocs are the documents whose fenced shell commands TestDocCommands
// runs, each with the folder its commands are written to run from: the
// README, every page of docs/, and otel's README. (cmd/daas/README.md
// shows a terminal session; cmd/daas's own tests check it.)
func userDocs(t *testing.T) map[string]string {
	t.Helper()
	docs := map[string]string{"README.md": ".", "otel/README.md": "otel"}
	pages, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		docs[p] = "."
	}
	return docs
}

var updateDocs = flag.Bool("docs.update", false, "rewrite the generated regions of the docs (the simulator's routes)")

// TestDocGuaranteesNameTests: every test, example and fuzz target that
// docs/guarantees.md names is declared in the repository, so that a
// renamed or removed test shows here.
func TestDocGuaranteesNameTests(t *testing.T) {
	b, err := os.ReadFile("docs/guarantees.md")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	decl := regexp.MustCompile(`(?m)^func ((?:Test|Example|Fuzz)\w*)\(`)
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
			declared[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	named := regexp.MustCompile("`((?:Test|Example|Fuzz)[A-Z]\\w*)").FindAllStringSubmatch(string(b), -1)
	if len(named) == 0 {
		t.Fatal("docs/guarantees.md names no test")
	}
	for _, m := range named {
		if !declared[m[1]] {
			t.Errorf("docs/guarantees.md names %s, which no _test.go file declares", m[1])
		}
	}
}

// TestDocSimulatorRoutes: the route list of docs/simulator.md is
// daastest.Routes(), in order.
func TestDocSimulatorRoutes(t *testing.T) {
	b, err := os.ReadFile("docs/simulator.md")
	if err != nil {
		t.Fatal(err)
	}
	_, region, ok := strings.Cut(string(b), "<!-- routes:")
	region, _, ok2 := strings.Cut(region, "<!-- /routes -->")
	if !ok || !ok2 {
		t.Fatal("docs/simulator.md has no routes region")
	}
	var listed []string
	for _, m := range regexp.MustCompile("(?m)^- `([^`]+)`$").FindAllStringSubmatch(region, -1) {
		listed = append(listed, m[1])
	}
	if slices.Equal(listed, daastest.Routes()) {
		return
	}
	if !*updateDocs {
		t.Fatal("docs/simulator.md lists other routes than daastest.Routes(); go test -run TestDocSimulatorRoutes -docs.update . rewrites the list")
	}
	_, rest, ok := strings.Cut(region, "-->\n")
	if !ok || rest == "" {
		t.Fatal("docs/simulator.md: the routes region holds no list to rewrite")
	}
	var want strings.Builder
	for _, r := range daastest.Routes() {
		fmt.Fprintf(&want, "- `%s`\n", r)
	}
	doc := strings.Replace(string(b), rest, want.String(), 1)
	if err := os.WriteFile("docs/simulator.md", []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDocSimulatorFlags: the flag table of docs/simulator.md has every flag
// of daas-sim, and no other.
func TestDocSimulatorFlags(t *testing.T) {
	var usage bytes.Buffer
	_ = daassim.Run(t.Context(), []string{"-h"}, &usage, &usage)
	var flags []string
	for _, m := range regexp.MustCompile(`(?m)^  -([\w-]+)`).FindAllStringSubmatch(usage.String(), -1) {
		flags = append(flags, m[1])
	}
	if len(flags) == 0 {
		t.Fatalf("daas-sim -h lists no flags:\n%s", usage.String())
	}
	b, err := os.ReadFile("docs/simulator.md")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `-([\\w-]+)` \\|").FindAllStringSubmatch(string(b), -1) {
		documented = append(documented, m[1])
	}
	slices.Sort(flags)
	slices.Sort(documented)
	if !slices.Equal(flags, documented) {
		t.Errorf("docs/simulator.md documents the flags %q; daas-sim has %q", documented, flags)
	}
}

// TestDocLinks: every relative link of the user docs names a file or folder
// of the repository. docs/operations.md is generated from the operation
// table; until the generator writes it, a link to it may not resolve.
func TestDocLinks(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	for file := range userDocs(t) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path := filepath.Join(filepath.Dir(file), target)
			if filepath.ToSlash(path) == "docs/operations.md" {
				continue
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links to %s, which does not exist", file, target)
			}
		}
	}
}

// TestDocScope: no document keeps the old sentence that the fake models
// only the token endpoint, /me, catalogs and jobs.
func TestDocScope(t *testing.T) {
	stale := regexp.MustCompile(`(?i)/me,[^.]*catalogs,? and jobs`)
	for _, file := range []string{"README.md", "doc.go", "daastest/doc.go", "docs/simulator.md"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if loc := stale.FindIndex(b); loc != nil {
			t.Errorf("%s says the fake models only %q", file, b[loc[0]:loc[1]])
		}
	}
}
