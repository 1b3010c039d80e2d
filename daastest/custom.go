package daastest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// This file lets a test register routes of its own, which take the place of
// the fake's (by hand or generic): [Server.Handle] and [WithRoute].

// A RouteHandler answers the requests of a route registered with
// [Server.Handle] or [WithRoute]. It runs after the fake's checks (token,
// Citrix-CustomerId, Citrix-InstanceId, Accept, Content-Type, body size)
// and after any [Fault] on the route, without the server's lock: it may call
// the Server, and it must be safe for concurrent use, since concurrent
// requests call it concurrently. A panic in it is not recovered.
type RouteHandler func(c *Call) Reply

// Call is one checked request to a registered route, as its
// [RouteHandler] sees it.
type Call struct {
	// Route is the route key, like "POST /Zones" (see [Server.Handle]).
	Route string
	// Method is the request's method.
	Method string
	// Path is the unescaped path from the origin ("/cvad/manage/Zones").
	Path string
	// Query is the parsed query string.
	Query url.Values
	// Header is a copy of the request headers, credentials redacted as in
	// [Server.Requests].
	Header http.Header
	// Body is the request body; nil when there is none.
	Body []byte
	// ClientID is the API client the bearer token belongs to.
	ClientID string
	// SiteID is the request's Citrix-InstanceId.
	SiteID string
	// Time is the service time of the request (see [Server.Now]).
	Time time.Time

	params map[string]string
}

// PathValue returns the unescaped path segment that matched the pattern's
// {name} segment, or "" when the pattern has no such segment.
func (c *Call) PathValue(name string) string { return c.params[name] }

// Async reports whether the request asked to run as a job (async=true, in
// any case). A handler then usually answers with a [Reply] whose Job is set.
func (c *Call) Async() bool { return strings.EqualFold(c.Query.Get("async"), "true") }

// DecodeJSON decodes the request body into v. It fails on an empty body
// and on malformed JSON; answer such a request with [ErrorReply] and 400.
func (c *Call) DecodeJSON(v any) error {
	if len(c.Body) == 0 {
		return errors.New("daastest: the request has no body")
	}
	return json.Unmarshal(c.Body, v)
}

// Handle registers h for a route: a method, a space and a path pattern
// under /cvad/manage, with or without that prefix ("POST /Zones",
// "GET /cvad/manage/Zones/{nameOrId}"). A {name} segment matches any one
// path segment, whose value [Call.PathValue] returns; literal segments
// match in any case, as on the service, and where patterns overlap the one
// with a literal segment earliest wins (so "GET /Jobs/{id}/Results" beats
// "GET /Jobs/{id}/{x}").
//
// The route key, the method, a space and the pattern relative to
// /cvad/manage ("POST /Zones"), names the route in [Server.Count],
// [Stats.ByRoute], [Request.Route] and [Fault.Route]; [Routes] lists only the
// routes modelled by hand. Requests to a registered route need Citrix-InstanceId,
// like every route but GET /me.
//
// A registered route takes the place of the fake's own route of the same
// method and pattern (whatever the parameter names and the case of the
// literals), whether modelled by hand or by the generic model: a test's
// handler wins. Routes may be registered at any time, also while requests
// are served; a request sees the routes registered before it arrived.
// Handle panics when the pattern is malformed, h is nil, or a test
// registered the route already, like http.ServeMux.
func (s *Server) Handle(route string, h RouteHandler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handleLocked("Handle", route, h)
}

// WithRoute registers a route when the server starts, as [Server.Handle]
// does; NewServer panics as Handle does. It lets code that builds a server
// from options (such as the simulator, package daassim) add routes.
func WithRoute(route string, h RouteHandler) Option {
	return func(c *config) {
		c.userRoutes = append(c.userRoutes, userRoute{route, h})
	}
}

// userRoute is one WithRoute option.
type userRoute struct {
	key     string
	handler RouteHandler
}

