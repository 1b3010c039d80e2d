package daas

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests drive jobs against a small scripted server, served in memory
// so that they can run inside testing/synctest bubbles, where time is fake
// and every wait is exact.

// fakeJob is one scripted job: it runs for dur after it is created and ends
// in final. With progress, OverallProgressPercent rises linearly.
type fakeJob struct {
	id       string
	created  time.Time
	dur      time.Duration
	final    JobStatus
	progress bool
	step     int    // with progress: report multiples of step only
	result   string // body of /Results, or "" for a 303 to resultAt
	resultAt string
	// statusAt overrides the status while the job runs (for odd statuses).
	statusAt func(elapsed time.Duration) JobStatus
}

type jobServer struct {
	t  testing.TB
	mu sync.Mutex

	jobs      map[string]*fakeJob
	polls     map[string][]time.Duration // GET /Jobs/{id} times, since creation
	lists     []time.Time
	requests  map[string]int // by "METHOD first-segment[/rest-kind]"
	fail      func(r *http.Request) int
	hideLists bool     // GET /Jobs leaves jobs out
	listFails int      // GET /Jobs answers with this status
	pages     []string // result pages after the first, by continuation token
	cancels   int
	// listHook, when set, may answer GET /Jobs itself (returning true).
	listHook func(w http.ResponseWriter) bool
	// listID, when set, is how the list spells a job's id.
	listID func(id string) string
	// getHook, when set, may answer GET /Jobs/{id} itself (returning true).
	getHook func(w http.ResponseWriter) bool
}

func newJobServer(t testing.TB) *jobServer {
	return &jobServer{t: t, jobs: map[string]*fakeJob{}, polls: map[string][]time.Duration{}, requests: map[string]int{}}
}

func (s *jobServer) add(j *fakeJob) *fakeJob {
	s.mu.Lock()
	defer s.mu.Unlock()
	j.created = time.Now()
	if j.final == "" {
		j.final = JobStatusComplete
	}
	s.jobs[j.id] = j
	return j
}

func (s *jobServer) count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[key]
}

func (s *jobServer) pollTimes(id string) []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.polls[id]...)
}

func (j *fakeJob) model(now time.Time) map[string]any {
	elapsed := now.Sub(j.created)
	status := JobStatusInProgress
	pct := any(nil)
	end := "0001-01-01T00:00:00+00:00"
	if j.statusAt != nil {
		status = j.statusAt(elapsed)
	}
	if j.progress {
		p := min(99, int(100*elapsed/j.dur))
		if j.step > 0 {
			p -= p % j.step
		}
		pct = p
	}
	if elapsed >= j.dur {
		status = j.final
		end = j.created.Add(j.dur).Format("2006-01-02T15:04:05.000-07:00")
		if j.progress {
			pct = 100
		}
	}
	m := map[string]any{
		"Id": j.id, "Type": "TestJob", "Status": string(status),
		"OverallProgressPercent": pct, "IsCancellable": true,
		"Parameters":   []map[string]any{{"Name": "Name", "Value": "x"}},
		"SubJobs":      []any{},
		"ErrorCode":    "Unknown",
		"CreationTime": j.created.Format("2006-01-02T15:04:05.000-07:00"),
		"EndTime":      end, "FormattedEndTime": end,
	}
	if status == JobStatusFailed {
		m["ErrorCode"] = "DuplicateObject"
		m["ErrorString"] = "A catalog named x already exists."
		m["ErrorParameters"] = []map[string]any{{"Name": "ErrorDetails", "Value": "ErrorMessage : duplicate"}}
	}
	return m
}

