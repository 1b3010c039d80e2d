package conformance

import (
	"net/http"
	"strings"
	"testing"
)

// TestInMemory runs the steps against daastest through its in-memory
// transport, which Citrix's client reaches with non-canonical header keys.
func TestInMemory(t *testing.T) {
	runSteps(t, newMemoryEnv)
}

// TestSimulator runs the steps against cmd/daas-sim over TCP.
func TestSimulator(t *testing.T) {
	runSteps(t, newSimEnv)
}

func runSteps(t *testing.T, newEnv func(*testing.T, *recorder) *env) {
	doc, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{doc: doc}
	e := newEnv(t, rec)
	checkExchanges(t, "init", rec)
	for _, st := range steps() {
		t.Run(strings.ReplaceAll(st.name, " ", "_"), func(t *testing.T) {
			st.run(t, e)
			checkExchanges(t, st.name, rec)
		})
	}
}

// checkExchanges fails on every problem the recorder found, and checks that
// Citrix's client sent what the real service needs on each request.
func checkExchanges(t *testing.T, step string, rec *recorder) {
	t.Helper()
	seen, problems := rec.take()
	for _, p := range problems {
		t.Errorf("%s: %s", step, p)
	}
	if len(seen) == 0 {
		t.Errorf("%s: no requests", step)
	}
	for _, x := range seen {
		if strings.Contains(x.path, "/tokens/") {
			continue
		}
		notImplemented := x.status == http.StatusNotImplemented && strings.HasSuffix(x.path, "/$SkipRemaining") // a step asks for it
		if x.status == http.StatusUnsupportedMediaType || x.status == http.StatusNotAcceptable || (x.status >= 500 && !notImplemented) {
			t.Errorf("%s: %s %s answered %d", step, x.method, x.path, x.status)
		}
	}
}
