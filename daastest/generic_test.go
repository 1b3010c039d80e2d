package daastest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

// TestGenericCRUD: the generic model creates a resource with an id and its
// answer's required properties filled, finds it by name or id (in any
// case), merges a PATCH, deletes it, and keeps sub-resources apart.
func TestGenericCRUD(t *testing.T) {
	f := newFixture(t)
	tag := f.want(http.StatusOK, "POST", "/Tags", `{"Name": "Gold", "Description": "first"}`)
	id, _ := tag["Id"].(string)
	if len(id) != 36 {
		t.Fatalf("created tag has Id %v, want a UUID; %v", tag["Id"], tag)
	}
	eq(t, "Name", tag["Name"], any("Gold"))
	eq(t, "Description", tag["Description"], any("first"))
	for _, required := range []string{"Uid", "NumMachines", "NumDeliveryGroups"} {
		if _, ok := tag[required].(float64); !ok {
			t.Errorf("required %s = %#v, want a number", required, tag[required])
		}
	}

	eq(t, "get by id", f.want(http.StatusOK, "GET", "/Tags/"+id, "")["Name"], any("Gold"))
	eq(t, "get by name", f.want(http.StatusOK, "GET", "/tags/GOLD", "")["Id"], any(id))
	f.want(http.StatusNoContent, "HEAD", "/Tags/Gold", "")

	f.want(http.StatusOK, "PATCH", "/Tags/Gold", `{"Name": "Platinum"}`)
	got := f.want(http.StatusOK, "GET", "/Tags/"+id, "")
	eq(t, "patched Name", got["Name"], any("Platinum"))
	eq(t, "kept Description", got["Description"], any("first"))
	eq(t, "found by new name", f.want(http.StatusOK, "GET", "/Tags/Platinum", "")["Id"], any(id))

	// A sub-resource lives under its parent's path only.
	f.want(http.StatusOK, "POST", "/DeliveryGroups/g1/RebootSchedules", `{"Name": "nightly"}`)
	eq(t, "under g1", len(items(t, f.want(http.StatusOK, "GET", "/DeliveryGroups/g1/RebootSchedules", ""))), 1)
	eq(t, "under g2", len(items(t, f.want(http.StatusOK, "GET", "/DeliveryGroups/g2/RebootSchedules", ""))), 0)
	f.want(http.StatusNotFound, "GET", "/DeliveryGroups/g2/RebootSchedules/nightly", "")

	f.want(http.StatusNoContent, "DELETE", "/Tags/Platinum", "")
	errorBody(t, f.want(http.StatusNotFound, "GET", "/Tags/"+id, ""), "notFound")
	f.want(http.StatusNotFound, "DELETE", "/Tags/"+id, "")
	f.want(http.StatusNotFound, "HEAD", "/Tags/Platinum", "")

	// PUT of an item makes it when it is not there.
	f.want(http.StatusNoContent, "PUT", "/gpo/policySets/p1", "")
	// (A policy set's model has no Id: finding it by its id is the check.)
	if _, ok := f.want(http.StatusOK, "GET", "/gpo/policySets/P1", "")["name"].(string); !ok {
		t.Error("the policy set PUT made has no name")
	}

	// An action is accepted.
	f.want(http.StatusNoContent, "POST", "/Sessions/s1/$hide", "")
}

// TestGenericPaging: a generic list pages by limit and continuationToken,
// every item once, in creation order.
func TestGenericPaging(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		f.want(http.StatusOK, "POST", "/Tags", `{"Name": "`+name+`"}`)
	}
	var names []string
	q := "limit=2"
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		page := f.want(http.StatusOK, "GET", "/Tags?"+q, "")
		its := items(t, page)
		if len(its) > 2 {
			t.Fatalf("page of %d items with limit=2", len(its))
		}
		for _, it := range its {
			names = append(names, it["Name"].(string))
		}
		tok, _ := page["ContinuationToken"].(string)
		if tok == "" {
			break
		}
		q = "limit=2&continuationToken=" + url.QueryEscape(tok)
	}
	eq(t, "every tag once", strings.Join(names, ","), "a,b,c,d,e")
	eq(t, "default page", len(items(t, f.want(http.StatusOK, "GET", "/Tags", ""))), 5)
	errorBody(t, f.want(http.StatusBadRequest, "GET", "/Tags?limit=0", ""), "outOfRange")
	errorBody(t, f.want(http.StatusBadRequest, "GET", "/Tags?continuationToken=junk", ""), "invalidString")
}

// TestGenericAsync: async=true starts a job of the spec's job type; its
// Results redirect to the resource as the spec says, and the effect comes
// when the job ends.
func TestGenericAsync(t *testing.T) {
	f := newFixture(t, daastest.WithJobDuration(time.Minute))
	id := f.startJob("POST", "/Tags?async=true", `{"Name": "Later"}`)
	eq(t, "job type", f.job(id)["Type"], any("CreateTag"))
	f.want(http.StatusNotFound, "GET", "/Tags/Later", "")
	f.s.Advance(2 * time.Minute)
	eq(t, "status", f.job(id)["Status"], any("Complete"))
	resp, _ := f.call("GET", "/Jobs/"+id+"/Results", "")
	eq(t, "results status", resp.StatusCode, http.StatusSeeOther)
	tag := f.want(http.StatusOK, "GET", "/Tags/Later", "")
	eq(t, "Location", resp.Header.Get("Location"), f.s.URL+"/Tags/"+tag["Id"].(string))

	// A rename's Results lead to the resource by its id.
	ren := f.startJob("PATCH", "/Tags/Later?async=true", `{"Name": "Renamed"}`)
	f.s.Advance(2 * time.Minute)
	resp, _ = f.call("GET", "/Jobs/"+ren+"/Results", "")
	eq(t, "rename results Location", resp.Header.Get("Location"), f.s.URL+"/Tags/"+tag["Id"].(string))

	del := f.startJob("DELETE", "/Tags/Renamed?async=true", "")
	eq(t, "delete job type", f.job(del)["Type"], any("DeleteTag"))
	f.s.Advance(2 * time.Minute)
	resp, _ = f.call("GET", "/Jobs/"+del+"/Results", "")
	eq(t, "delete results Location", resp.Header.Get("Location"), f.s.URL+"/Tags")
	f.want(http.StatusNotFound, "GET", "/Tags/Renamed", "")

	// A job on a resource that is gone fails.
	gone := f.startJob("DELETE", "/Tags/Nothing?async=true", "")
	f.s.Advance(2 * time.Minute)
	eq(t, "job on a missing tag", f.job(gone)["Status"], any("Failed"))
}

