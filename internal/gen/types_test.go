package main

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// A small spec with what the rules must handle: a collection, a PATCH body,
// a create body with defaults, a struct that contains itself, an allOf, a
// name two schemas would share, and an enum.
const smallSpec = `
paths:
  /Widgets:
    get:
      operationId: Widgets_GetWidgets
      tags: [Widgets APIs]
      parameters:
      - {name: Citrix-CustomerId, in: header, required: true, schema: {type: string}}
      - {name: async, in: query, schema: {type: boolean}, description: "The task will have JobType GetWidgets."}
      - {name: limit, in: query, schema: {type: integer, format: int32}}
      responses:
        "200": {content: {application/json: {schema: {$ref: "#/components/schemas/WidgetResponseModelCollection"}}}}
        "202": {}
    post:
      operationId: Widgets_CreateWidget
      tags: [Widgets APIs]
      parameters:
      - {name: async, in: query, schema: {type: boolean}, description: "The task will have JobType CreateWidget.\nWhen the task is complete it will redirect to\nGetWidget."}
      requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/CreateWidgetRequestModel"}}}}
      responses:
        "201": {content: {application/json: {schema: {$ref: "#/components/schemas/WidgetResponseModel"}}}}
  /Widgets/{nameOrId}:
    get:
      operationId: Widgets_GetWidget
      tags: [Widgets APIs]
      parameters:
      - {name: nameOrId, in: path, required: true, schema: {type: string}}
      responses:
        "200": {content: {application/json: {schema: {$ref: "#/components/schemas/WidgetResponseModel"}}}}
    patch:
      operationId: Widgets_PatchWidget
      tags: [Widgets APIs]
      parameters:
      - {name: nameOrId, in: path, required: true, schema: {type: string}}
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/EditWidgetRequestModel"}}}}
      responses:
        "204": {}
components:
  schemas:
    Color:
      type: string
      enum: [Red, Dark_Blue]
    JobType:
      type: string
      enum: [Unknown, CreateWidget]
    CollectionModelOfWidgetResponseModel:
      type: object
      properties:
        Items: {type: array, items: {$ref: "#/components/schemas/WidgetResponseModel"}}
        ContinuationToken: {type: string}
    WidgetResponseModelCollection:
      allOf:
      - {$ref: "#/components/schemas/CollectionModelOfWidgetResponseModel"}
      - {type: object}
    BaseResponseModel:
      type: object
      properties:
        Id: {type: string}
    WidgetResponseModel:
      allOf:
      - {$ref: "#/components/schemas/BaseResponseModel"}
      - type: object
        properties:
          DnsName: {type: string}
          Color: {$ref: "#/components/schemas/Color"}
          Parent: {$ref: "#/components/schemas/WidgetResponseModel"}
          Labels: {type: object, additionalProperties: {type: integer, format: int64}}
          Extra: {type: object}
    WidgetModel:
      type: object
      properties:
        Name: {type: string}
    CreateWidgetRequestModel:
      type: object
      required: [Name]
      properties:
        Name: {type: string}
        Enabled: {type: boolean, default: true}
        Count: {type: integer, format: int32}
        Tags: {type: array, items: {type: string}}
        Shape: {$ref: "#/components/schemas/WidgetModel"}
    EditWidgetRequestModel:
      type: object
      properties:
        Name: {type: string}
        Color: {$ref: "#/components/schemas/Color"}
        Tags: {type: array, items: {type: string}}
`

