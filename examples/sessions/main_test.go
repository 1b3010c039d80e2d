package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func TestSessions(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest(Seeds()...)
	defer opts.Fake.Close()
	fake := opts.Fake
	before := fake.Sessions()
	var out bytes.Buffer
	if err := run(t.Context(), &out, nil, opts); err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	for _, want := range []string{
		"Using the built-in fake Citrix DaaS",
		"Sessions in delivery group Desktops-001: 3",
		`CORP\user001`,
		`Sent "Maintenance" to 3 active sessions`,
		"Logging off 3 sessions as batch job ",
		"3 logged off, 0 failed",
		"Sessions left in Desktops-001: 0",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, &out)
		}
	}
	if len(before) != 3 || len(fake.Sessions()) != 0 {
		t.Errorf("sessions before %d, after %d; want 3, then 0", len(before), len(fake.Sessions()))
	}
	msgs := fake.SessionMessages()
	if len(msgs) != 3 || msgs[0].Title != "Maintenance" {
		t.Errorf("messages %+v, want 3 titled Maintenance", msgs)
	}
	if n := fake.Count("POST /$batch"); n != 1 {
		t.Errorf("%d batch requests, want 1", n)
	}
	for _, m := range fake.Machines() {
		if m.SessionCount != 0 {
			t.Errorf("machine %s still counts %d sessions", m.Name, m.SessionCount)
		}
	}
}

// TestSessionsSkipsDisconnected: a disconnected session gets no message
// and is logged off all the same; -user narrows the search.
func TestSessionsSkipsDisconnected(t *testing.T) {
	t.Parallel()
	opts := exampleenv.ForTest(Seeds()...)
	defer opts.Fake.Close()
	ids := opts.Fake.Sessions()
	if _, err := opts.Fake.Client().Sessions.Disconnect(t.Context(), ids[1]); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-user", "user002"}, opts); err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	for _, want := range []string{"Sessions in delivery group Desktops-001: 1", "Disconnected", `to 0 active sessions`, "1 logged off, 0 failed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, &out)
		}
	}
	if got := opts.Fake.Sessions(); len(got) != 2 {
		t.Errorf("sessions left %v, want the other 2", got)
	}
}

// TestSessionsAgainstDaasSim runs the defaults against daas-sim -sessions
// 3 over TCP, with -yes as against any service.
func TestSessionsAgainstDaasSim(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	opts, stop, err := exampleenv.StartSim(ctx, "-job-duration", "20ms", "-sessions", "3")
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
	for _, want := range []string{"Sessions in delivery group Desktops-001: 3", "3 logged off, 0 failed", "Sessions left in Desktops-001: 0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, &out)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("daas-sim: %v", err)
	}
}