func (s *jobServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	path := strings.TrimPrefix(r.URL.Path, "/cvad/manage/")
	parts := strings.Split(path, "/")
	key := r.Method + " " + parts[0]
	if len(parts) == 2 {
		key += "/{id}"
	} else if len(parts) == 3 {
		key += "/{id}/" + parts[2]
	}
	s.requests[key]++
	if got := r.Header.Get("Authorization"); got != "CWSAuth bearer="+testToken {
		s.t.Errorf("%s: Authorization %q", key, got)
	}
	if s.fail != nil {
		if code := s.fail(r); code != 0 {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(code)
			fmt.Fprintf(w, `{"type":"https://errors-api.cloud.com/common/serviceUnavailable","detail":"try later","parameters":[]}`)
			return
		}
	}
	now := time.Now()
	writeJSON := func(v any) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(v)
	}
	switch {
	case key == "GET Jobs":
		s.lists = append(s.lists, now)
		if s.listHook != nil && s.listHook(w) {
			return
		}
		if s.listFails != 0 {
			w.WriteHeader(s.listFails)
			return
		}
		items := []any{}
		if !s.hideLists {
			for _, j := range s.jobs {
				m := j.model(now)
				if s.listID != nil {
					m["Id"] = s.listID(j.id)
				}
				items = append(items, m)
			}
		}
		writeJSON(map[string]any{"Items": items, "ContinuationToken": nil})
	case key == "GET Jobs/{id}":
		j, ok := s.jobs[parts[1]]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		s.polls[j.id] = append(s.polls[j.id], now.Sub(j.created))
		if s.getHook != nil && s.getHook(w) {
			return
		}
		writeJSON(j.model(now))
	case key == "GET Jobs/{id}/Results":
		if tok := r.URL.Query().Get("continuationToken"); tok != "" {
			i, _ := strconv.Atoi(tok)
			_, _ = w.Write([]byte(s.pages[i]))
			return
		}
		j := s.jobs[parts[1]]
		if j.result == "" {
			w.Header().Set("Location", j.resultAt)
			w.WriteHeader(http.StatusSeeOther)
			return
		}
		_, _ = w.Write([]byte(j.result))
	case key == "POST Jobs/{id}/$cancel":
		s.cancels++
		j := s.jobs[parts[1]]
		j.final, j.dur = JobStatusCanceled, now.Sub(j.created)
		writeJSON(j.model(now))
	case key == "GET MachineCatalogs/{id}":
		writeJSON(map[string]any{"Id": parts[1], "Name": "cat"})
	default:
		w.WriteHeader(http.StatusNotImplemented)
	}
}

// exact is a poll policy without jitter, for schedules asserted exactly.
func exact(p PollPolicy) Option {
	p.Jitter = 0
	return WithPollPolicy(p)
}

func newTestJob[T any](c *Client, id string) *Job[T] {
	j := ResumeJob[T](c, id)
	j.core.started = time.Now()
	return j
}

func TestWaitOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		final    JobStatus
		opts     []WaitOption
		wantErr  error
		wantCode string
	}{
		{name: "complete", final: JobStatusComplete},
		{name: "warning", final: JobStatusCompleteWithWarning},
		{name: "warning as error", final: JobStatusCompleteWithWarning, opts: []WaitOption{WarningsAsErrors()}, wantErr: ErrJobFailed},
		{name: "failed", final: JobStatusFailed, wantErr: ErrJobFailed, wantCode: "DuplicateObject"},
		{name: "canceled", final: JobStatusCanceled, wantErr: ErrJobCanceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newJobServer(t)
				s.add(&fakeJob{id: "j1", dur: 5 * time.Second, final: tc.final, result: `{"Name":"r"}`})
				c := newTestClient(t, s.ServeHTTP, withoutRetries())
				job := newTestJob[map[string]string](c, "j1")
				got, err := job.Wait(t.Context(), append(tc.opts, PollInterval(time.Second, time.Second))...)
				require.True(t, job.Done())
				assert.Equal(t, tc.final, job.Info().Status)
				if tc.wantErr == nil {
					require.NoError(t, err)
					assert.Equal(t, "r", got["Name"])
					return
				}
				require.ErrorIs(t, err, tc.wantErr)
				assert.Nil(t, got)
				var je *JobError
				require.ErrorAs(t, err, &je)
				assert.Equal(t, "j1", je.JobID)
				assert.Equal(t, tc.final, je.Status)
				assert.Equal(t, 0, s.count("GET Jobs/{id}/Results"), "no result fetched for a job that did not succeed")
				if tc.wantCode != "" {
					assert.Equal(t, tc.wantCode, je.Code)
					assert.Equal(t, "A catalog named x already exists.", je.Message)
					v, ok := je.Param("ErrorDetails")
					assert.True(t, ok)
					assert.Equal(t, "ErrorMessage : duplicate", v)
					assert.Contains(t, je.Error(), "DuplicateObject")
				}
			})
		})
	}
}

