package daastest

import (
	"net/http"
	"net/url"
	"strings"
)

// apiRoot is the path of the API under the origin.
const apiRoot = "/cvad/manage"

// Route keys name the fake's routes in [Server.Count], [Stats.ByRoute],
// [Request.Route] and [Fault.Route]. Paths are relative to /cvad/manage,
// except the token endpoint's.
const (
	routeToken         = "POST /tokens" // POST /cctrustoauth2/{customerId}/tokens/clients
	routeMe            = "GET /me"
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
)

// Routes returns the route keys the fake knows, for [Server.Count],
// [Fault.Route] and [Stats.ByRoute].
func Routes() []string {
	return []string{
		routeToken, routeMe,
		routeListCatalogs, routeCreateCatalog, routeGetCatalog, routeUpdateCatalog, routeDeleteCatalog,
		routeListJobs, routeGetJob, routeDeleteJob, routeJobResults, routeCancelJob,
	}
}

func knownRoute(key string) bool {
	for _, k := range Routes() {
		if k == key {
			return true
		}
	}
	return false
}

// matchRoute finds the route of r. Segments match case-insensitively, as on
// the service (its own generated client writes "Machinecatalogs"); one
// trailing slash is ignored. params are the unescaped path parameters. An
// unknown path gets a 404 reply, a known path with another method a 405.
func matchRoute(r *http.Request) (route string, params []string, unmatched *reply) {
	segs, ok := splitPath(r.URL.EscapedPath())
	if !ok {
		return "", nil, notFoundPath(r)
	}
	// methods maps each method the path allows to its route key.
	var methods map[string]string
	is := strings.EqualFold
	switch {
	case len(segs) == 4 && is(segs[0], "cctrustoauth2") && is(segs[2], "tokens") && is(segs[3], "clients"):
		methods, params = map[string]string{"POST": routeToken}, segs[1:2]
	case len(segs) < 3 || !is(segs[0], "cvad") || !is(segs[1], "manage"):
		return "", nil, notFoundPath(r)
	default:
		api := segs[2:]
		switch {
		case len(api) == 1 && is(api[0], "me"):
			methods = map[string]string{"GET": routeMe}
		case len(api) == 1 && is(api[0], "MachineCatalogs"):
			methods = map[string]string{"GET": routeListCatalogs, "POST": routeCreateCatalog}
		case len(api) == 2 && is(api[0], "MachineCatalogs"):
			methods = map[string]string{"GET": routeGetCatalog, "PATCH": routeUpdateCatalog, "DELETE": routeDeleteCatalog}
		case len(api) == 1 && is(api[0], "Jobs"):
			methods = map[string]string{"GET": routeListJobs}
		case len(api) == 2 && is(api[0], "Jobs"):
			methods = map[string]string{"GET": routeGetJob, "DELETE": routeDeleteJob}
		case len(api) == 3 && is(api[0], "Jobs") && is(api[2], "Results"):
			methods = map[string]string{"GET": routeJobResults}
		case len(api) == 3 && is(api[0], "Jobs") && is(api[2], "$cancel"):
			methods = map[string]string{"POST": routeCancelJob}
		default:
			return "", nil, notFoundPath(r)
		}
		if len(api) >= 2 {
			params = api[1:2]
		}
	}
	if key, ok := methods[r.Method]; ok {
		return key, params, nil
	}
	allow := make([]string, 0, len(methods))
	for _, m := range []string{"GET", "POST", "PATCH", "DELETE"} {
		if _, ok := methods[m]; ok {
			allow = append(allow, m)
		}
	}
	rp := errReply(http.StatusMethodNotAllowed, "methodNotAllowed", "The requested resource does not support http method '"+r.Method+"'.")
	rp.header = http.Header{"Allow": {strings.Join(allow, ", ")}}
	return "", nil, rp
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
