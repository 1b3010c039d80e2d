package conformance

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"

	citrixclient "github.com/citrix/citrix-daas-rest-go/client"
)

// citrixExceptions are the operations Citrix's generated client cannot
// call, each with the reason.
var citrixExceptions = map[string]string{}

// citrixMethod finds the method of Citrix's client that starts an
// operation: the operation id without its underscore, on one of the
// APIClient's services ("MachineCatalogs_GetMachineCatalogs" →
// MachineCatalogsAPIsDAAS.MachineCatalogsGetMachineCatalogs).
func citrixMethod(api reflect.Value, id string) (reflect.Value, bool) {
	name := strings.ReplaceAll(id, "_", "")
	api = api.Elem()
	for i := range api.NumField() {
		f := api.Field(i)
		if !api.Type().Field(i).IsExported() || f.Kind() != reflect.Interface || f.IsNil() {
			continue
		}
		if m := f.MethodByName(name); m.IsValid() {
			return m, true
		}
	}
	return reflect.Value{}, false
}

// goName is the name Citrix's generator gives a parameter's setter:
// "limit" → Limit, "X-AdminCredential" → XAdminCredential.
func goName(param string) string {
	var b strings.Builder
	up := true
	for _, r := range param {
		if r == '-' || r == '_' || r == '$' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
		}
		b.WriteRune(r)
		up = false
	}
	return b.String()
}

// callCitrix calls one operation through Citrix's client: its method with
// the path parameters, AddRequestData (customer, site, user agent, as
// Citrix's Terraform provider does), every required query and header
// parameter, the sample body, and Execute. It returns Execute's error.
func callCitrix(ctx context.Context, e *env, op *openapi3.Operation, id string) error {
	m, ok := citrixMethod(reflect.ValueOf(e.api), id)
	if !ok {
		return fmt.Errorf("Citrix's client has no method for %s", id)
	}
	args := []reflect.Value{reflect.ValueOf(ctx)}
	var path []*openapi3.Parameter
	for _, p := range op.Parameters {
		if p.Value.In == "path" {
			path = append(path, p.Value)
		}
	}
	if m.Type().NumIn()-1 != len(path) {
		return fmt.Errorf("%s takes %d arguments; the spec has %d path parameters", id, m.Type().NumIn()-1, len(path))
	}
	for i := range path {
		a, err := sampleOf(m.Type().In(i+1), nil)
		if err != nil {
			return err
		}
		args = append(args, a)
	}
	req := reflect.ValueOf(citrixclient.AddRequestData[any](m.Call(args)[0].Interface(), e.cc))
	set := func(name string, v func(reflect.Type) (reflect.Value, error)) error {
		s := req.MethodByName(name)
		if !s.IsValid() {
			return fmt.Errorf("%s: no setter %s", id, name)
		}
		a, err := v(s.Type().In(0))
		if err != nil {
			return err
		}
		req = s.Call([]reflect.Value{a})[0]
		return nil
	}
	for _, p := range op.Parameters {
		if p.Value.In == "path" || !p.Value.Required || strings.HasPrefix(p.Value.Name, "Citrix-") {
			continue
		}
		var schema *openapi3.Schema
		if p.Value.Schema != nil {
			schema = p.Value.Schema.Value
		}
		sampleParam := func(t reflect.Type) (reflect.Value, error) {
			if v, err := sampleOf(t, schema); err == nil {
				return v, nil
			}
			return sampleOf(t, nil) // a type Citrix's generator chose over the spec's
		}
		if err := set(goName(p.Value.Name), sampleParam); err != nil {
			return err
		}
	}
	params := map[string]bool{}
	for _, p := range op.Parameters {
		params[goName(p.Value.Name)] = true
		params[goName(p.Value.Name)+"_"] = true // a Go keyword: Type_
	}
	if body := requestSchema(op); body != nil {
		setter := ""
		for i := range req.NumMethod() {
			mt := req.Type().Method(i)
			if mt.Type.NumIn() != 2 {
				continue
			}
			// The body's setter takes a model (a struct, or a slice of them),
			// or a slice that no parameter of the spec names.
			in := mt.Type.In(1)
			if in.Kind() == reflect.Struct || (in.Kind() == reflect.Slice && (in.Elem().Kind() == reflect.Struct || !params[mt.Name])) {
				setter = mt.Name
			}
		}
		if setter == "" {
			return fmt.Errorf("%s: no setter for the request body", id)
		}
		if err := set(setter, func(t reflect.Type) (reflect.Value, error) { return sampleOf(t, body) }); err != nil {
			return err
		}
	}
	out := req.MethodByName("Execute").Call(nil)
	err, _ := out[len(out)-1].Interface().(error)
	return err
}

// TestEveryOperationThroughCitrixClient calls every operation Citrix's
// generated client can call against daastest in memory and daas-sim over
// TCP, and checks every answer against the spec; the client decodes each.
// It prints how many operations it drove.
func TestEveryOperationThroughCitrixClient(t *testing.T) {
	doc, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	ops := libraryOperations(t)
	byLifecycle(ops)
	for name, newEnv := range map[string]func(*testing.T, *recorder) *env{"memory": newMemoryEnv, "simulator": newSimEnv} {
		t.Run(name, func(t *testing.T) {
			rec := &recorder{doc: doc}
			e := newEnv(t, rec)
			rec.take()
			driven, succeeded, skipped := 0, 0, 0
			for _, op := range ops {
				if why, ok := citrixExceptions[op.id]; ok {
					t.Logf("%s: not called: %s", op.id, why)
					skipped++
					continue
				}
				specOp := doc.Paths.Find(op.route).GetOperation(op.httpMethod)
				rec.expectResultSchema(resultSchema(specOp))
				err := callCitrix(t.Context(), e, specOp, op.id)
				seen, problems := rec.take()
				for _, p := range problems {
					t.Errorf("%s: %s", op.id, p)
				}
				reached, ok := false, false
				for _, x := range seen {
					path, in := strings.CutPrefix(x.path, apiPrefix)
					if o, _ := operation(doc, x.method, path); in && o != nil && o.OperationID == op.id {
						reached = true
						ok = ok || x.status < 300
					}
				}
				switch {
				case !reached:
					t.Errorf("%s: no request reached it: %v", op.id, err)
				case ok && err != nil:
					t.Errorf("%s: Citrix's client could not decode a success: %v", op.id, err)
				}
				if reached {
					driven++
				}
				if ok && err == nil {
					succeeded++
				}
			}
			t.Logf("Citrix's client, %s: %d/%d operations driven, %d answered with success, %d not callable",
				name, driven, len(ops)-skipped, succeeded, skipped)
			fmt.Printf("citrix client (%s): %d/%d operations driven, %d answered with success, %d exceptions\n",
				name, driven, len(ops)-skipped, succeeded, skipped)
		})
	}
}
