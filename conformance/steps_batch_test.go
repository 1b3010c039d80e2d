package conformance

import (
	"encoding/json"
	"testing"

	"github.com/citrix/citrix-daas-rest-go/citrixorchestration"
)

// batchItems are two reads, one of them of a machine that does not exist.
// Each item carries its own Authorization, as the spec's batch items do.
func batchItems(token string) []citrixorchestration.BatchRequestItemModel {
	auth := []citrixorchestration.NameValueStringPairModel{{Name: *citrixorchestration.NewNullableString(ptr("Authorization")), Value: *citrixorchestration.NewNullableString(&token)}}
	get := citrixorchestration.NewBatchRequestItemModel("catalog", "/MachineCatalogs/"+seedCatalog)
	get.SetMethod("GET")
	get.Headers = auth
	missing := citrixorchestration.NewBatchRequestItemModel("missing", "/Machines/NoSuchMachine")
	missing.SetMethod("GET")
	missing.Headers = auth
	return []citrixorchestration.BatchRequestItemModel{*get, *missing}
}

// checkBatch checks the answers of batchItems.
func checkBatch(t *testing.T, what string, got *citrixorchestration.BatchResponseModel) {
	t.Helper()
	if len(got.Items) != 2 {
		t.Fatalf("%s: %d items", what, len(got.Items))
	}
	codes := map[string]int32{}
	for _, it := range got.Items {
		codes[it.GetReference()] = it.GetCode()
	}
	if codes["catalog"] != 200 || codes["missing"] != 404 {
		t.Fatalf("%s: codes = %v", what, codes)
	}
}

// stepBatch: POST /$batch sync, and async through a Batch job whose
// Results are a BatchResponseModel.
func stepBatch(t *testing.T, e *env) {
	ctx := t.Context()
	api := e.api.BatchAPIsDAAS
	body := *citrixorchestration.NewBatchRequestModel(batchItems(e.cc.AuthToken.Token))
	checkBatch(t, "sync $batch", must[*citrixorchestration.BatchResponseModel](t, "POST /$batch")(add(e, api.BatchDoBatchRequest(ctx).BatchRequestModel(body)).Execute()))

	e.rec.expectResult("BatchResponseModel")
	defer e.rec.expectResult("")
	_, resp, err := add(e, api.BatchDoBatchRequest(ctx).BatchRequestModel(body).Async(true)).Execute()
	id := jobID(t, resp, err)
	completes(t, e, "async $batch", id, citrixorchestration.JOBTYPE_BATCH)
	raw := must[string](t, "GET /Jobs/{id}/Results")(add(e, e.api.JobsAPIsDAAS.JobsGetJobResults(ctx, id)).Execute())
	var got citrixorchestration.BatchResponseModel
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatalf("decoding Results: %v", err)
	}
	checkBatch(t, "async $batch", &got)
}

func ptr[T any](v T) *T { return &v }
