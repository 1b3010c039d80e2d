package daastest_test

import (
	"net/http"
	"testing"
)

// TestAnswersConformToTheSpecsStatuses: a 404 the spec lists with no body
// has none, a 201 says where the resource it made is, and an answer the
// spec gives an ETag has one.
func TestAnswersConformToTheSpecsStatuses(t *testing.T) {
	f := newFixture(t)
	resp, body := f.call("DELETE", "/Applications/nothing", "")
	eq(t, "DELETE of a missing application", resp.StatusCode, http.StatusNotFound)
	eq(t, "its body", string(body), "")

	resp, body = f.call("POST", "/Icons", `{"RawData": "AAAA"}`)
	eq(t, "icon create", resp.StatusCode, http.StatusCreated)
	icon := object(t, body)
	eq(t, "Location", resp.Header.Get("Location"), f.s.URL+"/Icons/"+icon["Id"].(string))

	resp, _ = f.call("GET", "/Admin/EffectiveRights", "")
	eq(t, "effective rights", resp.StatusCode, http.StatusOK)
	if resp.Header.Get("ETag") == "" {
		t.Error("GET /Admin/EffectiveRights has no ETag")
	}
}
