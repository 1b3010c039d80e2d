package daastest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/daaskit/daas/daastest"
)

// catalogKeys are the properties of MachineCatalogResponseModel, sorted.
func catalogKeys() []string {
	return []string{
		"AdminFolder", "AllocationType", "AssignedCount", "AvailableAssignedCount", "AvailableAssignedCountOfSuspend",
		"AvailableCount", "AvailableCountOfSuspend", "AvailableUnassignedCount", "CanRecreateCatalog", "CanRollbackVMImage",
		"Description", "Errors", "FullName", "HasBeenPromoted", "HasBeenPromotedFrom", "HypervisorVMTagging", "Id",
		"ImageUpdateStatus", "IsBroken", "IsMasterImageAssociated", "IsPowerManaged", "IsRemotePC", "JobsInProgress",
		"MachineType", "Metadata", "MinimumFunctionalLevel", "Name", "PersistChanges", "ProvisioningProgress",
		"ProvisioningScheme", "ProvisioningType", "PvsAddress", "PvsDomain", "RemotePCEnrollmentScopes", "Scopes",
		"SessionSupport", "SharingKind", "Tenants", "TotalCount", "Uid", "UnassignedCount", "UpgradeInfo", "UsedCount",
		"Zone", // Warnings is omitted when there are none
	}
}

// detailKeys adds the properties of MachineCatalogDetailResponseModel.
func detailKeys() []string {
	keys := append(catalogKeys(), "AgentVersion", "DeliveryGroups", "HypervisorConnection", "OSType", "OSVersion", "UpgradeDetail")
	return sortStrings(keys)
}

func sortStrings(s []string) []string {
	m := map[string]any{}
	for _, k := range s {
		m[k] = nil
	}
	return sortedKeys(m)
}

