package main

import (
	"fmt"
	"sort"
	"strings"
)

// typeSet names the spec's schemas in Go and says which of them the
// operations use and how (request, PATCH request, response).
type typeSet struct {
	schemas     map[string]*schema
	names       map[string]string // schema → Go name
	handWritten map[string]bool   // schema → declared by hand in the root package
	collections map[string]string // collection schema → its item schema
	used        map[string]bool   // schemas the operations reach
	request     map[string]bool   // schemas reached from a request body
	patch       map[string]bool   // schemas that are the body of a PATCH
}

const collectionPrefix = "CollectionModelOf"

// newTypeSet names every schema. rootDecls are the names the root package
// declares by hand (name → file); a schema whose Go name is one of them
// must be marked HandWritten in typeOverrides, or be renamed there.
func newTypeSet(doc *document, rootDecls map[string]string) (*typeSet, error) {
	t := &typeSet{
		schemas:     doc.Components.Schemas,
		names:       map[string]string{},
		handWritten: map[string]bool{},
		collections: map[string]string{},
		used:        map[string]bool{},
		request:     map[string]bool{},
		patch:       map[string]bool{},
	}
	for name, s := range t.schemas {
		if item, ok := t.collectionItem(name, s); ok {
			t.collections[name] = item
		}
	}
	if err := t.resolveTypeNames(); err != nil {
		return nil, err
	}
	var clashes []string
	for _, schemaName := range sortedKeys(t.names) {
		goName := t.names[schemaName]
		if t.handWritten[schemaName] {
			if _, ok := rootDecls[goName]; !ok {
				clashes = append(clashes, fmt.Sprintf("%s: marked hand-written as %s, which the root package does not declare", schemaName, goName))
			}
			continue
		}
		if file, ok := rootDecls[goName]; ok {
			clashes = append(clashes, fmt.Sprintf("%s: Go name %s is declared by hand in %s (mark it HandWritten or rename it in typeOverrides)", schemaName, goName, file))
		}
	}
	if len(clashes) > 0 {
		return nil, fmt.Errorf("type names:\n\t%s", strings.Join(clashes, "\n\t"))
	}
	return t, nil
}

// collectionItem reports whether a schema is a collection (a
// CollectionModelOfX, or an XCollection that is one) and of which item
// schema.
func (t *typeSet) collectionItem(name string, s *schema) (string, bool) {
	if strings.HasPrefix(name, collectionPrefix) {
		return strings.TrimPrefix(name, collectionPrefix), true
	}
	for _, part := range s.AllOf {
		if ref := part.refName(); strings.HasPrefix(ref, collectionPrefix) {
			return strings.TrimPrefix(ref, collectionPrefix), true
		}
	}
	return "", false
}

func (t *typeSet) isEnum(name string) bool {
	s := t.schemas[name]
	return s != nil && len(s.Enum) > 0
}

