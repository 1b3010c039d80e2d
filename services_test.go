package daas

import (
	"reflect"
	"strings"
	"testing"
)

// TestEveryOperationHasItsMethod walks the operation table and proves, on a
// Client built by NewClient, that every operation has its method on the
// service its row names, and its …Async form, returning a *Job, exactly
// where the operation takes async.
func TestEveryOperationHasItsMethod(t *testing.T) {
	c := newTestClient(t, nil, WithBaseURL("https://api.example.com/cvad/manage"))
	cv := reflect.ValueOf(c).Elem()
	found, async, asyncFound := 0, 0, 0
	for _, o := range operations {
		svc := cv.FieldByName(o.Service)
		if !svc.IsValid() || svc.Kind() != reflect.Pointer {
			t.Errorf("%s: Client has no service %s", o.ID, o.Service)
			continue
		}
		if svc.IsNil() {
			t.Errorf("%s: Client.%s is nil after NewClient", o.ID, o.Service)
			continue
		}
		if _, ok := svc.Type().MethodByName(o.Method); ok {
			found++
		} else {
			t.Errorf("%s: no method %s.%s", o.ID, o.Service, o.Method)
		}
		m, ok := svc.Type().MethodByName(o.Method + "Async")
		if !o.Async {
			if ok {
				t.Errorf("%s: %s.%sAsync, but the operation takes no async", o.ID, o.Service, o.Method)
			}
			continue
		}
		async++
		switch {
		case !ok:
			t.Errorf("%s: no method %s.%sAsync", o.ID, o.Service, o.Method)
		case m.Type.NumOut() != 2 || !strings.HasPrefix(m.Type.Out(0).String(), "*daas.Job["):
			t.Errorf("%s: %s.%sAsync returns %v, want a *Job", o.ID, o.Service, o.Method, m.Type)
		default:
			asyncFound++
		}
	}
	t.Logf("%d/%d operations, %d/%d async", found, len(operations), asyncFound, async)
	if found != len(operations) || asyncFound != async {
		t.Errorf("%d/%d operations, %d/%d async", found, len(operations), asyncFound, async)
	}
}