// handleLocked checks and adds a registered route. The table is copied on
// write, so a request may go on matching against the table it read.
// Callers hold s.mu (or own s, in NewServer).
func (s *Server) handleLocked(method, key string, h RouteHandler) {
	rt, err := parseUserRoute(key)
	switch {
	case err != nil:
		panic(fmt.Sprintf("daastest: %s(%q): %v", method, key, err))
	case h == nil:
		panic(fmt.Sprintf("daastest: %s(%q): nil handler", method, key))
	}
	if rt.key == routeToken {
		panic(fmt.Sprintf("daastest: %s(%q): the key is the token endpoint's", method, key))
	}
	rt.handler = h
	table := slices.Clone(s.routes)
	for i, old := range table {
		if old.method != rt.method || !samePattern(old.pattern, rt.pattern) {
			continue
		}
		if old.handler != nil {
			panic(fmt.Sprintf("daastest: %s(%q): the route is registered already as %q", method, key, old.key))
		}
		// A route of the spec, modelled by hand or generic: the test's
		// handler takes its place.
		rt.siteless = old.siteless
		table[i] = rt
		s.routes = table
		return
	}
	s.routes = append(table, rt)
}

// parseUserRoute checks a route key given to Handle and returns its route,
// with the key in canonical form ("POST /Zones/{id}").
func parseUserRoute(key string) (*route, error) {
	method, path, ok := strings.Cut(key, " ")
	if !ok || method == "" || strings.TrimFunc(method, isMethodChar) != "" {
		return nil, errors.New(`want "METHOD /path", like "POST /Zones"`)
	}
	path = strings.TrimSuffix(path, "/")
	if !strings.HasPrefix(path, "/") {
		return nil, errors.New("the path must start with /")
	}
	if p := strings.ToLower(path); p == apiRoot || strings.HasPrefix(p, apiRoot+"/") {
		path = path[len(apiRoot):]
	}
	if path == "" {
		return nil, errors.New("no path under " + apiRoot)
	}
	segs := strings.Split(path[1:], "/")
	names := map[string]bool{}
	for _, seg := range segs {
		switch {
		case seg == "":
			return nil, errors.New("empty path segment")
		case isParam(seg):
			name := seg[1 : len(seg)-1]
			if strings.ContainsAny(name, "{}. ") {
				return nil, fmt.Errorf("bad parameter segment %q", seg)
			}
			if names[name] {
				return nil, fmt.Errorf("parameter {%s} appears twice", name)
			}
			names[name] = true
		case strings.ContainsAny(seg, "{}"):
			return nil, fmt.Errorf("bad segment %q: a parameter is a whole segment, like {id}", seg)
		}
	}
	return newRoute(method+" /"+strings.Join(segs, "/"), nil), nil
}

// isMethodChar reports whether r may appear in a method name given to
// Handle.
func isMethodChar(r rune) bool { return r >= 'A' && r <= 'Z' }

// samePattern reports whether two patterns match the same paths: the same
// literals (in any case) and parameters in the same places.
func samePattern(a, b []string) bool {
	return slices.EqualFunc(a, b, func(x, y string) bool {
		if isParam(x) || isParam(y) {
			return isParam(x) && isParam(y)
		}
		return strings.EqualFold(x, y)
	})
}

// routeTable returns the current route table. The slice is never changed
// in place ([Server.handleLocked] copies on write).
func (s *Server) routeTable() []*route {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.routes
}

// serveUser checks a request to a registered route and serves it: the
// handler runs without the lock; a job it asks for starts under it.
func (s *Server) serveUser(r *http.Request, rt *route, args []string, body []byte, tooLarge bool) *reply {
	s.mu.Lock()
	now := s.advanceLocked()
	c, rp := s.checkRequest(r, rt, now, len(body) > 0, tooLarge)
	s.mu.Unlock()
	if rp != nil {
		return rp
	}
	call := &Call{
		Route:    rt.key,
		Method:   r.Method,
		Path:     r.URL.Path,
		Query:    r.URL.Query(),
		Header:   redactHeader(r.Header),
		Body:     body,
		ClientID: c.clientID,
		SiteID:   c.site,
		Time:     now,
		params:   map[string]string{},
	}
	i := 0
	for _, seg := range rt.pattern {
		if isParam(seg) {
			call.params[seg[1:len(seg)-1]] = args[i]
			i++
		}
	}
	out := rt.handler(call)
	if out.Job != nil {
		return s.startUserJob(c, rt.key, out.Job)
	}
	return userReply(rt.key, out)
}
