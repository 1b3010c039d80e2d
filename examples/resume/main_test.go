package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func TestStartAndResume(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
	defer opts.Fake.Close()
	var out bytes.Buffer
	if err := run(t.Context(), &out, nil, opts); err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	got := out.String()
	if !strings.HasPrefix(got, "Using the built-in fake Citrix DaaS") {
		t.Errorf("first line does not say the built-in fake is used:\n%s", got)
	}
	checkResumed(t, got, opts)
}

// The two halves as two processes, against a service named by CITRIX_*
// variables (the fake, as cmd/daas-sim would serve it).
func TestTwoProcesses(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
	defer opts.Fake.Close()
	fake := opts.Fake
	opts.Getenv, opts.Fake = exampleenv.FakeEnv(fake), nil

	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-start"}, opts); err != nil {
		t.Fatalf("run -start: %v\n%s", err, &out)
	}
	m := regexp.MustCompile(`go run ./examples/resume -id (\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("run -start printed no resume command:\n%s", &out)
	}
	if strings.Contains(out.String(), "Resumed") {
		t.Errorf("run -start waited for the job:\n%s", &out)
	}

	out.Reset()
	if err := run(t.Context(), &out, []string{"-id", m[1]}, opts); err != nil {
		t.Fatalf("run -id: %v\n%s", err, &out)
	}
	if strings.Contains(out.String(), "Started job") {
		t.Errorf("run -id started a job:\n%s", &out)
	}
	opts.Fake = fake
	checkResumed(t, out.String(), opts)
	if n := fake.Stats().JobsCreated; n != 1 {
		t.Errorf("fake started %d jobs, want 1", n)
	}
}

func TestResumeNeedsService(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
	defer opts.Fake.Close()
	var out bytes.Buffer
	err := run(t.Context(), &out, []string{"-id", "81c05d9f-0000-0000-0000-000000000000"}, opts)
	if err == nil || !strings.Contains(err.Error(), "CITRIX_") {
		t.Fatalf("run -id against the built-in fake returned %v, want an error pointing at the CITRIX_* variables", err)
	}
}

func checkResumed(t *testing.T, got string, opts exampleenv.Options) {
	t.Helper()
	if !regexp.MustCompile(`(?m)^Resumed job \S+ on a new client; waiting\.$`).MatchString(got) {
		t.Errorf("output does not report the resumed job:\n%s", got)
	}
	if !regexp.MustCompile(`(?m)^Job \S+ \(GetMachineCatalogs\) ended Complete: 5 catalogs\.$`).MatchString(got) {
		t.Errorf("output does not report the job's result:\n%s", got)
	}
	for _, c := range opts.Fake.Catalogs() {
		if !strings.Contains(got, "  "+c.Name+"\n") {
			t.Errorf("output lacks catalog %q:\n%s", c.Name, got)
		}
	}
}
