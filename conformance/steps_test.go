package conformance

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/citrix/citrix-daas-rest-go/citrixorchestration"
	citrixclient "github.com/citrix/citrix-daas-rest-go/client"
)

// A step drives one group of routes with Citrix's client. Each call must
// decode without error (or fail with the error the step expects); the
// recorder checks every body against the spec.
type step struct {
	name string
	run  func(t *testing.T, e *env)
}

// steps are the conformance steps, in order; later issues append theirs.
func steps() []step {
	return []step{
		{"me and site", stepMeAndSite},
		{"list", stepList},
		{"get by name and id", stepGet},
		{"async list paged through the job", stepAsyncList},
		{"async create, update, delete", stepAsyncWrites},
		{"duplicate create", stepDuplicate},
		{"cancel, skip remaining, job list", stepJobControl},
		{"machines", stepMachines},
		{"power actions", stepPower},
		{"catalog machines and provisioning", stepCatalogMachines},
		{"image rollback", stepRollback},
		{"delete machines", stepDeleteMachine},
		{"batch", stepBatch},
		{"delivery groups", stepDeliveryGroups},
		{"refused jobs", stepRefusals},
	}
}

// add is citrixclient.AddRequestData: the customer, site, user agent and
// Accept headers, as Citrix's Terraform provider sets them on every call.
func add[T any](e *env, req T) T { return citrixclient.AddRequestData(req, e.cc) }

// jobID is the job id of a 202's Location, as Citrix's client reads it.
func jobID(t *testing.T, resp *http.Response, err error) string {
	t.Helper()
	if err != nil {
		t.Fatalf("async call: %v", err)
	}
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("async call: status %d, want 202", resp.StatusCode)
	}
	return citrixclient.GetJobIdFromHttpResponse(*resp)
}

// finish waits for a job: in memory it moves service time past the job's
// end; the simulator's jobs end at once. It returns the job as decoded.
func finish(t *testing.T, e *env, id string) *citrixorchestration.JobResponseModel {
	t.Helper()
	if e.advance != nil {
		e.advance(2 * time.Minute)
	}
	job, _, err := add(e, e.api.JobsAPIsDAAS.JobsGetJob(t.Context(), id)).Execute()
	if err != nil {
		t.Fatalf("GET /Jobs/%s: %v", id, err)
	}
	checkCodes(t, "GET /Jobs/"+id, job)
	return job
}

