package daas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// recorder is a transport that records each request and answers it with
// the status and body its answer function gives.
type recorder struct {
	mu     sync.Mutex
	reqs   []*http.Request
	bodies [][]byte
	answer func(*http.Request) (int, http.Header, []byte)
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.bodies = append(r.bodies, body)
	r.mu.Unlock()
	status, h, b := r.answer(req)
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "application/json")
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(b)), Request: req, ContentLength: int64(len(b))}, nil
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.reqs, r.bodies = nil, nil
	r.mu.Unlock()
}

// sample is a value of t with every field set, as deep as depth allows: the
// answer a response schema describes, built from its Go type.
func sample(t reflect.Type, depth int) reflect.Value {
	v := reflect.New(t).Elem()
	if t == reflect.TypeFor[json.RawMessage]() {
		v.SetBytes([]byte(`{"k":1}`))
		return v
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString("s")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1.5)
	case reflect.Slice:
		if depth > 0 {
			v = reflect.Append(reflect.MakeSlice(t, 0, 1), sample(t.Elem(), depth-1))
		}
	case reflect.Map:
		if depth > 0 && t.Key().Kind() == reflect.String {
			v = reflect.MakeMap(t)
			v.SetMapIndex(reflect.ValueOf("k").Convert(t.Key()), sample(t.Elem(), depth-1))
		}
	case reflect.Pointer:
		if depth > 0 {
			v.Set(sample(t.Elem(), depth-1).Addr())
		}
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() && depth > 0 {
				v.Field(i).Set(sample(t.Field(i).Type, depth-1))
			}
		}
	}
	return v
}

// wireValues is how a sample query argument goes on the wire.
func wireValues(v reflect.Value) []string {
	if v.Kind() == reflect.Slice {
		var out []string
		for i := range v.Len() {
			out = append(out, fmt.Sprint(v.Index(i).Interface()))
		}
		return out
	}
	return []string{fmt.Sprint(v.Interface())}
}

// wireCall is a generated method of an operation and its form.
type wireCall struct {
	name string
	kind string // page, all, listjob, sync, async
}

// wireCalls are the methods the generator writes for o (see
// internal/gen/services.go).
func wireCalls(o *opSpec) []wireCall {
	if o.Page {
		pg, al, lj := o.Method+"Page", o.Method, o.Method+"Async"
		if o.Method == "List" {
			pg, al, lj = "List", "All", "ListAsync"
		}
		calls := []wireCall{{pg, "page"}, {al, "all"}}
		if o.Async {
			calls = append(calls, wireCall{lj, "listjob"})
		}
		return calls
	}
	calls := []wireCall{{o.Method, "sync"}}
	if o.Async {
		calls = append(calls, wireCall{o.Method + "Async", "async"})
	}
	return calls
}

// successStatus is the status an answer of o with a body comes with.
func successStatus(o *opSpec) int {
	for _, s := range []int{200, 201, 204} {
		if slices.Contains(o.Statuses, s) {
			return s
		}
	}
	return 200
}

