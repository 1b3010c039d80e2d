package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func TestCreate(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
	defer opts.Fake.Close()
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-name", "Win11-Test", "-provisioning", "MCS"}, opts); err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	got := out.String()
	if !strings.HasPrefix(got, "Using the built-in fake Citrix DaaS") {
		t.Errorf("first line does not say the built-in fake is used:\n%s", got)
	}
	for _, want := range []string{`Creating catalog "Win11-Test" as job `, "Complete     100%", "Created catalog Win11-Test (id ", "MCS, SingleSession, Random"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if n := opts.Fake.Stats().CatalogsCreated; n != 1 {
		t.Errorf("fake created %d catalogs, want 1", n)
	}
}

// Creating a catalog under a name that exists makes the job fail; the
// example prints the *daas.JobError's fields and returns it.
func TestCreateDuplicate(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest()
	defer opts.Fake.Close()
	existing := opts.Fake.Catalogs()[0].Name
	var out bytes.Buffer
	err := run(t.Context(), &out, []string{"-name", existing}, opts)
	var jobErr *daas.JobError
	if !errors.As(err, &jobErr) || !errors.Is(err, daas.ErrJobFailed) {
		t.Fatalf("run returned %v, want a *daas.JobError matching ErrJobFailed\n%s", err, &out)
	}
	got := out.String()
	for _, want := range []string{
		"Job " + jobErr.JobID + " ended Failed.",
		"type:     CreateMachineCatalog",
		"code:     DuplicateObject",
		"message:  A machine catalog named '" + existing + "' already exists.",
		"param:    ErrorDetails = ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// Ending the context (Ctrl-C in the program) stops the wait and cancels the
// job on the service.
func TestInterruptCancelsJob(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest(daastest.WithJobDuration(time.Hour))
	defer opts.Fake.Close()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// Interrupt at the first progress report.
	out := &cancelOn{substr: "%", cancel: cancel}
	err := run(ctx, out, []string{"-name", "Win11-Interrupted"}, opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("run returned %v, want context.Canceled\n%s", err, out)
	}
	if want := "is now Canceled."; !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	if st := opts.Fake.Stats(); st.JobsCanceled != 1 || st.CatalogsCreated != 0 {
		t.Errorf("fake: %d jobs canceled and %d catalogs created, want 1 and 0", st.JobsCanceled, st.CatalogsCreated)
	}
}

// Against a real service the example creates nothing without -yes.
func TestRealServiceNeedsYes(t *testing.T) {
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
	out.Reset()
	if err := run(t.Context(), &out, []string{"-yes", "-name", "Win11-Yes"}, opts); err != nil {
		t.Fatalf("run -yes: %v\n%s", err, &out)
	}
	if !strings.Contains(out.String(), "Created catalog Win11-Yes") {
		t.Errorf("output lacks the created catalog:\n%s", &out)
	}
}

// cancelOn is a writer that calls cancel once the output contains substr.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	substr string
	cancel context.CancelFunc
}

func (w *cancelOn) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.substr) {
		w.cancel()
	}
	return n, err
}

func (w *cancelOn) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