// resolveTypeNames gives every schema but the collections its Go name:
// typeOverrides first (an entry for a schema the spec lacks is ignored), then the rule of baseTypeName. When schemas share a
// rule name, one keeps it, ranked: a schema whose spec name is already that
// name, then a …ResponseModel, then the others in name order; each other
// takes the first free of fallbackTypeNames.
func (t *typeSet) resolveTypeNames() error {
	taken := map[string]string{} // Go name → schema
	for _, name := range sortedKeys(typeOverrides) {
		o := typeOverrides[name]
		if _, ok := t.schemas[name]; !ok {
			continue // a stale entry: TestOverridesUsed reports it
		}
		goName := o.Name
		if goName == "" {
			goName = baseTypeName(name, t.isEnum(name))
		}
		if other, ok := taken[goName]; ok {
			return fmt.Errorf("typeOverrides: %s and %s are both %s", other, name, goName)
		}
		taken[goName] = name
		t.names[name] = goName
		t.handWritten[name] = o.HandWritten
	}
	groups := map[string][]string{}
	for _, name := range sortedKeys(t.schemas) {
		if _, ok := t.collections[name]; ok {
			continue
		}
		if _, ok := t.names[name]; ok {
			continue
		}
		base := baseTypeName(name, t.isEnum(name))
		groups[base] = append(groups[base], name)
	}
	rank := func(base, name string) int {
		switch {
		case goName(name) == base:
			return 0
		case strings.HasSuffix(name, responseSuffix):
			return 1
		}
		return 2
	}
	for _, base := range sortedKeys(groups) {
		g := groups[base]
		sort.SliceStable(g, func(i, j int) bool { return rank(base, g[i]) < rank(base, g[j]) })
		for i, name := range g {
			candidates := []string{base}
			if i > 0 {
				candidates = fallbackTypeNames(name)
			}
			for _, c := range candidates {
				if _, ok := taken[c]; !ok {
					taken[c] = name
					t.names[name] = c
					break
				}
			}
			if _, ok := t.names[name]; !ok {
				return fmt.Errorf("schema %s: no free Go name among %v (name it in typeOverrides)", name, candidates)
			}
		}
	}
	return nil
}

// pageItem reports whether a schema is a collection and gives the Go type
// of its items.
func (t *typeSet) pageItem(s *schema) (string, bool) {
	item, ok := t.collections[s.refName()]
	if !ok {
		return "", false
	}
	t.use(item)
	return t.names[item], true
}

// use marks a schema, and every schema it refers to, as used.
func (t *typeSet) use(name string) {
	if t.used[name] {
		return
	}
	t.used[name] = true
	if item, ok := t.collections[name]; ok {
		t.use(item)
		return
	}
	t.walkRefs(t.schemas[name], t.use)
}

// markRequest marks a schema and every schema it refers to as part of a
// request body.
func (t *typeSet) markRequest(name string) {
	if t.request[name] {
		return
	}
	t.request[name] = true
	t.walkRefs(t.schemas[name], t.markRequest)
}

// walkRefs calls f with each schema name s refers to, directly or through
// properties, items, allOf and map values.
func (t *typeSet) walkRefs(s *schema, f func(string)) {
	if s == nil {
		return
	}
	if ref := s.refName(); ref != "" {
		f(ref)
		return
	}
	for _, p := range s.Properties {
		t.walkRefs(p.Value, f)
	}
	t.walkRefs(s.Items, f)
	t.walkRefs(s.AdditionalProperties.Schema, f)
	for _, a := range s.AllOf {
		t.walkRefs(a, f)
	}
}

// goType is the Go type of a schema, marking what it refers to as used:
// strings (dates and GUIDs too, kept as the service writes them) string;
// int32 and unformatted integers int; int64 int64; numbers float64;
// booleans bool; arrays slices; objects with a map value schema maps; other
// objects without properties, and untyped schemas, json.RawMessage; a
// reference the referenced type (a collection Page[T]). An allOf of one
// reference is that reference.
func (t *typeSet) goType(s *schema) string {
	if s == nil {
		return "json.RawMessage"
	}
	if ref := s.refName(); ref != "" {
		t.use(ref)
		if item, ok := t.collections[ref]; ok {
			return "Page[" + t.names[item] + "]"
		}
		return t.names[ref]
	}
	if len(s.AllOf) == 1 && len(s.Properties) == 0 {
		return t.goType(s.AllOf[0])
	}
	switch s.Type {
	case "string":
		return "string"
	case "integer":
		if s.Format == "int64" {
			return "int64"
		}
		return "int"
	case "number":
		return "float64"
	case "boolean":
		return "bool"
	case "array":
		return "[]" + t.goType(s.Items)
	case "object":
		if v := s.AdditionalProperties.Schema; v != nil && len(s.Properties) == 0 {
			return "map[string]" + t.goType(v)
		}
	}
	return "json.RawMessage"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
