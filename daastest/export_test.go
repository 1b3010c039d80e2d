package daastest

import (
	"encoding/json"
	"slices"
	"strings"
)

// This file lets the package's external tests read the operation table and
// seed the generic model.

// TestOp is one row of the operation table, as the tests read it.
type TestOp struct {
	specOp
	Generic bool // served by the generic model
}

// HasParam reports whether the operation declares a parameter.
func (o TestOp) HasParam(name string) bool {
	return slices.ContainsFunc(o.Params, func(p specParam) bool { return p.Name == name })
}

// RequiredQuery lists the operation's required query parameters.
func (o TestOp) RequiredQuery() []string {
	var out []string
	for _, p := range o.Params {
		if p.In == "query" && p.Required {
			out = append(out, p.Name)
		}
	}
	return out
}

// BodyKind is "", "object", "array" or "any".
func (o TestOp) BodyKind() string {
	return [...]string{"", "object", "array", "any"}[o.Body]
}

// OpsOf returns every operation of the table but the token endpoint's,
// marking those the server s serves generically.
func OpsOf(s *Server) []TestOp {
	var out []TestOp
	for i := range specOps {
		op := &specOps[i]
		segs := strings.Split(strings.Trim(op.Path, "/"), "/")
		j := slices.IndexFunc(s.routeTable(), func(rt *route) bool {
			return rt.method == op.Method && samePattern(rt.pattern, segs)
		})
		if j < 0 {
			continue
		}
		out = append(out, TestOp{specOp: *op, Generic: s.routeTable()[j].generic})
	}
	return out
}

// SeedGeneric puts a resource with this id and name into the generic
// model's collection at path (as sent, under /cvad/manage).
func (s *Server) SeedGeneric(path, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(path)
	coll := s.generic[key]
	if coll == nil {
		coll = &genericCollection{}
		s.generic[key] = coll
	}
	s.genericSeq++
	coll.items = append(coll.items, &genericItem{uid: s.genericSeq, id: id, name: id,
		props: map[string]json.RawMessage{"Id": marshal(id), "Name": marshal(id)}})
}
