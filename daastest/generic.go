package daastest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// This file is the generic resource model: it serves every operation of
// the spec the fake does not model by hand. Resources live in collections
// keyed by their collection's path (lower case, parameters as sent), so a
// sub-resource (/Hypervisors/h1/ResourcePools) has a collection of its own.

// genericItem is one resource of the generic model: its properties as JSON,
// with the Id and Name it is found by.
type genericItem struct {
	uid   int // creation order, for paging
	id    string
	name  string
	props map[string]json.RawMessage
}

func (it *genericItem) ident() (string, int, string) { return it.id, it.uid, it.name }

// genericCollection is the resources under one collection path, in
// creation order.
type genericCollection struct {
	items []*genericItem
}

// find returns the item named or identified by nameOrID (in any case), or
// -1.
func (g *genericCollection) find(nameOrID string) int {
	for i, it := range g.items {
		if strings.EqualFold(it.id, nameOrID) || strings.EqualFold(it.name, nameOrID) {
			return i
		}
	}
	return -1
}

// genericResult is what a generic operation did: the status and body of a
// synchronous answer, or, for a job, its result.
type genericResult struct {
	status int
	body   []byte            // nil: no body
	items  []json.RawMessage // an unpaged list's items
	list   bool
	// page renders the pages of a paged list (body is then the page the
	// request asked for).
	page pageFunc
	path string // the resource's path, when the operation made or read one
	// created is the id of the resource a create made, under the request's
	// path.
	created string
}

// serveGeneric serves one operation of the generic model, sync or async.
// Callers hold s.mu.
func (s *Server) serveGeneric(op *specOp, c *call) *reply {
	async, _ := queryBool(c.query, "async") // checked by checkParams
	async = async && op.Async
	if !async {
		res, rp := s.genericEffect(op, c, c.now)
		if rp != nil {
			return rp
		}
		rp = &reply{status: res.status, body: res.body}
		if res.status == http.StatusCreated && res.created != "" {
			rp.header = http.Header{"Location": {c.caller.origin + strings.TrimSuffix(c.r.URL.EscapedPath(), "/") + "/" + escapeSegment(res.created)}}
		}
		return rp
	}
	kind := genericKind(op, c)
	limit, _, rp := pageQuery(c.query, kind)
	if rp != nil && op.Response == respPage {
		return rp
	}
	typ := "Unknown" // the spec's JobType for a job its description does not type
	if len(op.JobTypes) > 0 {
		typ = op.JobTypes[0]
	}
	return s.startJob(c.caller, c.now, jobSpec{
		typ: typ,
		apply: func(j *job) {
			res, rp := s.genericEffect(op, c, j.end)
			if rp != nil {
				var e commonError
				_ = json.Unmarshal(rp.body, &e)
				j.fail("ObjectNotFound", e.Detail)
				return
			}
			switch {
			case op.Redirect != "" && !strings.EqualFold(op.Redirect, "/Jobs/{id}/Results"):
				j.redirect = apiRoot + s.redirectPath(op, c, res)
			case res.list && op.Response == respArray:
				j.single = marshal(res.items) // the operation's own answer: an array
			case res.page != nil:
				s.listResults(c.query, limit, kind, res.page)(j)
			case res.list:
				j.items, j.isList = res.items, true
			case res.body != nil:
				j.single = res.body
			case res.path != "":
				j.redirect = apiRoot + res.path
			}
		},
	})
}

// redirectPath fills the redirect template of op: its last parameter with
// the id of the resource the job made or read, the others by name from the
// request's path.
func (s *Server) redirectPath(op *specOp, c *call, res genericResult) string {
	args := map[string]string{}
	i := 0
	for _, seg := range strings.Split(strings.Trim(op.Path, "/"), "/") {
		if isParam(seg) && i < len(c.args) {
			args[strings.ToLower(seg)] = c.args[i]
			i++
		}
	}
	id := res.path[strings.LastIndexByte(res.path, '/')+1:]
	segs := strings.Split(strings.Trim(op.Redirect, "/"), "/")
	var out strings.Builder
	for k, seg := range segs {
		out.WriteByte('/')
		v, ok := args[strings.ToLower(seg)]
		switch {
		case !isParam(seg):
			out.WriteString(seg)
		case ok && (k < len(segs)-1 || id == ""):
			out.WriteString(escapeSegment(v))
		default: // the resource's own segment: its id, which a rename keeps
			out.WriteString(escapeSegment(id))
		}
	}
	return out.String()
}

// escapeSegment escapes one path segment for a Location.
func escapeSegment(v string) string {
	return strings.ReplaceAll(strings.ReplaceAll(v, "%", "%25"), "/", "%2F")
}

// genericKind is the continuation-token kind of a listing: its collection.
func genericKind(op *specOp, c *call) string {
	return "generic" + collectionKey(op, c, len(strings.Split(strings.Trim(op.Path, "/"), "/")))
}

// collectionKey is the lower-cased concrete path of the first n segments
// of op's path, parameters filled from the request.
func collectionKey(op *specOp, c *call, n int) string {
	var b strings.Builder
	i := 0
	for k, seg := range strings.Split(strings.Trim(op.Path, "/"), "/") {
		if k >= n {
			break
		}
		b.WriteByte('/')
		if isParam(seg) {
			seg = escapeSegment(c.args[i])
			i++
		}
		b.WriteString(strings.ToLower(seg))
	}
	return b.String()
}