func must[T any](t *testing.T, what string) func(v T, resp *http.Response, err error) T {
	return func(v T, _ *http.Response, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

func stepMeAndSite(t *testing.T, e *env) {
	// InitializeCitrixDaasClient already read /me and /Sites/{id}.
	if e.cc.ClientConfig.ProductVersion == "" || e.cc.ClientConfig.SiteId == "" {
		t.Fatalf("client config after init: %+v", *e.cc.ClientConfig)
	}
	sites := must[*citrixorchestration.SiteResponseModelCollection](t, "GET /Sites")(add(e, e.api.SitesAPIsDAAS.SitesGetSites(t.Context())).Execute())
	if len(sites.Items) != 1 || sites.Items[0].GetId() != e.cc.ClientConfig.SiteId {
		t.Fatalf("sites = %+v", sites.Items)
	}
	byName := must[*citrixorchestration.SiteDetailResponseModel](t, "GET /Sites/{name}")(add(e, e.api.SitesAPIsDAAS.SitesGetSite(t.Context(), sites.Items[0].GetName())).Execute())
	if byName.GetId() != e.cc.ClientConfig.SiteId {
		t.Fatalf("site by name = %s", byName.GetId())
	}
	_, resp, err := add(e, e.api.SitesAPIsDAAS.SitesGetSite(t.Context(), "nosuchsite")).Execute()
	if err == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown site: %v", err)
	}
}

func stepList(t *testing.T, e *env) {
	list := func(r citrixorchestration.ApiMachineCatalogsGetMachineCatalogsRequest) *citrixorchestration.MachineCatalogResponseModelCollection {
		return must[*citrixorchestration.MachineCatalogResponseModelCollection](t, "GET /MachineCatalogs")(add(e, r).Execute())
	}
	all := list(e.api.MachineCatalogsAPIsDAAS.MachineCatalogsGetMachineCatalogs(t.Context()))
	if len(all.Items) != 5 {
		t.Fatalf("catalogs = %d", len(all.Items))
	}
	var names []string
	tok := ""
	for {
		r := e.api.MachineCatalogsAPIsDAAS.MachineCatalogsGetMachineCatalogs(t.Context()).Limit(2)
		if tok != "" {
			r = r.ContinuationToken(tok)
		}
		page := list(r)
		for _, c := range page.Items {
			names = append(names, c.GetName())
		}
		if tok = page.GetContinuationToken(); tok == "" {
			break
		}
	}
	if len(names) != 5 || names[0] != all.Items[0].GetName() {
		t.Fatalf("paged names = %v", names)
	}
	some := list(e.api.MachineCatalogsAPIsDAAS.MachineCatalogsGetMachineCatalogs(t.Context()).Fields("Id,Name"))
	if some.Items[0].GetId() == "" || some.Items[0].GetSessionSupport() != "" {
		t.Fatalf("fields=Id,Name item = %+v", some.Items[0])
	}
}

func stepGet(t *testing.T, e *env) {
	all := must[*citrixorchestration.MachineCatalogResponseModelCollection](t, "list")(add(e, e.api.MachineCatalogsAPIsDAAS.MachineCatalogsGetMachineCatalogs(t.Context())).Execute())
	first := all.Items[0]
	for _, key := range []string{first.GetName(), first.GetId()} {
		got := must[*citrixorchestration.MachineCatalogDetailResponseModel](t, "GET /MachineCatalogs/"+key)(add(e, e.api.MachineCatalogsAPIsDAAS.MachineCatalogsGetMachineCatalog(t.Context(), key)).Execute())
		if got.GetId() != first.GetId() {
			t.Fatalf("get %s = %s", key, got.GetId())
		}
	}
}

// stepAsyncList pages an async list as Citrix's Terraform provider does:
// the ContinuationToken of a job's Results goes back to the list, with
// async=true, for a job with the next page.
func stepAsyncList(t *testing.T, e *env) {
	e.rec.expectResult("MachineCatalogResponseModelCollection")
	defer e.rec.expectResult("")
	var names []string
	tok := ""
	for pages := 0; ; pages++ {
		r := e.api.MachineCatalogsAPIsDAAS.MachineCatalogsGetMachineCatalogs(t.Context()).Async(true).Limit(2)
		if tok != "" {
			r = r.ContinuationToken(tok)
		}
		_, resp, err := add(e, r).Execute()
		id := jobID(t, resp, err)
		if job := finish(t, e, id); job.GetStatus() != citrixorchestration.JOBSTATUS_COMPLETE || job.GetType() != citrixorchestration.JOBTYPE_GET_MACHINE_CATALOGS {
			t.Fatalf("list job = %s %s", job.GetType(), job.GetStatus())
		}
		raw := must[string](t, "GET /Jobs/{id}/Results")(add(e, e.api.JobsAPIsDAAS.JobsGetJobResults(t.Context(), id)).Execute())
		var page citrixorchestration.MachineCatalogResponseModelCollection
		if err := json.Unmarshal([]byte(raw), &page); err != nil {
			t.Fatalf("decoding Results: %v", err)
		}
		for _, c := range page.Items {
			names = append(names, c.GetName())
		}
		if tok = page.GetContinuationToken(); tok == "" {
			if pages != 2 {
				t.Fatalf("%d pages, want 3", pages+1)
			}
			break
		}
	}
	if len(names) != 5 {
		t.Fatalf("async names = %v", names)
	}
}

func stepAsyncWrites(t *testing.T, e *env) {
	ctx := t.Context()
	create := citrixorchestration.NewCreateMachineCatalogRequestModel("Conformance", citrixorchestration.PROVISIONINGTYPE_MCS, citrixorchestration.SESSIONSUPPORT_SINGLE_SESSION)
	_, resp, err := add(e, e.api.MachineCatalogsAPIsDAAS.MachineCatalogsCreateMachineCatalog(ctx).CreateMachineCatalogRequestModel(*create).Async(true)).Execute()
	id := jobID(t, resp, err)
	job := finish(t, e, id)
	if job.GetStatus() != citrixorchestration.JOBSTATUS_COMPLETE || job.GetType() != citrixorchestration.JOBTYPE_CREATE_MACHINE_CATALOG {
		t.Fatalf("create job = %s %s %s", job.GetType(), job.GetStatus(), job.GetErrorString())
	}
	// Results of a create is a 303 to the catalog.
	_, resp, err = add(e, e.api.JobsAPIsDAAS.JobsGetJobResults(ctx, id)).Execute()
	if resp == nil || resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "/MachineCatalogs/") {
		t.Fatalf("create results: %v %v", resp, err)
	}
	got := must[*citrixorchestration.MachineCatalogDetailResponseModel](t, "get created")(add(e, e.api.MachineCatalogsAPIsDAAS.MachineCatalogsGetMachineCatalog(ctx, "Conformance")).Execute())

	update := citrixorchestration.NewUpdateMachineCatalogRequestModel()
	update.SetDescription("changed")
	_, resp, err = add(e, e.api.MachineCatalogsAPIsDAAS.MachineCatalogsUpdateMachineCatalog(ctx, got.GetId()).UpdateMachineCatalogRequestModel(*update).Async(true)).Execute()
	if job := finish(t, e, jobID(t, resp, err)); job.GetStatus() != citrixorchestration.JOBSTATUS_COMPLETE {
		t.Fatalf("update job = %s %s", job.GetStatus(), job.GetErrorString())
	}
	got = must[*citrixorchestration.MachineCatalogDetailResponseModel](t, "get updated")(add(e, e.api.MachineCatalogsAPIsDAAS.MachineCatalogsGetMachineCatalog(ctx, got.GetId())).Execute())
	if got.GetDescription() != "changed" {
		t.Fatalf("Description = %q", got.GetDescription())
	}

	resp, err = add(e, e.api.MachineCatalogsAPIsDAAS.MachineCatalogsDeleteMachineCatalog(ctx, got.GetId()).Async(true)).Execute()
	if job := finish(t, e, jobID(t, resp, err)); job.GetStatus() != citrixorchestration.JOBSTATUS_COMPLETE || job.GetType() != citrixorchestration.JOBTYPE_DELETE_MACHINE_CATALOG {
		t.Fatalf("delete job = %s %s", job.GetType(), job.GetStatus())
	}
	_, resp, err = add(e, e.api.MachineCatalogsAPIsDAAS.MachineCatalogsGetMachineCatalog(ctx, got.GetId())).Execute()
	if err == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("deleted catalog: %v", err)
	}
	// An async get of one catalog: a job of a type the spec has.
	_, resp, err = add(e, e.api.MachineCatalogsAPIsDAAS.MachineCatalogsGetMachineCatalog(ctx, "Win11-Pooled-001").Async(true)).Execute()
	e.rec.expectResult("MachineCatalogDetailResponseModel")
	defer e.rec.expectResult("")
	id = jobID(t, resp, err)
	if job := finish(t, e, id); job.GetType() != citrixorchestration.JOBTYPE_GET_MACHINE_CATALOG_DETAILS {
		t.Fatalf("async get job type = %s", job.GetType())
	}
	must[string](t, "async get results")(add(e, e.api.JobsAPIsDAAS.JobsGetJobResults(ctx, id)).Execute())
}

