package daastest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"
)

// This file holds what the families modelled by hand beside the catalogs,
// machines and delivery groups share: their state, their routes, running a
// change at once or as a job, and paging their lists. The families are
// hosting connections and resource pools (hypervisors.go,
// resourcepools.go), image definitions and versions (imagedefinitions.go,
// imageversions.go), sessions (sessions.go) and zones and admin folders
// (zones.go, adminfolders.go); each file's comment says what it models.

// handState is the state of the hand-modelled families. The server's
// config holds it (one per server, made by defaultConfig, so that the
// Server's own fields stay as they are); every access is under s.mu.
type handState struct {
	seeded      bool
	rng         *rand.Rand // ids of seeded sessions, a stream of their own
	nextUID     int
	hypervisors []*hypervisor
	images      []*imageDefinition
	sessions    []*session
	zones       map[*refModel]*zoneInfo // description and metadata of a zone
	folderMeta  map[*refModel][]NameValue
	failTests   map[string]string // FailConnectionTest: lower-cased name -> reason
	messages    []SessionMessage
	sessionSeed int // WithSessions
}

func newHandState() *handState {
	return &handState{zones: map[*refModel]*zoneInfo{}, folderMeta: map[*refModel][]NameValue{}, failTests: map[string]string{}}
}

// hand returns the state of the hand-modelled families, seeded on first
// use: NewServer's seedGroups calls it once the machines and groups are
// seeded. Callers hold s.mu (or own s, in NewServer).
func (s *Server) hand() *handState {
	h := s.cfg.hand
	if !h.seeded {
		h.seeded = true
		h.rng = rand.New(rand.NewPCG(uint64(s.cfg.seed), 5))
		s.seedSessions(h)
	}
	return h
}

// uid returns the next UID of a hand-modelled resource. Callers hold s.mu.
func (h *handState) uid() int {
	h.nextUID++
	return h.nextUID
}

// handRoutes are the routes of the hand-modelled families.
func handRoutes() []*route {
	return slices.Concat(hypervisorRoutes(), resourcePoolRoutes(), imageDefinitionRoutes(), imageVersionRoutes(),
		sessionRoutes(), zoneRoutes(), adminFolderRoutes())
}

// result is what a change did: the answer of a synchronous request, and
// what its job yields when it ran as one.
type result struct {
	status   int    // the synchronous answer's status
	body     any    // the synchronous answer's body (nil: none); the job's results unless redirect is set
	redirect string // the job's result: this path under the API root, answered with a 303
	failed   *failure
}

// failure is a change refused: the synchronous answer's status and error
// kind, and the job's error code (one of the spec's JobErrorCode values).
type failure struct {
	status int
	kind   string
	code   string
	detail string
	params []string
}

func (f *failure) reply() *reply { return errReply(f.status, f.kind, f.detail, f.params...) }

// notFoundFailure is a resource that is gone, for a change that finds it
// missing when its job ends.
func notFoundFailure(entity, id string) *failure {
	return &failure{status: http.StatusNotFound, kind: "notFound", code: "ObjectNotFound",
		detail: fmt.Sprintf("%s '%s' was not found", entity, id), params: []string{"entityType", entity, "id", id}}
}

// duplicateFailure is a second resource of the same name.
func duplicateFailure(entity, name string) *failure {
	return &failure{status: http.StatusConflict, kind: "duplicateObject", code: "DuplicateObject",
		detail: fmt.Sprintf("A %s named '%s' already exists.", entity, name), params: []string{"entityType", entity, "name", name}}
}