func TestWaitKeepsGoingOnOddStatuses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: 10 * time.Second, result: `{}`, statusAt: func(e time.Duration) JobStatus {
			switch {
			case e < 3*time.Second:
				return JobStatusNotStarted
			case e < 5*time.Second:
				return JobStatusNonTerminatingError
			case e < 7*time.Second:
				return "Dequeued" // a status the library does not know
			}
			return JobStatusUnknown
		}})
		c := newTestClient(t, s.ServeHTTP, withoutRetries())
		var seen []JobStatus
		_, err := newTestJob[json.RawMessage](c, "j1").Wait(t.Context(), PollInterval(time.Second, time.Second),
			OnProgress(func(j JobInfo) { seen = append(seen, j.Status) }))
		require.NoError(t, err)
		assert.Equal(t, []JobStatus{JobStatusNotStarted, JobStatusNonTerminatingError, "Dequeued", JobStatusUnknown, JobStatusComplete}, seen,
			"progress reported once per change, in order")
	})
}

func TestWaitOnProgressPercent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: 10 * time.Second, progress: true, result: `{}`})
		c := newTestClient(t, s.ServeHTTP, withoutRetries())
		var pcts []int
		_, err := newTestJob[json.RawMessage](c, "j1").Wait(t.Context(), PollInterval(500*time.Millisecond, 500*time.Millisecond),
			OnProgress(func(j JobInfo) { pcts = append(pcts, j.Progress) }))
		require.NoError(t, err)
		// Polls every 0.5 s: 5, 10, ..., 95 (unchanged values are not reported), then 100.
		require.Len(t, pcts, 20)
		for i := 1; i < len(pcts); i++ {
			assert.Greater(t, pcts[i], pcts[i-1])
		}
		assert.Equal(t, 100, pcts[len(pcts)-1])
	})
}

func TestWaitContextCanceledPromptly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: time.Hour, result: `{}`})
		c := newTestClient(t, s.ServeHTTP, withoutRetries())
		ctx, cancel := context.WithCancel(t.Context())
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, err = newTestJob[json.RawMessage](c, "j1").Wait(ctx)
		}()
		time.Sleep(10 * time.Minute)
		start := time.Now()
		cancel()
		<-done
		assert.Zero(t, time.Since(start), "Wait returns as soon as the context ends")
		assert.ErrorIs(t, err, context.Canceled)
		assert.Zero(t, s.cancels, "the job itself is not canceled by default")
		assert.Zero(t, c.poller.engine.Waiters(), "a canceled wait leaves no registration behind")
		// synctest.Test fails if the wait left a goroutine behind.
	})
}

func TestWaitCancelOnContextDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: time.Hour, result: `{}`})
		c := newTestClient(t, s.ServeHTTP, withoutRetries())
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		job := newTestJob[json.RawMessage](c, "j1")
		_, err := job.Wait(ctx, CancelOnContextDone())
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 1, s.cancels)
		assert.Equal(t, JobStatusCanceled, job.Info().Status)
	})
}

func TestWaitJobVanishes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: time.Hour, result: `{}`})
		c := newTestClient(t, s.ServeHTTP, withoutRetries())
		go func() {
			time.Sleep(5 * time.Second)
			s.mu.Lock()
			delete(s.jobs, "j1")
			s.mu.Unlock()
		}()
		_, err := newTestJob[json.RawMessage](c, "j1").Wait(t.Context())
		require.ErrorIs(t, err, ErrNotFound)
		assert.Contains(t, err.Error(), "disappeared")
	})
}

