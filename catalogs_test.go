package daas_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// Route keys of the fake, as daastest.Server.Count takes them.
const (
	routeList   = "GET /MachineCatalogs"
	routeCreate = "POST /MachineCatalogs"
	routeGet    = "GET /MachineCatalogs/{nameOrId}"
	routeUpdate = "PATCH /MachineCatalogs/{nameOrId}"
	routeDelete = "DELETE /MachineCatalogs/{nameOrId}"
)

// lastRequest returns the last request the fake logged on a route.
func lastRequest(t *testing.T, srv *daastest.Server, route string) daastest.Request {
	t.Helper()
	reqs := srv.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Route == route {
			return reqs[i]
		}
	}
	t.Fatalf("no request on %s", route)
	return daastest.Request{}
}

func catalogNames(srv *daastest.Server) []string {
	var names []string
	for _, c := range srv.Catalogs() {
		names = append(names, c.Name)
	}
	return names
}

func TestCatalogsListOnePage(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t, daastest.WithCatalogs(5))
	ctx := t.Context()

	page, err := client.MachineCatalogs.List(ctx, daas.PageSize(2))
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	assert.Equal(t, "Win11-Pooled-001", page.Items[0].Name)
	assert.Equal(t, daas.ProvisioningTypeMCS, page.Items[0].ProvisioningType)
	assert.Equal(t, daas.SessionSupportMultiSession, page.Items[1].SessionSupport)
	assert.NotEmpty(t, page.Items[0].ID)
	assert.Equal(t, "Initial Zone", page.Items[0].Zone.Name)
	require.NotEmpty(t, page.ContinuationToken)

	next, err := client.MachineCatalogs.List(ctx, daas.PageSize(2), daas.ContinuationToken(page.ContinuationToken))
	require.NoError(t, err)
	require.Len(t, next.Items, 2)
	assert.Equal(t, "Win11-Dedicated-003", next.Items[0].Name)
	assert.Equal(t, page.ContinuationToken, lastRequest(t, srv, routeList).Query.Get("continuationToken"))
	assert.Equal(t, 2, srv.Count(routeList))
}

func TestCatalogsAllPaging(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		catalogs, pageSize, requests int
	}{
		{catalogs: 0, requests: 1},
		{catalogs: 1, requests: 1},
		{catalogs: 250, requests: 1}, // the service's default page is 250
		{catalogs: 251, requests: 2},
		{catalogs: 1001, requests: 5},
		{catalogs: 1001, pageSize: 1000, requests: 2},
		{catalogs: 1001, pageSize: 100, requests: 11},
		{catalogs: 250, pageSize: 1, requests: 250},
	} {
		t.Run(fmt.Sprintf("%d/%d", tc.catalogs, tc.pageSize), func(t *testing.T) {
			t.Parallel()
			srv, client := newFake(t, daastest.WithCatalogs(tc.catalogs))
			var opts []daas.ListOption
			if tc.pageSize > 0 {
				opts = append(opts, daas.PageSize(tc.pageSize))
			}
			seen := map[string]bool{}
			var names []string
			for cat, err := range client.MachineCatalogs.All(t.Context(), opts...) {
				require.NoError(t, err)
				require.False(t, seen[cat.ID], "catalog %s twice", cat.ID)
				seen[cat.ID] = true
				names = append(names, cat.Name)
			}
			assert.Len(t, names, tc.catalogs)
			assert.Equal(t, catalogNames(srv), names, "every catalog, in the service's order")
			assert.Equal(t, tc.requests, srv.Count(routeList))
		})
	}
}

func TestCatalogsAllBreakStopsFetching(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t, daastest.WithCatalogs(600))
	n := 0
	for _, err := range client.MachineCatalogs.All(t.Context(), daas.PageSize(100)) {
		require.NoError(t, err)
		if n++; n == 150 {
			break
		}
	}
	assert.Equal(t, 150, n)
	assert.Equal(t, 2, srv.Count(routeList), "pages 1 and 2 only")

	// Breaking in the middle of the first page needs only that page.
	srv.ResetStats()
	for range client.MachineCatalogs.All(t.Context(), daas.PageSize(100)) {
		break
	}
	assert.Equal(t, 1, srv.Count(routeList))
}

func TestCatalogsAllYieldsErrorOnceThenStops(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t, daastest.WithCatalogs(30))
	var items, errs int
	var last error
	for _, err := range client.MachineCatalogs.All(t.Context(), daas.PageSize(10)) {
		if err != nil {
			errs++
			last = err
			continue // a loop that goes on after an error still sees no more
		}
		if items++; items == 1 {
			// The next page fails: 403 is not retried.
			srv.InjectFault(daastest.Fault{Route: routeList, Status: http.StatusForbidden, Count: 1})
		}
	}
	assert.Equal(t, 10, items)
	assert.Equal(t, 1, errs)
	assert.ErrorIs(t, last, daas.ErrForbidden)
	var apiErr *daas.APIError
	require.ErrorAs(t, last, &apiErr)
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
	assert.Equal(t, 2, srv.Count(routeList))
}

func TestCatalogsAllInvalidOptionYieldsErrorWithoutRequest(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t, daastest.WithCatalogs(3))
	var errs []error
	for cat, err := range client.MachineCatalogs.All(t.Context(), daas.PageSize(0)) {
		assert.Zero(t, cat.ID)
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.ErrorContains(t, errs[0], "PageSize(0)")
	assert.Equal(t, 0, srv.Count(routeList))
}

