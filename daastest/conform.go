package daastest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strings"
)

// conform makes an answer of op what the spec says of its status: no body
// where the spec lists the status with none, a Location on a 201 (the
// resource made, by the Id of the answer), and an ETag where the spec
// declares one.
func conform(op *specOp, c *call, rp *reply) *reply {
	if rp == nil {
		return nil
	}
	if len(rp.body) > 0 && slices.Contains(op.Bare, rp.status) {
		rp.body = nil
	}
	if rp.status == http.StatusCreated && rp.header.Get("Location") == "" {
		var made struct{ Id string }
		if json.Unmarshal(rp.body, &made) == nil && made.Id != "" {
			rp.header = withHeader(rp.header, "Location", c.caller.origin+strings.TrimSuffix(c.r.URL.EscapedPath(), "/")+"/"+escapeSegment(made.Id))
		}
	}
	if op.ETag && rp.status/100 == 2 && rp.header.Get("ETag") == "" {
		h := fnv.New64a()
		_, _ = h.Write(rp.body)
		rp.header = withHeader(rp.header, "ETag", fmt.Sprintf("%q", fmt.Sprintf("%x", h.Sum64())))
	}
	return rp
}

// withHeader is h (a new one when nil) with name set to v.
func withHeader(h http.Header, name, v string) http.Header {
	if h == nil {
		h = http.Header{}
	}
	h.Set(name, v)
	return h
}
