package main

import (
	"strings"
	"testing"
)

// TestSmallSpecFake checks the fake's table on the small spec: the job type
// and the redirect's path of an async create, the body's properties, the
// required and identity properties to fill, a page, the statuses.
func TestSmallSpecFake(t *testing.T) {
	doc := smallDoc(t)
	out := output{}
	if err := addFake(out, doc, map[string]string{}); err != nil {
		t.Fatal(err)
	}
	src := string(out[fakeFile])
	if !strings.HasPrefix(src, generatedHeader) || !strings.Contains(src, "package daastest") {
		t.Fatalf("%s: not a generated file of package daastest:\n%.200s", fakeFile, src)
	}
	create := section(t, src, `ID: "Widgets_CreateWidget"`)
	for _, want := range []string{
		`Async: true`,
		`JobTypes: []string{"CreateWidget"}`,
		`Redirect: "/Widgets/{nameOrId}"`,
		`Body: bodyObject, BodyRequired: true`,
		`Props: []string{"Name", "Enabled", "Count", "Tags", "Shape"}`,
		`Response: respObject`,
		`Answer: "model:WidgetResponseModel"`,
		`Statuses: []int{201}`,
	} {
		if !strings.Contains(create, want) {
			t.Errorf("Widgets_CreateWidget lacks %s:\n%s", want, create)
		}
	}
	// The answer's model: every declared property with its type, a
	// reference to itself kept as a name.
	model := section(t, src, `"WidgetResponseModel": {`)
	for _, want := range []string{
		`{"Id", "string", false, 0}`,
		`{"Color", "enum:Color", false, 0}`,
		`{"Parent", "model:WidgetResponseModel", false, 0}`,
		`{"Labels", "map", false, 0}`,
	} {
		if !strings.Contains(model, want) {
			t.Errorf("WidgetResponseModel lacks %s:\n%s", want, model)
		}
	}
	if !strings.Contains(src, `"Color": {"Red", "Dark_Blue"}`) {
		t.Error("the enum Color is not in specEnums")
	}
	list := section(t, src, `ID: "Widgets_GetWidgets"`)
	if strings.Contains(list, "JobTypes:") {
		t.Errorf("Widgets_GetWidgets: GetWidgets is no JobType, yet it is the job's type:\n%s", list)
	}
	for _, want := range []string{`Response: respPage`, `Answer: "model:WidgetResponseModel"`, `{"async", "query", false}`, `{"Citrix-CustomerId", "header", true}`, `Statuses: []int{200, 202}`, `Bare: []int{202}`} {
		if !strings.Contains(list, want) {
			t.Errorf("Widgets_GetWidgets lacks %s:\n%s", want, list)
		}
	}
	patch := section(t, src, `ID: "Widgets_PatchWidget"`)
	if !strings.Contains(patch, `Body: bodyObject, BodyRequired: false`) || strings.Contains(patch, "Response:") {
		t.Errorf("Widgets_PatchWidget: want an optional object body and no answer:\n%s", patch)
	}
}

// section is the row of the table that starts with start.
func section(t *testing.T, src, start string) string {
	t.Helper()
	i := strings.Index(src, start)
	if i < 0 {
		t.Fatalf("no row %s", start)
	}
	end := strings.Index(src[i:], "\n\t},")
	return strings.Join(strings.Fields(src[i:i+end]), " ") // gofmt's alignment aside
}