func TestCatalogsAllIsReusable(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t, daastest.WithCatalogs(7))
	page, err := client.MachineCatalogs.List(t.Context(), daas.PageSize(3))
	require.NoError(t, err)

	// A sequence started from a token starts there each time it is ranged.
	seq := client.MachineCatalogs.All(t.Context(), daas.PageSize(3), daas.ContinuationToken(page.ContinuationToken))
	for range 2 {
		var names []string
		for cat, err := range seq {
			require.NoError(t, err)
			names = append(names, cat.Name)
		}
		assert.Equal(t, catalogNames(srv)[3:], names)
	}
}

func TestCatalogsAllStopsOnRepeatedToken(t *testing.T) {
	t.Parallel()
	client := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"Items":[{"Id":"a","Name":"A"}],"ContinuationToken":"same"}`)
	})
	var n, errs int
	for _, err := range client.MachineCatalogs.All(t.Context()) {
		if err != nil {
			errs++
			assert.ErrorContains(t, err, "repeated continuation token")
			continue
		}
		n++
	}
	assert.Equal(t, 2, n, "the first page and the one that repeats its token")
	assert.Equal(t, 1, errs)
}

func TestCatalogsListOptionsOnTheWire(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t,
		daastest.WithCatalog(daastest.Catalog{Name: "Paris-Pool", AdminFolder: `Europe\Paris`, TotalCount: 4}),
		daastest.WithCatalog(daastest.Catalog{Name: "Lyon-Pool", AdminFolder: `Europe\Lyon`}),
		daastest.WithCatalog(daastest.Catalog{Name: "Root-Pool"}),
	)
	page, err := client.MachineCatalogs.List(t.Context(),
		daas.PageSize(50), daas.InFolder(`Europe\Paris`), daas.Fields("Id", "Name", "TotalCount"))
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	cat := page.Items[0]
	assert.Equal(t, "Paris-Pool", cat.Name)
	assert.Equal(t, 4, cat.TotalCount)
	assert.NotEmpty(t, cat.ID)
	assert.Empty(t, cat.ProvisioningType, "not among the fields asked for")
	assert.Empty(t, page.ContinuationToken)

	q := lastRequest(t, srv, routeList).Query
	assert.Equal(t, url.Values{
		"limit":       {"50"},
		"adminFolder": {`Europe\Paris`},
		"fields":      {"Id,Name,TotalCount"},
	}, q)
}

func TestCatalogsListOptionErrors(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t, daastest.WithCatalogs(1))
	for _, tc := range []struct {
		opt  daas.ListOption
		want string
	}{
		{daas.PageSize(0), "PageSize(0)"},
		{daas.PageSize(-5), "PageSize(-5)"},
		{daas.PageSize(1001), "PageSize(1001)"},
		{daas.InFolder(" "), "InFolder"},
		{daas.Fields(), "Fields"},
		{daas.Fields("Id", ""), "Fields"},
		{daas.Fields("Id,Name"), "Fields"},
	} {
		_, err := client.MachineCatalogs.List(t.Context(), tc.opt)
		assert.ErrorContains(t, err, tc.want)
		_, err = client.MachineCatalogs.ListAsync(t.Context(), tc.opt)
		assert.ErrorContains(t, err, tc.want)
	}
	_, err := client.MachineCatalogs.List(t.Context(), daas.PageSize(1000), nil) // nil options are skipped
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Stats().Requests-srv.Count("POST /tokens"), "only the valid call reached the server")
}

func TestCatalogsGet(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t,
		daastest.WithCatalog(daastest.Catalog{Name: "Win11", Description: "root one", TotalCount: 3}),
		daastest.WithCatalog(daastest.Catalog{Name: "Win11", AdminFolder: `Europe\Paris`, Description: "foldered"}),
		daastest.WithCatalog(daastest.Catalog{Name: "Dev/Test", Description: "slash in name"}),
	)
	ctx := t.Context()
	seeded := srv.Catalogs()

	byName, err := client.MachineCatalogs.Get(ctx, "Win11")
	require.NoError(t, err)
	assert.Equal(t, "root one", byName.Description)
	assert.Equal(t, seeded[0].ID, byName.ID)
	assert.Equal(t, 3, byName.TotalCount)
	assert.NotNil(t, byName.DeliveryGroups, "the detail model")

	byID, err := client.MachineCatalogs.Get(ctx, seeded[1].ID)
	require.NoError(t, err)
	assert.Equal(t, "foldered", byID.Description)
	assert.Equal(t, `Europe\Paris\`, byID.AdminFolder.Name)
	assert.Equal(t, `Europe\Paris\Win11`, byID.FullName)

	byPath, err := client.MachineCatalogs.Get(ctx, "Europe|Paris|Win11")
	require.NoError(t, err)
	assert.Equal(t, seeded[1].ID, byPath.ID)

	slash, err := client.MachineCatalogs.Get(ctx, "Dev/Test")
	require.NoError(t, err)
	assert.Equal(t, "slash in name", slash.Description)
	assert.Equal(t, "/cvad/manage/MachineCatalogs/Dev/Test", lastRequest(t, srv, routeGet).Path,
		"one segment on the wire (the log shows it unescaped)")

	_, err = client.MachineCatalogs.Get(ctx, "Europe|Lyon|Win11")
	assert.ErrorIs(t, err, daas.ErrNotFound)

	before := srv.Count(routeGet)
	for _, bad := range []string{"", "  ", "bad\nname"} {
		_, err = client.MachineCatalogs.Get(ctx, bad)
		assert.Error(t, err)
	}
	assert.Equal(t, before, srv.Count(routeGet), "no request for an empty or malformed name")
}

func TestCatalogsNameEscaping(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var paths []string
	client := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.EscapedPath())
		mu.Unlock()
		fmt.Fprint(w, `{"Id":"x"}`)
	})
	for _, name := range []string{"Folder1|Folder2|Name", "a/b", "with space", "50%", "a?b#c"} {
		_, err := client.MachineCatalogs.Get(t.Context(), name)
		require.NoError(t, err, name)
	}
	assert.Equal(t, []string{
		"/cvad/manage/MachineCatalogs/Folder1%7CFolder2%7CName",
		"/cvad/manage/MachineCatalogs/a%2Fb",
		"/cvad/manage/MachineCatalogs/with%20space",
		"/cvad/manage/MachineCatalogs/50%25",
		"/cvad/manage/MachineCatalogs/a%3Fb%23c",
	}, paths)
}

func TestCatalogsCreate(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t)
	cat, err := client.MachineCatalogs.Create(t.Context(), daas.CreateMachineCatalogRequest{
		Name:             "Win11-Pool",
		ProvisioningType: daas.ProvisioningTypeManual,
		SessionSupport:   daas.SessionSupportSingleSession,
		AllocationType:   daas.AllocationTypeStatic,
		AdminFolder:      `Europe\Paris`,
		Description:      "Pooled desktops",
		Metadata:         []daas.NameValue{{Name: "owner", Value: "ops"}},
	})
	require.NoError(t, err)
	assert.Equal(t, "Win11-Pool", cat.Name)
	assert.Equal(t, daas.AllocationTypeStatic, cat.AllocationType)
	assert.Equal(t, daas.SharingKindPrivate, cat.SharingKind)
	assert.Equal(t, "Pooled desktops", cat.Description)
	assert.Equal(t, []daas.NameValue{{Name: "owner", Value: "ops"}}, cat.Metadata)
	require.Len(t, srv.Catalogs(), 1)
	assert.Equal(t, srv.Catalogs()[0].ID, cat.ID)

	// Only the fields set were sent.
	assert.JSONEq(t, `{"Name":"Win11-Pool","ProvisioningType":"Manual","SessionSupport":"SingleSession",
		"AllocationType":"Static","AdminFolder":"Europe\\Paris","Description":"Pooled desktops",
		"Metadata":[{"Name":"owner","Value":"ops"}]}`, string(lastRequest(t, srv, routeCreate).Body))
}

func TestCatalogsCreateValidation(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t)
	valid := daas.CreateMachineCatalogRequest{
		Name: "A", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportMultiSession,
	}
	for field, mutate := range map[string]func(*daas.CreateMachineCatalogRequest){
		"Name":             func(r *daas.CreateMachineCatalogRequest) { r.Name = "" },
		"Name ":            func(r *daas.CreateMachineCatalogRequest) { r.Name = "   " },
		"ProvisioningType": func(r *daas.CreateMachineCatalogRequest) { r.ProvisioningType = "" },
		"SessionSupport":   func(r *daas.CreateMachineCatalogRequest) { r.SessionSupport = "" },
	} {
		req := valid
		mutate(&req)
		want := strings.TrimSpace(field) + " is required"
		_, err := client.MachineCatalogs.Create(t.Context(), req)
		assert.ErrorContains(t, err, want)
		_, err = client.MachineCatalogs.CreateAsync(t.Context(), req)
		assert.ErrorContains(t, err, want)
	}
	assert.Equal(t, 0, srv.Count(routeCreate))
	assert.Equal(t, 0, srv.Stats().Requests, "not even a token request")
}

func TestCatalogsCreateDuplicateIsConflict(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t, daastest.WithCatalog(daastest.Catalog{Name: "Win11"}))
	_, err := client.MachineCatalogs.Create(t.Context(), daas.CreateMachineCatalogRequest{
		Name: "Win11", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportSingleSession,
	})
	require.ErrorIs(t, err, daas.ErrConflict)
	var apiErr *daas.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusConflict, apiErr.StatusCode)
	assert.Contains(t, apiErr.Detail, "already exists")
	assert.Len(t, srv.Catalogs(), 1)
}

func TestCatalogsUpdateSendsOnlySetFields(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t, daastest.WithCatalog(daastest.Catalog{
		Name: "Win11", Description: "old", AdminFolder: "Pools", Metadata: []daastest.NameValue{{Name: "k", Value: "v"}},
	}))
	cat, err := client.MachineCatalogs.Update(t.Context(), "Pools|Win11", daas.UpdateMachineCatalogRequest{
		Description: daas.Ptr("new"),
		Scopes:      []string{}, // sent as []: leave every removable scope
		CpuCount:    daas.Ptr(4),
	})
	require.NoError(t, err)
	assert.Equal(t, "new", cat.Description)
	assert.Equal(t, "Win11", cat.Name)
	assert.Equal(t, []daas.NameValue{{Name: "k", Value: "v"}}, cat.Metadata, "unchanged")
	assert.JSONEq(t, `{"Description":"new","Scopes":[],"CpuCount":4}`, string(lastRequest(t, srv, routeUpdate).Body))
	assert.Equal(t, "new", srv.Catalogs()[0].Description)

	// A rename, by name: the answer is the renamed catalog.
	cat, err = client.MachineCatalogs.Update(t.Context(), "Pools|Win11", daas.UpdateMachineCatalogRequest{Name: daas.Ptr("Win11-v2")})
	require.NoError(t, err)
	assert.Equal(t, "Win11-v2", cat.Name)
	assert.JSONEq(t, `{"Name":"Win11-v2"}`, string(lastRequest(t, srv, routeUpdate).Body))
	assert.Equal(t, 2, srv.Count(routeUpdate))
	assert.Equal(t, 0, srv.Count(routeGet), "the service answered with the catalog: no read back")
}

func TestCatalogsUpdateValidation(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t, daastest.WithCatalog(daastest.Catalog{Name: "Win11"}))
	for _, tc := range []struct {
		name string
		req  daas.UpdateMachineCatalogRequest
		want string
	}{
		{"empty", daas.UpdateMachineCatalogRequest{}, "no field is set"},
		{"nil slices", daas.UpdateMachineCatalogRequest{Scopes: nil, Metadata: nil}, "no field is set"},
		{"empty name", daas.UpdateMachineCatalogRequest{Name: daas.Ptr(" ")}, "Name is set but empty"},
		{"bad raw JSON", daas.UpdateMachineCatalogRequest{NetworkMapping: json.RawMessage(`{`)}, "UpdateMachineCatalogRequest"},
	} {
		_, err := client.MachineCatalogs.Update(t.Context(), "Win11", tc.req)
		assert.ErrorContains(t, err, tc.want, tc.name)
		_, err = client.MachineCatalogs.UpdateAsync(t.Context(), "Win11", tc.req)
		assert.ErrorContains(t, err, tc.want, tc.name)
	}
	_, err := client.MachineCatalogs.Update(t.Context(), "", daas.UpdateMachineCatalogRequest{Description: daas.Ptr("x")})
	assert.Error(t, err)
	assert.Equal(t, 0, srv.Stats().Requests)
}

func TestCatalogsUpdateNoContentReadsBack(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var log []string
	client := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		log = append(log, r.Method+" "+r.URL.EscapedPath())
		mu.Unlock()
		switch r.Method {
		case http.MethodPatch:
			w.WriteHeader(http.StatusNoContent)
		case http.MethodGet:
			name, _ := url.PathUnescape(r.URL.EscapedPath()[len("/cvad/manage/MachineCatalogs/"):])
			fmt.Fprintf(w, `{"Id":"6f7b1f2e-8d6c-4d3a-9b1e-0a1b2c3d4e5f","Name":%q,"Description":"after"}`, name)
		}
	})
	const id = "6f7b1f2e-8d6c-4d3a-9b1e-0a1b2c3d4e5f"
	const folderID = "0e1d2c3b-4a59-4687-a5b4-c3d2e1f0a9b8"
	for _, tc := range []struct {
		nameOrID string
		req      daas.UpdateMachineCatalogRequest
		want     []string
	}{
		{"F1|Win11", daas.UpdateMachineCatalogRequest{Description: daas.Ptr("after")},
			[]string{"PATCH /cvad/manage/MachineCatalogs/F1%7CWin11", "GET /cvad/manage/MachineCatalogs/F1%7CWin11"}},
		{"F1|Win11", daas.UpdateMachineCatalogRequest{Name: daas.Ptr("Win12")},
			[]string{"PATCH /cvad/manage/MachineCatalogs/F1%7CWin11", "GET /cvad/manage/MachineCatalogs/F1%7CWin12"}},
		{"F1|Win11", daas.UpdateMachineCatalogRequest{AdminFolder: daas.Ptr(`A\B\`)},
			[]string{"PATCH /cvad/manage/MachineCatalogs/F1%7CWin11", "GET /cvad/manage/MachineCatalogs/A%7CB%7CWin11"}},
		{"Win11", daas.UpdateMachineCatalogRequest{AdminFolder: daas.Ptr("")},
			[]string{"PATCH /cvad/manage/MachineCatalogs/Win11", "GET /cvad/manage/MachineCatalogs/Win11"}},
		{id, daas.UpdateMachineCatalogRequest{Name: daas.Ptr("Win12")},
			[]string{"PATCH /cvad/manage/MachineCatalogs/" + id, "GET /cvad/manage/MachineCatalogs/" + id}},
		// A move into a folder given by id: the id is read first.
		{"Win11", daas.UpdateMachineCatalogRequest{AdminFolder: daas.Ptr(folderID)},
			[]string{"GET /cvad/manage/MachineCatalogs/Win11", "PATCH /cvad/manage/MachineCatalogs/Win11", "GET /cvad/manage/MachineCatalogs/" + id}},
	} {
		mu.Lock()
		log = nil
		mu.Unlock()
		cat, err := client.MachineCatalogs.Update(t.Context(), tc.nameOrID, tc.req)
		require.NoError(t, err)
		assert.Equal(t, id, cat.ID)
		assert.Equal(t, "after", cat.Description)
		mu.Lock()
		assert.Equal(t, tc.want, log)
		mu.Unlock()
	}
}

func TestCatalogsDelete(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t,
		daastest.WithCatalog(daastest.Catalog{Name: "A"}),
		daastest.WithCatalog(daastest.Catalog{Name: "B"}),
	)
	ctx := t.Context()
	require.NoError(t, client.MachineCatalogs.Delete(ctx, "A"))
	assert.Empty(t, lastRequest(t, srv, routeDelete).Query, "service defaults: no parameters")
	assert.Equal(t, []string{"B"}, catalogNames(srv))

	require.NoError(t, client.MachineCatalogs.Delete(ctx, "B",
		daas.DeleteVMs(false), daas.MachineAccounts(daas.AccountActionDisable), daas.PurgeDBOnly()))
	assert.Equal(t, url.Values{
		"deleteVm":      {"false"},
		"deleteAccount": {"Disable"},
		"purgeDBOnly":   {"true"},
	}, lastRequest(t, srv, routeDelete).Query)
	assert.Empty(t, srv.Catalogs())

	err := client.MachineCatalogs.Delete(ctx, "B")
	assert.ErrorIs(t, err, daas.ErrNotFound)

	before := srv.Count(routeDelete)
	assert.ErrorContains(t, client.MachineCatalogs.Delete(ctx, "B", daas.MachineAccounts("")), "empty account action")
	assert.Error(t, client.MachineCatalogs.Delete(ctx, ""))
	assert.Equal(t, before, srv.Count(routeDelete))
}

// The async operations take effect when their job completes, not before;
// the fake's clock decides when that is.
func TestCatalogsAsyncTakeEffectWhenJobCompletes(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t,
		daastest.WithJobDuration(time.Hour), // real time never finishes a job here
		daastest.WithCatalog(daastest.Catalog{Name: "Old", Description: "before"}),
	)
	ctx := t.Context()

	// Create.
	create, err := client.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{
		Name: "New", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportMultiSession,
		Description: "async",
	})
	require.NoError(t, err)
	assert.Equal(t, "true", lastRequest(t, srv, routeCreate).Query.Get("async"))
	assert.Equal(t, []string{"Old"}, catalogNames(srv))
	info, err := create.Poll(ctx)
	require.NoError(t, err)
	assert.Equal(t, "CreateMachineCatalog", info.Type)
	assert.False(t, info.Status.Terminal())

	srv.Advance(30 * time.Minute)
	assert.Equal(t, []string{"Old"}, catalogNames(srv), "half way: nothing yet")
	srv.Advance(30 * time.Minute)
	assert.Equal(t, []string{"Old", "New"}, catalogNames(srv))
	created, err := create.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.Equal(t, "New", created.Name)
	assert.Equal(t, "async", created.Description)
	assert.Equal(t, srv.Catalogs()[1].ID, created.ID)

	// Update.
	update, err := client.MachineCatalogs.UpdateAsync(ctx, "Old", daas.UpdateMachineCatalogRequest{Description: daas.Ptr("after")})
	require.NoError(t, err)
	assert.JSONEq(t, `{"Description":"after"}`, string(lastRequest(t, srv, routeUpdate).Body))
	assert.Equal(t, "before", srv.Catalogs()[0].Description)
	srv.Advance(time.Hour)
	assert.Equal(t, "after", srv.Catalogs()[0].Description)
	updated, err := update.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.Equal(t, "after", updated.Description)
	assert.Equal(t, "Old", updated.Name)

	// Delete, with its options on the wire.
	del, err := client.MachineCatalogs.DeleteAsync(ctx, "New", daas.DeleteVMs(true), daas.MachineAccounts(daas.AccountActionLeave))
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"async":         {"true"},
		"deleteVm":      {"true"},
		"deleteAccount": {"Leave"},
	}, lastRequest(t, srv, routeDelete).Query)
	assert.Equal(t, []string{"Old", "New"}, catalogNames(srv))
	srv.Advance(time.Hour)
	assert.Equal(t, []string{"Old"}, catalogNames(srv))
	res, err := del.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.Equal(t, struct{}{}, res)
	assert.Equal(t, daas.JobStatusComplete, del.Info().Status)
	assert.Equal(t, 3, srv.Stats().JobsCreated)
}

func TestCatalogsCreateAsyncFailedJob(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t, daastest.WithJobDuration(time.Second))
	srv.NextJob(daastest.Outcome{
		Status:      "Failed",
		ErrorCode:   "ProvisioningSchemeNameAlreadyExists",
		ErrorString: "A provisioning scheme named 'Win11' already exists.",
	})
	job, err := client.MachineCatalogs.CreateAsync(t.Context(), daas.CreateMachineCatalogRequest{
		Name: "Win11", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportSingleSession,
	})
	require.NoError(t, err)
	srv.Advance(time.Second)
	cat, err := job.Wait(t.Context(), fastPoll)
	assert.Nil(t, cat)
	require.ErrorIs(t, err, daas.ErrJobFailed)
	var jobErr *daas.JobError
	require.ErrorAs(t, err, &jobErr)
	assert.Equal(t, job.ID(), jobErr.JobID)
	assert.Equal(t, "CreateMachineCatalog", jobErr.Type)
	assert.Equal(t, daas.JobStatusFailed, jobErr.Status)
	assert.Equal(t, "ProvisioningSchemeNameAlreadyExists", jobErr.Code)
	assert.Equal(t, "A provisioning scheme named 'Win11' already exists.", jobErr.Message)
	assert.Empty(t, srv.Catalogs(), "a failed job has no effect")

	// A duplicate name found when the job runs fails it the same way.
	srv2, client2 := newFake(t, daastest.WithJobDuration(0), daastest.WithCatalog(daastest.Catalog{Name: "Win11"}))
	job, err = client2.MachineCatalogs.CreateAsync(t.Context(), daas.CreateMachineCatalogRequest{
		Name: "win11", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportSingleSession,
	})
	require.NoError(t, err)
	_, err = job.Wait(t.Context(), fastPoll)
	require.ErrorAs(t, err, &jobErr)
	assert.Equal(t, "DuplicateObject", jobErr.Code)
	assert.Len(t, srv2.Catalogs(), 1)
}

func TestCatalogsListAsync(t *testing.T) {
	t.Parallel()
	// The job's results are the first page; its ContinuationToken is the
	// list's, so the later pages come from the sync list, one request each,
	// at the list's page size (250 unless PageSize says otherwise).
	for _, tc := range []struct {
		name           string
		opts           []daastest.Option
		listOpts       []daas.ListOption
		lists, results int
	}{
		{name: "one body", lists: 1, results: 1},
		{name: "result pages", opts: []daastest.Option{daastest.WithResultPageSize(400)}, lists: 4, results: 1},
		{name: "page size", listOpts: []daas.ListOption{daas.PageSize(300)}, lists: 4, results: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, client := newFake(t, append(tc.opts, daastest.WithCatalogs(1001), daastest.WithJobDuration(0))...)
			job, err := client.MachineCatalogs.ListAsync(t.Context(), tc.listOpts...)
			require.NoError(t, err)
			cats, err := job.Wait(t.Context(), fastPoll)
			require.NoError(t, err)
			require.Len(t, cats, 1001)
			names := make([]string, len(cats))
			for i, c := range cats {
				names[i] = c.Name
			}
			assert.Equal(t, catalogNames(srv), names)
			assert.Equal(t, "GetMachineCatalogs", job.Info().Type)
			assert.Equal(t, tc.lists, srv.Count(routeList))
			assert.Equal(t, tc.results, srv.Count("GET /Jobs/{id}/Results"))
		})
	}
}

// asyncListClient is a client of a scripted service whose async catalog
// list starts job j1, complete at once, whose Results are results; every
// sync list call is recorded (its query) and answered by list.
func asyncListClient(t *testing.T, results string, list func(w http.ResponseWriter, q url.Values)) (*daas.Client, func() (lists, resultReads []url.Values)) {
	t.Helper()
	var mu sync.Mutex
	var lists, reads []url.Values
	client := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch p := r.URL.Path; {
		case p == "/cvad/manage/MachineCatalogs" && q.Get("async") == "true":
			w.Header().Set("Location", "http://"+r.Host+"/cvad/manage/Jobs/j1")
			w.WriteHeader(http.StatusAccepted)
		case p == "/cvad/manage/MachineCatalogs":
			mu.Lock()
			lists = append(lists, q)
			mu.Unlock()
			list(w, q)
		case p == "/cvad/manage/Jobs/j1":
			fmt.Fprint(w, `{"Id":"j1","Type":"GetMachineCatalogs","Status":"Complete"}`)
		case p == "/cvad/manage/Jobs/j1/Results":
			mu.Lock()
			reads = append(reads, q)
			mu.Unlock()
			fmt.Fprint(w, results)
		default:
			http.NotFound(w, r)
		}
	})
	return client, func() ([]url.Values, []url.Values) {
		mu.Lock()
		defer mu.Unlock()
		return lists, reads
	}
}

// When the list call accepts the result's continuation token, the pages
// after the first come from it, synchronously, with the same filters.
func TestCatalogsListAsyncPagesThroughTheList(t *testing.T) {
	t.Parallel()
	client, seen := asyncListClient(t, `{"Items":[{"Id":"a","Name":"A"},{"Id":"b","Name":"B"}],"ContinuationToken":"t1"}`,
		func(w http.ResponseWriter, q url.Values) {
			switch q.Get("continuationToken") {
			case "t1":
				fmt.Fprint(w, `{"Items":[{"Id":"c","Name":"C"},{"Id":"d","Name":"D"}],"ContinuationToken":"t2"}`)
			case "t2":
				fmt.Fprint(w, `{"Items":[{"Id":"e","Name":"E"}],"ContinuationToken":null}`)
			default:
				w.WriteHeader(http.StatusBadRequest)
			}
		})
	job, err := client.MachineCatalogs.ListAsync(t.Context(), daas.PageSize(2), daas.InFolder("Pools"), daas.Fields("Id", "Name"))
	require.NoError(t, err)
	cats, err := job.Wait(t.Context(), fastPoll)
	require.NoError(t, err)
	var ids []string
	for _, c := range cats {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []string{"a", "b", "c", "d", "e"}, ids)
	lists, reads := seen()
	assert.Len(t, reads, 1, "Results read once")
	require.Len(t, lists, 2)
	for i, tok := range []string{"t1", "t2"} {
		assert.Equal(t, url.Values{
			"limit": {"2"}, "adminFolder": {"Pools"}, "fields": {"Id,Name"}, "continuationToken": {tok},
		}, lists[i], "page %d: the same filters, not async", i+2)
	}
}

// A list that refuses the result's continuation token fails the wait: the
// token is never sent to GET /Jobs/{id}/Results, which has no such
// parameter in the spec.
func TestCatalogsListAsyncRefusedTokenFails(t *testing.T) {
	t.Parallel()
	client, seen := asyncListClient(t, `{"Items":[{"Id":"a","Name":"A"}],"ContinuationToken":"t1"}`,
		func(w http.ResponseWriter, _ url.Values) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"type":"https://errors-api.cloud.com/common/invalidString","detail":"bad token"}`)
		})
	job, err := client.MachineCatalogs.ListAsync(t.Context())
	require.NoError(t, err)
	_, err = job.Wait(t.Context(), fastPoll)
	var ae *daas.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
	lists, reads := seen()
	assert.Len(t, lists, 1)
	assert.Equal(t, []url.Values{{}}, reads, "Results read once, without a continuation token")
}

