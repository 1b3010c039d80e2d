package daastest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// This file makes every operation of the spec (zz_operations.go) a route:
// the routes modelled by hand keep their handlers and gain the spec's
// checks that they do not make themselves; every other operation is served
// by the generic model (generic.go).

// specRoutes returns the route table for the routes modelled by hand,
// builtin: each is checked against its operation of the spec, and every
// operation without one becomes a route of the generic model, keyed by the
// spec's method and path template. The table holds one route per method
// and pattern.
func specRoutes(builtin []*route) []*route {
	table := slices.Clone(builtin)
	for i := range specOps {
		op := &specOps[i]
		if op.Method+" "+op.Path == routeToken {
			continue // the on-premises token endpoint, served apart (onprem.go)
		}
		segs := strings.Split(strings.Trim(op.Path, "/"), "/")
		j := slices.IndexFunc(builtin, func(rt *route) bool {
			return rt.method == op.Method && samePattern(rt.pattern, segs)
		})
		if j >= 0 {
			rt := builtin[j]
			serve := rt.serve
			rt.serve = func(s *Server, c *call) *reply {
				if rp := checkOp(op, c); rp != nil {
					return rp
				}
				return conform(op, c, serve(s, c))
			}
			continue
		}
		rt := newRoute(op.Method+" "+op.Path, func(s *Server, c *call) *reply {
			if rp := checkOp(op, c); rp != nil {
				return rp
			}
			if rp := checkBody(op, c.body); rp != nil {
				return rp
			}
			return conform(op, c, s.serveGeneric(op, c))
		})
		rt.generic = true
		rt.siteless = !slices.ContainsFunc(op.Params, func(p specParam) bool {
			return p.Name == "Citrix-InstanceId" && p.Required
		})
		table = append(table, rt)
	}
	return table
}

// checkOp checks what every route of an operation checks: X-AdminCredential
// where the operation declares it, then its parameters.
func checkOp(op *specOp, c *call) *reply {
	if slices.ContainsFunc(op.Params, func(p specParam) bool { return p.Name == "X-AdminCredential" }) {
		if rp := checkAdminCredential(c.r.Header); rp != nil {
			return rp
		}
	}
	return checkParams(op, c)
}

// checkParams refuses a request without a required query parameter or
// header, an async that is neither true nor false, and async=true where
// the operation takes no async.
func checkParams(op *specOp, c *call) *reply {
	for _, p := range op.Params {
		if !p.Required {
			continue
		}
		switch {
		case p.In == "query" && c.query.Get(p.Name) == "":
			return badRequest("missing", fmt.Sprintf("The query parameter %s is required", p.Name), "name", p.Name)
		case p.In == "header" && p.Name != "Authorization" && c.r.Header.Get(p.Name) == "":
			return badRequest("missing", fmt.Sprintf("The %s header is required", p.Name), "name", p.Name)
		}
	}
	if c.query.Has("async") {
		async, rp := queryBool(c.query, "async")
		if rp != nil {
			return rp
		}
		if async && !op.Async {
			return badRequest("invalidString", "The operation does not run as a job: it takes no async", "name", "async", "value", c.query.Get("async"))
		}
	}
	return nil
}

// checkBody refuses a body the operation does not take: a missing required
// one, one that is not JSON of the request model's shape, or an object with
// a property the model does not have (matched in any case, as the service's
// JSON reader does).
func checkBody(op *specOp, body []byte) *reply {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		if op.BodyRequired {
			return badRequest("invalidJson", "A request body is required")
		}
		return nil
	}
	if op.Body == bodyNone {
		return nil // the service ignores a body it does not read
	}
	if !json.Valid(trimmed) {
		return badRequest("invalidJson", "The request body is not valid JSON")
	}
	switch op.Body {
	case bodyArray:
		if trimmed[0] != '[' {
			return badRequest("invalidJson", "The request body must be a JSON array")
		}
	case bodyObject:
		var obj map[string]json.RawMessage
		if trimmed[0] != '{' || json.Unmarshal(trimmed, &obj) != nil {
			return badRequest("invalidJson", "The request body must be a JSON object")
		}
		if op.Props == nil {
			return nil
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !slices.ContainsFunc(op.Props, func(p string) bool { return strings.EqualFold(p, k) }) {
				return badRequest("invalidJson", fmt.Sprintf("The request has an unknown property '%s'", k), "name", k)
			}
		}
	}
	return nil
}

// successStatus is the status an operation answers with when it succeeds
// synchronously: the first 2xx but 202 the spec lists (200 if none).
func successStatus(op *specOp) int {
	for _, st := range op.Statuses {
		if st/100 == 2 && st != http.StatusAccepted {
			return st
		}
	}
	return http.StatusOK
}

// checkAdminCredential checks an X-AdminCredential header: absent, or
// "Basic " and base64 of user:password.
func checkAdminCredential(h http.Header) *reply {
	v := h.Get("X-AdminCredential")
	if v == "" {
		return nil
	}
	enc, ok := strings.CutPrefix(v, "Basic ")
	raw, err := base64.StdEncoding.DecodeString(enc)
	if user, _, found := strings.Cut(string(raw), ":"); !ok || err != nil || !found || user == "" {
		return badRequest("invalidString", "X-AdminCredential must be 'Basic ' and the base64 of user:password", "name", "X-AdminCredential")
	}
	return nil
}