// TestHandleWinsOverGenericAndBuiltin: a test's route replaces the fake's
// own, generic or modelled by hand.
func TestHandleWinsOverGenericAndBuiltin(t *testing.T) {
	f := newFixture(t)
	f.s.Handle("GET /Tags/{id}", func(c *daastest.Call) daastest.Reply {
		return daastest.Reply{Body: map[string]string{"Mine": c.PathValue("id")}}
	})
	f.s.Handle("GET /MachineCatalogs/{id}", func(c *daastest.Call) daastest.Reply {
		return daastest.Reply{Body: map[string]string{"Catalog": c.PathValue("id")}}
	})
	eq(t, "generic replaced", f.want(http.StatusOK, "GET", "/Tags/x", "")["Mine"], any("x"))
	eq(t, "hand-modelled replaced", f.want(http.StatusOK, "GET", "/MachineCatalogs/y", "")["Catalog"], any("y"))
	eq(t, "Count under the test's key", f.s.Count("GET /Tags/{id}"), 1)
}

// TestGenericAnswerFollowsTheModel: a generic answer holds only what its
// response model declares (a request's secret is not echoed), and a job
// whose description names no job type of the spec has the type Unknown.
func TestGenericAnswerFollowsTheModel(t *testing.T) {
	f := newFixture(t, daastest.WithJobDuration(time.Second))
	body := `{"Name": "m1", "Domain": "example.com", "AccountPassword": "p4ss", "AccountPasswordFormat": "PlainText"}`
	m := f.want(http.StatusOK, "POST", "/Identity/Machines", body)
	if _, ok := m["AccountPassword"]; ok {
		t.Errorf("the answer echoes AccountPassword, which its model lacks: %v", m)
	}
	if _, ok := m["Name"]; ok {
		t.Errorf("the answer has a Name, which its model lacks: %v", m)
	}
	eq(t, "Domain", m["Domain"], any("example.com"))
	if _, ok := m["PropertiesFetched"].(float64); !ok {
		t.Errorf("required PropertiesFetched = %#v, want a number", m["PropertiesFetched"])
	}

	id := f.startJob("POST", "/Identity/Machines?async=true", body)
	eq(t, "job type", f.job(id)["Type"], any("Unknown"))

	// The Results of a job whose operation answers with an array are one.
	id = f.startJob("POST", "/ConfigLog/Operations/$fetchExistingLabels?async=true", "")
	f.s.Advance(time.Minute)
	_, results := f.call("GET", "/Jobs/"+id+"/Results", "")
	eq(t, "array Results", strings.TrimSpace(string(results)), "[]")
}

// TestGenericAsyncListPages: an async generic list pages like the sync
// one: limit (or WithResultPageSize) bounds its Results, whose
// ContinuationToken, passed back to the list, starts a job for the next
// page.
func TestGenericAsyncListPages(t *testing.T) {
	f := newFixture(t, daastest.WithJobDuration(0))
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		f.want(http.StatusCreated, "POST", "/ApplicationGroups", `{"Name": "`+name+`"}`)
	}
	names := func(f *fixture, q string) (got []string, tok string) {
		t.Helper()
		m := f.want(http.StatusOK, "GET", "/Jobs/"+f.startJob("GET", "/ApplicationGroups?async=true"+q, "")+"/Results", "")
		for _, it := range items(t, m) {
			got = append(got, it["Name"].(string))
		}
		tok, _ = m["ContinuationToken"].(string)
		return got, tok
	}
	got, tok := names(f, "&limit=2")
	eq(t, "first page", got, []string{"a", "b"})
	if tok == "" {
		t.Fatal("the first page has no ContinuationToken")
	}
	got, tok = names(f, "&limit=2&continuationToken="+url.QueryEscape(tok))
	eq(t, "second page", got, []string{"c", "d"})
	sync := f.want(http.StatusOK, "GET", "/ApplicationGroups?limit=2&continuationToken="+url.QueryEscape(tok), "")
	eq(t, "the token reads on in the sync list", len(items(t, sync)), 1)
	got, _ = names(f, "")
	eq(t, "without limit, every item", len(got), 5)

	g := newFixture(t, daastest.WithJobDuration(0), daastest.WithResultPageSize(3))
	for _, name := range []string{"a", "b", "c", "d"} {
		g.want(http.StatusCreated, "POST", "/ApplicationGroups", `{"Name": "`+name+`"}`)
	}
	got, tok = names(g, "")
	eq(t, "result page size", got, []string{"a", "b", "c"})
	got, tok = names(g, "&continuationToken="+url.QueryEscape(tok))
	eq(t, "last page", [2]any{got, tok}, [2]any{[]string{"d"}, ""})
}
