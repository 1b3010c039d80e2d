package exampleenv

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/daaskit/daas/daastest/daassim"
)

// simBannerLines is how many KEY=value lines daas-sim prints for a cloud
// site: the variables [FakeEnv] sets.
const simBannerLines = 6

// StartSim starts the simulator (cmd/daas-sim, package daassim) in this
// process on a free loopback port, quiet, with args after those, and
// returns options that run an example against it as a service named by
// CITRIX_* variables (poll intervals as [ForTest]'s), and stop, which ends
// the simulator and returns its error. Tests use it to run an example's
// defaults against daas-sim over TCP.
func StartSim(ctx context.Context, args ...string) (opts Options, stop func() error, err error) {
	ctx, cancel := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- daassim.Run(ctx, append([]string{"-addr", "127.0.0.1:0", "-quiet"}, args...), pw, io.Discard)
		pw.Close()
	}()
	env := map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(env) < simBannerLines && sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		env[k] = v
	}
	if len(env) < simBannerLines {
		cancel()
		return Options{}, nil, fmt.Errorf("daas-sim banner: %v (%v)", env, <-done)
	}
	go io.Copy(io.Discard, pr) // anything after the banner
	opts = Options{Getenv: func(k string) string { return env[k] }, PollPolicy: testPollPolicy()}
	return opts, func() error { cancel(); return <-done }, nil
}
