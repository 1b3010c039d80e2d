package daas

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Waits that cannot hang or waste: each test here pins one defect of the
// wait loop that a test of its own proved.

// batchPolicy is an exact schedule (1, 3, 7, 15, 31, 61, 91 s, ...) with
// the given batch threshold.
func batchPolicy(threshold int) Option {
	return exact(PollPolicy{MinInterval: time.Second, MaxInterval: 30 * time.Second, Multiplier: 2, BatchThreshold: threshold})
}

// waitAll waits for every job concurrently and returns their errors.
func waitAll(t *testing.T, ctx context.Context, c *Client, ids []string) []error {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(ids))
	for i, id := range ids {
		j := newTestJob[json.RawMessage](c, id)
		wg.Go(func() { _, errs[i] = j.Wait(ctx) })
	}
	wg.Wait()
	return errs
}

// Defect 1: when a list read delivers every waiter's job and the waiter
// count falls to the threshold right after it (a job ended), the waiters
// whose wake came with the delivery take it: no single reads.
func TestBatchDeliveryServesWaitersBelowThreshold(t *testing.T) {
	for round := range 5 {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newJobServer(t)
				const n = 40
				ids := make([]string, n)
				for i := range ids {
					ids[i] = fmt.Sprintf("j%02d", i)
					// Every job ends by the first tick: the first list read
					// delivers all of them, and as waiters return the count
					// falls below the threshold while others have yet to run.
					s.add(&fakeJob{id: ids[i], dur: time.Second, result: `{}`})
				}
				c := jobClient(t, s, batchPolicy(n/2))
				for _, err := range waitAll(t, t.Context(), c, ids) {
					require.NoError(t, err)
				}
				assert.Zero(t, s.count("GET Jobs/{id}"), "every waiter took what the shared list read delivered")
			})
		})
	}
}

// Defect 3: errors that can never pass end a wait at once.
func TestWaitEndsAtOnceOnPermanentErrors(t *testing.T) {
	t.Run("malformed ids", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := newJobServer(t)
			c := jobClient(t, s)
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
			c, err := NewClient("cust", WithBearerToken("tok"), WithBaseURL(testOrigin+"/cvad/manage"),
				WithHTTPClient(&http.Client{Transport: handlerTransport{h}}))
			require.NoError(t, err)
			start := time.Now()
			_, err = ResumeJob[struct{}](c, "j1").Wait(hourCtx(t))
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
			c, err := NewClient("cust", WithTokenSource(ts), WithSiteID("site"), WithBaseURL(testOrigin+"/cvad/manage"),
				WithHTTPClient(&http.Client{Transport: handlerTransport{s}}))
			require.NoError(t, err)
			start := time.Now()
			_, err = newTestJob[struct{}](c, "j1").Wait(hourCtx(t))
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
			c := jobClient(t, s)
			_, err := newTestJob[struct{}](c, "j1").Wait(hourCtx(t))
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
			assert.Equal(t, 1, s.count("GET Jobs/{id}"))
		})
	})
}

// hourCtx is a context that ends after an hour: a wait that does not end
// at once ends with it, instead of hanging the test.
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

// Defect 4: a wait that ends on its context says why it waited so long.
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
		c := jobClient(t, s)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
		defer cancel()
		_, err := newTestJob[struct{}](c, "j1").Wait(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		var we *WaitError
		require.ErrorAs(t, err, &we)
		assert.Equal(t, "j1", we.JobID)
		assert.Equal(t, JobInProgress, we.LastStatus)
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

// Defect 5: a rate-limited list holds every batched waiter off for its
// Retry-After instead of turning into a burst of single reads; a
// Retry-After on a successful read is a floor too.
func TestBatchListRateLimitHoldsWaiters(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newJobServer(t)
				refused := 0
				s.listHook = func(w http.ResponseWriter) bool {
					if refused++; refused > 2 {
						return false
					}
					w.Header().Set("Retry-After", "20")
					w.WriteHeader(status)
					return true
				}
				ids := make([]string, 20)
				for i := range ids {
					ids[i] = fmt.Sprintf("j%02d", i)
					s.add(&fakeJob{id: ids[i], dur: 50 * time.Second, result: `{}`})
				}
				c := jobClient(t, s, batchPolicy(4))
				for _, err := range waitAll(t, t.Context(), c, ids) {
					require.NoError(t, err)
				}
				assert.Zero(t, s.count("GET Jobs/{id}"), "no waiter read its job by itself")
				s.mu.Lock()
				lists := append([]time.Time(nil), s.lists...)
				s.mu.Unlock()
				require.GreaterOrEqual(t, len(lists), 3)
				assert.Equal(t, 20*time.Second, lists[1].Sub(lists[0]), "the next list read waits the Retry-After")
				assert.Equal(t, 20*time.Second, lists[2].Sub(lists[1]))
			})
		})
	}
}

