package main

import (
	"fmt"
	"sort"
	"strings"
)

// model is one generated type: a struct of an object schema, or a typed
// string of an enum.
type model struct {
	Schema string   // spec schema name
	Name   string   // Go name
	Enum   []string // the enum's values, nil for a struct
	Fields []field
	Usage  string // how the operations use it, for its doc comment
}

// field is one field of a struct model.
type field struct {
	Name       string // Go name
	JSON       string // the API's name
	Type       string // Go type
	OmitEmpty  bool   // `omitempty`: an optional request field
	OmitZero   bool   // `omitzero`: an optional request field that is a struct, or a PATCH slice/map
	Deprecated bool
}

// buildModels makes the models of every schema the operations use, but the
// hand-written and the collections, sorted by Go name.
//
// Field types follow goType, with pointers only where unset must differ from
// the zero value on the wire:
//   - in the body of a PATCH, an optional field is a pointer (unset: not
//     sent; set to zero: sent as zero), but a slice or map, which is nil when
//     unset and sent even when empty (omitzero);
//   - in other request bodies, an optional field whose spec default is not
//     Go's zero (a boolean defaulting to true, a count to -1) is a pointer;
//     other optional fields are omitted when zero;
//   - a struct field that would contain its own type (directly or through
//     other structs) is a pointer, which Go needs.
func (t *typeSet) buildModels() ([]*model, error) {
	var out []*model
	byName := map[string]*model{}
	for _, name := range sortedKeys(t.used) {
		if _, ok := t.collections[name]; ok || t.handWritten[name] {
			continue
		}
		s := t.schemas[name]
		if s == nil {
			return nil, fmt.Errorf("schema %s: referenced but not defined", name)
		}
		m := &model{Schema: name, Name: t.names[name]}
		if len(s.Enum) > 0 {
			m.Enum = s.Enum
		} else {
			fields, err := t.fields(name)
			if err != nil {
				return nil, err
			}
			m.Fields = fields
		}
		out = append(out, m)
		byName[m.Name] = m
	}
	t.breakCycles(out, byName)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// props flattens a schema's allOf: the properties of each part in order, then
// its own; a property named twice keeps its first place and its last
// definition. required is the union.
func (t *typeSet) props(s *schema) (orderedMap[*schema], map[string]bool) {
	var out orderedMap[*schema]
	req := map[string]bool{}
	add := func(ps orderedMap[*schema], r []string) {
		for _, p := range ps {
			replaced := false
			for i := range out {
				if out[i].Key == p.Key {
					out[i].Value, replaced = p.Value, true
				}
			}
			if !replaced {
				out = append(out, p)
			}
		}
		for _, n := range r {
			req[n] = true
		}
	}
	for _, part := range s.AllOf {
		if ref := part.refName(); ref != "" {
			ps, r := t.props(t.schemas[ref])
			add(ps, sortedKeys(r))
			continue
		}
		add(part.Properties, part.Required)
	}
	add(s.Properties, s.Required)
	return out, req
}

func (t *typeSet) fields(name string) ([]field, error) {
	ps, required := t.props(t.schemas[name])
	var out []field
	seen := map[string]string{}
	for _, p := range ps {
		f := field{Name: goName(p.Key), JSON: p.Key, Type: t.goType(p.Value), Deprecated: p.Value.Deprecated}
		if other, ok := seen[f.Name]; ok {
			return nil, fmt.Errorf("schema %s: properties %s and %s are both %s in Go", name, other, p.Key, f.Name)
		}
		seen[f.Name] = p.Key
		if !required[p.Key] && (t.request[name] || t.patch[name]) {
			t.optional(&f, p.Value, t.patch[name])
		}
		out = append(out, f)
	}
	return out, nil
}

// optional sets how an optional request field is sent (see buildModels).
func (t *typeSet) optional(f *field, s *schema, patch bool) {
	multi := strings.HasPrefix(f.Type, "[]") || strings.HasPrefix(f.Type, "map[") || f.Type == "json.RawMessage"
	switch {
	case multi && patch:
		f.OmitZero = true
	case multi:
		f.OmitEmpty = true
	case patch || nonZeroDefault(s.Default):
		f.Type = "*" + f.Type
		f.OmitEmpty = true
	case t.isStruct(f.Type):
		f.OmitZero = true
	default:
		f.OmitEmpty = true
	}
}

// nonZeroDefault reports whether a spec default differs from Go's zero value.
func nonZeroDefault(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case int:
		return v != 0
	case float64:
		return v != 0
	case string:
		return v != ""
	}
	return true
}

// isStruct reports whether a Go type names a struct model (generated or
// hand-written).
func (t *typeSet) isStruct(goType string) bool {
	for name, n := range t.names {
		if n == goType {
			return !t.isEnum(name)
		}
	}
	return false
}

// breakCycles makes a pointer of every struct field by value whose type
// contains, by value, the struct that holds it: the fields along a cycle of
// the graph "struct A has a field of struct type B". The cycles are found
// as strongly connected components (Tarjan), so the result does not depend
// on the order of the models.
func (t *typeSet) breakCycles(models []*model, byName map[string]*model) {
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	comp := map[string]int{}
	var stack []string
	next, ncomp := 0, 0
	edges := func(m *model) []string {
		var out []string
		for _, f := range m.Fields {
			if _, ok := byName[f.Type]; ok && len(byName[f.Type].Enum) == 0 {
				out = append(out, f.Type)
			}
		}
		return out
	}
	var visit func(n string)
	visit = func(n string) {
		index[n], low[n] = next, next
		next++
		stack = append(stack, n)
		onStack[n] = true
		for _, w := range edges(byName[n]) {
			if _, seen := index[w]; !seen {
				visit(w)
				low[n] = min(low[n], low[w])
			} else if onStack[w] {
				low[n] = min(low[n], index[w])
			}
		}
		if low[n] == index[n] {
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp[w] = ncomp
				if w == n {
					break
				}
			}
			ncomp++
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, seen := index[n]; !seen {
			visit(n)
		}
	}
	for _, m := range models {
		for i, f := range m.Fields {
			if target, ok := byName[f.Type]; ok && len(target.Enum) == 0 && comp[f.Type] == comp[m.Name] {
				m.Fields[i].Type = "*" + f.Type
			}
		}
	}
}
