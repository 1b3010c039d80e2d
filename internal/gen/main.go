// Command gen writes the generated files of the daas package from Citrix's
// OpenAPI spec: the models and enums of every schema the operations use,
// the operation table, and docs/operations.md. Run it with go generate ./...
// at the root of the repository.
//
// The rules that name things are in names.go and methods.go; the exceptions
// to them are data, in overrides.go.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	root := flag.String("root", "../..", "the repository root: where the daas package and docs/ are")
	spec := flag.String("spec", "", "the OpenAPI document (default: "+specFile+" of "+specModule+"@"+specVersion+" in the module cache)")
	flag.Parse()
	if err := run(*root, *spec); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(root, spec string) error {
	if spec == "" {
		p, err := specPath()
		if err != nil {
			return err
		}
		spec = p
	}
	doc, err := loadSpec(spec)
	if err != nil {
		return err
	}
	decls, err := rootDecls(root)
	if err != nil {
		return err
	}
	out, err := generate(doc, decls)
	if err != nil {
		return err
	}
	if err := addFake(out, doc, decls); err != nil {
		return err
	}
	stale, err := filepath.Glob(filepath.Join(root, "zz_*.go"))
	if err != nil {
		return err
	}
	for _, path := range stale { // a service the spec no longer has
		if _, ok := out[filepath.Base(path)]; !ok {
			if err := os.Remove(path); err != nil {
				return err
			}
		}
	}
	for _, name := range sortedKeys(out) {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, out[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
