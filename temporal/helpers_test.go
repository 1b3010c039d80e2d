package temporal

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"go.temporal.io/sdk/testsuite"
)

// fastPolicy() polls the fake's short jobs without keeping a test waiting.
func fastPolicy() daas.PollPolicy {
	return daas.PollPolicy{MinInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond, Multiplier: 2}
}

const firstCatalog = "Win11-Pooled-001"

// newSim starts a fake with short jobs and returns it with a client whose
// requests go through rt (nil: straight to the fake).
func newSim(t *testing.T, rt func(http.RoundTripper) http.RoundTripper, opts ...daastest.Option) (*daastest.Server, *daas.Client) {
	t.Helper()
	s := daastest.NewServer(append([]daastest.Option{
		daastest.WithCatalogs(3), daastest.WithJobDuration(100 * time.Millisecond), daastest.WithRequestLogLimit(5000),
	}, opts...)...)
	t.Cleanup(s.Close)
	copts := []daas.Option{daas.WithPollPolicy(fastPolicy())}
	if rt != nil {
		hc := *s.HTTPClient()
		hc.Transport = rt(hc.Transport)
		copts = append(copts, daas.WithHTTPClient(&hc))
	}
	return s, s.Client(copts...)
}

// imageUpdate is the start request of an image update of catalog.
func imageUpdate(t *testing.T, catalog, image string) StartRequest {
	t.Helper()
	req, err := NewStartRequest("POST", "MachineCatalogs/"+catalog+"/$UpdateProvisioningScheme",
		daas.UpdateProvisioningSchemeRequest{MasterImagePath: image},
		"UpdateMachineCatalogProvisioningScheme", daas.NameValue{Name: "Name", Value: catalog})
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// posts counts the requests of route the fake received.
func posts(s *daastest.Server, route string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Route == route {
			n++
		}
	}
	return n
}

// roundTripper is a function as an http.RoundTripper.
type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// errLost is the error of an answer lost on the way back.
var errLost = errors.New("connection reset by peer (test)")

// loseFirstAnswer sends the first request whose path ends in suffix and
// loses its answer, as a worker that died after sending would never see it.
func loseFirstAnswer(suffix string) func(http.RoundTripper) http.RoundTripper {
	var done atomic.Bool
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripper(func(r *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(r)
			if err == nil && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, suffix) && done.CompareAndSwap(false, true) {
				resp.Body.Close()
				return nil, errLost
			}
			return resp, err
		})
	}
}

// failFirstSend fails the first request whose path ends in suffix before it
// is sent.
func failFirstSend(suffix string) func(http.RoundTripper) http.RoundTripper {
	var done atomic.Bool
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripper(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, suffix) && done.CompareAndSwap(false, true) {
				return nil, errLost
			}
			return next.RoundTrip(r)
		})
	}
}

// newEnv is a workflow test environment with the activities over c.
func newEnv(t *testing.T, c *daas.Client) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	NewActivities(c, Options{PollPolicy: fastPolicy()}).Register(env)
	env.SetTestTimeout(30 * time.Second)
	return env
}

// jobsOfType counts the jobs of typ the fake lists for c's API client.
func jobsOfType(t *testing.T, c *daas.Client, typ string) int {
	t.Helper()
	n := 0
	for j, err := range c.Jobs.All(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		if j.Type == typ {
			n++
		}
	}
	return n
}

// Statuses only the tests name.
const (
	statusFailed     daas.JobStatus = "Failed"
	statusInProgress daas.JobStatus = "InProgress"
)
