package daastest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"time"
)

// This file lets a test register routes of its own, for the API's
// operations the fake does not model: [Server.Handle] and [WithRoute].

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

// Reply is a registered route's answer.
//
// With Job set the fake starts that job and answers 202 Accepted with its
// Location, as the service does for async=true; Status and Body are then
// ignored. Otherwise it answers Status (200 when zero) with Body: nil for
// none, a []byte or json.RawMessage sent as it is, any other value encoded
// as JSON. Header adds response headers (a Content-Type there replaces
// the JSON one). A reply the fake cannot send (a Status outside 100..599, a
// Body that does not encode, an invalid Job) is answered with a 500 whose
// detail says what is wrong.
type Reply struct {
	// Status is the HTTP status; zero means 200.
	Status int
	// Body is the response body.
	Body any
	// Header holds extra response headers.
	Header http.Header
	// Job, when set, makes the answer a job.
	Job *JobSpec
}

// ErrorReply is a Reply with the service's error body, the one the fake's
// own routes send: {"type": ".../common/<kind>", "detail": detail,
// "parameters": [{"name", "value"}, ...]}, where params alternate name and
// value. kind is the error type, like "notFound", "missing",
// "invalidString" or "optimisticConcurrency". It panics when params has an
// odd length.
func ErrorReply(status int, kind, detail string, params ...string) Reply {
	if len(params)%2 != 0 {
		panic(fmt.Sprintf("daastest: ErrorReply: odd number of params %q (want name, value pairs)", params))
	}
	rp := errReply(status, kind, detail, params...)
	return Reply{Status: status, Body: json.RawMessage(rp.body)}
}

// JobSpec is a job a registered route starts (see [Reply]). It runs like the
// fake's own jobs: its duration comes from [WithJobDuration],
// [WithJobDurationFor] or [WithJobDurationFunc], its progress from
// [WithProgress], its end from [Server.NextJob] and [Server.JobsMatching]
// (matched by Type), on service time ([WithTimeScale], [Server.Advance],
// testing/synctest); [Server.CancelJob] and $cancel cancel it.
//
// When it completes (Complete or CompleteWithWarning), OnComplete runs,
// then GET /Jobs/{id}/Results answers 200 with Result, or 303 to
// ResultPath (also its ResultLocation), or, with neither, 200 with the
// JSON null. A job that ends Failed or Canceled runs no OnComplete and has
// no results (409), as the fake's own jobs.
type JobSpec struct {
	// Type is the JobType. Pick one of the JobType enum of the API's
	// specification ("CreateZone", "DeleteZone", ...); "" is "Unknown".
	Type string
	// Parameters are the job's Parameters.
	Parameters []NameValue
	// SubJobs are the types of the job's sub jobs, which share its
	// duration; none when empty.
	SubJobs []string
	// Result is the body of the job's results, encoded as JSON when the
	// job starts ([]byte and json.RawMessage are sent as they are).
	Result any
	// ResultPath is the path the results redirect to: under the API root
	// ("/Zones/1f2e...") or from the origin ("/cvad/manage/Zones/1f2e...").
	// At most one of Result and ResultPath may be set.
	ResultPath string
	// OnComplete, when set, is the job's effect: it runs once, when the job
	// completes, with the server's lock held, so it must not call the
	// Server. An error fails the job instead: a *[JobFailure] gives its
	// ErrorCode and ErrorString, any other error ErrorCode "UnknownError"
	// and its text.
	OnComplete func() error
}

// JobFailure fails a job whose [JobSpec.OnComplete] returns it, with this
// ErrorCode and ErrorString.
type JobFailure struct {
	// Code is the job's ErrorCode, like "DuplicateObject".
	Code string
	// Message is the job's ErrorString.
	Message string
}