func TestCatalogModel(t *testing.T) {
	t.Parallel()
	f := newFixture(t,
		daastest.WithCatalog(daastest.Catalog{Name: "Pool", AdminFolder: `Europe\Paris`, Description: "", TotalCount: 4, AssignedCount: 1, UsedCount: 2,
			Metadata: []daastest.NameValue{{Name: "owner", Value: "ops"}}}),
	)
	list := f.want(200, "GET", "/MachineCatalogs", "")
	eq(t, "collection keys", sortedKeys(list), []string{"ContinuationToken", "Items", "TotalItems"})
	eq(t, "ContinuationToken", list["ContinuationToken"], nil)
	c := items(t, list)[0]
	eq(t, "list item keys", sortedKeys(c), catalogKeys())
	for _, k := range []string{"Description", "JobsInProgress", "ProvisioningScheme", "ProvisioningProgress", "PvsAddress", "UpgradeInfo", "Tenants"} {
		if v, ok := c[k]; !ok || v != nil {
			t.Errorf("%s = %v (present %v), want an explicit null", k, v, ok)
		}
	}
	eq(t, "Name", c["Name"], any("Pool"))
	eq(t, "FullName", c["FullName"], any(`Europe\Paris\Pool`))
	eq(t, "Uid", c["Uid"], any(1.0))
	eq(t, "ProvisioningType default", c["ProvisioningType"], any("MCS"))
	eq(t, "HasBeenPromotedFrom", c["HasBeenPromotedFrom"], any("Unknown"))
	eq(t, "UnassignedCount", c["UnassignedCount"], any(3.0))
	eq(t, "AvailableCount", c["AvailableCount"], any(2.0))
	eq(t, "Metadata", c["Metadata"], any([]any{map[string]any{"Name": "owner", "Value": "ops"}}))
	folder := c["AdminFolder"].(map[string]any)
	eq(t, "AdminFolder keys", sortedKeys(folder), []string{"Id", "Name", "Uid"})
	eq(t, "AdminFolder Name", folder["Name"], any(`Europe\Paris\`))
	eq(t, "Zone Name", c["Zone"].(map[string]any)["Name"], any("Initial Zone"))
	if id, _ := c["Id"].(string); len(id) != 36 || strings.Count(id, "-") != 4 {
		t.Errorf("Id %q is not a GUID", id)
	}

	d := f.want(200, "GET", "/MachineCatalogs/"+c["Id"].(string), "")
	eq(t, "detail keys", sortedKeys(d), detailKeys())
	eq(t, "DeliveryGroups", d["DeliveryGroups"], any([]any{}))
}

func TestGetCatalogByNameOrID(t *testing.T) {
	t.Parallel()
	f := newFixture(t,
		daastest.WithCatalog(daastest.Catalog{Name: "Shared", AdminFolder: "Europe|Paris"}),
		daastest.WithCatalog(daastest.Catalog{Name: "Shared"}),
		daastest.WithCatalog(daastest.Catalog{Name: "a/b c"}),
	)
	cats := f.s.Catalogs()
	eq(t, "folder", cats[0].AdminFolder, `Europe\Paris`)
	for path, want := range map[string]string{
		"/MachineCatalogs/" + cats[0].ID:                      cats[0].ID,
		"/MachineCatalogs/" + strings.ToUpper(cats[0].ID):     cats[0].ID,
		"/MachineCatalogs/Europe%7CParis%7CShared":            cats[0].ID,
		"/MachineCatalogs/europe%7Cparis%7Cshared":            cats[0].ID,
		"/MachineCatalogs/Europe%5CParis%5CShared":            cats[0].ID,
		"/MachineCatalogs/Shared":                             cats[1].ID,
		"/machinecatalogs/shared/":                            cats[1].ID,
		"/MachineCatalogs/" + url.PathEscape("a/b c"):         cats[2].ID,
		"/MachineCatalogs/Shared?fields=Id,name":              cats[1].ID,
		"/MachineCatalogs/" + cats[2].ID + "?fields=Id,Name ": cats[2].ID,
	} {
		m := f.want(200, "GET", path, "")
		eq(t, path, m["Id"], any(want))
	}
	m := f.want(200, "GET", "/MachineCatalogs/Shared?fields=Id,name", "")
	eq(t, "fields", sortedKeys(m), []string{"Id", "Name"})

	m = f.want(404, "GET", "/MachineCatalogs/Paris%7CShared", "")
	eq(t, "404 parameters", errorBody(t, m, "notFound"), map[string]string{"entityType": "MachineCatalog", "id": "Paris|Shared"})
	m = f.want(400, "GET", "/MachineCatalogs/Shared?fields=Id,Bogus", "")
	eq(t, "bad field", errorBody(t, m, "invalidString")["value"], "Bogus")
}

func TestListPaging(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		catalogs int
		limit    string
		pages    int
	}{
		{0, "", 1}, {1, "", 1}, {250, "", 1}, {251, "", 2}, {1001, "", 5}, {1001, "1000", 2}, {1001, "1", 1001}, {7, "3", 3},
	} {
		t.Run(fmt.Sprintf("%d by %q", tc.catalogs, tc.limit), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, daastest.WithCatalogs(tc.catalogs))
			seen := map[string]bool{}
			pages, token := 0, ""
			for {
				q := url.Values{}
				if tc.limit != "" {
					q.Set("limit", tc.limit)
				}
				if token != "" {
					q.Set("continuationToken", token)
				}
				page := f.want(200, "GET", "/MachineCatalogs?"+q.Encode(), "")
				pages++
				for _, it := range items(t, page) {
					name := it["Name"].(string)
					if seen[name] {
						t.Fatalf("%s listed twice", name)
					}
					seen[name] = true
				}
				if page["ContinuationToken"] == nil {
					break
				}
				token = page["ContinuationToken"].(string)
			}
			eq(t, "pages", pages, tc.pages)
			eq(t, "catalogs", len(seen), tc.catalogs)
		})
	}

	f := newFixture(t, daastest.WithCatalogs(3))
	for _, q := range []string{"limit=1001", "limit=0", "limit=-1", "limit=ten"} {
		m := f.want(400, "GET", "/MachineCatalogs?"+q, "")
		eq(t, q, errorBody(t, m, "outOfRange")["name"], "limit")
	}
	m := f.want(400, "GET", "/MachineCatalogs?continuationToken=garbage", "")
	eq(t, "bad token", errorBody(t, m, "invalidString")["name"], "continuationToken")
	m = f.want(400, "GET", "/MachineCatalogs?async=maybe", "")
	eq(t, "bad async", errorBody(t, m, "invalidString")["name"], "async")
}

func TestGeneratedCatalogs(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithCatalogs(5))
	var names, types []string
	for _, c := range f.s.Catalogs() {
		names = append(names, c.Name)
		types = append(types, c.ProvisioningType+"/"+c.SessionSupport+"/"+c.AllocationType)
	}
	eq(t, "names", names, []string{"Win11-Pooled-001", "Win2022-Shared-002", "Win11-Dedicated-003", "Win2019-PVS-004", "RemotePC-Office-005"})
	eq(t, "types", types, []string{"MCS/SingleSession/Random", "MCS/MultiSession/Random", "MCS/SingleSession/Static", "PVS/MultiSession/Random", "Manual/SingleSession/Static"})
	// The same seed gives the same ids.
	g := newFixture(t, daastest.WithCatalogs(5))
	eq(t, "ids", g.s.Catalogs()[3].ID, f.s.Catalogs()[3].ID)
	h := newFixture(t, daastest.WithCatalogs(5), daastest.WithSeed(7))
	if h.s.Catalogs()[3].ID == f.s.Catalogs()[3].ID || h.s.CustomerID == f.s.CustomerID {
		t.Error("another seed gave the same ids")
	}
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t,
		daastest.WithCatalog(daastest.Catalog{Name: "A", AdminFolder: "Europe"}),
		daastest.WithCatalog(daastest.Catalog{Name: "B", AdminFolder: `Europe\Paris`}),
		daastest.WithCatalog(daastest.Catalog{Name: "C", AdminFolder: "Europe"}),
		daastest.WithCatalog(daastest.Catalog{Name: "D"}),
	)
	names := func(path string) []string {
		var out []string
		for _, it := range items(t, f.want(200, "GET", path, "")) {
			out = append(out, it["FullName"].(string))
		}
		return out
	}
	eq(t, "Europe", names("/MachineCatalogs?adminFolder=Europe"), []string{`Europe\A`, `Europe\C`})
	eq(t, "Europe by pipe", names("/MachineCatalogs?adminFolder="+url.QueryEscape(`Europe|Paris`)), []string{`Europe\Paris\B`})
	eq(t, "trailing backslash", names("/MachineCatalogs?adminFolder="+url.QueryEscape(`Europe\Paris\`)), []string{`Europe\Paris\B`})
	folderID := items(t, f.want(200, "GET", "/MachineCatalogs?limit=1", ""))[0]["AdminFolder"].(map[string]any)["Id"].(string)
	eq(t, "by folder id", names("/MachineCatalogs?adminFolder="+folderID), []string{`Europe\A`, `Europe\C`})
	m := f.want(404, "GET", "/MachineCatalogs?adminFolder=Asia", "")
	eq(t, "unknown folder", errorBody(t, m, "notFound")["entityType"], "AdminFolder")

	page := items(t, f.want(200, "GET", "/MachineCatalogs?fields=Name,TotalCount", ""))
	eq(t, "fields", sortedKeys(page[0]), []string{"Name", "TotalCount"})
	m = f.want(400, "GET", "/MachineCatalogs?fields=Name,AgentVersion", "") // a detail-only property
	eq(t, "list fields", errorBody(t, m, "invalidString")["value"], "AgentVersion")
}

func TestCreateCatalog(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithCatalog(daastest.Catalog{Name: "Taken", AdminFolder: "F"}))
	m := f.want(200, "POST", "/MachineCatalogs", `{"Name":"New","ProvisioningType":"manual","SessionSupport":"MultiSession",
		"AdminFolder":"F","Description":"d","IsRemotePC":false,"Machines":[{"MachineName":"CORP\\PC-1"},{"MachineName":"corp\\pc-2"}],"Scopes":[],"ProvisioningScheme":null,
		"Metadata":[{"Name":"k","Value":"v"}],"PersistUserChanges":"OnLocal","MinimumFunctionalLevel":"L7_9"}`)
	eq(t, "keys", sortedKeys(m), detailKeys())
	eq(t, "FullName", m["FullName"], any(`F\New`))
	eq(t, "ProvisioningType canonical", m["ProvisioningType"], any("Manual"))
	eq(t, "PersistChanges", m["PersistChanges"], any("OnLocal"))
	eq(t, "TotalCount", m["TotalCount"], any(2.0))
	eq(t, "Uid", m["Uid"], any(2.0))
	eq(t, "created", f.s.Stats().CatalogsCreated, 1)
	// The listed machines are the catalog's: its count is theirs.
	listed := items(t, f.want(200, "GET", "/MachineCatalogs/F|New/Machines", ""))
	eq(t, "listed machines", len(listed), 2)
	eq(t, "machine name", listed[1]["Name"], any(`corp\pc-2`))
	for body, kind := range map[string]string{
		`[{}]`:                           "missing",
		`[{"MachineName":"PC-3"}]`:       "invalidString",
		`[{"MachineName":"CORP\\PC-1"}]`: "invalidString",
		`[{"MachineName":"CORP\\PC-3"},{"MachineName":"CORP\\pc-3"}]`: "invalidString",
	} {
		errorBody(t, f.want(400, "POST", "/MachineCatalogs", `{"Name":"Listed","ProvisioningType":"Manual","SessionSupport":"SingleSession","Machines":`+body+`}`), kind)
	}

	// Same name in another folder is fine; in the same folder it is a 409.
	f.want(200, "POST", "/MachineCatalogs", `{"Name":"Taken","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`)
	m = f.want(409, "POST", "/MachineCatalogs", `{"Name":"taken","AdminFolder":"F\\","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`)
	eq(t, "409 body", errorBody(t, m, "duplicateObject"), map[string]string{"entityType": "MachineCatalog", "name": `F\taken`})
	eq(t, "created", f.s.Stats().CatalogsCreated, 2)
	eq(t, "catalogs", len(f.s.Catalogs()), 3)
}

func TestBadCatalogInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithCatalogs(1))
	huge := `{"Name":"` + strings.Repeat("x", 1<<20) + `","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		kind                     string
		param                    [2]string
	}{
		{"no name", "POST", "/MachineCatalogs", `{"ProvisioningType":"MCS","SessionSupport":"SingleSession"}`, 400, "missing", [2]string{"name", "Name"}},
		{"empty name", "POST", "/MachineCatalogs", `{"Name":" ","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`, 400, "missing", [2]string{"name", "Name"}},
		{"null type", "POST", "/MachineCatalogs?async=true", `{"Name":"x","ProvisioningType":null,"SessionSupport":"SingleSession"}`, 400, "missing", [2]string{"name", "ProvisioningType"}},
		{"no session", "POST", "/MachineCatalogs?async=true", `{"Name":"x","ProvisioningType":"MCS"}`, 400, "missing", [2]string{"name", "SessionSupport"}},
		{"bad enum", "POST", "/MachineCatalogs?async=true", `{"Name":"x","ProvisioningType":"Magic","SessionSupport":"SingleSession"}`, 400, "invalidEnum", [2]string{"value", "Magic"}},
		{"bad allocation", "POST", "/MachineCatalogs", `{"Name":"x","ProvisioningType":"MCS","SessionSupport":"SingleSession","AllocationType":"Sometimes"}`, 400, "invalidEnum", [2]string{"name", "AllocationType"}},
		{"bad persist", "POST", "/MachineCatalogs", `{"Name":"x","ProvisioningType":"MCS","SessionSupport":"SingleSession","PersistUserChanges":"Keep"}`, 400, "invalidEnum", [2]string{"name", "PersistUserChanges"}},
		{"bad level", "PATCH", "/MachineCatalogs/Win11-Pooled-001?async=true", `{"MinimumFunctionalLevel":"L99"}`, 400, "invalidEnum", [2]string{"name", "MinimumFunctionalLevel"}},
		{"pipe in name", "POST", "/MachineCatalogs", `{"Name":"a|b","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`, 400, "invalidString", [2]string{"name", "Name"}},
		{"malformed", "POST", "/MachineCatalogs", `{"Name":`, 400, "invalidJson", [2]string{}},
		{"trailing data", "POST", "/MachineCatalogs", `{} {}`, 400, "invalidJson", [2]string{}},
		{"array", "POST", "/MachineCatalogs", `[1,2]`, 400, "invalidJson", [2]string{}},
		{"null", "PATCH", "/MachineCatalogs/Win11-Pooled-001", `null`, 400, "invalidJson", [2]string{}},
		{"unknown field", "POST", "/MachineCatalogs", `{"Name":"x","ProvisioningType":"MCS","SessionSupport":"SingleSession","Colour":"red"}`, 400, "invalidJson", [2]string{"name", "Colour"}},
		{"wrong case", "PATCH", "/MachineCatalogs/Win11-Pooled-001", `{"description":"x"}`, 400, "invalidJson", [2]string{"name", "description"}},
		{"wrong type", "POST", "/MachineCatalogs", `{"Name":7,"ProvisioningType":"MCS","SessionSupport":"SingleSession"}`, 400, "invalidJson", [2]string{"name", "Name"}},
		{"huge", "POST", "/MachineCatalogs", huge, 413, "tooLong", [2]string{"maxBytes", "1048576"}},
		{"patch missing", "PATCH", "/MachineCatalogs/Nope?async=true", `{"Description":"x"}`, 404, "notFound", [2]string{"entityType", "MachineCatalog"}},
		{"get missing async", "GET", "/MachineCatalogs/Nope?async=true", ``, 404, "notFound", [2]string{"id", "Nope"}},
		{"deleteAccount", "DELETE", "/MachineCatalogs/Win11-Pooled-001?deleteAccount=Shred", ``, 400, "invalidEnum", [2]string{"name", "deleteAccount"}},
		{"deleteVm", "DELETE", "/MachineCatalogs/Win11-Pooled-001?deleteVm=yes", ``, 400, "invalidString", [2]string{"name", "deleteVm"}},
		{"purgeDBOnly", "DELETE", "/MachineCatalogs/Win11-Pooled-001?purgeDBOnly=1&async=true", ``, 400, "invalidString", [2]string{"name", "purgeDBOnly"}},
	} {
		req := f.request(tc.method, tc.path, tc.body)
		if tc.body == "" && tc.method != "GET" && tc.method != "DELETE" {
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
		}
		resp, b := f.do(req)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d: %.200s", tc.name, resp.StatusCode, tc.status, b)
			continue
		}
		params := errorBody(t, object(t, b), tc.kind)
		if tc.param[0] != "" {
			eq(t, tc.name+": "+tc.param[0], params[tc.param[0]], tc.param[1])
		}
	}
	// An empty body on a POST that needs one.
	req := f.request("POST", "/MachineCatalogs", "")
	resp, b := f.do(req)
	eq(t, "empty body status", resp.StatusCode, 400)
	errorBody(t, object(t, b), "invalidJson")

	st := f.s.Stats()
	eq(t, "nothing created", st.CatalogsCreated+st.CatalogsUpdated+st.CatalogsDeleted+st.JobsCreated, 0)
	eq(t, "catalogs", len(f.s.Catalogs()), 1)
}