func TestCatalogsGetAsync(t *testing.T) {
	t.Parallel()
	srv, client := newFake(t, daastest.WithJobDuration(0),
		daastest.WithCatalog(daastest.Catalog{Name: "Win11", AdminFolder: "Pools", TotalCount: 9}))
	job, err := client.MachineCatalogs.GetAsync(t.Context(), "Pools|Win11", daas.Fields("Id", "TotalCount"))
	require.NoError(t, err)
	req := lastRequest(t, srv, routeGet)
	assert.Equal(t, url.Values{"async": {"true"}, "fields": {"Id,TotalCount"}}, req.Query)
	cat, err := job.Wait(t.Context(), fastPoll)
	require.NoError(t, err)
	assert.Equal(t, srv.Catalogs()[0].ID, cat.ID)
	assert.Equal(t, 9, cat.TotalCount)
	assert.Empty(t, cat.Name, "not among the fields asked for")

	_, err = client.MachineCatalogs.GetAsync(t.Context(), "Pools|Win11", daas.PageSize(5))
	assert.ErrorContains(t, err, "PageSize does not apply")
	_, err = client.MachineCatalogs.GetAsync(t.Context(), "")
	assert.Error(t, err)
	assert.Equal(t, 1, srv.Count(routeGet))
}

// Inside a synctest bubble the fake runs on the bubble's clock: a job of the
// default duration, waited on with the client's default poll policy, takes
// no real time.
func TestCatalogsCreateAsyncSynctest(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := daastest.NewServer(daastest.WithoutListener())
		defer srv.Close()
		client := srv.Client()
		start := time.Now()
		job, err := client.MachineCatalogs.CreateAsync(t.Context(), daas.CreateMachineCatalogRequest{
			Name: "Win11", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportSingleSession,
		})
		require.NoError(t, err)
		cat, err := job.Wait(t.Context())
		require.NoError(t, err)
		assert.Equal(t, "Win11", cat.Name)
		elapsed := time.Since(start)
		assert.GreaterOrEqual(t, elapsed, daastest.DefaultJobDuration)
		assert.Less(t, elapsed, 10*time.Second)
	})
}