// TestGeneratedMethodsOnTheWire calls every generated method of every
// operation against a recording transport and checks what goes on the
// wire against the operation table: the method, the path with each
// argument escaped as one segment (a machine's "\" as "|"), the required
// and optional query parameters, an optional header, the body; an option
// the operation does not take is refused before anything is sent; and the
// answer, built from the response's Go type, decodes into the method's
// result as plain encoding/json decodes it. Hand-written methods (their
// signatures differ) are tested by their own tests.
func TestGeneratedMethodsOnTheWire(t *testing.T) {
	const base = "https://api.example.com/cvad/manage"
	rec := &recorder{}
	c := newTestClient(t, nil, WithBaseURL(base), WithHTTPClient(&http.Client{Transport: rec}))
	cv := reflect.ValueOf(c).Elem()
	ctx := context.Background()
	callOpts := reflect.TypeFor[[]CallOption]()
	generated, handWritten := 0, 0
	regexpPlaceholder := regexp.MustCompile(`\{([^}]+)\}`)
	for i := range operations {
		o := &operations[i]
		var pathNames []string
		for _, m := range regexpPlaceholder.FindAllStringSubmatch(o.Path, -1) {
			pathNames = append(pathNames, m[1])
		}
		var reqQuery []opParam
		var optQuery, optHeader *opParam
		for j, p := range o.Params {
			switch {
			case p.In == inQuery && p.Required:
				reqQuery = append(reqQuery, p)
			case p.In == inQuery && !clientParam(p.Name) && optQuery == nil:
				optQuery = &o.Params[j]
			case p.In == inHeader && !p.Required && !clientParam(p.Name) && optHeader == nil:
				optHeader = &o.Params[j]
			}
		}
		for _, wc := range wireCalls(o) {
			m := cv.FieldByName(o.Service).MethodByName(wc.name)
			mt := m.Type()
			nIn := 1 + len(pathNames) + len(reqQuery) + 1
			if o.Request != "" {
				nIn++
			}
			if mt.NumIn() != nIn || mt.In(nIn-1) != callOpts || !mt.IsVariadic() {
				handWritten++
				continue
			}
			generated++
			name := o.Service + "." + wc.name
			in := []reflect.Value{reflect.ValueOf(ctx)}
			wantPath := o.Path
			for _, p := range pathNames {
				arg := `DOM\a b/c`
				in = append(in, reflect.ValueOf(arg))
				if strings.HasPrefix(p, "machine") || strings.HasSuffix(strings.ToLower(strings.Split(o.Path, "{"+p+"}")[0]), "/machines/") {
					arg = `DOM|a b/c`
				}
				wantPath = strings.Replace(wantPath, "{"+p+"}", url.PathEscape(arg), 1)
			}
			wantQuery := url.Values{}
			for k, p := range reqQuery {
				v := sample(mt.In(1+len(pathNames)+k), 2)
				in = append(in, v)
				wantQuery[p.Name] = wireValues(v)
			}
			var body reflect.Value
			if o.Request != "" {
				body = sample(mt.In(nIn-2), 6)
				in = append(in, body)
			}
			var opts []CallOption
			if optQuery != nil {
				opts = append(opts, queryParam("Opt", optQuery.Name, []string{"q1"}))
				wantQuery[optQuery.Name] = []string{"q1"}
			}
			if optHeader != nil {
				opts = append(opts, headerParam("Hdr", optHeader.Name, "h1"))
			}
			if wc.kind == "async" || wc.kind == "listjob" {
				wantQuery.Set("async", "true")
			}

			// An option the operation does not take: refused, nothing sent.
			rec.reset()
			bad := append([]reflect.Value(nil), in...)
			bad = append(bad, reflect.ValueOf(queryParam("Bogus", "bogus", []string{"x"})))
			if err := callErr(wc.kind, m.Call(bad)); !errors.As(err, new(*InputError)) || !strings.Contains(err.Error(), name+": option Bogus does not apply") {
				t.Errorf("%s: a foreign option: err = %v", name, err)
			}
			if len(rec.reqs) != 0 {
				t.Errorf("%s: a foreign option sent %d requests", name, len(rec.reqs))
			}

			// The answer: a sample of the response type, a page of one, or
			// a job.
			var want reflect.Value
			rec.reset()
			rec.answer = func(*http.Request) (int, http.Header, []byte) {
				switch {
				case wc.kind == "async" || wc.kind == "listjob":
					return 202, http.Header{"Location": {base + "/Jobs/4c2f0a9e-1d3b-4f5a-9c8e-2b7d6e1f0a3c"}}, nil
				case o.Response == "":
					return successStatus(o), nil, nil
				}
				rt := mt.Out(0)
				if wc.kind == "all" {
					rt = rt.In(0).In(0) // iter.Seq2[T, error]: func(yield func(T, error) bool)
				} else if wc.kind == "page" {
					rt = rt.Elem().Field(0).Type.Elem()
				} else if rt.Kind() == reflect.Pointer {
					rt = rt.Elem()
				}
				b, err := json.Marshal(sample(rt, 6).Interface())
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				want = reflect.New(rt)
				if err := json.Unmarshal(b, want.Interface()); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				want = want.Elem()
				if wc.kind == "page" || wc.kind == "all" {
					b = []byte(`{"Items":[` + string(b) + `],"ContinuationToken":null}`)
				}
				return successStatus(o), nil, b
			}
			out := m.CallSlice(append(in, reflect.ValueOf(opts)))
			got, err := callResult(wc.kind, out)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if len(rec.reqs) != 1 {
				t.Errorf("%s: %d requests, want 1", name, len(rec.reqs))
				continue
			}
			req := rec.reqs[0]
			if req.Method != o.HTTPMethod {
				t.Errorf("%s: method %s, want %s", name, req.Method, o.HTTPMethod)
			}
			if p := strings.TrimPrefix(req.URL.EscapedPath(), "/cvad/manage"); p != wantPath {
				t.Errorf("%s: path %s, want %s", name, p, wantPath)
			}
			if q := req.URL.Query(); !reflect.DeepEqual(q, wantQuery) {
				t.Errorf("%s: query %v, want %v", name, q, wantQuery)
			}
			if optHeader != nil && req.Header.Get(optHeader.Name) != "h1" {
				t.Errorf("%s: header %s = %q, want h1", name, optHeader.Name, req.Header.Get(optHeader.Name))
			}
			if o.Request != "" {
				wantBody, _ := json.Marshal(body.Interface())
				if !jsonEqual(rec.bodies[0], wantBody) {
					t.Errorf("%s: body %s, want %s", name, rec.bodies[0], wantBody)
				}
			} else if len(rec.bodies[0]) != 0 {
				t.Errorf("%s: a body %s where the operation takes none", name, rec.bodies[0])
			}
			if want.IsValid() && !reflect.DeepEqual(got.Interface(), want.Interface()) {
				t.Errorf("%s: decoded %#v, want %#v", name, got.Interface(), want.Interface())
			}
		}
	}
	t.Logf("%d generated methods checked on the wire, %d hand-written left to their tests", generated, handWritten)
	if generated < 800 {
		t.Errorf("only %d generated methods", generated)
	}
}

