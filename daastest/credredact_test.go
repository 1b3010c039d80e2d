package daastest_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestCredentialsNotLoggedInAnyCase: the request log hides every
// credential property the spec names, whatever the case of the name the
// request spells (the fake reads properties in any case), also inside the
// body of a batch item.
func TestCredentialsNotLoggedInAnyCase(t *testing.T) {
	f := newFixture(t)
	f.want(http.StatusOK, "POST", "/Identity/Machines", `{"Name": "m1", "accountpassword": "hunter2-a"}`)
	batch := `{"Items": [{"Reference": "1", "Method": "POST", "RelativeUrl": "/Identity/Machines", "Headers": [],
		"Body": "{\"Name\": \"m2\", \"PASSWORD\": \"hunter2-b\"}"}]}`
	f.want(http.StatusOK, "POST", "/$batch", batch)
	n := 0
	for _, r := range f.s.Requests() {
		if strings.Contains(string(r.Body), "hunter2") {
			t.Errorf("%s logged with a secret: %s", r.Route, r.Body)
		}
		if strings.Contains(string(r.Body), "REDACTED") {
			n++
		}
	}
	eq(t, "redacted bodies (the create, the batch and its item)", n, 3)
}

// TestGenericAsyncMustBeBoolean: an async that is neither true nor false
// is refused on a generic route as on a hand-modelled one, not run as a
// synchronous call.
func TestGenericAsyncMustBeBoolean(t *testing.T) {
	f := newFixture(t)
	errorBody(t, f.want(http.StatusBadRequest, "POST", "/Tags?async=yes", `{"Name": "Gold"}`), "invalidString")
	errorBody(t, f.want(http.StatusBadRequest, "GET", "/MachineCatalogs?async=yes", ""), "invalidString")
}
