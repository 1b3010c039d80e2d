package main

import (
	"strings"
	"testing"
)

// TestSmallSpecServices checks the service forms on the small spec: a
// paged list is List, All and (async) ListAsync; a create is Create and
// CreateAsync yielding the redirect's model; a path parameter is a
// positional string; the Client wiring names the service.
func TestSmallSpecServices(t *testing.T) {
	out, err := generate(smallDoc(t), map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	src := string(out["zz_service_widgets.go"])
	for _, want := range []string{
		"func (s *WidgetsService) List(ctx context.Context, opts ...CallOption) (*Page[Widget], error)",
		"func (s *WidgetsService) All(ctx context.Context, opts ...CallOption) iter.Seq2[Widget, error]",
		"func (s *WidgetsService) ListAsync(ctx context.Context, opts ...CallOption) (*Job[[]Widget], error)",
		"func (s *WidgetsService) Create(ctx context.Context, req CreateWidgetRequest, opts ...CallOption) (*Widget, error)",
		"func (s *WidgetsService) CreateAsync(ctx context.Context, req CreateWidgetRequest, opts ...CallOption) (*Job[*Widget], error)",
		"func (s *WidgetsService) Get(ctx context.Context, nameOrID string, opts ...CallOption) (*Widget, error)",
		`.call("Widgets.Get", []string{nameOrID}, nil, nil, opts)`,
		"func (s *WidgetsService) Update(ctx context.Context, nameOrID string, req EditWidgetRequest, opts ...CallOption) error",
		"Options: PageSize.",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("zz_service_widgets.go lacks %s", want)
		}
	}
	if strings.Contains(src, "GetAsync") {
		t.Error("Get has an Async form, but the operation takes no async")
	}
	svcs := string(out["zz_services.go"])
	for _, want := range []string{"type WidgetsService service", "Widgets *WidgetsService", "c.Widgets = (*WidgetsService)(&c.common)"} {
		if !strings.Contains(svcs, want) {
			t.Errorf("zz_services.go lacks %s", want)
		}
	}
}

// TestHandWrittenMethodRefused checks that a method a root file declares
// by hand is refused unless handWrittenMethods names it, and that a
// hand-written service type is not declared again.
func TestHandWrittenMethodRefused(t *testing.T) {
	_, err := generate(smallDoc(t), map[string]string{"WidgetsService.Get": "widgets.go"})
	if err == nil || !strings.Contains(err.Error(), "Widgets.Get (Widgets_GetWidget): declared by hand in widgets.go") {
		t.Fatalf("err = %v, want the hand-written Widgets.Get refused", err)
	}
	out, err := generate(smallDoc(t), map[string]string{"WidgetsService": "widgets.go"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out["zz_services.go"]), "type WidgetsService service") {
		t.Error("the hand-written WidgetsService is declared again")
	}
}

func TestIdentOf(t *testing.T) {
	for in, want := range map[string]string{
		"nameOrId":        "nameOrID",
		"machine":         "machine",
		"ID":              "id",
		"type":            "typeArg",
		"catalogNameOrId": "catalogNameOrID",
	} {
		if got := identOf(in); got != want {
			t.Errorf("identOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMethodsOfSubCollection(t *testing.T) {
	o := &op{Method: "Machines", Page: true, Async: true}
	var got []string
	for _, m := range methodsOf(o) {
		got = append(got, m.Name+":"+m.Kind)
	}
	if want := "MachinesPage:page Machines:all MachinesAsync:listjob"; strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}
