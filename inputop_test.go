package daas

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// TestInputErrorNamesTheMethod calls every method of every service with
// empty path arguments (the first string argument left empty, the others
// set): each refusal is an *InputError whose Op is the method called
// ("Machines.StartAsync", not "Machines.Start" nor the argument's name).
// A method whose first string is a required query parameter may send.
func TestInputErrorNamesTheMethod(t *testing.T) {
	rec := &recorder{answer: func(*http.Request) (int, http.Header, []byte) { return 500, nil, nil }}
	c := newTestClient(t, nil, WithBaseURL("https://api.example.com/cvad/manage"), WithHTTPClient(&http.Client{Transport: rec}))
	cv := reflect.ValueOf(c).Elem()
	ctxType := reflect.TypeFor[context.Context]()
	refused := 0
	st := reflect.TypeFor[services]()
	for i := range st.NumField() {
		svc := st.Field(i).Name
		f := cv.FieldByName(svc)
		if f.Kind() != reflect.Pointer || !strings.HasSuffix(f.Type().Elem().Name(), "Service") {
			continue
		}
		for j := range f.NumMethod() {
			m, mt := f.Method(j), f.Type().Method(j)
			name := svc + "." + mt.Name
			t.Run(name, func(t *testing.T) {
				typ := m.Type()
				if typ.NumIn() < 2 || typ.In(0) != ctxType || typ.In(1).Kind() != reflect.String {
					return
				}
				args := []reflect.Value{reflect.ValueOf(context.Background())}
				for k := 1; k < typ.NumIn(); k++ {
					if typ.IsVariadic() && k == typ.NumIn()-1 {
						break
					}
					v := reflect.New(typ.In(k)).Elem()
					if k > 1 && v.Kind() == reflect.String {
						v.SetString("x")
					}
					args = append(args, v)
				}
				err := callError(m.Call(args))
				var ie *InputError
				if !errors.As(err, &ie) {
					return
				}
				refused++
				if ie.Op != name {
					t.Errorf("Op %q, want %q (%v)", ie.Op, name, err)
				}
			})
		}
	}
	if refused < 600 {
		t.Errorf("%d methods refused an empty path argument, want every one that takes one", refused)
	}
}

// callError is the error a method call returned: its last result, or the
// first error a returned sequence yields.
func callError(out []reflect.Value) error {
	last := out[len(out)-1]
	if seq, ok := last.Interface().(iter.Seq2[any, error]); ok {
		for _, err := range seq {
			return err
		}
	}
	if last.Kind() == reflect.Func {
		var err error
		last.Call([]reflect.Value{reflect.MakeFunc(last.Type().In(0), func(in []reflect.Value) []reflect.Value {
			if e, ok := in[1].Interface().(error); ok {
				err = e
			}
			return []reflect.Value{reflect.ValueOf(false)}
		})})
		return err
	}
	if e, ok := last.Interface().(error); ok {
		return e
	}
	return nil
}
