package daastest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// apiRoot is the path of the API under the origin.
const apiRoot = "/cvad/manage"

// Route keys name the fake's routes in [Server.Count], [Stats.ByRoute],
// [Request.Route] and [Fault.Route]: the method, a space and the path
// pattern relative to /cvad/manage, except the token endpoint's.
const (
	routeToken         = "POST /tokens" // POST /cctrustoauth2/{customerId}/tokens/clients
	routeMe            = "GET /me"
	routeListSites     = "GET /Sites"
	routeGetSite       = "GET /Sites/{nameOrId}"
	routeListCatalogs  = "GET /MachineCatalogs"
	routeCreateCatalog = "POST /MachineCatalogs"
	routeGetCatalog    = "GET /MachineCatalogs/{nameOrId}"
	routeUpdateCatalog = "PATCH /MachineCatalogs/{nameOrId}"
	routeDeleteCatalog = "DELETE /MachineCatalogs/{nameOrId}"
	routeListJobs      = "GET /Jobs"
	routeGetJob        = "GET /Jobs/{id}"
	routeDeleteJob     = "DELETE /Jobs/{id}"
	routeJobResults    = "GET /Jobs/{id}/Results"
	routeCancelJob     = "POST /Jobs/{id}/$cancel"
	routeSkipRemaining = "POST /Jobs/{id}/$SkipRemaining"
)

// call is one checked API request as a route's handler sees it. Handlers
// run with s.mu held.
type call struct {
	r      *http.Request
	args   []string // path parameters in pattern order, unescaped
	query  url.Values
	body   []byte
	caller caller
	now    time.Time
}

// route is one method on one path pattern of the API.
type route struct {
	key     string   // "GET /MachineCatalogs/{nameOrId}"
	method  string   // "GET"
	pattern []string // segments under /cvad/manage; "{name}" matches any one segment
	// siteless routes do not need Citrix-InstanceId (GET /me).
	siteless bool
	// unlocked routes are served without s.mu held: serve takes it for
	// each step, so that a large request (a batch) does not hold it across
	// all of its work.
	unlocked bool
	serve    func(s *Server, c *call) *reply
	// handler serves a route a test registered (see custom.go); serve is
	// nil then.
	handler RouteHandler
	// generic routes are served by the generic model (generic.go).
	generic bool
}

// newRoute makes a route from its key.
func newRoute(key string, serve func(*Server, *call) *reply) *route {
	method, path, _ := strings.Cut(key, " ")
	return &route{
		key:     key,
		method:  method,
		pattern: strings.Split(strings.Trim(path, "/"), "/"),
		serve:   serve,
	}
}

// builtinRoutes returns a new table of the routes the fake models, in the
// order [Routes] lists them. Each resource's file lists its own routes.
func builtinRoutes() []*route {
	return slices.Concat(siteRoutes(), catalogRoutes(), machineRoutes(), jobRoutes(), deliveryGroupRoutes(), batchRoutes(), handRoutes())
}

// Routes returns the keys of the routes the fake models by hand, for
// [Server.Count], [Fault.Route] and [Stats.ByRoute]. Every other operation
// of the spec is a route of the generic model, keyed by the spec's method
// and path template ("GET /Tags/{nameOrId}").
func Routes() []string {
	keys := []string{routeToken}
	for _, rt := range builtinRoutes() {
		keys = append(keys, rt.key)
	}
	return keys
}

// knownRoute reports whether key names one of the server's routes.
func (s *Server) knownRoute(key string) bool {
	if key == routeToken || (key == routeOnPremToken && s.cfg.onprem) {
		return true
	}
	return slices.ContainsFunc(s.routeTable(), func(rt *route) bool { return rt.key == key })
}

// routeKeys lists the server's route keys, for error messages.
func (s *Server) routeKeys() []string {
	keys := []string{routeToken}
	if s.cfg.onprem {
		keys = []string{routeOnPremToken}
	}
	for _, rt := range s.routeTable() {
		if !rt.generic {
			keys = append(keys, rt.key)
		}
	}
	return append(keys, "and every other operation of the spec, as METHOD /Path/{param}")
}

