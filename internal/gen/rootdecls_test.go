package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRootDecls(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.go":      "package p\n\ntype Machine struct{}\n\nfunc NewClient() {}\n\nfunc (Machine) Method() {}\n\nconst JobComplete = 1\n\nvar ErrX, ErrY error\n",
		"a_test.go": "package p\n\ntype OnlyInTest struct{}\n",
		"zz_gen.go": generatedHeader + "\n\npackage p\n\ntype Generated struct{}\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := rootDecls(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Machine": "a.go", "NewClient": "a.go", "JobComplete": "a.go", "ErrX": "a.go", "ErrY": "a.go", "Machine.Method": "a.go"}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for name, file := range want {
		if got[name] != file {
			t.Errorf("%s: %q, want %q", name, got[name], file)
		}
	}
}
