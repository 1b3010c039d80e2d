package conformance

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// libraryOp is one row of docs/operations.md: an operation and the typed
// method of this library that calls it.
type libraryOp struct {
	service, method, async string // Client field, method, its Async form ("" when none)
	httpMethod, route, id  string // "GET", "/MachineCatalogs/{nameOrId}", the spec's operation id
}

// libraryOperations reads the operation → method table the generator
// writes (docs/operations.md), so that this test finds every method without
// a list of its own.
func libraryOperations(t *testing.T) []libraryOp {
	t.Helper()
	f, err := os.Open("../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ops []libraryOp
	service := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if s, ok := strings.CutPrefix(line, "## "); ok {
			service = strings.TrimSpace(s)
			continue
		}
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 7 {
			t.Fatalf("docs/operations.md: a row of %d cells: %s", len(cells), line)
		}
		cell := func(i int) string { return strings.Trim(strings.TrimSpace(cells[i]), "`") }
		httpMethod, route, _ := strings.Cut(cell(5), " ")
		ops = append(ops, libraryOp{service, cell(0), cell(2), httpMethod, route, cell(6)})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ops
}

// sampleName is the name and id of everything this test creates and
// names: a create and a later read of the same route meet on it.
const sampleName = "conf"

// sample is a JSON value for a schema: every required property, and Name,
// filled with a plain value of its type (enums take their first value).
func sample(s *openapi3.Schema, depth int) any {
	if s == nil || depth > 6 {
		return nil
	}
	if len(s.AllOf) > 0 {
		merged := map[string]any{}
		for _, m := range s.AllOf {
			if v, ok := sample(m.Value, depth+1).(map[string]any); ok {
				for k, x := range v {
					merged[k] = x
				}
			}
		}
		return merged
	}
	if len(s.OneOf) > 0 {
		return sample(s.OneOf[0].Value, depth+1)
	}
	if len(s.Enum) > 0 {
		return s.Enum[0]
	}
	switch {
	case s.Type.Is("object") || len(s.Properties) > 0:
		v := map[string]any{}
		for _, name := range s.Required {
			if p := s.Properties[name]; p != nil {
				v[name] = sample(p.Value, depth+1)
			}
		}
		if p := s.Properties["Name"]; p != nil && p.Value.Type.Is("string") {
			v["Name"] = sampleName
		}
		if depth == 0 && len(v) == 0 && len(s.Properties) > 0 {
			// An update must change something: set the first property.
			names := slices.Sorted(maps.Keys(s.Properties))
			v[names[0]] = sample(s.Properties[names[0]].Value, depth+1)
		}
		return v
	case s.Type.Is("array"):
		if s.MinItems > 0 && s.Items != nil {
			return []any{sample(s.Items.Value, depth+1)}
		}
		return []any{}
	case s.Type.Is("string"):
		if s.Format == "date-time" {
			return "2026-01-01T00:00:00Z"
		}
		return sampleName
	case s.Type.Is("integer"), s.Type.Is("number"):
		if s.Min != nil && *s.Min > 1 {
			return int(*s.Min)
		}
		return 1
	case s.Type.Is("boolean"):
		return false
	}
	return nil
}

// requiredBeyondSpec are request properties the service cannot do without
// that the spec's request model leaves optional, by operation id: a defect
// of the spec the samples make up for.
var requiredBeyondSpec = map[string][]string{
	// An image update names the new image, by MasterImagePath or by an
	// image version (AssignImageVersionToProvisioningScheme); the model
	// marks neither required, and an update with neither is refused. The
	// sample names a path: an image version would have to exist first.
	"MachineCatalogs_UpdateMachineCatalogProvisioningScheme": {"MasterImagePath"},
}

// requestSchema is the schema of an operation's JSON body, nil for none.
func requestSchema(op *openapi3.Operation) *openapi3.Schema {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	for _, mt := range []string{"application/json", "application/*+json", "text/json"} {
		if m := op.RequestBody.Value.Content.Get(mt); m != nil && m.Schema != nil {
			s := m.Schema.Value
			if more := requiredBeyondSpec[op.OperationID]; len(more) > 0 && s != nil {
				c := *s
				c.Required = append(slices.Clone(s.Required), more...)
				s = &c
			}
			return s
		}
	}
	return nil
}

// resultSchema is the schema of the operation's own JSON answer, which
// is what its job's Results hold when they do not redirect.
func resultSchema(op *openapi3.Operation) *openapi3.Schema {
	for _, code := range []int{200, 201} {
		r := op.Responses.Status(code)
		if r == nil || r.Value == nil {
			continue
		}
		if m := r.Value.Content.Get("application/json"); m != nil && m.Schema != nil {
			return m.Schema.Value // a component's or one declared inline
		}
	}
	return nil
}

// argument makes the value of one parameter of a typed method: a path
// segment or required query parameter, or the request body built from the
// spec's schema and decoded into the method's request type. A slice of
// strings is a query parameter, never the body.
func argument(typ reflect.Type, body *openapi3.Schema) (reflect.Value, error) {
	if typ.Kind() == reflect.Slice && typ.Elem().Kind() == reflect.String {
		body = nil
	}
	return sampleOf(typ, body)
}

// sampleOf is a sample value of a Go type, of this library's or of
// Citrix's client: plain values for plain types, else the spec's sample
// JSON for schema decoded into it (a zero value without a schema).
func sampleOf(typ reflect.Type, schema *openapi3.Schema) (reflect.Value, error) {
	switch typ.Kind() {
	case reflect.String:
		return reflect.ValueOf(sampleName).Convert(typ), nil
	case reflect.Int, reflect.Int32, reflect.Int64:
		return reflect.ValueOf(1).Convert(typ), nil
	case reflect.Bool:
		return reflect.Zero(typ), nil
	}
	v := reflect.New(typ)
	var doc any
	if schema != nil {
		doc = sample(schema, 0)
	} else if typ.Kind() == reflect.Slice && typ.Elem().Kind() == reflect.String {
		doc = []string{sampleName}
	}
	if doc != nil {
		b, err := json.Marshal(doc)
		if err != nil {
			return reflect.Value{}, err
		}
		if err := json.Unmarshal(b, v.Interface()); err != nil {
			return reflect.Value{}, fmt.Errorf("the spec's sample does not decode into %v: %w", typ, err)
		}
	}
	return v.Elem(), nil
}

var contextType = reflect.TypeFor[context.Context]()

// callTyped calls client.<service>.<method> with sample arguments; when the
// method returns a job it waits for it. It returns the call's error.
func callTyped(ctx context.Context, client *daas.Client, service, method string, body *openapi3.Schema) error {
	svc := reflect.ValueOf(client).Elem().FieldByName(service)
	if !svc.IsValid() {
		return fmt.Errorf("no service Client.%s", service)
	}
	m := svc.MethodByName(method)
	if !m.IsValid() {
		return fmt.Errorf("no method %s.%s", service, method)
	}
	mt := m.Type()
	args := []reflect.Value{}
	for i := range mt.NumIn() {
		in := mt.In(i)
		switch {
		case in == contextType:
			args = append(args, reflect.ValueOf(ctx))
		case mt.IsVariadic() && i == mt.NumIn()-1:
			// no options
		default:
			a, err := argument(in, body)
			if err != nil {
				return err
			}
			args = append(args, a)
		}
	}
	out := m.Call(args)
	if seq := out[0]; seq.Kind() == reflect.Func {
		return firstOf(seq) // an iter.Seq2 runs when ranged over
	}
	if err, _ := out[len(out)-1].Interface().(error); err != nil || len(out) < 2 {
		return err
	}
	job := out[0]
	wait := job.MethodByName("Wait")
	if job.Kind() != reflect.Pointer || job.IsNil() || !wait.IsValid() || !strings.HasPrefix(job.Type().Elem().Name(), "Job[") {
		return nil
	}
	res := wait.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(daas.PollInterval(time.Millisecond, 5*time.Millisecond))})
	err, _ := res[len(res)-1].Interface().(error)
	return err
}

