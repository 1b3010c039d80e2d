package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func TestRollout(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest(Seeds()...)
	defer opts.Fake.Close()
	var out bytes.Buffer
	if err := run(t.Context(), &out, nil, opts); err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	got := out.String()
	// The count printed is the number of machines the catalog has.
	var id string
	for _, c := range opts.Fake.Catalogs() {
		if c.Name == "Win11-Pooled-001" {
			id = c.ID
		}
	}
	n := 0
	for _, m := range opts.Fake.Machines() {
		if m.Catalog == id {
			n++
		}
	}
	for _, want := range []string{
		"Using the built-in fake Citrix DaaS",
		fmt.Sprintf("Catalog Win11-Pooled-001: %d machines; delivery groups using it: [Desktops-001]", n),
		"Updating the image as job ",
		"image update", "reboot Desktops-001", "Complete     100%",
		"Reboot cycle of Desktops-001 as job ",
		"0 machines still on an old image",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	groups := opts.Fake.DeliveryGroups()
	if len(groups) != 1 || groups[0].RebootCycles != 1 {
		t.Errorf("fake groups %+v: want one reboot cycle on Desktops-001", groups)
	}
	if n := opts.Fake.Count("POST /DeliveryGroups/{nameOrId}/$StartRebootCycle"); n != 1 {
		t.Errorf("%d reboot cycle requests, want 1", n)
	}
}

func TestRealServiceNeedsYes(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest(Seeds()...)
	defer opts.Fake.Close()
	fake := opts.Fake
	opts.Getenv, opts.Fake = exampleenv.FakeEnv(fake), nil
	var out bytes.Buffer
	err := run(t.Context(), &out, nil, opts)
	if err == nil || !strings.Contains(err.Error(), "-yes") {
		t.Fatalf("run returned %v, want an error asking for -yes", err)
	}
	if n := fake.Stats().JobsCreated; n != 0 {
		t.Errorf("%d jobs started without -yes", n)
	}
}

// TestRolloutAgainstDaasSim: the example's defaults name what daas-sim
// seeds by default, so a plain run against it (with -yes, as against any
// service) rolls out.
func TestRolloutAgainstDaasSim(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	opts, stop, err := exampleenv.StartSim(ctx, "-job-duration", "20ms")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, &out, []string{"-yes"}, opts); err != nil {
		t.Fatalf("run against daas-sim: %v\n%s", err, &out)
	}
	for _, want := range []string{"Catalog Win11-Pooled-001: 15 machines; delivery groups using it: [Desktops-001]", "0 machines still on an old image"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, &out)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("daas-sim: %v", err)
	}
}
