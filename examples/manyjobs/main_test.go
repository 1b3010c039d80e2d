package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func TestBatchedBeatsNaive(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
	defer opts.Fake.Close()
	jobs := 200 // the program's default
	var args []string
	if testing.Short() {
		jobs, args = 50, []string{"-n", "50"}
	}
	var out bytes.Buffer
	if err := run(t.Context(), &out, args, opts); err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	got := out.String()
	if !strings.HasPrefix(got, "Using the built-in fake Citrix DaaS") {
		t.Errorf("first line does not say the built-in fake is used:\n%s", got)
	}
	if n := strings.Count(got, fmt.Sprintf("All %d jobs Complete ", jobs)); n != 2 {
		t.Errorf("output reports %d completed rounds of %d jobs, want 2:\n%s", n, jobs, got)
	}
	batched := number(t, got, `shared poller, batched: +(\d+)`)
	naive := number(t, got, `one GET /Jobs/\{id\} per job/tick: +(\d+)`)
	if naive < jobs {
		t.Errorf("naive count %d: each of the %d jobs must have been read at least once", naive, jobs)
	}
	if batched <= 0 || batched >= naive {
		t.Errorf("batched %d, naive %d: want 0 < batched < naive\n%s", batched, naive, got)
	}
	// The second round's counters are the fake's own, reset between rounds.
	if n := opts.Fake.Count("GET /Jobs/{id}"); n != naive {
		t.Errorf("fake counted %d GET /Jobs/{id} in the naive round, output says %d", n, naive)
	}
	if n := opts.Fake.Stats().JobsCreated; n != jobs {
		t.Errorf("fake counted %d jobs in the naive round, want %d", n, jobs)
	}
}

func TestRealServiceNeedsYes(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
	defer opts.Fake.Close()
	fake := opts.Fake
	opts.Getenv, opts.Fake = exampleenv.FakeEnv(fake), nil
	var out bytes.Buffer
	err := run(t.Context(), &out, []string{"-n", "3"}, opts)
	if err == nil || !strings.Contains(err.Error(), "-yes") {
		t.Fatalf("run returned %v, want an error asking for -yes", err)
	}
	if n := fake.Stats().JobsCreated; n != 0 {
		t.Errorf("%d jobs started without -yes", n)
	}
	out.Reset()
	if err := run(t.Context(), &out, []string{"-n", "3", "-yes"}, opts); err != nil {
		t.Fatalf("run -yes: %v\n%s", err, &out)
	}
	if !strings.Contains(out.String(), "All 3 jobs Complete ") || strings.Contains(out.String(), "never batches") {
		t.Errorf("want one round of 3 jobs and no comparison against a real service:\n%s", &out)
	}
	if n := fake.Stats().JobsCreated; n != 3 {
		t.Errorf("%d jobs started, want 3", n)
	}
}

func number(t *testing.T, s, pattern string) int {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("output lacks %q:\n%s", pattern, s)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
