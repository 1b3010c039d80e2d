package daas

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas/internal/poll"
)

// The adapter between the client and the waiting engine: what the engine is
// told of statuses and errors, and the waits that end on the root's own
// errors. The engine itself is tested in internal/poll.

func TestWaitRetryAfterIsFloor(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail func(w http.ResponseWriter)
	}{
		{"Retry-After header", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "20")
			w.WriteHeader(http.StatusTooManyRequests)
		}},
		{"retryDelay parameter", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"type":"https://errors-api.cloud.com/common/serviceUnavailable","detail":"try again in 20 seconds","parameters":[{"name":"retryDelay","value":"20"}]}`))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newJobServer(t)
				s.add(&fakeJob{id: "j1", dur: time.Hour, result: `{}`})
				n := 0
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/cvad/manage/Jobs/j1" {
						if n++; n == 2 {
							tc.fail(w)
							return
						}
					}
					s.ServeHTTP(w, r)
				})
				c := newTestClient(t, h.ServeHTTP,
					withoutRetries(),
					exact(PollPolicy{MinInterval: time.Second, MaxInterval: 30 * time.Second, Multiplier: 2}))
				ctx, cancel := context.WithTimeout(t.Context(), 40*time.Second)
				defer cancel()
				_, err := newTestJob[json.RawMessage](c, "j1").Wait(ctx)
				require.ErrorIs(t, err, context.DeadlineExceeded)
				// Polls: 1 s (ok), 3 s (refused, wait 20 s), then not before 23 s.
				polls := s.pollTimes("j1")
				require.GreaterOrEqual(t, len(polls), 2)
				assert.Equal(t, time.Second, polls[0])
				assert.Equal(t, 23*time.Second, polls[1], "the server's wait is the floor of the next poll")
			})
		})
	}
}

func TestWaitRejectsBadPollInterval(t *testing.T) {
	c := newTestClient(t, http.NotFound, withoutRetries())
	_, err := ResumeJob[struct{}](c, "j").Wait(t.Context(), PollInterval(0, time.Second))
	require.Error(t, err)
	_, err = ResumeJob[struct{}](c, "j").Wait(t.Context(), PollInterval(2*time.Second, time.Second))
	require.Error(t, err)
}

func TestWaitEndsAtOnceOnPermanentErrors(t *testing.T) {
	t.Run("malformed ids", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := newJobServer(t)
			c := newTestClient(t, s.ServeHTTP, withoutRetries())
			for _, id := range []string{"", " ", ".", "..", "a/b", `a\b`, "a\x00b", "a\nb"} {
				j := ResumeJob[struct{}](c, id)
				_, err := j.Wait(hourCtx(t))
				require.ErrorIs(t, err, ErrBadJobID, "%q", id)
				_, err = j.Poll(t.Context())
				require.ErrorIs(t, err, ErrBadJobID, "%q", id)
				require.ErrorIs(t, j.Cancel(t.Context()), ErrBadJobID, "%q", id)
				_, err = c.Jobs.Get(t.Context(), id)
				require.ErrorIs(t, err, ErrBadJobID, "%q", id)
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			assert.Empty(t, s.requests, "nothing was sent")
		})
	})
	t.Run("several sites and no WithSiteID", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var me int
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				me++
				w.Header().Set("Content-Type", "application/json")
				_, _ = fmt.Fprint(w, `{"Customers":[{"Id":"cust","Sites":[{"Id":"s1"},{"Id":"s2"}]}]}`)
			})
			c := newTestClient(t, h, withoutSite(), withoutRetries())
			start := time.Now()
			_, err := ResumeJob[struct{}](c, "j1").Wait(hourCtx(t))
			require.ErrorContains(t, err, "2 sites")
			assert.Less(t, time.Since(start), 2*time.Second, "the first failed read ends the wait")
			assert.Equal(t, 1, me)
		})
	})
	t.Run("token source that fails", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := newJobServer(t)
			s.add(&fakeJob{id: "j1", dur: time.Hour})
			calls := 0
			ts := tokenFunc(func(context.Context) (Token, error) { calls++; return Token{}, errors.New("vault sealed") })
			c := newTestClient(t, s.ServeHTTP, WithTokenSource(ts), withoutRetries())
			start := time.Now()
			_, err := newTestJob[struct{}](c, "j1").Wait(hourCtx(t))
			require.ErrorContains(t, err, "vault sealed")
			assert.Less(t, time.Since(start), 2*time.Second)
			assert.Equal(t, 1, calls)
		})
	})
	t.Run("a 4xx other than 429", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := newJobServer(t)
			s.add(&fakeJob{id: "j1", dur: time.Hour})
			s.fail = func(*http.Request) int { return http.StatusBadRequest }
			c := newTestClient(t, s.ServeHTTP, withoutRetries())
			_, err := newTestJob[struct{}](c, "j1").Wait(hourCtx(t))
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
			assert.Equal(t, 1, s.count("GET Jobs/{id}"))
		})
	})
}

func hourCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
	t.Cleanup(cancel)
	return ctx
}

type tokenFunc func(context.Context) (Token, error)

func (f tokenFunc) Token(ctx context.Context) (Token, error) { return f(ctx) }

func TestTransientClassifiesOnce(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&APIError{StatusCode: 429}, true},
		{&APIError{StatusCode: 503}, true},
		{fmt.Errorf("x: %w", &APIError{StatusCode: 500}), true},
		{&APIError{StatusCode: 404}, false},
		{&APIError{StatusCode: 303}, false},
		{&AuthError{StatusCode: 503}, true},
		{&AuthError{StatusCode: 400, Code: "invalid_client"}, false},
		{&timeoutErr{}, true}, // an attempt that timed out
		{fmt.Errorf("daas: GET x: %w", &timeoutErr{}), true},
		{ErrUntrustedLocation, false},
		{ErrBadJobID, false},
		{errors.New("daas: customer c has 2 sites"), false},
		{errors.New("vault sealed"), false},
		{&json.SyntaxError{}, true}, // an unreadable answer
	} {
		assert.Equal(t, tc.want, transient(tc.err), "%v", tc.err)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestWaitErrorKeepsTheCause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: time.Hour})
		n := 0
		s.fail = func(*http.Request) int {
			if n++; n > 1 {
				return http.StatusServiceUnavailable
			}
			return 0
		}
		c := newTestClient(t, s.ServeHTTP, withoutRetries())
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
		defer cancel()
		_, err := newTestJob[struct{}](c, "j1").Wait(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		var we *WaitError
		require.ErrorAs(t, err, &we)
		assert.Equal(t, "j1", we.JobID)
		assert.Equal(t, JobStatusInProgress, we.LastStatus)
		var ae *APIError
		require.ErrorAs(t, err, &ae, "the last poll error is wrapped")
		assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
		assert.Contains(t, err.Error(), "503")
		assert.Contains(t, err.Error(), "InProgress")

		_, err = newTestJob[struct{}](c, "j1").Wait(canceledCtx(t))
		require.ErrorIs(t, err, context.Canceled)
		require.ErrorAs(t, err, &we)
		assert.Nil(t, we.LastErr)
	})
}

func canceledCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx
}

func sampleJob(id string) JobInfo {
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	return JobInfo{
		ID: id, Type: "UpdateMachineCatalog", Status: JobStatusInProgress,
		CreatedAt: at, StartedAt: at,
		Parameters: []NameValue{{Name: "Name", Value: "Pool"}},
	}
}

func TestApproxJSONSizeGrows(t *testing.T) {
	job := sampleJob("id")
	base := approxJSONSize(&job)
	job.EndedAt = job.StartedAt.Add(time.Minute)
	assert.Greater(t, approxJSONSize(&job), base)
	withEnd := approxJSONSize(&job)
	job.SubJobs = []JobInfo{sampleJob("sub")}
	assert.Greater(t, approxJSONSize(&job), withEnd+300)
	withSub := approxJSONSize(&job)
	job.ErrorString = "failed"
	assert.Equal(t, withSub+len("failed"), approxJSONSize(&job))
}

// Failed and canceled jobs, and jobs without times, teach nothing; a
// job's duration runs from StartedAt, else from CreatedAt, to EndedAt.
func TestPollStatsObserveOnlyCompleted(t *testing.T) {
	c := newTestClient(t, newJobServer(t).ServeHTTP, withoutRetries())
	observe := func(info JobInfo) { c.poller.engine.Stats().Observe(jobService{}.Status(&info)) }
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, info := range []JobInfo{
		{Type: "T", Status: JobStatusFailed, StartedAt: t0, EndedAt: t0.Add(time.Second)},
		{Type: "T", Status: JobStatusCanceled, StartedAt: t0, EndedAt: t0.Add(time.Second)},
		{Type: "T", Status: JobStatusComplete},
		{Type: "T", Status: JobStatusComplete, StartedAt: t0, EndedAt: t0},
		{Type: "", Status: JobStatusComplete, StartedAt: t0, EndedAt: t0.Add(time.Second)},
	} {
		observe(info)
	}
	assert.Empty(t, c.PollStats().Types)
	observe(JobInfo{Type: "T", Status: JobStatusCompleteWithWarning, CreatedAt: t0, StartedAt: t0.Add(time.Second), EndedAt: t0.Add(3 * time.Second)})
	observe(JobInfo{Type: "T", Status: JobStatusComplete, CreatedAt: t0, EndedAt: t0.Add(5 * time.Second)})
	assert.Equal(t, PollStats{Types: []PollTypeStats{{Type: "T", DurationsSeconds: []float64{2, 5}}}}, c.PollStats(), "StartedAt to EndedAt, else CreatedAt to EndedAt")
}

// What the engine is told of a failed read: 429 and 503 ask to hold off,
// with their wait; other failures that may pass are transient; the rest
// end a wait.
func TestClassifyForEngine(t *testing.T) {
	for _, tc := range []struct {
		err   error
		kind  poll.Kind
		after time.Duration
	}{
		{&APIError{StatusCode: 429, RetryAfter: 20 * time.Second}, poll.Busy, 20 * time.Second},
		{fmt.Errorf("x: %w", &APIError{StatusCode: 503}), poll.Busy, 0},
		{&APIError{StatusCode: 500, RetryAfter: time.Second}, poll.Transient, time.Second},
		{&APIError{StatusCode: 502}, poll.Transient, 0},
		{&APIError{StatusCode: 404}, poll.Permanent, 0},
		{&APIError{StatusCode: 403}, poll.Permanent, 0},
		{&json.SyntaxError{}, poll.Transient, 0},
		{&timeoutErr{}, poll.Transient, 0},
		{ErrBadJobID, poll.Permanent, 0},
	} {
		kind, after := jobService{}.Classify(tc.err)
		assert.Equal(t, tc.kind, kind, "%v", tc.err)
		assert.Equal(t, tc.after, after, "%v", tc.err)
	}
}

// A handle for a job started elsewhere reads at once: a wait on a job that
// ended long ago returns without waiting, after one read.
func TestResumedWaitReadsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: time.Second, result: `{"ok":true}`})
		time.Sleep(time.Hour)
		c := newTestClient(t, s.ServeHTTP, withoutRetries())
		start := time.Now()
		got, err := ResumeJob[map[string]bool](c, "j1").Wait(t.Context())
		require.NoError(t, err)
		assert.Equal(t, map[string]bool{"ok": true}, got)
		assert.Zero(t, time.Since(start), "no wait before the first read")
		assert.Equal(t, []time.Duration{time.Hour}, s.pollTimes("j1"))
	})
}