// stepDuplicate: a second catalog of a name is a 409 with the spec's
// ErrorResponse when sync, and a failed job when async.
func stepDuplicate(t *testing.T, e *env) {
	ctx := t.Context()
	dup := citrixorchestration.NewCreateMachineCatalogRequestModel("Win11-Pooled-001", citrixorchestration.PROVISIONINGTYPE_MCS, citrixorchestration.SESSIONSUPPORT_SINGLE_SESSION)
	_, resp, err := add(e, e.api.MachineCatalogsAPIsDAAS.MachineCatalogsCreateMachineCatalog(ctx).CreateMachineCatalogRequestModel(*dup)).Execute()
	var ge *citrixorchestration.GenericOpenAPIError
	if !errors.As(err, &ge) || resp.StatusCode != http.StatusConflict {
		t.Fatalf("sync duplicate: %v", err)
	}
	model, ok := ge.Model().(citrixorchestration.ErrorResponse)
	if !ok || model.GetType() == "" || !strings.Contains(model.GetDetail(), "Win11-Pooled-001") {
		t.Fatalf("409 model = %#v", ge.Model())
	}
	_, resp, err = add(e, e.api.MachineCatalogsAPIsDAAS.MachineCatalogsCreateMachineCatalog(ctx).CreateMachineCatalogRequestModel(*dup).Async(true)).Execute()
	job := finish(t, e, jobID(t, resp, err))
	if job.GetStatus() != citrixorchestration.JOBSTATUS_FAILED || job.GetErrorCode() != citrixorchestration.JOBERRORCODE_DUPLICATE_OBJECT {
		t.Fatalf("async duplicate job = %s %s", job.GetStatus(), job.GetErrorCode())
	}
}

