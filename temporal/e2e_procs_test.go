//go:build e2e && linux

package temporal_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"github.com/daaskit/daas/temporal"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// e2ePolicy is the workers' poll policy: short jobs are found within a
// second.
func e2ePolicy() daas.PollPolicy {
	return daas.PollPolicy{MinInterval: 250 * time.Millisecond, MaxInterval: time.Second, Multiplier: 2}
}

const (
	e2eQueue   = "daas-e2e"
	e2eCatalog = "Win11-Pooled-001"
	routeImage = "POST /MachineCatalogs/{nameOrId}/$UpdateProvisioningScheme"
	typeImage  = "UpdateMachineCatalogProvisioningScheme"
	// exitCrashed is the exit status of a worker that crashed on purpose.
	exitCrashed = 3
)

func TestMain(m *testing.M) {
	if os.Getenv("DAAS_E2E_WORKER") != "" {
		os.Exit(runWorker())
	}
	addr, stop, err := startTemporal()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	os.Setenv("DAAS_E2E_TEMPORAL", addr) // for the tests and the workers they start
	code := m.Run()
	stop()
	os.Exit(code)
}

// freePort returns a loopback port nothing listens on now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startTemporal starts the development server on free loopback ports and
// waits (at most 2 minutes) until it answers.
func startTemporal() (addr string, stop func(), err error) {
	bin := os.Getenv("TEMPORAL_CLI")
	if bin == "" {
		if bin, err = exec.LookPath("temporal"); err != nil {
			return "", nil, errors.New("no Temporal CLI: set TEMPORAL_CLI or put temporal on the PATH (go install github.com/temporalio/cli/cmd/temporal@v1.5.1)")
		}
	}
	var ports [4]int
	for i := range ports {
		if ports[i], err = freePort(); err != nil {
			return "", nil, err
		}
	}
	cmd := exec.Command(bin, "server", "start-dev", "--headless", "--ip", "127.0.0.1",
		"--port", fmt.Sprint(ports[0]), "--http-port", fmt.Sprint(ports[1]), "--metrics-port", fmt.Sprint(ports[2]),
		"--ui-port", fmt.Sprint(ports[3]), "--log-level", "error")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	// Its own process group, so that stop ends it whole; killed with the
	// test process if that dies first.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	addr = fmt.Sprintf("127.0.0.1:%d", ports[0])
	deadline := time.Now().Add(2 * time.Minute)
	for {
		c, err := client.Dial(client.Options{HostPort: addr, Logger: quiet()})
		if err == nil {
			_, err = c.CheckHealth(context.Background(), &client.CheckHealthRequest{})
			c.Close()
			if err == nil {
				return addr, stop, nil
			}
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("the Temporal server at %s did not answer within 2 minutes: %w", addr, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// quiet is the logger of the tests' Temporal clients: none.
func quiet() log.Logger { return log.NewStructuredLogger(slog.New(slog.DiscardHandler)) }

// runWorker is the main function of a worker process: it runs until
// killed, or crashes on purpose right after the fake answered its first
// image update (DAAS_E2E_CRASH=after-start), before the activity returns.
func runWorker() int {
	hc := &http.Client{Transport: http.DefaultTransport}
	if os.Getenv("DAAS_E2E_CRASH") == "after-start" {
		hc.Transport = crashAfterStart{http.DefaultTransport}
	}
	dc, err := daas.NewClientFromEnv(daas.WithPollPolicy(e2ePolicy()), daas.WithHTTPClient(hc))
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	tc, err := client.Dial(client.Options{HostPort: os.Getenv("DAAS_E2E_TEMPORAL"), Logger: quiet()})
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	w := worker.New(tc, e2eQueue, worker.Options{})
	temporal.NewActivities(dc, temporal.Options{PollPolicy: e2ePolicy()}).Register(w)
	w.RegisterWorkflowWithOptions(jobWorkflow, workflow.RegisterOptions{Name: "e2e.Job"})
	if err := w.Run(worker.InterruptCh()); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	return 0
}

// crashAfterStart ends the process as soon as an image update was answered
// 202: the job is started, and the activity never records it.
type crashAfterStart struct{ next http.RoundTripper }

func (c crashAfterStart) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "$UpdateProvisioningScheme") && resp.StatusCode == http.StatusAccepted {
		os.Exit(exitCrashed)
	}
	return resp, err
}

// workerProc is a worker process.
type workerProc struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error
}

// startWorker starts a worker process against s.
func startWorker(t *testing.T, s *daastest.Server, crash bool) *workerProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		"DAAS_E2E_WORKER=1",
		"CITRIX_BASE_URL="+s.URL, "CITRIX_TOKEN_URL="+s.TokenURL, "CITRIX_CUSTOMER_ID="+s.CustomerID,
		"CITRIX_SITE_ID="+s.SiteID, "CITRIX_CLIENT_ID="+s.ClientID, "CITRIX_CLIENT_SECRET="+s.ClientSecret)
	if crash {
		cmd.Env = append(cmd.Env, "DAAS_E2E_CRASH=after-start")
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, cmd.Start())
	w := &workerProc{cmd: cmd, exited: make(chan struct{})}
	go func() { w.err = cmd.Wait(); close(w.exited) }()
	t.Cleanup(func() { w.kill(t) })
	return w
}

// kill ends the worker at once, as a crash or a node drain would.
func (w *workerProc) kill(t *testing.T) {
	t.Helper()
	_ = w.cmd.Process.Kill()
	select {
	case <-w.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("a killed worker did not exit within 30 s")
	}
}