func TestMachineCatalogDecodeLenient(t *testing.T) {
	t.Parallel()
	// Uid of the wrong type, Warnings as objects, nulls everywhere.
	const body = `{"Id":"c1","Uid":"seven","Name":"Win11","Description":null,"TotalCount":5,
		"ProvisioningType":"SomethingNew","Zone":{"Id":"z","Uid":1,"Name":"Initial Zone"},
		"AdminFolder":null,"ProvisioningScheme":null,"UpgradeInfo":{"UpgradeType":"LTSR"},
		"Warnings":[{"Type":"Capacity","Message":"low"}],"ProvisioningProgress":{"IsRunning":true,"Progress":40},
		"Errors":null,"Metadata":[{"Name":"k","Value":null}],"SomeFutureField":{"x":1}}`
	var c daas.MachineCatalog
	require.NoError(t, json.Unmarshal([]byte(body), &c))
	assert.Equal(t, "c1", c.ID)
	assert.Zero(t, c.UID, "wrong type: left zero")
	assert.Equal(t, "Win11", c.Name)
	assert.Equal(t, 5, c.TotalCount)
	assert.Equal(t, daas.ProvisioningType("SomethingNew"), c.ProvisioningType, "unknown values pass through")
	assert.Equal(t, daas.Ref{ID: "z", UID: 1, Name: "Initial Zone"}, c.Zone)
	assert.Zero(t, c.AdminFolder)
	assert.Nil(t, c.ProvisioningScheme, "null becomes nil")
	assert.JSONEq(t, `{"UpgradeType":"LTSR"}`, string(c.UpgradeInfo))
	assert.JSONEq(t, `[{"Type":"Capacity","Message":"low"}]`, string(c.Warnings))
	assert.Equal(t, daas.ProvisioningProgress{IsRunning: true, Progress: 40}, c.ProvisioningProgress)
	assert.Equal(t, []daas.NameValue{{Name: "k"}}, c.Metadata)

	// A list with one odd item keeps the others.
	var page daas.MachineCatalogPage
	require.NoError(t, json.Unmarshal([]byte(`{"Items":[{"Id":"a","TotalCount":"many"},{"Id":"b"}],"ContinuationToken":null}`), &page))
	require.Len(t, page.Items, 2)
	assert.Equal(t, "a", page.Items[0].ID)
	assert.Equal(t, "b", page.Items[1].ID)
	assert.Empty(t, page.ContinuationToken)

	assert.Error(t, json.Unmarshal([]byte(`{"Id":`), &c), "malformed JSON still fails")
}

func TestUpdateMachineCatalogRequestJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		req  daas.UpdateMachineCatalogRequest
		want string
	}{
		{daas.UpdateMachineCatalogRequest{Description: daas.Ptr("")}, `{"Description":""}`},
		{daas.UpdateMachineCatalogRequest{ShowRdsLicenseWarning: daas.Ptr(false)}, `{"ShowRdsLicenseWarning":false}`},
		{daas.UpdateMachineCatalogRequest{Tenants: []string{}, Metadata: []daas.NameValue{}}, `{"Tenants":[],"Metadata":[]}`},
		{daas.UpdateMachineCatalogRequest{MinimumFunctionalLevel: daas.Ptr(daas.FunctionalLevelL7_20), AzureADTenantID: daas.Ptr("t")},
			`{"MinimumFunctionalLevel":"L7_20","AzureADTenantId":"t"}`},
		{daas.UpdateMachineCatalogRequest{ServiceAccountUID: json.RawMessage(`["u1"]`)}, `{"ServiceAccountUid":["u1"]}`},
	} {
		b, err := json.Marshal(tc.req)
		require.NoError(t, err)
		assert.JSONEq(t, tc.want, string(b))
	}
}

func TestCatalogsSyncCallsRefuseAsyncAnswers(t *testing.T) {
	t.Parallel()
	client := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http://"+r.Host+"/cvad/manage/Jobs/1")
		w.WriteHeader(http.StatusAccepted)
	})
	// The same condition is the same error on every service: an
	// *APIError with the status the call did not expect.
	wants202 := func(name string, err error) {
		t.Helper()
		var ae *daas.APIError
		if assert.ErrorAs(t, err, &ae, name) {
			assert.Equal(t, http.StatusAccepted, ae.StatusCode, name)
			assert.Contains(t, ae.Detail, "unexpected status", name)
		}
	}
	_, err := client.MachineCatalogs.Get(t.Context(), "x")
	wants202("catalog get", err)
	wants202("catalog delete", client.MachineCatalogs.Delete(t.Context(), "x"))
	_, err = client.Machines.Get(t.Context(), "x")
	wants202("machine get", err)
	_, err = client.DeliveryGroups.Get(t.Context(), "x")
	wants202("delivery group get", err)
	_, err = client.Jobs.Get(t.Context(), "x")
	wants202("job get", err)
}

