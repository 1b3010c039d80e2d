package main

import (
	"bytes"
	"fmt"
	"math"
	"strings"
)

// fakeModels collects the response models the fake's answers are built
// from, and the enums they use, for the tables of zz_operations.go.
type fakeModels struct {
	types  *typeSet
	models map[string][]fakeProp // by model name
	enums  map[string][]string   // by enum name
}

// fakeProp is one property of a model, as the fake's specProp.
type fakeProp struct {
	name, typ string
	required  bool
	min       int
}

// answerType is the type of an operation's success body (of a page's
// items), in the notation of the fake's specProp.Type.
func answerType(o *op, types *typeSet, m *fakeModels) string {
	switch {
	case o.Response == "":
		return ""
	case o.Page:
		return m.named(types.collections[o.RespSchema])
	case o.RespSchema == "":
		return inlineType(o.Response)
	case strings.HasPrefix(o.Response, "[]"):
		return "[]" + m.named(o.RespSchema)
	}
	return m.named(o.RespSchema)
}

// inlineType is the type of a body the spec declares inline, from its Go
// type.
func inlineType(goType string) string {
	if item, ok := strings.CutPrefix(goType, "[]"); ok {
		return "[]" + inlineType(item)
	}
	switch goType {
	case "string", "bool":
		return map[string]string{"string": "string", "bool": "boolean"}[goType]
	case "int", "int32", "int64":
		return "integer"
	case "float32", "float64":
		return "number"
	}
	if strings.HasPrefix(goType, "map[") {
		return "map"
	}
	return "any"
}

// knownJobTypes keeps the job types that are values of the spec's JobType
// enum: a description sometimes names one that is not.
func knownJobTypes(names []string, types *typeSet) []string {
	enum := types.schemas["JobType"]
	var out []string
	for _, n := range names {
		if enum != nil && contains(enum.Enum, n) {
			out = append(out, n)
		}
	}
	return out
}

// named is the type of the component schema name, its model or enum
// recorded.
func (m *fakeModels) named(name string) string {
	s := m.types.schemas[name]
	if s == nil {
		return "any"
	}
	if len(s.Enum) > 0 {
		m.enums[name] = s.Enum
		return "enum:" + name
	}
	if s.Type != "" && s.Type != "object" {
		return m.typeOf(s, name)
	}
	ps, _ := m.types.props(s)
	if len(ps) == 0 {
		return "map"
	}
	if _, ok := m.models[name]; !ok {
		m.model(name, s)
	}
	return "model:" + name
}

// model records the properties of the object schema s as model name.
func (m *fakeModels) model(name string, s *schema) {
	m.models[name] = nil // recursion stops here
	ps, req := m.types.props(s)
	out := make([]fakeProp, 0, len(ps))
	for _, p := range ps {
		fp := fakeProp{name: p.Key, typ: m.typeOf(p.Value, name+"."+p.Key), required: req[p.Key]}
		if p.Value.MinLength > 0 {
			fp.min = p.Value.MinLength
		}
		if p.Value.Minimum != nil && *p.Value.Minimum > 0 {
			fp.min = int(math.Ceil(*p.Value.Minimum))
		}
		out = append(out, fp)
	}
	m.models[name] = out
}

// typeOf is the type of schema s; an inline object with properties
// becomes the model inline.
func (m *fakeModels) typeOf(s *schema, inline string) string {
	if ref := s.refName(); ref != "" {
		return m.named(ref)
	}
	if len(s.AllOf) == 1 && len(s.Properties) == 0 {
		return m.typeOf(s.AllOf[0], inline)
	}
	if len(s.Enum) > 0 {
		m.enums[inline] = s.Enum
		return "enum:" + inline
	}
	switch s.Type {
	case "string":
		if s.Format == "date-time" {
			return "time"
		}
		return "string"
	case "integer", "number", "boolean":
		return s.Type
	case "array":
		if s.Items == nil {
			return "[]any"
		}
		return "[]" + m.typeOf(s.Items, inline+"[]")
	}
	if ps, _ := m.types.props(s); len(ps) > 0 {
		if _, ok := m.models[inline]; !ok {
			m.model(inline, s)
		}
		return "model:" + inline
	}
	if s.Type == "object" {
		return "map"
	}
	return "any"
}

// emit writes the tables of models and enums.
func (m *fakeModels) emit(b *bytes.Buffer) {
	b.WriteString("\n// specModels is every response model, by name. It is read only.\nvar specModels = map[string][]specProp{\n")
	for _, name := range sortedKeys(m.models) {
		fmt.Fprintf(b, "\t%q: {\n", name)
		for _, p := range m.models[name] {
			fmt.Fprintf(b, "\t\t{%q, %q, %t, %d},\n", p.name, p.typ, p.required, p.min)
		}
		b.WriteString("\t},\n")
	}
	b.WriteString("}\n\n// specEnums is the values of every enum of a response model, by name.\n// It is read only.\nvar specEnums = map[string][]string{\n")
	for _, n := range sortedKeys(m.enums) {
		fmt.Fprintf(b, "\t%q: {%s},\n", n, quoteList(m.enums[n]))
	}
	b.WriteString("}\n")
}
