package daastest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

func groupFixture(t *testing.T, opts ...daastest.Option) *fixture {
	return newFixture(t, append([]daastest.Option{
		daastest.WithCatalog(daastest.Catalog{Name: "Pool"}),
		daastest.WithMachines("Pool", 3),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "Desk", Catalog: "Pool", Machines: 1}),
	}, opts...)...)
}

// batchBody builds a BatchRequestModel; each item is reference, method,
// relative URL, body (JSON string or "") and whether to carry the token.
func (f *fixture) batchBody(items ...[5]string) string {
	var parts []string
	for _, it := range items {
		s := fmt.Sprintf(`{"Reference":%q,"Method":%q,"RelativeUrl":%q`, it[0], it[1], it[2])
		if it[3] != "" {
			s += fmt.Sprintf(`,"Body":%q`, it[3])
		}
		if it[4] == "token" {
			s += fmt.Sprintf(`,"Headers":[{"Name":"Authorization","Value":"CWSAuth bearer=%s"}]`, f.token)
		}
		parts = append(parts, s+"}")
	}
	return `{"Items":[` + strings.Join(parts, ",") + `]}`
}

func TestBatchSyncAnswersPerItem(t *testing.T) {
	f := groupFixture(t)
	body := f.batchBody(
		[5]string{"get", "GET", "/DeliveryGroups/Desk", "", "token"},
		[5]string{"add", "POST", "/DeliveryGroups/Desk/Machines?async=true", `{"MachineCatalog":"Pool","Count":1}`, "token"},
		[5]string{"toomany", "POST", "/DeliveryGroups/Desk/Machines", `{"MachineCatalog":"Pool","Count":5}`, "token"},
		[5]string{"notoken", "GET", "/DeliveryGroups", "", ""},
		[5]string{"away", "GET", "https://elsewhere.example/x", "", "token"},
		[5]string{"nested", "POST", "/$batch", `{"Items":[]}`, "token"},
	)
	m := f.want(http.StatusOK, "POST", "/$batch", body)
	got := map[string]float64{}
	for _, it := range items(t, m) {
		got[it["Reference"].(string)] = it["Code"].(float64)
	}
	eq(t, "codes", got, map[string]float64{"get": 200, "add": 202, "toomany": 409, "notoken": 200, "away": 400, "nested": 400})
	add := items(t, m)[1]
	hdrs := add["Headers"].([]any)
	if len(hdrs) != 1 || !strings.HasPrefix(hdrs[0].(map[string]any)["Value"].(string), f.s.URL+"/Jobs/") {
		t.Errorf("the 202 item's Headers %v lack the job's Location", hdrs)
	}
	if !strings.Contains(items(t, m)[2]["Body"].(string), "has 2 free machines; 5 were requested") {
		t.Errorf("too many: body %v", items(t, m)[2]["Body"])
	}
	eq(t, "POST /$batch count", f.s.Count("POST /$batch"), 1)
	eq(t, "item routes are not HTTP requests", f.s.Count("GET /DeliveryGroups/{nameOrId}"), 0)
}

// TestBatchItemAuthorization: an item authenticates with "CWSAuth
// bearer=", with "Bearer " (Citrix's Terraform provider) or with nothing
// (the batch's caller, as in Citrix's batch how-to); a token that is wrong
// or has expired is that item's 401, whatever its form.
func TestBatchItemAuthorization(t *testing.T) {
	f := groupFixture(t, daastest.WithTokenLifetime(time.Hour))
	old := f.token
	f.s.Advance(2 * time.Hour)
	f.token = f.fetchToken(f.s.ClientID, f.s.ClientSecret)
	item := func(ref, auth string) string {
		s := fmt.Sprintf(`{"Reference":%q,"Method":"GET","RelativeUrl":"/DeliveryGroups/Desk"`, ref)
		if auth != "" {
			s += fmt.Sprintf(`,"Headers":[{"Name":"authorization","Value":%q}]`, auth)
		}
		return s + "}"
	}
	body := `{"Items":[` + strings.Join([]string{
		item("cwsauth", "CWSAuth bearer="+f.token),
		item("bearer", "Bearer "+f.token),
		item("lowerbearer", "bearer "+f.token),
		item("none", ""),
		item("wrong", "Bearer not-a-token"),
		item("wrongcws", "CWSAuth bearer=not-a-token"),
		item("expired", "Bearer "+old),
		item("expiredcws", "CWSAuth bearer="+old),
		item("empty", "Bearer "),
	}, ",") + `]}`
	got := map[string]any{}
	for _, it := range items(t, f.want(http.StatusOK, "POST", "/$batch", body)) {
		got[it["Reference"].(string)] = it["Code"]
	}
	eq(t, "codes", got, map[string]any{
		"cwsauth": 200.0, "bearer": 200.0, "lowerbearer": 200.0, "none": 200.0,
		"wrong": 401.0, "wrongcws": 401.0, "expired": 401.0, "expiredcws": 401.0, "empty": 401.0,
	})
}

