package daas

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// TestEnumConstantNames checks the one naming rule of enum constants over
// every file of the package, hand-written and generated: a constant of an
// exported string type declared in the package is named <Type><Value>, the
// type's name then the value it holds.
func TestEnumConstantNames(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	stringTypes := map[string]bool{}
	var consts []*ast.ValueSpec
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, s := range g.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if id, ok := s.Type.(*ast.Ident); ok && id.Name == "string" && s.Name.IsExported() {
						stringTypes[s.Name.Name] = true
					}
				case *ast.ValueSpec:
					if g.Tok == token.CONST && s.Type != nil {
						consts = append(consts, s)
					}
				}
			}
		}
	}
	checked := 0
	for _, s := range consts {
		typ, ok := s.Type.(*ast.Ident)
		if !ok || !stringTypes[typ.Name] {
			continue
		}
		for i, name := range s.Names {
			lit, ok := s.Values[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: not a string literal", name.Name)
				continue
			}
			checked++
			value := strings.Trim(lit.Value, `"`)
			if !strings.HasPrefix(name.Name, typ.Name) {
				t.Errorf("%s (%s %q): not named after its type", name.Name, typ.Name, value)
				continue
			}
			if rest := name.Name[len(typ.Name):]; !strings.EqualFold(rest, strings.NewReplacer("-", "", ".", "", " ", "").Replace(value)) && value != "" {
				t.Errorf("%s (%s %q): not named after its value", name.Name, typ.Name, value)
			}
		}
	}
	if checked < 100 {
		t.Errorf("checked %d enum constants, want the whole package's", checked)
	}
}
