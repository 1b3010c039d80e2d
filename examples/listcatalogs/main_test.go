package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func TestRunAgainstBuiltInFake(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
	defer opts.Fake.Close()
	var out bytes.Buffer
	if err := run(t.Context(), &out, nil, opts); err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	got := out.String()
	first, _, _ := strings.Cut(got, "\n")
	if !strings.HasPrefix(first, "Using the built-in fake Citrix DaaS") {
		t.Errorf("first line = %q, want it to say the built-in fake is used", first)
	}
	checkTable(t, got, opts)
}

// With CITRIX_* variables, as cmd/daas-sim prints them, the example talks to
// that service (here the fake, over its listener) as it would to Citrix
// Cloud.
func TestRunAgainstVariables(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
	defer opts.Fake.Close()
	opts.Getenv = exampleenv.FakeEnv(opts.Fake)
	fake := opts.Fake
	opts.Fake = nil
	var out bytes.Buffer
	if err := run(t.Context(), &out, nil, opts); err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	first, _, _ := strings.Cut(out.String(), "\n")
	if want := "Using Citrix DaaS at " + fake.URL; !strings.HasPrefix(first, want) {
		t.Errorf("first line = %q, want prefix %q", first, want)
	}
	opts.Fake = fake
	checkTable(t, out.String(), opts)
}

func checkTable(t *testing.T, got string, opts exampleenv.Options) {
	t.Helper()
	for _, want := range []string{"Complete     100%", "5 catalogs in", "NAME", "PROVISIONING", "MACHINES"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, c := range opts.Fake.Catalogs() {
		if !strings.Contains(got, "\n"+c.Name+" ") {
			t.Errorf("table lacks a row for catalog %q:\n%s", c.Name, got)
		}
	}
}

func TestRunPartialVariables(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
	defer opts.Fake.Close()
	opts.Getenv = func(name string) string {
		if name == exampleenv.EnvClientID {
			return "an-id"
		}
		return ""
	}
	var out bytes.Buffer
	err := run(t.Context(), &out, nil, opts)
	if err == nil {
		t.Fatalf("run succeeded with only CITRIX_CLIENT_ID set:\n%s", &out)
	}
	for _, want := range []string{"CITRIX_CUSTOMER_ID", "CITRIX_CLIENT_SECRET", "not set"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if opts.Fake.Stats().Requests != 0 {
		t.Errorf("the fake got %d requests; want none after a configuration error", opts.Fake.Stats().Requests)
	}
}
