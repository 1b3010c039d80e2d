package daas

import (
	"regexp"
	"slices"
	"testing"
)

// TestOperationTable checks the generated operation table against itself: the
// counts of the spec, one row per operation id, path parameters exactly the
// placeholders of the route, and the statuses an async operation needs.
func TestOperationTable(t *testing.T) {
	placeholder := regexp.MustCompile(`\{([^}]+)\}`)
	ids := map[string]bool{}
	methods := map[string]bool{}
	async := 0
	for _, op := range operations {
		if ids[op.ID] {
			t.Errorf("%s: two rows", op.ID)
		}
		ids[op.ID] = true
		name := op.Service + "." + op.Method
		if methods[name] {
			t.Errorf("%s: two operations are %s", op.ID, name)
		}
		methods[name] = true
		var inPathParams []string
		for _, p := range op.Params {
			if p.In == inPath {
				if !p.Required {
					t.Errorf("%s: path parameter %s not required", op.ID, p.Name)
				}
				inPathParams = append(inPathParams, p.Name)
			}
		}
		var inTemplate []string
		for _, m := range placeholder.FindAllStringSubmatch(op.Path, -1) {
			inTemplate = append(inTemplate, m[1])
		}
		slices.Sort(inPathParams)
		slices.Sort(inTemplate)
		if !slices.Equal(inPathParams, inTemplate) {
			t.Errorf("%s: path parameters %q, route %s has %q", op.ID, inPathParams, op.Path, inTemplate)
		}
		if !slices.IsSorted(op.Statuses) {
			t.Errorf("%s: statuses %v not ascending", op.ID, op.Statuses)
		}
		if op.Async != (op.JobResult != "") {
			t.Errorf("%s: async %t, job result %q", op.ID, op.Async, op.JobResult)
		}
		if op.Async {
			async++
			if !slices.Contains(op.Statuses, 202) {
				t.Errorf("%s: takes async but does not answer 202", op.ID)
			}
		}
		if op.Page && op.Response == "" {
			t.Errorf("%s: a page of nothing", op.ID)
		}
	}
	if len(operations) != 537 || async != 297 {
		t.Errorf("%d operations, %d async; the spec has 537, 297", len(operations), async)
	}
}
