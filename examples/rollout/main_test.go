package main

import (
	"bytes"
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
	for _, want := range []string{
		"Using the built-in fake Citrix DaaS",
		"Catalog Win11-Pooled-001: 15 machines; delivery groups using it: [Win11-Desktops]",
		"Updating the image as job ",
		"image update", "reboot Win11-Desktops", "Complete     100%",
		"Reboot cycle of Win11-Desktops as job ",
		"0 machines still on an old image",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	groups := opts.Fake.DeliveryGroups()
	if len(groups) != 1 || groups[0].RebootCycles != 1 {
		t.Errorf("fake groups %+v: want one reboot cycle on Win11-Desktops", groups)
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
