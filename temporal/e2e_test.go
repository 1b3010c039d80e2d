//go:build e2e && linux

// The end-to-end tests run a real Temporal server (the development server
// of the Temporal CLI: temporal server start-dev) and workers in processes
// of their own (e2e_procs_test.go), which they kill, against the fake of package daastest
// (the server daas-sim serves), whose request log proves what was sent.
//
//	go install github.com/temporalio/cli/cmd/temporal@v1.5.1
//	cd temporal && GOWORK=off go test -tags e2e -run E2E -v .
//
// The CLI is found as $TEMPORAL_CLI, else temporal on the PATH.
package temporal_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"github.com/daaskit/daas/temporal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	temporalsdk "go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// jobInput is the input of the e2e workflow.
type jobInput struct {
	Req       temporal.StartRequest
	Result    bool // read the result as a catalog
	CancelJob bool
}

// jobOutput is what the e2e workflow returns.
type jobOutput struct {
	Job     temporal.StartedJob
	Outcome temporal.JobOutcome
	Catalog *daas.MachineCatalog
}

// jobWorkflow starts a job, waits for it and reads its result, step by step.
func jobWorkflow(ctx workflow.Context, in jobInput) (jobOutput, error) {
	opts := temporal.RunOptions{StartTimeout: 5 * time.Second, HeartbeatTimeout: 5 * time.Second, CancelJob: in.CancelJob}
	var out jobOutput
	var err error
	if out.Job, err = temporal.Start(ctx, in.Req, opts); err != nil {
		return out, err
	}
	if out.Outcome, err = temporal.Wait(ctx, out.Job, opts); err != nil || !in.Result {
		return out, err
	}
	out.Catalog, err = temporal.Result[*daas.MachineCatalog](ctx, out.Job, opts)
	return out, err
}

// newFake starts the fake on a loopback port.
func newFake(t *testing.T, opts ...daastest.Option) *daastest.Server {
	t.Helper()
	s := daastest.NewServer(append([]daastest.Option{daastest.WithCatalogs(3), daastest.WithRequestLogLimit(100000)}, opts...)...)
	t.Cleanup(s.Close)
	return s
}

// dialTemporal is the test's own client of the server.
func dialTemporal(t *testing.T) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: os.Getenv("DAAS_E2E_TEMPORAL"), Logger: quiet()})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// execute starts the e2e workflow with in, under a new id starting with
// prefix.
func execute(t *testing.T, tc client.Client, prefix string, in jobInput) client.WorkflowRun {
	t.Helper()
	wr, err := tc.ExecuteWorkflow(t.Context(), client.StartWorkflowOptions{
		ID: fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()), TaskQueue: e2eQueue,
	}, "e2e.Job", in)
	require.NoError(t, err)
	return wr
}

// imageRequest is the start request of an image update of catalog.
func imageRequest(t *testing.T, catalog, image string) temporal.StartRequest {
	t.Helper()
	req, err := temporal.NewStartRequest("POST", "MachineCatalogs/"+catalog+"/$UpdateProvisioningScheme",
		daas.UpdateProvisioningSchemeRequest{MasterImagePath: image}, typeImage, daas.NameValue{Name: "Name", Value: catalog})
	require.NoError(t, err)
	return req
}

