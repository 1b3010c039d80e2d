package daas_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

// readmeGoBlocks returns the ```go blocks of README.md that are whole files
// (those that start with a package clause), by package name.
func readmeGoBlocks(t *testing.T) map[string]string {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string]string{}
	for _, m := range regexp.MustCompile("(?ms)^```go\n(.*?)^```").FindAllStringSubmatch(string(readme), -1) {
		src := m[1]
		if pkg, ok := strings.CutPrefix(src, "package "); ok {
			name, _, _ := strings.Cut(pkg, "\n")
			blocks[name] = src
		}
	}
	return blocks
}

// goTool runs the go command in the module root.
func goTool(t *testing.T, args ...string) {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	cmd := exec.Command(gobin, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// writeBlock writes src into a new directory of the module whose name starts
// with "_", so that the go command's ./... patterns never see it, and returns
// the directory as a package path ("./_readme...").
func writeBlock(t *testing.T, file, src string) string {
	t.Helper()
	dir, err := os.MkdirTemp(".", "_readme")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.WriteFile(filepath.Join(dir, file), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return "./" + filepath.ToSlash(dir)
}

// TestREADMEQuickStart builds the quick start program of README.md.
func TestREADMEQuickStart(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds a program with the go command")
	}
	src, ok := readmeGoBlocks(t)["main"]
	if !ok {
		t.Fatal("README.md has no ```go block with package main (the quick start)")
	}
	pkg := writeBlock(t, "main.go", src)
	goTool(t, "vet", pkg)
	bin := filepath.Join(t.TempDir(), "quickstart")
	goTool(t, "build", "-o", bin, pkg)

	// Run it as the README says: with the variables the simulator prints.
	s := daastest.NewServer(daastest.WithCatalogs(2), daastest.WithJobDuration(0))
	defer s.Close()
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CITRIX_") {
			env = append(env, kv)
		}
	}
	env = append(env, "CITRIX_BASE_URL="+s.URL, "CITRIX_TOKEN_URL="+s.TokenURL, "CITRIX_CUSTOMER_ID="+s.CustomerID,
		"CITRIX_SITE_ID="+s.SiteID, "CITRIX_CLIENT_ID="+s.ClientID, "CITRIX_CLIENT_SECRET="+s.ClientSecret)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the quick start against the fake: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Complete 100%") || s.Count("GET /MachineCatalogs") != 1 {
		t.Errorf("the quick start did not list the catalogs as a job:\n%s", out)
	}
	if lines := strings.Count(strings.TrimSpace(string(out)), "\n") + 1; lines != 3 {
		t.Errorf("want the job line and 2 catalogs, got:\n%s", out)
	}
}

// TestREADMETesting runs the daastest example tests of README.md.
func TestREADMETesting(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs tests with the go command")
	}
	src, ok := readmeGoBlocks(t)["inventory_test"]
	if !ok {
		t.Fatal("README.md has no ```go block with package inventory_test (the testing section)")
	}
	pkg := writeBlock(t, "inventory_test.go", src)
	goTool(t, "test", "-count=1", pkg)
}

// TestREADMEReferences checks what README.md names: the two commands at the
// top, the directories it runs, and the identifiers of daas and daastest it
// mentions.
func TestREADMEReferences(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)

	intro, _, _ := strings.Cut(readme, "\n## ")
	for _, cmd := range []string{"go run ./examples/listcatalogs", "go test ./..."} {
		if !strings.Contains(intro, cmd) {
			t.Errorf("README.md does not open with %q", cmd)
		}
	}

	for _, m := range regexp.MustCompile(`go run (\./[\w/.-]+)`).FindAllStringSubmatch(readme, -1) {
		if files, _ := filepath.Glob(filepath.Join(m[1], "*.go")); len(files) == 0 {
			t.Errorf("README.md runs %s, which has no Go files", m[1])
		}
	}

	for pkg, dir := range map[string]string{"daas": ".", "daastest": "daastest"} {
		exported := exportedNames(t, dir)
		seen := map[string]bool{}
		for _, m := range regexp.MustCompile(`\b`+pkg+`\.([A-Z]\w*)`).FindAllStringSubmatch(readme, -1) {
			if name := m[1]; !seen[name] {
				seen[name] = true
				if !exported[name] {
					t.Errorf("README.md mentions %s.%s, which package %s does not declare", pkg, name, pkg)
				}
			}
		}
	}
}

// exportedNames returns the exported top-level identifiers declared by the
// non-test files of the package in dir.
func exportedNames(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					names[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						names[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							names[n.Name] = true
						}
					}
				}
			}
		}
	}
	for name := range names {
		if !ast.IsExported(name) {
			delete(names, name)
		}
	}
	return names
}