func TestCatalogsContextCanceled(t *testing.T) {
	t.Parallel()
	_, client := newFake(t, daastest.WithCatalogs(3))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var errs int
	for _, err := range client.MachineCatalogs.All(ctx) {
		require.ErrorIs(t, err, context.Canceled)
		errs++
	}
	assert.Equal(t, 1, errs)
	_, err := client.MachineCatalogs.Get(ctx, "x")
	assert.ErrorIs(t, err, context.Canceled)
	assert.True(t, errors.Is(err, context.Canceled))
}

func TestCatalogsListPageDecodesLeniently(t *testing.T) {
	t.Parallel()
	serve := func(body string) *daas.Client {
		return newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_, _ = w.Write([]byte(body))
		})
	}
	client := serve(`{"Items":[{"Name":"a","TotalCount":"many","ProvisioningScheme":null},{"Name":"b","TotalCount":3}],"ContinuationToken":"t2","TotalItems":"x"}`)
	page, err := client.MachineCatalogs.List(t.Context())
	require.NoError(t, err, "a field of the wrong type does not fail the page")
	require.Len(t, page.Items, 2)
	assert.Equal(t, "a", page.Items[0].Name)
	assert.Zero(t, page.Items[0].TotalCount)
	assert.Nil(t, page.Items[0].ProvisioningScheme, "null raw parts become nil")
	assert.Equal(t, 3, int(page.Items[1].TotalCount))
	assert.Equal(t, "t2", page.ContinuationToken)

	_, err = serve(`{"Items":[{"Name":"a"},"not a catalog"]}`).MachineCatalogs.List(t.Context())
	assert.Error(t, err, "an item that is not an object fails the page")
}