// matchRoute finds the route of r. Literal segments match
// case-insensitively, as on the service (its own generated client writes
// "Machinecatalogs"); one trailing slash is ignored. Where patterns overlap,
// the one with a literal segment earliest wins ("/Jobs/{id}/$cancel" over a
// hypothetical "/Jobs/{id}/{x}"). args are the unescaped path parameters.
// An unknown path gets a 404 reply, a known path with another method a 405
// naming the methods it allows. rt is nil for the token endpoint, whose key
// is returned alone.
func (s *Server) matchRoute(r *http.Request) (key string, rt *route, args []string, unmatched *reply) {
	key, rt, args, unmatched = matchIn(s.routeTable(), r)
	if k, rp := s.matchOnPremises(r, key, unmatched); k != key || rp != unmatched {
		return k, nil, nil, rp
	}
	return key, rt, args, unmatched
}

// matchIn is matchRoute on a given table, for callers that hold s.mu (the
// items of a batch).
func matchIn(table []*route, r *http.Request) (key string, rt *route, args []string, unmatched *reply) {
	segs, ok := splitPath(r.URL.EscapedPath())
	if !ok {
		return "", nil, nil, notFoundPath(r)
	}
	is := strings.EqualFold
	if len(segs) == 4 && is(segs[0], "cctrustoauth2") && is(segs[2], "tokens") && is(segs[3], "clients") {
		if r.Method != http.MethodPost {
			return "", nil, nil, methodNotAllowed(r, []string{http.MethodPost})
		}
		return routeToken, nil, segs[1:2], nil
	}
	if len(segs) < 3 || !is(segs[0], "cvad") || !is(segs[1], "manage") {
		return "", nil, nil, notFoundPath(r)
	}
	api := segs[2:]
	var best *route
	var bestRank []bool
	var allow []string
	for _, cand := range table {
		rank, ok := matchPattern(cand.pattern, api)
		if !ok {
			continue
		}
		if !slices.Contains(allow, cand.method) {
			allow = append(allow, cand.method)
		}
		if cand.method == r.Method && (best == nil || moreSpecific(rank, bestRank)) {
			best, bestRank = cand, rank
		}
	}
	switch {
	case best != nil:
		return best.key, best, paramsOf(best.pattern, api), nil
	case len(allow) > 0:
		return "", nil, nil, methodNotAllowed(r, allow)
	}
	return "", nil, nil, notFoundPath(r)
}

// matchPattern matches path segments against a pattern; rank tells, per
// segment, whether the pattern had a literal there.
func matchPattern(pattern, segs []string) (rank []bool, ok bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	rank = make([]bool, len(pattern))
	for i, p := range pattern {
		if isParam(p) {
			continue
		}
		if !strings.EqualFold(p, segs[i]) {
			return nil, false
		}
		rank[i] = true
	}
	return rank, true
}

// moreSpecific reports whether rank a has a literal segment before b does.
func moreSpecific(a, b []bool) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i]
		}
	}
	return false
}

func isParam(seg string) bool {
	return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}'
}

// paramsOf returns the segments that stand where the pattern has
// parameters.
func paramsOf(pattern, segs []string) []string {
	var args []string
	for i, p := range pattern {
		if isParam(p) {
			args = append(args, segs[i])
		}
	}
	return args
}

// methodNotAllowed is the 405 for a known path, with its Allow header in
// the order GET, POST, PATCH, PUT, DELETE, then any other.
func methodNotAllowed(r *http.Request, allow []string) *reply {
	order := []string{"GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"}
	slices.SortStableFunc(allow, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia < 0 {
			ia = len(order)
		}
		if ib < 0 {
			ib = len(order)
		}
		return ia - ib
	})
	rp := errReply(http.StatusMethodNotAllowed, "methodNotAllowed", "The requested resource does not support http method '"+r.Method+"'.")
	rp.header = http.Header{"Allow": {strings.Join(allow, ", ")}}
	return rp
}

// splitPath splits an escaped path into unescaped segments. Each segment is
// unescaped on its own, so an escaped '/' (%2F) stays inside its segment.
func splitPath(escaped string) ([]string, bool) {
	escaped = strings.TrimPrefix(escaped, "/")
	escaped = strings.TrimSuffix(escaped, "/")
	parts := strings.Split(escaped, "/")
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil || u == "" {
			return nil, false
		}
		parts[i] = u
	}
	return parts, true
}

func notFoundPath(r *http.Request) *reply {
	return errReply(http.StatusNotFound, "notFound", "No resource matches the request path", "path", r.URL.Path)
}
