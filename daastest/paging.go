package daastest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// A pageFunc renders up to limit items (all when limit < 0) of a listing,
// after the position its caller decoded from the continuation token. more
// reports items left after the page; last is the UID of its last item.
type pageFunc func(limit int) (items []json.RawMessage, last int, more bool)

// pageQuery reads limit and continuationToken (of this kind of listing).
func pageQuery(q map[string][]string, kind string) (limit, after int, rp *reply) {
	limit = defaultLimit
	if v, ok := q["limit"]; ok && len(v) > 0 {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > maxLimit {
			return 0, 0, badRequest("outOfRange", fmt.Sprintf("limit must be between 1 and %d", maxLimit), "name", "limit", "value", v[0])
		}
		limit = n
	}
	if v, ok := q["continuationToken"]; ok && len(v) > 0 && v[0] != "" {
		n, ok := decodeToken(kind, v[0])
		if !ok {
			return 0, 0, badRequest("invalidString", "The continuation token is not valid", "name", "continuationToken", "value", v[0])
		}
		after = n
	}
	return limit, after, nil
}

// pageAfter is the pageFunc of a listing of all() (read when a page is
// rendered, in UID order) after the UID after, each item rendered by
// render.
func pageAfter[T identified](all func() []T, after int, render func(T) json.RawMessage) pageFunc {
	return func(limit int) ([]json.RawMessage, int, bool) {
		items := []json.RawMessage{}
		last := 0
		for _, x := range all() {
			_, uid, _ := x.ident()
			if uid <= after {
				continue
			}
			if limit >= 0 && len(items) == limit {
				return items, last, true
			}
			items = append(items, render(x))
			last = uid
		}
		return items, last, false
	}
}

// pagedReply answers one page of a list.
func pagedReply(kind string, page pageFunc, limit int) *reply {
	items, last, more := page(limit)
	out := collection{Items: items}
	if more {
		tok := encodeToken(kind, last)
		out.ContinuationToken = &tok
	}
	return jsonReply(http.StatusOK, out)
}

// listResults is the effect of an async list job: its results are one
// page — all the items, or limit (or WithResultPageSize) of them with the
// ContinuationToken of this list, which the caller passes back to the list
// (sync, or async for a new job), as Citrix's Terraform provider does.
func (s *Server) listResults(q url.Values, limit int, kind string, page pageFunc) func(*job) {
	pageSize := s.cfg.resultPage
	if q.Has("limit") && (pageSize == 0 || limit < pageSize) {
		pageSize = limit
	}
	if pageSize == 0 {
		pageSize = -1
	}
	return func(j *job) {
		items, last, more := page(pageSize)
		j.items, j.isList = items, true
		if more {
			j.next = encodeToken(kind, last)
		}
	}
}
