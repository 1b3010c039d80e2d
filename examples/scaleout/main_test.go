package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func TestScaleOut(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
	defer opts.Fake.Close()
	seeded := map[string]bool{}
	for _, m := range opts.Fake.Machines() {
		seeded[m.ID] = true
	}
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-n", "3"}, opts); err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	got := out.String()
	if !strings.HasPrefix(got, "Using the built-in fake Citrix DaaS") {
		t.Errorf("first line does not say the built-in fake is used:\n%s", got)
	}
	for _, want := range []string{
		"Adding machine 1 of 3 to Win11-Pooled-001 as job ",
		"Adding machine 3 of 3 to Win11-Pooled-001 as job ",
		"  provisioning: 3/3 jobs done, 100%",
		"Catalog Win11-Pooled-001 has ",
		"; 3 new:",
		"Put ",
		" in maintenance mode.",
		"Logged off the sessions of ",
		", its VM and its Active Directory account (job ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	st := opts.Fake.Stats()
	if st.MachinesAdded != 3 || st.MachinesUpdated != 1 || st.MachinesDeleted != 1 || st.PowerActions != 1 {
		t.Errorf("fake: added %d, updated %d, deleted %d, %d session actions; want 3, 1, 1, 1",
			st.MachinesAdded, st.MachinesUpdated, st.MachinesDeleted, st.PowerActions)
	}
	var left, inCatalog int
	for _, m := range opts.Fake.Machines() {
		if m.InMaintenanceMode {
			t.Errorf("machine %s left in maintenance mode", m.Name)
		}
		if !seeded[m.ID] {
			left++
		}
		if m.Catalog == opts.Fake.Catalogs()[0].ID {
			inCatalog++
		}
	}
	if left != 2 {
		t.Errorf("%d new machines left, want 2", left)
	}
	// The count printed is the number of machines the catalog had then:
	// those it has now and the one deleted since.
	if want := fmt.Sprintf("Catalog Win11-Pooled-001 has %d machines; 3 new:", inCatalog+1); !strings.Contains(got, want) {
		t.Errorf("output lacks %q:\n%s", want, got)
	}
}

// A machine whose provisioning fails: the example lists the failed sub-job,
// goes on with the machines that were added, and returns the error.
func TestScaleOutPartialFailure(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
	defer opts.Fake.Close()
	opts.Fake.FailProvisioning("Win11-Pooled-001", 1, "no capacity on the host")
	var out bytes.Buffer
	err := run(t.Context(), &out, []string{"-n", "2"}, opts)
	var provErr *daas.ProvisioningError
	if !errors.As(err, &provErr) || !errors.Is(err, daas.ErrJobFailed) {
		t.Fatalf("run returned %v, want a *daas.ProvisioningError\n%s", err, &out)
	}
	got := out.String()
	for _, want := range []string{
		"ended with 1 failed job(s):",
		"no capacity on the host",
		"; 1 new:",
		", its VM and its Active Directory account (job ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// Against a real service the example changes nothing without -yes.
func TestScaleOutRealServiceNeedsYes(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
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
	if err := run(t.Context(), &out, []string{"-n", "0"}, opts); err == nil || !strings.Contains(err.Error(), "at least one") {
		t.Errorf("run -n 0 returned %v, want an error", err)
	}
}