// firstOf takes the first item of an iter.Seq2[T, error] and returns its
// error.
func firstOf(seq reflect.Value) error {
	var err error
	yieldType := seq.Type().In(0)
	yield := reflect.MakeFunc(yieldType, func(args []reflect.Value) []reflect.Value {
		err, _ = args[1].Interface().(error)
		return []reflect.Value{reflect.ValueOf(false)}
	})
	seq.Call([]reflect.Value{yield})
	return err
}

// byLifecycle orders operations so that each resource is created before it
// is read, changed or acted on, and deleted last.
func byLifecycle(ops []libraryOp) {
	rank := func(o libraryOp) int {
		switch {
		case o.httpMethod == "POST" && !strings.Contains(o.route, "$"):
			return 0
		case o.httpMethod == "DELETE":
			return 2
		}
		return 1
	}
	sort.SliceStable(ops, func(i, j int) bool {
		if ri, rj := rank(ops[i]), rank(ops[j]); ri != rj {
			return ri < rj
		}
		return len(ops[i].route) < len(ops[j].route)
	})
}

// TestEveryOperationThroughTheLibrary calls every operation of the spec
// through this library's typed method (and its Async form, waiting for the
// job) against daastest in memory, and checks every answer against the
// spec: its status is one the operation lists and its body matches the
// response schema. It prints how many operations it drove.
func TestEveryOperationThroughTheLibrary(t *testing.T) {
	doc, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	ops := libraryOperations(t)
	byLifecycle(ops)

	s := daastest.NewServer(daastest.WithoutListener(), daastest.WithJobDuration(0), daastest.WithCatalogs(1))
	t.Cleanup(s.Close)
	rec := &recorder{doc: doc, next: s.Transport()}
	client := s.Client(daas.WithHTTPClient(&http.Client{
		Transport:     rec,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}), daas.WithRetryPolicy(daas.RetryPolicy{MaxRetries: 0, MinDelay: time.Millisecond, MaxDelay: time.Millisecond}))

	callErrs := map[string]error{}
	driven := map[string]bool{}    // operation ids a request reached
	succeeded := map[string]bool{} // … and answered 2xx or 303
	statuses := map[string][]int{} // answers by operation id
	asyncSent := map[string]bool{} // … and its Async form sent async=true
	asyncWanted := 0
	for _, op := range ops {
		specOp := doc.Paths.Find(op.route)
		if specOp == nil || specOp.GetOperation(op.httpMethod) == nil {
			t.Errorf("%s: %s %s is not in the spec", op.id, op.httpMethod, op.route)
			continue
		}
		body := requestSchema(specOp.GetOperation(op.httpMethod))
		rec.expectResultSchema(resultSchema(specOp.GetOperation(op.httpMethod)))
		methods := []string{op.method}
		if op.async != "" {
			methods = append(methods, op.async)
			asyncWanted++
		}
		for _, m := range methods {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			err := callTyped(ctx, client, op.service, m, body)
			cancel()
			if err != nil && callErrs[op.id] == nil {
				callErrs[op.id] = err
			}
			if errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s.%s (%s): did not end: %v", op.service, m, op.id, err)
			}
			var ie *daas.InputError
			if errors.As(err, &ie) {
				t.Errorf("%s.%s (%s): refused its own sample call: %v", op.service, m, op.id, err)
			}
			seen, problems := rec.take()
			for _, p := range problems {
				t.Errorf("%s.%s (%s): %s", op.service, m, op.id, p)
			}
			for _, x := range seen {
				path, ok := strings.CutPrefix(x.path, apiPrefix)
				if !ok {
					continue
				}
				if o, _ := operation(doc, x.method, path); o != nil && o.OperationID == op.id {
					driven[op.id] = true
					statuses[op.id] = append(statuses[op.id], x.status)
					if x.status < 300 || x.status == http.StatusSeeOther {
						succeeded[op.id] = true
					}
					if m == op.async && strings.Contains(x.query, "async=true") {
						asyncSent[op.id] = true
					}
				}
			}
		}
	}
	var missing []string
	for _, op := range ops {
		if !driven[op.id] {
			missing = append(missing, fmt.Sprintf("%s.%s (%s): %v", op.service, op.method, op.id, callErrs[op.id]))
		}
	}
	for _, op := range ops {
		if op.async != "" && driven[op.id] && !asyncSent[op.id] {
			missing = append(missing, fmt.Sprintf("%s.%s (%s) with async=true: %v", op.service, op.async, op.id, callErrs[op.id]))
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Errorf("no request reached the operation of %s", m)
	}
	t.Logf("%d/%d operations driven through daas, %d of them answered with success; %d/%d async forms sent async=true",
		len(driven), len(ops), len(succeeded), len(asyncSent), asyncWanted)
	fmt.Printf("library: %d/%d operations driven, %d answered with success, %d/%d async\n",
		len(driven), len(ops), len(succeeded), len(asyncSent), asyncWanted)
	if testing.Verbose() {
		for _, op := range ops {
			if !succeeded[op.id] {
				t.Logf("no success: %s.%s (%s %s): %v: %v", op.service, op.method, op.httpMethod, op.route, statuses[op.id], callErrs[op.id])
			}
		}
	}
}
