package conformance

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// recorder is an http.RoundTripper between Citrix's client and the fake: it
// checks every API answer against the spec as it passes and keeps what it
// saw, so a step can assert on the requests too.
type recorder struct {
	next http.RoundTripper
	doc  *openapi3.T

	mu       sync.Mutex
	result   *openapi3.Schema // schema of the next GET /Jobs/{id}/Results body
	seen     []exchange
	problems []string
}

// exchange is one request and its answer.
type exchange struct {
	method, path, query string
	header              http.Header // request headers
	status              int
}

// expectResult names the schema the next Results bodies must match ("":
// none; a name the spec lacks fails the test that reads Results).
func (r *recorder) expectResult(name string) {
	var s *openapi3.Schema
	if name != "" {
		if s = schemaNamed(r.doc, name); s == nil {
			panic("no schema " + name + " in the spec")
		}
	}
	r.expectResultSchema(s)
}

// expectResultSchema is expectResult for a schema the spec may declare
// inline (a boolean, a list of strings).
func (r *recorder) expectResultSchema(s *openapi3.Schema) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.result = s
}

// take returns and forgets what was seen and the problems found.
func (r *recorder) take() (seen []exchange, problems []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen, problems = r.seen, r.problems
	r.seen, r.problems = nil, nil
	return seen, problems
}

// RoundTrip implements http.RoundTripper.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))

	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, exchange{req.Method, req.URL.Path, req.URL.RawQuery, req.Header.Clone(), resp.StatusCode})
	if path, ok := strings.CutPrefix(req.URL.Path, apiPrefix); ok {
		if err := checkAnswer(r.doc, req.Method, path, resp.StatusCode, resp.Header, body, r.result); err != nil {
			r.problems = append(r.problems, err.Error())
		}
	} else if !strings.Contains(req.URL.Path, "/tokens/") {
		r.problems = append(r.problems, fmt.Sprintf("%s %s: outside the API", req.Method, req.URL.Path))
	}
	return resp, nil
}