// callErr is the error of a call of the given form, ranging over an
// iterator's first item.
func callErr(kind string, out []reflect.Value) error {
	_, err := callResult(kind, out)
	return err
}

// callResult is the result of a call of the given form: the value (the
// pointed-to value, a page's first item, an iterator's first), and the
// error.
func callResult(kind string, out []reflect.Value) (reflect.Value, error) {
	if kind == "all" {
		var v reflect.Value
		var err error
		yield := reflect.MakeFunc(out[0].Type().In(0), func(args []reflect.Value) []reflect.Value {
			v = args[0]
			if e := args[1].Interface(); e != nil {
				err = e.(error)
			}
			return []reflect.Value{reflect.ValueOf(false)}
		})
		out[0].Call([]reflect.Value{yield})
		return v, err
	}
	if e := out[len(out)-1].Interface(); e != nil {
		return reflect.Value{}, e.(error)
	}
	if len(out) == 1 {
		return reflect.Value{}, nil
	}
	v := out[0]
	switch kind {
	case "page":
		items := v.Elem().Field(0)
		if items.Len() != 1 {
			return v, fmt.Errorf("%d items, want 1", items.Len())
		}
		return items.Index(0), nil
	case "async", "listjob":
		return reflect.Value{}, nil
	}
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	return v, nil
}

// jsonEqual reports whether a and b are the same JSON value.
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