// eventually polls cond every 50 ms until it holds, failing after limit.
func eventually(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// requests returns the fake's requests of route (all when route is "").
func requests(s *daastest.Server, route string) []daastest.Request {
	var out []daastest.Request
	for _, r := range s.Requests() {
		if route == "" || r.Route == route {
			out = append(out, r)
		}
	}
	return out
}

// attemptsOf returns the attempt of each start of activity name in the
// workflow's history.
func attemptsOf(t *testing.T, c client.Client, id, name string) []int32 {
	t.Helper()
	scheduled := map[int64]string{}
	var attempts []int32
	it := c.GetWorkflowHistory(t.Context(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(t, err)
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			scheduled[ev.GetEventId()] = a.GetActivityType().GetName()
		}
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil && scheduled[a.GetScheduledEventId()] == name {
			attempts = append(attempts, a.GetAttempt())
		}
	}
	return attempts
}

func TestE2EWorkerKilledMidWait(t *testing.T) {
	s := newFake(t, daastest.WithJobDurationFor(typeImage, 15*time.Second))
	tc := dialTemporal(t)
	w1 := startWorker(t, s, false)

	wr := execute(t, tc, "e2e-kill-mid-wait", jobInput{Req: imageRequest(t, e2eCatalog, `XDHyp:\win11-v2.vm`), Result: true})

	var jobID string
	eventually(t, time.Minute, "the worker reads the job's status twice", func() bool {
		if starts := requests(s, routeImage); len(starts) == 0 {
			return false
		}
		reads := requests(s, "GET /Jobs/{id}")
		if len(reads) < 2 {
			return false
		}
		jobID = reads[0].Path[strings.LastIndex(reads[0].Path, "/")+1:]
		return true
	})
	w1.kill(t)
	before := len(s.Requests())
	startWorker(t, s, false)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var out jobOutput
	require.NoError(t, wr.Get(ctx, &out))

	assert.Len(t, requests(s, routeImage), 1, "the job was started once")
	assert.Equal(t, jobID, out.Job.ID)
	assert.False(t, out.Job.Found)
	assert.Equal(t, daas.JobStatus("Complete"), out.Outcome.Status)
	want, err := s.Client().MachineCatalogs.Get(t.Context(), e2eCatalog)
	require.NoError(t, err)
	require.NotNil(t, out.Catalog)
	assert.Equal(t, want.ID, out.Catalog.ID, "the workflow's result is the job's")
	assert.Contains(t, string(out.Catalog.ProvisioningScheme), `win11-v2.vm`)
	for _, r := range s.Requests()[before:] {
		if r.Route == "POST /tokens" {
			continue
		}
		assert.Equal(t, "GET", r.Method, "the second worker sends nothing but reads: %s %s", r.Method, r.Path)
	}
	waits := attemptsOf(t, tc, wr.GetID(), temporal.WaitActivityName)
	require.NotEmpty(t, waits)
	assert.GreaterOrEqual(t, waits[len(waits)-1], int32(2), "the wait completed on a retried attempt, in the second worker")
	t.Logf("figures: workers restarted 1, jobs started %d (POST $UpdateProvisioningScheme), job %s awaited to Complete; wait attempts %v",
		len(requests(s, routeImage)), out.Job.ID, waits)
}

func TestE2EWorkerKilledBetweenStartAndRecording(t *testing.T) {
	s := newFake(t, daastest.WithJobDurationFor(typeImage, 3*time.Second))
	tc := dialTemporal(t)
	w1 := startWorker(t, s, true)

	wr := execute(t, tc, "e2e-kill-after-send", jobInput{Req: imageRequest(t, e2eCatalog, `XDHyp:\win11-v3.vm`), Result: true})
	select {
	case <-w1.exited:
	case <-time.After(time.Minute):
		t.Fatal("the first worker did not crash after sending the start within a minute")
	}
	var ee *exec.ExitError
	require.True(t, errors.As(w1.err, &ee) && ee.ExitCode() == exitCrashed, "the first worker crashed on purpose: %v", w1.err)
	require.Len(t, requests(s, routeImage), 1, "the first worker sent the start")
	startWorker(t, s, false)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var out jobOutput
	require.NoError(t, wr.Get(ctx, &out))

	assert.Len(t, requests(s, routeImage), 1, "still one start request")
	assert.True(t, out.Job.Found, "the retried start found the job of the first attempt")
	assert.GreaterOrEqual(t, out.Job.Attempt, 2)
	n := 0
	for j, err := range s.Client().Jobs.All(t.Context()) {
		require.NoError(t, err)
		if j.Type == typeImage {
			n++
			assert.Equal(t, j.ID, out.Job.ID)
		}
	}
	assert.Equal(t, 1, n, "one job")
	assert.Contains(t, string(out.Catalog.ProvisioningScheme), `win11-v3.vm`)
	t.Logf("figures: workers restarted 1, jobs started %d, found by start attempt %d", n, out.Job.Attempt)
}

// thingRoute is a create of the fake's own: a job of type CreateThing with
// the request's Name as parameter and no result.
func thingRoute() daastest.Option {
	return daastest.WithRoute("POST /Things", func(c *daastest.Call) daastest.Reply {
		var body struct{ Name string }
		if err := c.DecodeJSON(&body); err != nil {
			return daastest.ErrorReply(http.StatusBadRequest, "invalidString", err.Error())
		}
		return daastest.Reply{Job: &daastest.JobSpec{Type: "CreateThing", Parameters: []daastest.NameValue{{Name: "Name", Value: body.Name}}}}
	})
}

func TestE2EConcurrentWaitsShareOneReadPerTick(t *testing.T) {
	const n = 20
	const jobDuration = 15 * time.Second
	s := newFake(t, thingRoute(), daastest.WithJobDurationFor("CreateThing", jobDuration))
	tc := dialTemporal(t)
	startWorker(t, s, false)

	runs := make([]client.WorkflowRun, n)
	for i := range runs {
		req, err := temporal.NewStartRequest("POST", "Things", map[string]string{"Name": fmt.Sprintf("thing-%02d", i)},
			"CreateThing", daas.NameValue{Name: "Name", Value: fmt.Sprintf("thing-%02d", i)})
		require.NoError(t, err)
		runs[i] = execute(t, tc, fmt.Sprintf("e2e-many-%02d", i), jobInput{Req: req})
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	for _, wr := range runs {
		var out jobOutput
		require.NoError(t, wr.Get(ctx, &out))
		assert.Equal(t, daas.JobStatus("Complete"), out.Outcome.Status)
	}
	assert.Len(t, requests(s, "POST /Things"), n, "each job started once")

	var reads []daastest.Request
	lists, singles := 0, 0
	for _, r := range s.Requests() {
		switch r.Route {
		case "GET /Jobs":
			lists++
		case "GET /Jobs/{id}":
			singles++
		default:
			continue
		}
		reads = append(reads, r)
	}
	sort.Slice(reads, func(i, j int) bool { return reads[i].Time.Before(reads[j].Time) })
	ticks := bursts(reads, 100*time.Millisecond)
	// The steady state: the ticks while all n jobs run, from the last start
	// to the first end.
	starts := requests(s, "POST /Things")
	full, fullReads := 0, 0
	for _, tick := range ticks {
		if at := tick[0].Time; at.After(starts[n-1].Time) && at.Before(starts[0].Time.Add(jobDuration)) {
			full++
			fullReads += len(tick)
		}
	}
	require.Positive(t, full, "ticks while every job ran (the starts spread over %v)", starts[n-1].Time.Sub(starts[0].Time))
	perTick := float64(fullReads) / float64(full)
	t.Logf("figures: %d concurrent workflow waits in one worker: %d status reads (%d GET /Jobs, %d GET /Jobs/{id}) in %d ticks; while all %d ran: %d ticks, %.2f status reads per tick",
		n, len(reads), lists, singles, len(ticks), n, full, perTick)
	assert.Positive(t, lists, "the waits read the list")
	assert.LessOrEqual(t, perTick, 2.0, "the waits of one worker share their reads")
}

func TestE2ECanceledWorkflowCancelsTheJob(t *testing.T) {
	s := newFake(t, daastest.WithJobDurationFor(typeImage, time.Hour))
	tc := dialTemporal(t)
	startWorker(t, s, false)
	wr := execute(t, tc, "e2e-cancel", jobInput{Req: imageRequest(t, e2eCatalog, `XDHyp:\win11-v4.vm`), CancelJob: true})
	eventually(t, time.Minute, "the worker reads the job's status", func() bool { return len(requests(s, "GET /Jobs/{id}")) > 0 })
	require.NoError(t, tc.CancelWorkflow(t.Context(), wr.GetID(), ""))

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	err := wr.Get(ctx, nil)
	var canceled *temporalsdk.CanceledError
	assert.True(t, errors.As(err, &canceled), "the workflow ended canceled: %v", err)
	eventually(t, 30*time.Second, "the job is canceled", func() bool { return s.Stats().JobsCanceled == 1 })
}

// bursts splits reads (in time order) into ticks: runs of reads less than
// gap apart.
func bursts(reads []daastest.Request, gap time.Duration) [][]daastest.Request {
	var out [][]daastest.Request
	for i := 0; i < len(reads); {
		j := i + 1
		for j < len(reads) && reads[j].Time.Sub(reads[j-1].Time) < gap {
			j++
		}
		out = append(out, reads[i:j])
		i = j
	}
	return out
}

func TestE2EStoppedWorkerLeavesTheJobRunning(t *testing.T) {
	s := newFake(t, daastest.WithJobDurationFor(typeImage, 12*time.Second))
	tc := dialTemporal(t)
	w1 := startWorker(t, s, false)
	wr := execute(t, tc, "e2e-stop", jobInput{Req: imageRequest(t, e2eCatalog, `XDHyp:\win11-v5.vm`), CancelJob: true})
	eventually(t, time.Minute, "the worker reads the job's status", func() bool { return len(requests(s, "GET /Jobs/{id}")) > 0 })

	require.NoError(t, w1.cmd.Process.Signal(os.Interrupt)) // a graceful stop, as on a deploy
	select {
	case <-w1.exited:
	case <-time.After(time.Minute):
		t.Fatal("the worker did not stop within a minute of SIGINT")
	}
	startWorker(t, s, false)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var out jobOutput
	require.NoError(t, wr.Get(ctx, &out))
	assert.Equal(t, daas.JobStatus("Complete"), out.Outcome.Status, "a stopping worker does not cancel the job, even with CancelJob")
	assert.Zero(t, s.Stats().JobsCanceled)
	assert.Len(t, requests(s, routeImage), 1)
}