func smallDoc(t *testing.T) *document {
	t.Helper()
	doc := new(document)
	if err := yaml.Unmarshal([]byte(smallSpec), doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestSmallSpec(t *testing.T) {
	out, err := generate(smallDoc(t), map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	models := string(out["zz_models.go"])
	for _, want := range []string{
		// allOf flattened, base fields first; a struct containing itself
		// through a field is a pointer there; maps and untyped objects.
		"type Widget struct {\n\tID string `json:\"Id\"`\n\tDNSName string `json:\"DnsName\"`\n\tColor Color `json:\"Color\"`\n\tParent *Widget `json:\"Parent\"`\n\tLabels map[string]int64 `json:\"Labels\"`\n\tExtra json.RawMessage `json:\"Extra\"`\n}",
		// A create body: required sent always, a non-zero default a pointer,
		// other optional fields omitted when zero (a struct with omitzero).
		"type CreateWidgetRequest struct {\n\tName string `json:\"Name\"`\n\tEnabled *bool `json:\"Enabled,omitempty\"`\n\tCount int `json:\"Count,omitempty\"`\n\tTags []string `json:\"Tags,omitempty\"`\n\tShape WidgetModel `json:\"Shape,omitzero\"`\n}",
		// A PATCH body: optional fields pointers, slices nil when unset.
		"type EditWidgetRequest struct {\n\tName *string `json:\"Name,omitempty\"`\n\tColor *Color `json:\"Color,omitempty\"`\n\tTags []string `json:\"Tags,omitzero\"`\n}",
	} {
		if !strings.Contains(collapse(models), collapse(want)) {
			t.Errorf("zz_models.go lacks\n%s\n--- it has:\n%s", want, models)
		}
	}
	// WidgetModel and WidgetResponseModel share the rule name Widget: the
	// response model keeps it, the other falls back to its spec name.
	if strings.Contains(models, "CollectionModel") || strings.Contains(models, "WidgetResponseModelCollection") {
		t.Error("a collection was emitted as a model; it is Page[T]")
	}
	enums := string(out["zz_enums.go"])
	for _, want := range []string{"type Color string", `ColorRed Color = "Red"`, `ColorDark_Blue Color = "Dark_Blue"`} {
		if !strings.Contains(collapse(enums), collapse(want)) {
			t.Errorf("zz_enums.go lacks %s", want)
		}
	}
	table := collapse(string(out["zz_operations.go"]))
	for _, want := range []string{
		`ID: "Widgets_GetWidgets", Service: "Widgets", Method: "List"`,
		`Response: "Widget", ResponseSchema: "WidgetResponseModelCollection", Page: true`,
		`JobTypes: []string{"GetWidgets"}`,
		`{"limit", inQuery, false, "int"}`,
		`{"Citrix-CustomerId", inHeader, true, "string"}`,
		`ID: "Widgets_CreateWidget", Service: "Widgets", Method: "Create"`,
		`Redirects: true, Redirect: "Widgets_GetWidget", JobResult: "Widget"`,
		`JobTypes: []string{"GetWidgets"}, JobResult: "[]Widget"`,
		`Request: "CreateWidgetRequest", RequestRequired: true, RequestSchema: "CreateWidgetRequestModel"`,
		`ID: "Widgets_PatchWidget", Service: "Widgets", Method: "Update"`,
		`{"nameOrId", inPath, true, "string"}`,
	} {
		if !strings.Contains(table, collapse(want)) {
			t.Errorf("zz_operations.go lacks %s", want)
		}
	}
}

// collapse removes the alignment gofmt adds, so tests can compare lines.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func TestTypeNameCollision(t *testing.T) {
	doc := smallDoc(t)
	types, err := newTypeSet(doc, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	for schema, want := range map[string]string{
		"WidgetResponseModel":      "Widget",
		"WidgetModel":              "WidgetModel", // "Widget" taken: its spec name
		"CreateWidgetRequestModel": "CreateWidgetRequest",
		"Color":                    "Color",
	} {
		if got := types.names[schema]; got != want {
			t.Errorf("%s: %s, want %s", schema, got, want)
		}
	}
}

func TestHandWrittenClash(t *testing.T) {
	// The root declares Widget by hand and no override says so.
	_, err := newTypeSet(smallDoc(t), map[string]string{"Widget": "widget.go"})
	if err == nil || !strings.Contains(err.Error(), "Widget is declared by hand in widget.go") {
		t.Errorf("err = %v, want the clash named", err)
	}
	// A generated enum constant clashing with a hand-written name.
	doc := smallDoc(t)
	_, err = generate(doc, map[string]string{"ColorRed": "colors.go"})
	if err == nil || !strings.Contains(err.Error(), "ColorRed") {
		t.Errorf("err = %v, want the constant's clash named", err)
	}
}

func TestHandWrittenOverride(t *testing.T) {
	typeOverrides["WidgetResponseModel"] = typeOverride{Name: "Gadget", HandWritten: true}
	typeOverrides["BaseResponseModel"] = typeOverride{Name: "Foundation"}
	defer delete(typeOverrides, "WidgetResponseModel")
	defer delete(typeOverrides, "BaseResponseModel")

	// Marked hand-written but the root does not declare it: an error.
	if _, err := generate(smallDoc(t), map[string]string{}); err == nil {
		t.Error("hand-written Gadget that the root lacks: no error")
	}
	out, err := generate(smallDoc(t), map[string]string{"Gadget": "gadget.go"})
	if err != nil {
		t.Fatal(err)
	}
	models := string(out["zz_models.go"])
	if strings.Contains(models, "type Gadget ") {
		t.Error("a hand-written type was generated")
	}
	// With WidgetResponseModel named Gadget, WidgetModel has the rule's name.
	if !strings.Contains(models, "type Widget struct") {
		t.Error("WidgetModel is not Widget once the name is free")
	}
	if !strings.Contains(models, "type Foundation struct") {
		t.Error("renamed BaseResponseModel is not Foundation")
	}
	if !strings.Contains(collapse(string(out["zz_operations.go"])), `Response: "Gadget", ResponseSchema: "WidgetResponseModelCollection", Page: true`) {
		t.Error("the table does not refer to the hand-written type")
	}
}

func TestRedirectName(t *testing.T) {
	for in, want := range map[string]string{
		"GetMachine.":                    "GetMachine",
		"JobsControllerTP.GetJobResults": "GetJobResults",
		"GetTag":                         "GetTag",
		"":                               "",
	} {
		if got := redirectName(in); got != want {
			t.Errorf("redirectName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsGenerated(t *testing.T) {
	if !isGenerated([]byte(generatedHeader + "\n\npackage daas\n")) {
		t.Error("the generator's header is not recognised")
	}
	if isGenerated([]byte("// Package daas is …\npackage daas\n\n// Code generated by x; DO NOT EDIT.\n")) {
		t.Error("a mark after the package clause counts")
	}
}