func TestWaitSurvivesFailedPolls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: 20 * time.Second, result: `{"a":"b"}`})
		n := 0
		s.fail = func(r *http.Request) int {
			if r.URL.Path == "/cvad/manage/Jobs/j1" {
				n++
				switch n % 3 {
				case 1:
					return http.StatusBadGateway
				case 2:
					return http.StatusServiceUnavailable
				}
			}
			return 0
		}
		c := newTestClient(t, s.ServeHTTP, withoutRetries())
		got, err := newTestJob[map[string]string](c, "j1").Wait(t.Context(), PollInterval(time.Second, 2*time.Second))
		require.NoError(t, err)
		assert.Equal(t, "b", got["a"])
		assert.Greater(t, n, 6)
	})
}

func TestPollFailureKeepsCachedInfo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: time.Hour, progress: true})
		c := newTestClient(t, s.ServeHTTP, withoutRetries())
		job := newTestJob[json.RawMessage](c, "j1")
		assert.Nil(t, job.Info())
		time.Sleep(time.Minute)
		info, err := job.Poll(t.Context())
		require.NoError(t, err)
		assert.Equal(t, 1, info.Progress)
		s.fail = func(*http.Request) int { return http.StatusInternalServerError }
		_, err = job.Poll(t.Context())
		require.Error(t, err)
		assert.Equal(t, 1, job.Info().Progress, "a failed poll leaves the cached info alone")
		assert.False(t, job.Done())
	})
}

func TestResultEnvelopeAndPages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: time.Second, result: `{"Items":[{"Name":"a"},{"Name":"b"}],"ContinuationToken":"0"}`})
		s.pages = []string{`{"Items":[{"Name":"c"}],"ContinuationToken":"1"}`, `{"Items":[{"Name":"d"}],"ContinuationToken":null}`}
		c := newTestClient(t, s.ServeHTTP, withoutRetries())
		got, err := newTestJob[[]struct{ Name string }](c, "j1").Wait(t.Context())
		require.NoError(t, err)
		var names []string
		for _, g := range got {
			names = append(names, g.Name)
		}
		assert.Equal(t, []string{"a", "b", "c", "d"}, names)
		assert.Equal(t, 3, s.count("GET Jobs/{id}/Results"))
	})
}

func TestResult303(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "same", dur: time.Second, resultAt: testOrigin + "/cvad/manage/MachineCatalogs/c1"})
		s.add(&fakeJob{id: "rel", dur: time.Second, resultAt: "/cvad/manage/MachineCatalogs/c2"})
		s.add(&fakeJob{id: "port", dur: time.Second, resultAt: "http://127.0.0.1:9999/cvad/manage/MachineCatalogs/c1"})
		s.add(&fakeJob{id: "host", dur: time.Second, resultAt: "https://evil.example/cvad/manage/MachineCatalogs/c1"})
		c := newTestClient(t, s.ServeHTTP, withoutRetries())
		type cat struct{ Id, Name string }
		got, err := newTestJob[*cat](c, "same").Wait(t.Context())
		require.NoError(t, err)
		assert.Equal(t, &cat{Id: "c1", Name: "cat"}, got)
		got, err = newTestJob[*cat](c, "rel").Wait(t.Context())
		require.NoError(t, err)
		assert.Equal(t, "c2", got.Id)
		for _, id := range []string{"port", "host"} {
			_, err = newTestJob[*cat](c, id).Wait(t.Context())
			require.ErrorIs(t, err, ErrUntrustedLocation, id)
		}
		assert.Equal(t, 2, s.count("GET MachineCatalogs/{id}"), "nothing was sent to another origin")
		// struct{} results skip the fetch.
		s.add(&fakeJob{id: "none", dur: time.Second})
		before := s.count("GET Jobs/{id}/Results")
		_, err = newTestJob[struct{}](c, "none").Wait(t.Context())
		require.NoError(t, err)
		assert.Equal(t, before, s.count("GET Jobs/{id}/Results"))
	})
}

func TestResultOfUnfinishedJob(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: time.Hour})
		c := newTestClient(t, s.ServeHTTP, withoutRetries())
		_, err := newTestJob[json.RawMessage](c, "j1").Result(t.Context())
		require.Error(t, err)
		assert.Contains(t, err.Error(), "has not finished")
	})
}