// perform does a change now (no async, or async=false) or as a job of
// spec's type (async=true) whose effect is the change, done when the job
// completes; a change that fails then fails the job with its code.
// Callers hold s.mu.
func (s *Server) perform(c *call, spec jobSpec, change func(at time.Time) result) *reply {
	async, rp := queryBool(c.query, "async")
	if rp != nil {
		return rp
	}
	if !async {
		r := change(c.now)
		var rp *reply
		switch {
		case r.failed != nil:
			return r.failed.reply()
		case r.body == nil || r.status == http.StatusNoContent:
			rp = emptyReply(r.status) // a 204's body is only its job's results
		default:
			rp = jsonReply(r.status, r.body)
		}
		if r.status == http.StatusCreated && r.redirect != "" {
			rp.header = withHeader(rp.header, "Location", c.caller.origin+apiRoot+r.redirect)
		}
		return rp
	}
	spec.apply = func(j *job) {
		r := change(j.end)
		switch {
		case r.failed != nil:
			j.fail(r.failed.code, r.failed.detail)
		case r.redirect != "":
			j.redirect = apiRoot + r.redirect
		case r.body != nil:
			j.single = marshal(r.body)
		}
	}
	return s.startJob(c.caller, c.now, spec)
}

// identified is a hand-modelled resource: an id, a UID and a name.
type identified interface {
	ident() (id string, uid int, name string)
}

// findIdentified returns the resource whose id or name (either compared
// case-insensitively) is nameOrID, or the zero T.
func findIdentified[T identified](xs []T, nameOrID string) T {
	for _, x := range xs {
		id, _, name := x.ident()
		if strings.EqualFold(id, nameOrID) || strings.EqualFold(name, nameOrID) {
			return x
		}
	}
	var zero T
	return zero
}

// listOrJob answers a list request: one page of all() (in UID order) by
// limit and continuationToken, each item rendered by render; with
// async=true a job of jobType whose results are the page, taken when it
// ends. (checkParams has refused an async that is not true or false, and
// async=true on a list the spec gives no async.)
func listOrJob[T identified](s *Server, c *call, kind, jobType string, all func() []T, render func(T) any) *reply {
	async, _ := queryBool(c.query, "async")
	limit, after, rp := pageQuery(c.query, kind)
	if rp != nil {
		return rp
	}
	page := pageAfter(all, after, func(x T) json.RawMessage { return marshal(render(x)) })
	if !async {
		return pagedReply(kind, page, limit)
	}
	return s.startJob(c.caller, c.now, jobSpec{typ: jobType, apply: s.listResults(c.query, limit, kind, page)})
}

// decodeIgnoring is decodeBody for a request model of which the fake
// models only some properties: the ignored ones are accepted and dropped.
func decodeIgnoring(body []byte, v any, ignored ...string) *reply {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) == nil && obj != nil {
		for _, k := range ignored {
			delete(obj, k)
		}
		body = marshal(obj)
	}
	return decodeBody(body, v)
}

// oneOf checks that v is one of an enum's values (case-insensitively, as
// the service parses them) and returns its canonical spelling; "" when v
// is empty and the property optional.
func oneOf(property, v string, required bool, values ...string) (string, *reply) {
	if v == "" && !required {
		return "", nil
	}
	for _, e := range values {
		if strings.EqualFold(e, v) {
			return e, nil
		}
	}
	if v == "" {
		return "", badRequest("missing", fmt.Sprintf("The %s property is required", property), "name", property)
	}
	return "", badRequest("invalidEnum", fmt.Sprintf("%s '%s' is not one of %s", property, v, strings.Join(values, ", ")),
		"name", property, "value", v)
}

// required refuses an empty required string property.
func required(property, v string) *reply {
	if strings.TrimSpace(v) == "" {
		return badRequest("missing", fmt.Sprintf("The %s property is required", property), "name", property)
	}
	return nil
}

// nextRefUID is the UID of a new zone or folder: one above the highest
// held, so that UIDs ascend in the order of creation (lists page by UID).
// Deleting the highest frees its UID for the next one.
func nextRefUID(refs map[string]*refModel) int {
	n := 0
	for _, r := range refs {
		n = max(n, r.UID)
	}
	return n + 1
}
