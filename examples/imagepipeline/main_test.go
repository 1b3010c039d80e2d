package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func TestImagePipeline(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
	defer opts.Fake.Close()
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-machines", "3"}, opts); err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	for _, want := range []string{
		"Using the built-in fake Citrix DaaS",
		"Created hosting connection vc-demo (VCenter)",
		"Created resource pool Pool-Demo on vc-demo",
		"Connection test: 4 passed, 0 warnings, 0 failed",
		"Created image definition Win11-Demo",
		"Preparing image version of Win11-Demo as job ",
		"image    Complete     100%",
		"Image version 1 of Win11-Demo: Success",
		"Catalog Win11-Image-Demo: 3 machines from image version 1 of Win11-Demo",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, &out)
		}
	}
	eq(t, "connections", strings.Join(opts.Fake.Hypervisors(), ","), "vc-demo")
	n := 0
	for _, c := range opts.Fake.Catalogs() {
		if c.Name == "Win11-Image-Demo" {
			n = c.TotalCount
		}
	}
	eq(t, "machines of the catalog", n, 3)
	for _, route := range []string{"POST /hypervisors", "POST /hypervisors/{nameOrId}/resourcePools", "POST /Hypervisors/{nameOrId}/$test",
		"POST /ImageDefinitions", "POST /ImageDefinitions/{nameOrId}/ImageVersions", "POST /MachineCatalogs"} {
		eq(t, route, opts.Fake.Count(route), 1)
	}

	// A second run reuses the connection, pool and definition, and makes
	// version 2.
	out.Reset()
	if err := run(t.Context(), &out, []string{"-catalog", "Win11-Image-Demo-2"}, opts); err != nil {
		t.Fatalf("second run: %v\n%s", err, &out)
	}
	for _, want := range []string{"Using hosting connection vc-demo", "Using resource pool Pool-Demo",
		"Using image definition Win11-Demo (latest version 1)", "Image version 2 of Win11-Demo: Success"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("second run's output lacks %q:\n%s", want, &out)
		}
	}
}

// TestImagePipelineStopsOnAFailedConnectionTest: no image is built on a
// connection whose test fails.
func TestImagePipelineStopsOnAFailedConnectionTest(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
	defer opts.Fake.Close()
	_, err := opts.Fake.Client().Hypervisors.Create(t.Context(), daas.CreateHypervisorRequest{ConnectionDetails: daas.HypervisorConnectionDetailRequest{
		Name: "vc-demo", ConnectionType: daas.HypervisorConnectionTypeVCenter,
	}})
	if err != nil {
		t.Fatal(err)
	}
	opts.Fake.FailConnectionTest("vc-demo", "certificate expired")
	var out bytes.Buffer
	err = run(t.Context(), &out, nil, opts)
	if err == nil || !strings.Contains(err.Error(), "connection test of vc-demo failed") {
		t.Fatalf("run: %v, want the connection test's failure\n%s", err, &out)
	}
	eq(t, "image versions started", opts.Fake.Count("POST /ImageDefinitions/{nameOrId}/ImageVersions"), 0)
}

// TestImagePipelineAgainstDaasSim runs the example's defaults against the
// simulator over TCP, as a user would with -yes.
func TestImagePipelineAgainstDaasSim(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	opts, stop, err := exampleenv.StartSim(ctx, "-job-duration", "20ms")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, &out, nil, opts); err == nil || !strings.Contains(err.Error(), "-yes") {
		t.Fatalf("run without -yes: %v, want a refusal", err)
	}
	if err := run(ctx, &out, []string{"-yes"}, opts); err != nil {
		t.Fatalf("run against daas-sim: %v\n%s", err, &out)
	}
	if want := "Catalog Win11-Image-Demo: 2 machines from image version 1 of Win11-Demo"; !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, &out)
	}
	if err := stop(); err != nil {
		t.Errorf("daas-sim: %v", err)
	}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}
