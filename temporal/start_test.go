package temporal

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	temporalsdk "go.temporal.io/sdk/temporal"
)

const typeImage = "UpdateMachineCatalogProvisioningScheme"

// startDirectly starts an image update of catalog outside the activity.
func startDirectly(t *testing.T, c *daas.Client, catalog string) string {
	t.Helper()
	req := imageUpdate(t, catalog, `XDHyp:\other.vm`)
	job, err := daas.StartJob[struct{}](t.Context(), c, req.Method, req.Path, req.Body)
	require.NoError(t, err)
	return job.ID()
}

func TestRetriedStartRefusesToGuessBetweenTwoJobs(t *testing.T) {
	s, c := newSim(t, nil, daastest.WithJobDuration(time.Hour))
	a := NewActivities(c, Options{})
	since := s.Now()
	first, second := startDirectly(t, c, firstCatalog), startDirectly(t, c, firstCatalog)

	_, err := a.start(t.Context(), imageUpdate(t, firstCatalog, `XDHyp:\v2.vm`), 2, since)
	var appErr *temporalsdk.ApplicationError
	require.True(t, errors.As(err, &appErr), "%v", err)
	assert.Equal(t, ErrorTypeAmbiguousStart, appErr.Type())
	assert.True(t, appErr.NonRetryable())
	var ids []string
	require.NoError(t, appErr.Details(&ids))
	assert.ElementsMatch(t, []string{first, second}, ids)
	assert.Equal(t, 2, posts(s, routeImage), "nothing more was sent")
}

func TestRetriedStartTakesOnlyJobsOfItsTypeParametersAndWindow(t *testing.T) {
	s, c := newSim(t, nil, daastest.WithJobDuration(time.Hour))
	a := NewActivities(c, Options{ClockSkew: time.Second})
	startDirectly(t, c, firstCatalog) // before the window
	s.Advance(time.Minute)            // the first attempt comes a minute later
	since := s.Now()
	startDirectly(t, c, "Win2022-Shared-002") // in the window, another catalog

	job, err := a.start(t.Context(), imageUpdate(t, firstCatalog, `XDHyp:\v2.vm`), 2, since)
	require.NoError(t, err)
	assert.False(t, job.Found, "no job of the first attempt: the request is sent")
	assert.Equal(t, 3, posts(s, routeImage))
	assert.Equal(t, 3, jobsOfType(t, c, typeImage))
}

func TestFirstAttemptDoesNotLookForEarlierJobs(t *testing.T) {
	s, c := newSim(t, nil, daastest.WithJobDuration(time.Hour))
	a := NewActivities(c, Options{})
	since := s.Now()
	startDirectly(t, c, firstCatalog)

	job, err := a.start(t.Context(), imageUpdate(t, firstCatalog, `XDHyp:\v2.vm`), 1, since)
	require.NoError(t, err)
	assert.False(t, job.Found)
	for _, r := range s.Requests() {
		assert.NotEqual(t, "GET /Jobs", r.Route, "a first attempt reads no list")
	}
}

// thingRoute answers its first POST with a job and every later one with 409
// DuplicateObject, as a create whose first request took effect does.
func thingRoute(calls *atomic.Int32) daastest.Option {
	return daastest.WithRoute("POST /Things", func(c *daastest.Call) daastest.Reply {
		if calls.Add(1) == 1 {
			return daastest.Reply{Job: &daastest.JobSpec{Type: "CreateThing", Parameters: []daastest.NameValue{{Name: "Name", Value: "t1"}}}}
		}
		return daastest.ErrorReply(http.StatusConflict, "DuplicateObject", "A thing named t1 already exists.")
	})
}

var thingRequest = StartRequest{Method: "POST", Path: "Things", Body: []byte(`{"Name":"t1"}`), JobType: "CreateThing",
	Parameters: []daas.NameValue{{Name: "name", Value: "T1"}}}

// lateFirstAttempt makes the first POST arrive twice: once as an earlier
// attempt's request that arrives late (after the retry read the list), then
// as the retry's own.
func lateFirstAttempt(next http.RoundTripper) http.RoundTripper {
	var done atomic.Bool
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/Things") && done.CompareAndSwap(false, true) {
			body, _ := io.ReadAll(r.Body)
			late := r.Clone(r.Context())
			late.Body = io.NopCloser(strings.NewReader(string(body)))
			resp, err := next.RoundTrip(late)
			if err != nil {
				return nil, err
			}
			resp.Body.Close()
			r.Body = io.NopCloser(strings.NewReader(string(body)))
		}
		return next.RoundTrip(r)
	})
}

func TestConflictOnARetryIsTheEarlierAttemptsJob(t *testing.T) {
	var calls atomic.Int32
	s, c := newSim(t, lateFirstAttempt, thingRoute(&calls))
	a := NewActivities(c, Options{})

	job, err := a.start(t.Context(), thingRequest, 2, s.Now())
	require.NoError(t, err)
	assert.True(t, job.Found)
	assert.Equal(t, "CreateThing", job.Type)
	assert.Equal(t, int32(2), calls.Load())
	assert.Equal(t, 1, jobsOfType(t, c, "CreateThing"))
}

func TestConflictWithoutAnEarlierJobIsAFailure(t *testing.T) {
	var calls atomic.Int32
	calls.Store(1) // every POST conflicts
	s, c := newSim(t, nil, thingRoute(&calls))
	a := NewActivities(c, Options{})

	_, err := a.start(t.Context(), thingRequest, 2, s.Now())
	var appErr *temporalsdk.ApplicationError
	require.True(t, errors.As(err, &appErr), "%v", err)
	assert.Equal(t, ErrorTypeConflict, appErr.Type())
	assert.True(t, appErr.NonRetryable())
	assert.ErrorIs(t, err, daas.ErrConflict)
}

func TestStartFailuresAreRetryableOnlyWhenTheyMayPass(t *testing.T) {
	s, c := newSim(t, nil)
	a := NewActivities(c, Options{})
	_, err := a.start(t.Context(), imageUpdate(t, "No-Such-Catalog", `XDHyp:\v2.vm`), 1, s.Now())
	var appErr *temporalsdk.ApplicationError
	require.True(t, errors.As(err, &appErr), "%v", err)
	assert.Equal(t, ErrorTypeRejected, appErr.Type())

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = a.start(ctx, imageUpdate(t, firstCatalog, `XDHyp:\v2.vm`), 1, s.Now())
	require.Error(t, err)
	assert.False(t, errors.As(err, &appErr), "a canceled context is no verdict on the request: %v", err)
}
