package daastest_test

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/daaskit/daas/daastest"
)

// specPath fills every parameter of a path template with v.
func specPath(template, v string) string {
	segs := strings.Split(template, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = v
		}
	}
	return strings.Join(segs, "/")
}

// wellFormed is a request op takes: its required query parameters set, a
// body of its shape.
func wellFormed(f *fixture, op daastest.TestOp, path string) *http.Request {
	var q []string
	for _, name := range op.RequiredQuery() {
		q = append(q, name+"=1")
	}
	if len(q) > 0 {
		path += "?" + strings.Join(q, "&")
	}
	body := map[string]string{"": "", "object": "{}", "array": "[]", "any": "{}"}[op.BodyKind()]
	return f.request(op.Method, path, body)
}

// TestEveryOperationIsRouted sends one well-formed request per operation of
// the spec: each reaches its own route (by the request log), is neither a
// 404 of the path nor a 405, and answers a status the operation lists; the
// generic model answers each with a success.
func TestEveryOperationIsRouted(t *testing.T) {
	f := newFixture(t)
	ops := daastest.OpsOf(f.s)
	if len(ops) < 530 {
		t.Fatalf("%d operations routed, want every operation of the spec", len(ops))
	}
	generic := 0
	for _, op := range ops {
		path := specPath(op.Path, "w")
		if op.Generic {
			generic++
			if i := strings.LastIndexByte(path, '/'); strings.HasSuffix(op.Path, "}") {
				f.s.SeedGeneric(path[:i], "w")
			}
		}
		resp, body := f.do(wellFormed(f, op, path))
		log := f.s.Requests()
		rec := log[len(log)-1]
		method, pattern, _ := strings.Cut(rec.Route, " ")
		if method != op.Method || !strings.EqualFold(specPath(pattern, "w"), path) {
			t.Errorf("%s %s: routed to %q", op.Method, op.Path, rec.Route)
			continue
		}
		switch {
		case resp.StatusCode == http.StatusMethodNotAllowed:
			t.Errorf("%s %s: 405 %s", op.Method, op.Path, body)
		case !slices.Contains(op.Statuses, resp.StatusCode):
			t.Errorf("%s %s (%s): status %d is not one of %v; body %s", op.Method, op.Path, op.ID, resp.StatusCode, op.Statuses, body)
		case op.Generic && resp.StatusCode/100 != 2:
			t.Errorf("%s %s (%s): generic model answered %d %s", op.Method, op.Path, op.ID, resp.StatusCode, body)
		}
	}
	t.Logf("%d operations routed, %d of them by the generic model", len(ops), generic)
}

// findOp is the first operation that satisfies ok.
func findOp(t *testing.T, s *daastest.Server, ok func(daastest.TestOp) bool) daastest.TestOp {
	t.Helper()
	for _, op := range daastest.OpsOf(s) {
		if ok(op) {
			return op
		}
	}
	t.Fatal("no operation fits")
	return daastest.TestOp{}
}