// genericEffect does what op does to the generic model, at time now.
// Callers hold s.mu.
func (s *Server) genericEffect(op *specOp, c *call, now time.Time) (genericResult, *reply) {
	segs := strings.Split(strings.Trim(op.Path, "/"), "/")
	last := segs[len(segs)-1]
	switch {
	case strings.HasPrefix(last, "$"), op.Method == http.MethodPost && isParam(last):
		return s.genericAction(op, c, now), nil
	case isParam(last):
		return s.genericItemOp(op, c, now)
	}
	key := collectionKey(op, c, len(segs))
	switch op.Method {
	case http.MethodGet, http.MethodHead:
		return s.genericList(op, c, key)
	case http.MethodPost:
		if op.Response == respPage || op.Response == respArray {
			return s.genericAction(op, c, now), nil // a search: it makes nothing
		}
		return s.genericCreate(op, c, key, now), nil
	}
	return s.genericAction(op, c, now), nil
}

// genericAction accepts an action ($name, or another operation that names
// no resource): its answer is the response model, filled.
func (s *Server) genericAction(op *specOp, c *call, now time.Time) genericResult {
	res := genericResult{status: successStatus(op)}
	switch op.Response {
	case respObject, respValue:
		res.body = s.answer(op, s.newGenericItem(nil), now)
	case respPage:
		res.body, res.items, res.list = marshal(collection{Items: []json.RawMessage{}}), []json.RawMessage{}, true
	case respArray:
		res.body, res.items, res.list = []byte("[]\n"), []json.RawMessage{}, true
	}
	return res
}

// genericList answers a GET of a collection path: a page of its resources
// (limit, continuationToken), all of them as an array, or one object.
func (s *Server) genericList(op *specOp, c *call, key string) (genericResult, *reply) {
	coll := s.generic[key]
	var all []*genericItem
	if coll != nil {
		all = coll.items
	}
	switch op.Response {
	case respPage:
		kind := genericKind(op, c)
		limit, after, rp := pageQuery(c.query, kind)
		if rp != nil {
			return genericResult{}, rp
		}
		page := pageAfter(func() []*genericItem { return all }, after,
			func(it *genericItem) json.RawMessage { return listItem(op, it, c.now) })
		return genericResult{status: http.StatusOK, body: pagedReply(kind, page, limit).body, list: true, page: page}, nil
	case respArray:
		items := []json.RawMessage{}
		for _, it := range all {
			items = append(items, listItem(op, it, c.now))
		}
		return genericResult{status: http.StatusOK, body: marshal(items), items: items, list: true}, nil
	}
	return s.genericAction(op, c, c.now), nil
}

// genericCreate adds a resource to a collection from the request body, its
// id and name given or made, the answer's required properties filled.
func (s *Server) genericCreate(op *specOp, c *call, key string, now time.Time) genericResult {
	var body map[string]json.RawMessage
	_ = json.Unmarshal(c.body, &body) // not an object: nothing to keep
	it := s.newGenericItem(body)
	coll := s.generic[key]
	if coll == nil {
		coll = &genericCollection{}
		s.generic[key] = coll
	}
	coll.items = append(coll.items, it)
	return genericResult{status: successStatus(op), path: key + "/" + escapeSegment(it.id), created: it.id, body: s.answer(op, it, now)}
}

// genericItemOp serves GET, PATCH, PUT and DELETE of one resource, found
// by name or id.
func (s *Server) genericItemOp(op *specOp, c *call, now time.Time) (genericResult, *reply) {
	segs := strings.Split(strings.Trim(op.Path, "/"), "/")
	key := collectionKey(op, c, len(segs)-1)
	nameOrID := c.args[len(c.args)-1]
	coll := s.generic[key]
	i := -1
	if coll != nil {
		i = coll.find(nameOrID)
	}
	res := genericResult{status: successStatus(op)}
	if i < 0 {
		if op.Method != http.MethodPut {
			return res, notFound(entityOf(key), nameOrID)
		}
		if coll == nil {
			coll = &genericCollection{}
			s.generic[key] = coll
		}
		it := s.newGenericItem(map[string]json.RawMessage{"Id": marshal(nameOrID)})
		coll.items = append(coll.items, it)
		i = len(coll.items) - 1
	}
	it := coll.items[i]
	res.path = key + "/" + escapeSegment(it.id)
	switch op.Method {
	case http.MethodDelete:
		coll.items = append(coll.items[:i:i], coll.items[i+1:]...)
		return res, nil
	case http.MethodPatch, http.MethodPut:
		var patch map[string]json.RawMessage
		_ = json.Unmarshal(c.body, &patch)
		for k, v := range patch {
			if k == "Id" || k == "Uid" || isCredential(k) {
				continue // a resource keeps its id; a credential is not kept
			}
			it.props[k] = v
			if k == "Name" {
				_ = json.Unmarshal(v, &it.name)
			}
		}
	}
	res.body = s.answer(op, it, now)
	return res, nil
}

// entityOf names the resource type of a collection for a 404: its last
// literal segment.
func entityOf(key string) string {
	return key[strings.LastIndexByte(key, '/')+1:]
}

// newGenericItem makes a resource from a request body's properties, kept
// as sent but for credentials, which are never stored: its Id (a new UUID unless given) and Name (given, else
// "name-<n>") are what it is found by. Its answers are built from them by
// the operation's response model (genericanswer.go).
func (s *Server) newGenericItem(body map[string]json.RawMessage) *genericItem {
	s.genericSeq++
	it := &genericItem{uid: s.genericSeq, props: map[string]json.RawMessage{}}
	for k, v := range body {
		if !isCredential(k) {
			it.props[k] = v
		}
	}
	if raw, ok := lookupFold(it.props, "Id"); !ok || json.Unmarshal(raw, &it.id) != nil || it.id == "" {
		it.id = s.newUUID()
	}
	if raw, ok := lookupFold(it.props, "Name"); !ok || json.Unmarshal(raw, &it.name) != nil || it.name == "" {
		it.name = fmt.Sprintf("name-%d", it.uid)
	}
	return it
}