// tokenFunc is a daas.TokenSource from a function.
type tokenFunc func(context.Context) (daas.Token, error)

func (f tokenFunc) Token(ctx context.Context) (daas.Token, error) { return f(ctx) }

// TestListNeverSwallowsErrors (defect 3): an error that wraps a
// *json.UnmarshalTypeError from anywhere but the page's own fields (here
// the caller's TokenSource, before any request) fails List and All; it gave
// an empty page and a nil error.
func TestListNeverSwallowsErrors(t *testing.T) {
	t.Parallel()
	var expires struct {
		ExpiresIn int `json:"expires_in"`
	}
	tokenErr := json.Unmarshal([]byte(`{"expires_in":"3600"}`), &expires)
	require.Error(t, tokenErr)
	ts := tokenFunc(func(context.Context) (daas.Token, error) {
		return daas.Token{}, fmt.Errorf("my token source: %w", tokenErr)
	})
	var requests atomic.Int32
	c := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_, _ = w.Write([]byte(`{"Items":[]}`))
	}, daas.WithTokenSource(ts))
	page, err := c.MachineCatalogs.List(t.Context())
	var typeErr *json.UnmarshalTypeError
	require.ErrorAs(t, err, &typeErr)
	assert.Nil(t, page)
	n := 0
	for _, err := range c.MachineCatalogs.All(t.Context()) {
		assert.ErrorAs(t, err, &typeErr)
		n++
	}
	assert.Equal(t, 1, n)
	assert.Zero(t, requests.Load())
}

// TestListContinuationTokenOfWrongType (defect 3): a ContinuationToken that
// is not a string fails the page; it silently ended All after page 1. A
// catalog field of the wrong type is still tolerated.
func TestListContinuationTokenOfWrongType(t *testing.T) {
	t.Parallel()
	c := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"Items":[{"Id":"a","Name":"A","SessionSupport":7}],"ContinuationToken":12345}`))
	}, daas.WithBearerToken("tok-0123456789"))
	_, err := c.MachineCatalogs.List(t.Context())
	var typeErr *json.UnmarshalTypeError
	require.ErrorAs(t, err, &typeErr)
	assert.Equal(t, "ContinuationToken", typeErr.Field)
	var got []string
	errs := 0
	for cat, err := range c.MachineCatalogs.All(t.Context()) {
		if err != nil {
			errs++
			continue
		}
		got = append(got, cat.ID)
	}
	assert.Equal(t, 1, errs)
	assert.Empty(t, got)

	lenient := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"Items":[{"Id":"a","Name":"A","SessionSupport":7}],"TotalItems":"1"}`))
	}, daas.WithBearerToken("tok-0123456789"))
	page, err := lenient.MachineCatalogs.List(t.Context())
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, "A", page.Items[0].Name)
}