func TestParseJobLocation(t *testing.T) {
	c := newTestClient(t, http.NotFound, withoutRetries())
	for _, tc := range []struct {
		loc    string
		id     string
		target error
	}{
		{loc: testOrigin + "/cvad/manage/Jobs/81c05d9f-1", id: "81c05d9f-1"},
		{loc: testOrigin + "/cvad/manage/Jobs/a%20b/", id: "a b"},
		{loc: "HTTP://127.0.0.1:8443/cvad/manage/Jobs/x", id: "x"},
		{loc: "", target: ErrBadLocation},
		{loc: "/cvad/manage/Jobs/x", target: ErrBadLocation},
		{loc: "Jobs/x", target: ErrBadLocation},
		{loc: "http://[::1", target: ErrBadLocation},
		{loc: testOrigin + "/", target: ErrBadLocation},
		{loc: testOrigin, target: ErrBadLocation},
		{loc: testOrigin + "/cvad/manage/Jobs/%zz", target: ErrBadLocation},
		{loc: testOrigin + "/cvad/manage/Jobs/..", target: ErrBadLocation},
		{loc: "ftp://127.0.0.1:8443/Jobs/x", target: ErrBadLocation},
		{loc: "https://127.0.0.1:8443/cvad/manage/Jobs/x", target: ErrUntrustedLocation},
		{loc: "http://127.0.0.1:8444/cvad/manage/Jobs/x", target: ErrUntrustedLocation},
		{loc: "http://localhost:8443/cvad/manage/Jobs/x", target: ErrUntrustedLocation},
		{loc: "http://api.cloud.com/cvad/manage/Jobs/x", target: ErrUntrustedLocation},
	} {
		jc, err := c.jobFromLocation(tc.loc)
		if tc.target != nil {
			assert.ErrorIs(t, err, tc.target, "%q", tc.loc)
			continue
		}
		if assert.NoError(t, err, tc.loc) {
			assert.Equal(t, tc.id, jc.id, tc.loc)
		}
	}
}

func TestStartJobRefusesForeignLocation(t *testing.T) {
	var calls int
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		assert.Equal(t, "true", r.URL.Query().Get("async"))
		assert.Equal(t, "1", r.URL.Query().Get("x"))
		w.Header().Set("Location", "https://evil.example/cvad/manage/Jobs/j1")
		w.WriteHeader(http.StatusAccepted)
	})
	c := newTestClient(t, h.ServeHTTP, withoutRetries())
	_, err := StartJob[struct{}](t.Context(), c, "post", "MachineCatalogs/a%7Cb/$test?x=1", map[string]int{"a": 1})
	require.ErrorIs(t, err, ErrUntrustedLocation)
	assert.Equal(t, 1, calls)

	_, err = StartJob[struct{}](t.Context(), c, "TRACE", "Jobs", nil)
	require.Error(t, err)
	_, err = StartJob[struct{}](t.Context(), c, "GET", "https://evil.example/x", nil)
	require.Error(t, err)
	assert.Equal(t, 1, calls, "bad input sends nothing")
}

func TestStartJobExpects202(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	})
	c := newTestClient(t, h.ServeHTTP, withoutRetries())
	_, err := StartJob[struct{}](t.Context(), c, "GET", "MachineCatalogs", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "expected 202")
}