// TestSpecRefusals: what the service refuses is refused with its error
// body and a status the operation lists.
func TestSpecRefusals(t *testing.T) {
	f := newFixture(t)
	byID := func(id string) daastest.TestOp {
		return findOp(t, f.s, func(op daastest.TestOp) bool { return op.ID == id })
	}
	refused := func(op daastest.TestOp, req *http.Request, status int, kind string) map[string]string {
		t.Helper()
		resp, body := f.do(req)
		if resp.StatusCode != status {
			t.Fatalf("%s %s: status %d, want %d; body %s", req.Method, req.URL, resp.StatusCode, status, body)
		}
		if op.ID != "" && !slices.Contains(op.Statuses, status) {
			t.Errorf("%s does not list %d", op.ID, status)
		}
		return errorBody(t, object(t, body), kind)
	}

	refused(daastest.TestOp{}, f.request("GET", "/Widgets", ""), http.StatusNotFound, "notFound")
	resp, _ := f.call("PUT", "/Tags/x", "{}")
	eq(t, "PUT /Tags/x", resp.StatusCode, http.StatusMethodNotAllowed)
	eq(t, "Allow", resp.Header.Get("Allow"), "GET, HEAD, PATCH, DELETE")

	op := findOp(t, f.s, func(op daastest.TestOp) bool { return op.Generic && len(op.RequiredQuery()) == 1 && op.Method == "GET" })
	p := refused(op, f.request("GET", specPath(op.Path, "w"), ""), http.StatusBadRequest, "missing")
	eq(t, "missing parameter", p["name"], op.RequiredQuery()[0])

	req := f.request("GET", "/Tags", "")
	req.Header.Del("Citrix-InstanceId")
	refused(byID("Tags_GetTags"), req, http.StatusBadRequest, "missing")

	p = refused(byID("Tags_GetTag"), f.request("GET", "/Tags/x?async=true", ""), http.StatusBadRequest, "invalidString")
	eq(t, "async refused", p["name"], "async")
	f.want(http.StatusNotFound, "GET", "/Tags/x?async=false", "") // false asks for nothing

	create := byID("Tags_CreateTag")
	for body, why := range map[string]string{
		"":                           "no body",
		"not json":                   "not JSON",
		`["Name"]`:                   "an array for an object",
		`{"Name": "a", "Bogus": 1}`:  "an unknown property",
		`{"Name": "a", "Scopes": [}`: "malformed",
	} {
		req := f.request("POST", "/Tags", body)
		if body == "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, b := f.do(req)
		if resp.StatusCode != http.StatusBadRequest || !slices.Contains(create.Statuses, resp.StatusCode) {
			t.Errorf("POST /Tags with %s: status %d; body %s", why, resp.StatusCode, b)
			continue
		}
		errorBody(t, object(t, b), "invalidJson")
	}
	p = refused(create, f.request("POST", "/Tags", `{"Name": "a", "Bogus": 1}`), http.StatusBadRequest, "invalidJson")
	eq(t, "unknown property", p["name"], "Bogus")
	f.want(http.StatusOK, "POST", "/Tags", `{"name": "a"}`) // properties match in any case
	if n := f.s.Stats().ByRoute["POST /Tags"]; n != 7 {
		t.Errorf("POST /Tags counted %d times, want 7", n)
	}
}

// TestAdminCredentialEveryOperation: each of the 27 operations that declare
// X-AdminCredential refuses a malformed one, before anything else, and
// takes a well-formed one.
func TestAdminCredentialEveryOperation(t *testing.T) {
	f := newFixture(t)
	good := "Basic " + base64.StdEncoding.EncodeToString([]byte(`DOMAIN\admin:secret`))
	n := 0
	for _, op := range daastest.OpsOf(f.s) {
		if !op.HasParam("X-AdminCredential") {
			continue
		}
		n++
		path := specPath(op.Path, "w")
		for _, bad := range []string{"secret", "Basic !!", "Basic " + base64.StdEncoding.EncodeToString([]byte("nocolon"))} {
			req := wellFormed(f, op, path)
			req.Header.Set("X-AdminCredential", bad)
			resp, body := f.do(req)
			if resp.StatusCode != http.StatusBadRequest || !slices.Contains(op.Statuses, resp.StatusCode) {
				t.Errorf("%s with X-AdminCredential %q: status %d, want 400", op.ID, bad, resp.StatusCode)
				continue
			}
			eq(t, op.ID+" error names", errorBody(t, object(t, body), "invalidString")["name"], "X-AdminCredential")
		}
		if op.Generic && strings.HasSuffix(op.Path, "}") {
			f.s.SeedGeneric(path[:strings.LastIndexByte(path, '/')], "w")
		}
		req := wellFormed(f, op, path)
		req.Header.Set("X-AdminCredential", good)
		resp, body := f.do(req)
		if resp.StatusCode == http.StatusBadRequest && strings.Contains(string(body), "X-AdminCredential") {
			t.Errorf("%s refused a well-formed X-AdminCredential: %s", op.ID, body)
		}
	}
	eq(t, "operations with X-AdminCredential", n, 27)
}
