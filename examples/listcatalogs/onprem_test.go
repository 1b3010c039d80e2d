package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest/daassim"
	"github.com/daaskit/daas/examples/internal/exampleenv"
)

// The example runs against daas-sim -onprem (in process, over its HTTPS
// listener) with only the variables the simulator prints: the base URL,
// the administrator's credentials and the CA file.
func TestRunAgainstOnPremisesSimulator(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := daassim.Run(ctx, []string{"-addr", "127.0.0.1:0", "-onprem", "-quiet", "-job-duration", "50ms"}, pw, io.Discard)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	printed := map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(printed) < 4 && sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		printed[k] = v
	}
	go io.Copy(io.Discard, pr)
	if printed[daas.EnvCAFile] == "" || printed[daas.EnvOnPremPassword] == "" {
		t.Fatalf("banner %v", printed)
	}

	pol := daas.DefaultPollPolicy()
	pol.MinInterval, pol.MaxInterval = 5*time.Millisecond, 20*time.Millisecond
	opts := exampleenv.Options{Getenv: func(name string) string { return printed[name] }, PollPolicy: &pol}
	var out bytes.Buffer
	if err := run(ctx, &out, nil, opts); err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	got := out.String()
	for _, want := range []string{"Using Citrix DaaS at " + printed[daas.EnvBaseURL] + ", customer CitrixOnPremises",
		"Complete     100%", "5 catalogs in", "\nWin11-Pooled-001 "} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