// TestBatchItemActsAsItsCaller: an item without Authorization starts its
// job as the batch's caller, who can then read it.
func TestBatchItemActsAsItsCaller(t *testing.T) {
	f := groupFixture(t)
	body := `{"Items":[{"Reference":"add","Method":"POST","RelativeUrl":"/DeliveryGroups/Desk/Machines?async=true","Body":"{\"MachineCatalog\":\"Pool\",\"Count\":1}"}]}`
	it := items(t, f.want(http.StatusOK, "POST", "/$batch", body))[0]
	eq(t, "code", it["Code"], any(202.0))
	loc := it["Headers"].([]any)[0].(map[string]any)["Value"].(string)
	f.want(http.StatusOK, "GET", strings.TrimPrefix(loc, f.s.URL), "")
}

func TestBatchAsyncIsABatchJob(t *testing.T) {
	f := groupFixture(t)
	id := f.startJob("POST", "/$batch?async=true", f.batchBody(
		[5]string{"a", "GET", "/DeliveryGroups", "", "token"},
		[5]string{"b", "DELETE", "/DeliveryGroups/Desk/Machines/CORP|Pool-001?async=true", "", "token"},
	))
	j := f.job(id)
	eq(t, "Type", j["Type"], any("Batch"))
	eq(t, "sub jobs", len(j["SubJobs"].([]any)), 2)
	f.s.Advance(daastest.DefaultJobDuration)
	m := f.want(http.StatusOK, "GET", "/Jobs/"+id+"/Results", "")
	eq(t, "items", len(items(t, m)), 2)
	eq(t, "b", items(t, m)[1]["Code"], any(float64(202)))
}

func TestBatchRefusals(t *testing.T) {
	f := groupFixture(t)
	item := [5]string{"a", "GET", "/DeliveryGroups", "", "token"}
	many := make([][5]string, daastest.MaxBatchItems+1)
	for i := range many {
		many[i] = [5]string{fmt.Sprint(i), "GET", "/DeliveryGroups", "", ""}
	}
	for name, body := range map[string]string{
		"empty":     `{"Items":[]}`,
		"too many":  f.batchBody(many...),
		"repeated":  f.batchBody(item, item),
		"bad ref":   f.batchBody([5]string{"a b", "GET", "/x", "", ""}),
		"get body":  "",
		"not model": `{"Items":[{"Reference":"a","RelativeUrl":"/x","Extra":1}]}`,
	} {
		if name == "get body" {
			m := f.want(http.StatusOK, "POST", "/$batch", f.batchBody([5]string{"a", "GET", "/DeliveryGroups", "{}", "token"}))
			eq(t, "GET with a body", items(t, m)[0]["Code"], any(float64(400)))
			continue
		}
		resp, b := f.call("POST", "/$batch", body)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400; %s", name, resp.StatusCode, b)
		}
	}
}

func TestBatchControlsAndRedaction(t *testing.T) {
	f := groupFixture(t)
	f.s.FailBatchItems(http.StatusInternalServerError, "x")
	f.s.FailBatchItemJobs("NoAvailableMachine", "nope", "y")
	m := f.want(http.StatusOK, "POST", "/$batch", f.batchBody(
		[5]string{"x", "GET", "/DeliveryGroups", "", "token"},
		[5]string{"y", "POST", "/DeliveryGroups/Desk/Machines?async=true", `{"MachineCatalog":"Pool","Count":1}`, "token"},
	))
	eq(t, "x", items(t, m)[0]["Code"], any(float64(500)))
	loc := items(t, m)[1]["Headers"].([]any)[0].(map[string]any)["Value"].(string)
	f.s.Advance(daastest.DefaultJobDuration)
	j := f.job(strings.TrimPrefix(loc, f.s.URL+"/Jobs/"))
	eq(t, "Status", j["Status"], any("Failed"))
	eq(t, "ErrorCode", j["ErrorCode"], any("NoAvailableMachine"))
	// Used once: the same references run normally next time.
	m = f.want(http.StatusOK, "POST", "/$batch", f.batchBody([5]string{"x", "GET", "/DeliveryGroups", "", "token"}))
	eq(t, "x again", items(t, m)[0]["Code"], any(float64(200)))

	for _, r := range f.s.Requests() {
		if strings.Contains(string(r.Body), f.token) {
			t.Errorf("request log holds the token inside a batch item: %s", r.Body)
		}
	}
}