func TestJobInfoDecoding(t *testing.T) {
	var j JobInfo
	require.NoError(t, json.Unmarshal([]byte(`{
		"Id":"81c05d9f","Type":"AddMachineCatalogMachine","Status":"InProgress",
		"OverallProgressPercent":42,"IsCancellable":true,
		"Parameters":[{"Name":"NameOrId","Value":"cat"},{"Name":"request","Value":null}],
		"SubJobs":[{"Id":"s1","Status":"Complete","OverallProgressPercent":100}],
		"ResultLocation":null,"ErrorString":null,"ErrorCode":"Unknown","ErrorParameters":[],
		"CreationTime":"2022-02-09T07:22:04.254+00:00","FormattedCreationTime":"2022-02-09T07:22:04.254Z",
		"StartTime":"0001-01-01T00:00:00+00:00","FormattedStartTime":null,"EndTime":null}`), &j))
	assert.Equal(t, "81c05d9f", j.ID)
	assert.Equal(t, JobStatusInProgress, j.Status)
	assert.Equal(t, 42, j.Progress)
	assert.True(t, j.IsCancellable)
	assert.Equal(t, []NameValue{{"NameOrId", "cat"}, {"request", ""}}, j.Parameters)
	require.Len(t, j.SubJobs, 1)
	assert.Equal(t, JobStatusComplete, j.SubJobs[0].Status)
	assert.Equal(t, "Unknown", j.ErrorCode)
	assert.True(t, j.CreatedAt.Equal(time.Date(2022, 2, 9, 7, 22, 4, 254e6, time.UTC)))
	assert.True(t, j.StartedAt.IsZero())
	assert.True(t, j.EndedAt.IsZero())
	v, ok := j.Param("nameorid")
	assert.True(t, ok)
	assert.Equal(t, "cat", v)

	// Wrong types in single fields are skipped, not fatal.
	require.NoError(t, json.Unmarshal([]byte(`{"Id":"x","Status":"Complete","OverallProgressPercent":"lots",
		"IsCancellable":"yes","Parameters":{"a":1},"SubJobs":[1,{"Id":"ok"}],"CreationTime":12}`), &j))
	assert.Equal(t, "x", j.ID)
	assert.Equal(t, JobStatusComplete, j.Status)
	assert.Equal(t, -1, j.Progress)
	assert.Nil(t, j.Parameters)
	require.Len(t, j.SubJobs, 1)
	assert.True(t, j.CreatedAt.IsZero())

	assert.Error(t, json.Unmarshal([]byte(`[1]`), &j))
	assert.Error(t, json.Unmarshal([]byte(`null`), &JobInfo{}))
}

func TestJobStatusTerminal(t *testing.T) {
	terminal := map[JobStatus]bool{JobStatusComplete: true, JobStatusCompleteWithWarning: true, JobStatusFailed: true, JobStatusCanceled: true}
	for _, s := range []JobStatus{JobStatusUnknown, JobStatusNotStarted, JobStatusInProgress, JobStatusComplete, JobStatusCompleteWithWarning, JobStatusFailed, JobStatusCanceled, JobStatusNonTerminatingError, "Dequeued", ""} {
		assert.Equal(t, terminal[s], s.Terminal(), s)
	}
}

func TestJobErrorIs(t *testing.T) {
	failed := &JobError{JobID: "j", Status: JobStatusFailed}
	canceled := &JobError{JobID: "j", Status: JobStatusCanceled}
	assert.ErrorIs(t, failed, ErrJobFailed)
	assert.NotErrorIs(t, failed, ErrJobCanceled)
	assert.ErrorIs(t, canceled, ErrJobCanceled)
	assert.NotErrorIs(t, canceled, ErrJobFailed)
	assert.ErrorIs(t, fmt.Errorf("wrapped: %w", failed), ErrJobFailed)
	assert.False(t, errors.Is(failed, ErrNotFound))
}

// TestJobLocationNamesAJob: a 202 Location must be {API root}/Jobs/{id};
// the root of the jobs, a job's results or another resource of the origin
// name no job.
func TestJobLocationNamesAJob(t *testing.T) {
	c := newTestClient(t, http.NotFound, withoutRetries())
	for _, loc := range []string{
		testOrigin + "/cvad/manage/Jobs/",
		testOrigin + "/cvad/manage/Jobs",
		testOrigin + "/cvad/manage/Jobs/j1/Results",
		testOrigin + "/other/x",
		testOrigin + "/cvad/manage/MachineCatalogs/x",
		testOrigin + "/cvad/Jobs/x",
	} {
		_, err := c.jobFromLocation(loc)
		assert.ErrorIs(t, err, ErrBadLocation, loc)
	}
	jc, err := c.jobFromLocation(testOrigin + "/CVAD/Manage/jobs/j1")
	require.NoError(t, err)
	assert.Equal(t, "j1", jc.id)
}