func TestUpdateAndDeleteCatalog(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithCatalogs(2))
	cats := f.s.Catalogs()
	m := f.want(200, "PATCH", "/MachineCatalogs/"+cats[0].Name, `{"Description":"new","AdminFolder":"Lab","Metadata":[{"Name":"a","Value":"b"}],"CpuCount":4}`)
	eq(t, "FullName", m["FullName"], any(`Lab\Win11-Pooled-001`))
	eq(t, "Description", m["Description"], any("new"))
	eq(t, "Name unchanged", m["Name"], any(cats[0].Name))
	eq(t, "ProvisioningType unchanged", m["ProvisioningType"], any(cats[0].ProvisioningType))
	m = f.want(200, "PATCH", "/MachineCatalogs/Lab%7CWin11-Pooled-001", `{}`)
	eq(t, "empty patch keeps", m["Description"], any("new"))
	m = f.want(200, "PATCH", "/MachineCatalogs/"+cats[0].ID, `{"Description":"","AdminFolder":""}`)
	eq(t, "cleared Description", m["Description"], nil)
	eq(t, "back to root", m["AdminFolder"], nil)
	m = f.want(409, "PATCH", "/MachineCatalogs/"+cats[0].ID, `{"Name":"`+cats[1].Name+`"}`)
	eq(t, "rename conflict", errorBody(t, m, "duplicateObject")["entityType"], "MachineCatalog")
	eq(t, "updated", f.s.Stats().CatalogsUpdated, 3)

	resp, b := f.call("DELETE", "/MachineCatalogs/"+cats[1].Name+"?deleteVm=false&deleteAccount=delete&purgeDBOnly=False", "")
	eq(t, "delete status", resp.StatusCode, 204)
	eq(t, "delete body", len(b), 0)
	if resp.Header.Get("Citrix-TransactionId") == "" {
		t.Error("204 without Citrix-TransactionId")
	}
	resp, b = f.call("DELETE", "/MachineCatalogs/"+cats[1].Name, "")
	eq(t, "delete again", resp.StatusCode, 404)
	eq(t, "404 has no body", len(b), 0)
	eq(t, "deleted", f.s.Stats().CatalogsDeleted, 1)
	eq(t, "catalogs left", len(f.s.Catalogs()), 1)
}

func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for path, status := range map[string]int{
		"/Nothing":                   404,
		"/MachineCatalogs/a/b":       404,
		"/Jobs/x/Other":              404,
		"/MachineCatalogs//Machines": 404,
	} {
		resp, _ := f.call("GET", path, "")
		eq(t, path, resp.StatusCode, status)
	}
	resp, _ := f.call("PUT", "/MachineCatalogs/x", `{}`)
	eq(t, "PUT status", resp.StatusCode, http.StatusMethodNotAllowed)
	eq(t, "Allow", resp.Header.Get("Allow"), "GET, HEAD, PATCH, DELETE") // HEAD: the spec's name check
	resp, _ = f.call("POST", "/Jobs", ``)
	eq(t, "POST /Jobs", resp.StatusCode, http.StatusMethodNotAllowed)
	eq(t, "unknown paths are not routes", f.s.Stats().ByRoute, map[string]int{"POST /tokens": 1})
	eq(t, "but are requests", f.s.Stats().Requests, 7)
}
