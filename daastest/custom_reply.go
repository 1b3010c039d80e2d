package daastest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/textproto"
	"slices"
)

// This file turns a registered route's answer ([Reply]) into the fake's
// reply.

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