func TestRetryAfterOnSuccessIsFloor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: 30 * time.Second, result: `{}`})
		s.getHook = func(w http.ResponseWriter) bool {
			w.Header().Set("Retry-After", "10")
			return false
		}
		c := jobClient(t, s, exact(PollPolicy{MinInterval: time.Second, MaxInterval: 30 * time.Second, Multiplier: 2}))
		_, err := newTestJob[json.RawMessage](c, "j1").Wait(t.Context())
		require.NoError(t, err)
		assert.Equal(t, []time.Duration{1 * time.Second, 11 * time.Second, 21 * time.Second, 31 * time.Second}, s.pollTimes("j1"))
	})
}

// Defect 6: the list may spell the ids in another case (they are GUIDs);
// and a job the list does not show is read by itself, without list reads.
func TestBatchCostsNoMoreThanSingle(t *testing.T) {
	run := func(t *testing.T, listID func(string) string) *jobServer {
		s := newJobServer(t)
		s.listID = listID
		ids := make([]string, 50)
		for i := range ids {
			ids[i] = fmt.Sprintf("81c05d9f-6ba4-4a3e-9b5c-%012d", i) + "ab"
			s.add(&fakeJob{id: ids[i], dur: 100 * time.Second, result: `{}`})
		}
		c := jobClient(t, s, batchPolicy(4))
		for _, err := range waitAll(t, t.Context(), c, ids) {
			require.NoError(t, err)
		}
		return s
	}
	t.Run("ids in another case", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := run(t, strings.ToUpper)
			assert.Zero(t, s.count("GET Jobs/{id}"))
			assert.Equal(t, 8, s.count("GET Jobs"), "one list read per tick: 1, 3, 7, 15, 31, 61, 91, 121 s")
		})
	})
	t.Run("jobs the list does not show", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := run(t, func(id string) string { return "other-" + id })
			assert.Equal(t, 1, s.count("GET Jobs"), "after a list that does not show them, the jobs are read by themselves")
			assert.Equal(t, 50*8, s.count("GET Jobs/{id}"), "one single read per job per tick, as without batching")
		})
	})
}

// fakeReader is a jobReader without HTTP: it counts reads and answers
// every job InProgress.
type fakeReader struct {
	mu          sync.Mutex
	gets, lists int
}

func (r *fakeReader) readJob(_ context.Context, id string) (*JobInfo, time.Duration, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gets++
	return &JobInfo{ID: id, Status: JobInProgress}, 0, nil
}

func (r *fakeReader) readJobs(context.Context) ([]JobInfo, time.Duration, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lists++
	return nil, 0, nil
}

// Defect 1, step by step: a waiter woken after a list read delivered its
// job, when the waiter count has fallen to the threshold meanwhile, takes
// what was delivered instead of reading its job by itself.
func TestReadStepTakesDeliveryBelowThreshold(t *testing.T) {
	r := &fakeReader{}
	p := newPollerWith(r, func(context.Context, string, ...any) {})
	pol := DefaultPollPolicy()
	pol.BatchThreshold = 2
	w := p.register("J1")
	others := []*waiter{p.register("j2"), p.register("j3")}
	p.mu.Lock()
	p.deliver([]JobInfo{{ID: "j1", Status: JobComplete}, {ID: "j2", Status: JobComplete}, {ID: "j3", Status: JobComplete}}, 0)
	p.mu.Unlock()
	for _, o := range others { // their jobs ended: they stop waiting
		p.unregister(o)
	}
	jc := &jobCore{r: r, id: "J1"}
	info, _, err := p.read(t.Context(), w, jc, pol)
	require.NoError(t, err)
	assert.Equal(t, JobComplete, info.Status)
	assert.Equal(t, JobComplete, jc.snapshot().Status, "the delivery is cached")
	assert.Zero(t, r.gets, "no single read")
	assert.Zero(t, r.lists, "no list read")

	// With nothing delivered and few waiters, the step reads the job.
	info, _, err = p.read(t.Context(), w, jc, pol)
	require.NoError(t, err)
	assert.Equal(t, JobInProgress, info.Status)
	assert.Equal(t, 1, r.gets)
}