// Error returns the code and the message.
func (f *JobFailure) Error() string { return f.Code + ": " + f.Message }

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
// built-in routes. Requests to a registered route need Citrix-InstanceId,
// like every route but GET /me.
//
// Routes may be registered at any time, also while requests are served;
// a request sees the routes registered before it arrived. Handle panics
// when the pattern is malformed, h is nil, or the route exists already (the
// same method and pattern, whatever the parameter names and the case of
// the literals), like http.ServeMux: a built-in route cannot be replaced by
// accident.
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
	for _, old := range s.routes {
		if old.method == rt.method && samePattern(old.pattern, rt.pattern) {
			panic(fmt.Sprintf("daastest: %s(%q): the route exists already as %q", method, key, old.key))
		}
	}
	if rt.key == routeToken {
		panic(fmt.Sprintf("daastest: %s(%q): the key is the token endpoint's", method, key))
	}
	rt.handler = h
	s.routes = append(slices.Clip(s.routes), rt)
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

// userReply turns a handler's sync Reply into the fake's reply.
func userReply(key string, out Reply) *reply {
	status := out.Status
	if status == 0 {
		status = http.StatusOK
	}
	if status < 100 || status > 599 {
		return misuse(key, fmt.Sprintf("status %d outside 100..599", out.Status))
	}
	rp := &reply{status: status}
	if out.Body != nil {
		b, err := encodeBody(out.Body)
		if err != nil {
			return misuse(key, "encoding the reply body: "+err.Error())
		}
		rp.body = b
	}
	for k, v := range out.Header {
		k = textproto.CanonicalMIMEHeaderKey(k)
		if k == "Content-Type" && len(v) > 0 {
			rp.contentType = v[0]
			continue
		}
		if rp.header == nil {
			rp.header = http.Header{}
		}
		rp.header[k] = slices.Clone(v)
	}
	return rp
}

// startUserJob starts the job a handler asked for and returns the 202.
func (s *Server) startUserJob(c caller, key string, spec *JobSpec) *reply {
	var result []byte
	if spec.Result != nil {
		if spec.ResultPath != "" {
			return misuse(key, "a JobSpec has Result or ResultPath, not both")
		}
		b, err := encodeBody(spec.Result)
		if err != nil {
			return misuse(key, "encoding the job's Result: "+err.Error())
		}
		result = b
	}
	redirect := spec.ResultPath
	if redirect != "" {
		if !strings.HasPrefix(redirect, "/") || strings.HasPrefix(redirect, "//") {
			return misuse(key, fmt.Sprintf("ResultPath %q is not a path (want /Zones/{id} or /cvad/manage/Zones/{id})", redirect))
		}
		if p := strings.ToLower(redirect); p != apiRoot && !strings.HasPrefix(p, apiRoot+"/") && !strings.HasPrefix(p, apiRoot+"?") {
			redirect = apiRoot + redirect
		}
	}
	if result == nil && redirect == "" {
		result = []byte("null")
	}
	onComplete := spec.OnComplete
	typ := spec.Type
	if typ == "" {
		typ = "Unknown"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advanceLocked()
	return s.startJob(c, now, jobSpec{
		typ:      typ,
		params:   slices.Clone(spec.Parameters),
		subTypes: slices.Clone(spec.SubJobs),
		apply: func(j *job) {
			if onComplete != nil {
				if err := onComplete(); err != nil {
					code, msg := "UnknownError", err.Error()
					if f := (*JobFailure)(nil); errors.As(err, &f) {
						code, msg = f.Code, f.Message
					}
					j.fail(code, msg)
					return
				}
			}
			j.single, j.redirect = result, redirect
		},
	})
}

// encodeBody encodes a reply body: bytes as they are, anything else as
// JSON.
func encodeBody(v any) ([]byte, error) {
	switch b := v.(type) {
	case []byte:
		return b, nil
	case json.RawMessage:
		return b, nil
	}
	return json.Marshal(v)
}

// misuse is the 500 for a reply the fake cannot send: a bug in the test's
// handler, told in the detail.
func misuse(key, problem string) *reply {
	return errReply(http.StatusInternalServerError, "internalServerError", "daastest: handler of "+key+": "+problem, "route", key)
}