// stepJobControl: $cancel, $SkipRemaining and the job list. In memory the
// jobs are still running when they are cancelled or skipped; the
// simulator's have ended, which $cancel answers with the job and
// $SkipRemaining with a 303 to what the job made. A job without sub jobs
// does not support $SkipRemaining (501).
func stepJobControl(t *testing.T, e *env) {
	ctx := t.Context()
	start := func(name string) string {
		req := citrixorchestration.NewCreateMachineCatalogRequestModel(name, citrixorchestration.PROVISIONINGTYPE_MCS, citrixorchestration.SESSIONSUPPORT_MULTI_SESSION)
		_, resp, err := add(e, e.api.MachineCatalogsAPIsDAAS.MachineCatalogsCreateMachineCatalog(ctx).CreateMachineCatalogRequestModel(*req).Async(true)).Execute()
		return jobID(t, resp, err)
	}
	cancelID, skipID := start("ToCancel"), start("ToSkip")
	canceled := must[*citrixorchestration.JobResponseModel](t, "$cancel")(add(e, e.api.JobsAPIsDAAS.JobsCancelJob(ctx, cancelID)).Execute())
	if e.advance == nil {
		// The simulator's job has completed: 303 to the catalog it made.
		_, resp, err := add(e, e.api.JobsAPIsDAAS.JobsSkipRemainingSubtasks(ctx, skipID)).Execute()
		if resp == nil || resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "/MachineCatalogs/") {
			t.Fatalf("$SkipRemaining of a completed job: %v, want 303 to the catalog", err)
		}
	}
	// A job without sub jobs does not support it: 501 with an ErrorResponse.
	_, resp, err := add(e, e.api.MachineCatalogsAPIsDAAS.MachineCatalogsGetMachineCatalogs(ctx).Async(true)).Execute()
	listID := jobID(t, resp, err)
	if _, resp, err := add(e, e.api.JobsAPIsDAAS.JobsSkipRemainingSubtasks(ctx, listID)).Execute(); resp == nil || resp.StatusCode != http.StatusNotImplemented {
		t.Fatalf("$SkipRemaining of a list job: %v, want 501", err)
	}
	if e.advance != nil {
		skipped := must[*citrixorchestration.JobResponseModel](t, "$SkipRemaining")(add(e, e.api.JobsAPIsDAAS.JobsSkipRemainingSubtasks(ctx, skipID)).Execute())
		if canceled.GetStatus() != citrixorchestration.JOBSTATUS_CANCELED {
			t.Fatalf("canceled job = %s", canceled.GetStatus())
		}
		if skipped.GetStatus() != citrixorchestration.JOBSTATUS_NOT_STARTED && skipped.GetStatus() != citrixorchestration.JOBSTATUS_IN_PROGRESS {
			t.Fatalf("skipped job = %s", skipped.GetStatus())
		}
		if _, ok := skipped.GetEndTimeOk(); ok && skipped.EndTime.IsSet() && skipped.EndTime.Get() != nil {
			t.Fatalf("a running job has an EndTime: %v", *skipped.EndTime.Get())
		}
		// The second sub job never runs; the job completes after the first.
		e.advance(30 * time.Second)
		done := finish(t, e, skipID)
		subs := done.GetSubJobs()
		if done.GetStatus() != citrixorchestration.JOBSTATUS_COMPLETE || len(subs) != 2 || subs[1].GetStatus() != citrixorchestration.JOBSTATUS_CANCELED {
			t.Fatalf("skipped job after its first sub job = %s, subs %d", done.GetStatus(), len(subs))
		}
	}
	jobs := must[*citrixorchestration.JobResponseModelCollection](t, "GET /Jobs")(add(e, e.api.JobsAPIsDAAS.JobsGetJobs(ctx)).Execute())
	if len(jobs.Items) < 2 {
		t.Fatalf("jobs = %d", len(jobs.Items))
	}
}
