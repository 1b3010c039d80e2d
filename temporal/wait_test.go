package temporal

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
)

// beats records every heartbeat an activity records, before the SDK's
// throttling.
type beats struct {
	interceptor.WorkerInterceptorBase
	mu  sync.Mutex
	all []Progress
}

func (b *beats) InterceptActivity(_ context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &beatsInbound{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}, b: b}
}

type beatsInbound struct {
	interceptor.ActivityInboundInterceptorBase
	b *beats
}

func (i *beatsInbound) Init(out interceptor.ActivityOutboundInterceptor) error {
	return i.Next.Init(&beatsOutbound{ActivityOutboundInterceptorBase: interceptor.ActivityOutboundInterceptorBase{Next: out}, b: i.b})
}

type beatsOutbound struct {
	interceptor.ActivityOutboundInterceptorBase
	b *beats
}

func (o *beatsOutbound) RecordHeartbeat(ctx context.Context, details ...any) {
	if p, ok := details[0].(Progress); ok {
		o.b.mu.Lock()
		o.b.all = append(o.b.all, p)
		o.b.mu.Unlock()
	}
	o.Next.RecordHeartbeat(ctx, details...)
}

func TestWaitResumesByIDAndHeartbeatsItsProgress(t *testing.T) {
	s, c := newSim(t, nil, daastest.WithJobDuration(300*time.Millisecond), daastest.WithProgress(daastest.ProgressLinear))
	req := imageUpdate(t, firstCatalog, `XDHyp:\v2.vm`)
	job, err := daas.StartJob[struct{}](t.Context(), c, req.Method, req.Path, req.Body)
	require.NoError(t, err)
	sent := len(s.Requests())

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	b := &beats{}
	env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{b}})
	NewActivities(c, Options{PollPolicy: fastPolicy(), HeartbeatInterval: 2 * time.Millisecond}).Register(env)
	env.SetHeartbeatDetails(Progress{Status: statusInProgress, Percent: 1}) // as an earlier attempt left it

	v, err := env.ExecuteActivity(WaitActivityName, WaitRequest{JobID: job.ID()})
	require.NoError(t, err)
	var out JobOutcome
	require.NoError(t, v.Get(&out))
	assert.Equal(t, job.ID(), out.ID)
	assert.Equal(t, statusComplete, out.Status)
	assert.Equal(t, typeImage, out.Type)
	assert.False(t, out.EndedAt.IsZero())

	for _, r := range s.Requests()[sent:] {
		assert.Equal(t, "GET", r.Method, "a resumed wait sends nothing but reads: %s %s", r.Method, r.Path)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	require.NotEmpty(t, b.all)
	assert.Equal(t, Progress{Status: statusInProgress, Percent: 1}, b.all[0], "the first heartbeat carries the earlier attempt's progress")
	assert.Equal(t, Progress{Status: statusComplete, Percent: 100}, b.all[len(b.all)-1])
	changes, repeats := 0, 0
	for i := 1; i < len(b.all); i++ {
		if b.all[i] == b.all[i-1] {
			repeats++
		} else {
			changes++
		}
		assert.GreaterOrEqual(t, b.all[i].Percent, b.all[i-1].Percent, "progress never goes back")
	}
	assert.Positive(t, changes, "a heartbeat at each change")
	assert.Positive(t, repeats, "heartbeats between changes, every HeartbeatInterval")
}

func TestWaitOfAJobThatIsGoneIsANonRetryableError(t *testing.T) {
	_, c := newSim(t, nil)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	NewActivities(c, Options{PollPolicy: fastPolicy()}).Register(env)
	_, err := env.ExecuteActivity(WaitActivityName, WaitRequest{JobID: "0b4b5d0e-0000-4000-8000-000000000000"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), ErrorTypeRejected)
}
