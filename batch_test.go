package daas_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// statusReads counts the job status requests the fake saw.
func statusReads(srv *daastest.Server) int {
	return srv.Count("GET /Jobs") + srv.Count("GET /Jobs/{id}")
}

func TestBatch200SubJobsShareThePoller(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t,
		daastest.WithJobDuration(50*time.Millisecond),
		daastest.WithJobDurationFor("AddDeliveryGroupMachines", time.Second),
		daastest.WithCatalog(daastest.Catalog{Name: "Pool", ProvisioningType: "MCS"}),
		daastest.WithMachines("Pool", 200),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "Desk"}),
	)
	ctx := t.Context()
	items := make([]daas.BatchItem, 200)
	for i := range items {
		var err error
		items[i], err = c.DeliveryGroups.AddMachinesItem("Desk", "Pool", 1)
		require.NoError(t, err)
	}
	job, err := c.Batch(ctx, items)
	require.NoError(t, err)
	poll := daas.PollInterval(100*time.Millisecond, 100*time.Millisecond)
	res, err := job.Wait(ctx, poll)
	require.NoError(t, err)
	assert.Equal(t, "Batch", job.Info().Type)
	require.Len(t, res.Items, 200)
	for i, it := range res.Items {
		assert.Equal(t, fmt.Sprint(i), it.Reference)
		assert.Equal(t, http.StatusAccepted, it.StatusCode)
		require.NotNil(t, it.Job, "item %d", i)
	}
	before := statusReads(srv)
	changes := 0 // a plain int: the race detector proves the calls are serialized
	require.NoError(t, res.Wait(ctx, poll, daas.OnProgress(func(daas.JobInfo) { changes++ })))
	assert.GreaterOrEqual(t, changes, 200)
	reads := statusReads(srv) - before
	t.Logf("200 sub-jobs waited with %d status requests (%d list reads)", reads, srv.Count("GET /Jobs"))
	assert.LessOrEqual(t, reads, 36, "the sub-jobs are read together, one GET /Jobs per tick")
	assert.Equal(t, 1, srv.Count("POST /$batch"), "one batch request")
	assert.Zero(t, srv.Count("POST /DeliveryGroups/{nameOrId}/Machines"), "the items are not sent one by one")
	total := 0
	for _, m := range srv.Machines() {
		if m.DeliveryGroupName == "Desk" {
			total++
		}
	}
	assert.Equal(t, 200, total)
}

func TestBatchPartialFailureReportsEveryItem(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, groupWorld()...)
	ctx := t.Context()
	add, err := c.DeliveryGroups.AddMachinesItem(`Europe|Desk`, "Pool", 1)
	require.NoError(t, err)
	add.Reference = "add"
	refused := add
	refused.Reference = "refused"
	jobFails := add
	jobFails.Reference = "jobfails"
	notInGroup, err := c.DeliveryGroups.RemoveMachineItem(`Europe|Desk`, `CORP\Pool-006`)
	require.NoError(t, err)
	notInGroup.Reference = "notingroup"
	remove, err := c.DeliveryGroups.RemoveMachineItem(`Europe|Desk`, `CORP\Pool-001`)
	require.NoError(t, err)
	get := daas.NewBatchItem(http.MethodGet, "DeliveryGroups/Europe%7CDesk", nil) // reference "4", its index

	srv.FailBatchItems(http.StatusServiceUnavailable, "refused")
	srv.FailBatchItemJobs("NoAvailableMachine", "not today", "jobfails")
	job, err := c.Batch(ctx, []daas.BatchItem{add, refused, jobFails, notInGroup, get, remove})
	require.NoError(t, err)
	res, err := job.Wait(ctx, fastPoll)
	require.NoError(t, err)
	err = res.Wait(ctx, fastPoll)

	var be *daas.BatchError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 6, be.Total)
	var failed []string
	for _, it := range be.Failed {
		failed = append(failed, it.Reference)
	}
	assert.Equal(t, []string{"refused", "jobfails", "notingroup"}, failed)
	assert.ErrorIs(t, err, daas.ErrJobFailed)
	assert.ErrorIs(t, err, daas.ErrNotFound)
	for _, want := range []string{"item refused (503)", "item jobfails (202)", "not today", "item notingroup (404)", "3 of 6 batch items failed"} {
		assert.Contains(t, err.Error(), want)
	}

	byRef := map[string]daas.BatchItemResult{}
	for _, it := range res.Items {
		byRef[it.Reference] = it
	}
	assert.Equal(t, []string{"add", "refused", "jobfails", "notingroup", "4", "5"}, refs(res.Items), "item order")
	assert.NoError(t, byRef["add"].Err)
	assert.Equal(t, http.StatusAccepted, byRef["add"].StatusCode)
	assert.True(t, byRef["add"].Job.Done())
	var ae *daas.APIError
	require.ErrorAs(t, byRef["refused"].Err, &ae)
	assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
	assert.Nil(t, byRef["refused"].Job)
	var je *daas.JobError
	require.ErrorAs(t, byRef["jobfails"].Err, &je)
	assert.Equal(t, "NoAvailableMachine", je.Code)
	require.ErrorAs(t, byRef["notingroup"].Err, &ae)
	assert.Equal(t, http.StatusNotFound, ae.StatusCode)
	assert.Equal(t, http.StatusOK, byRef["4"].StatusCode)
	assert.Contains(t, string(byRef["4"].Body), `"FullName":"Europe\\Desk"`)
	assert.NoError(t, byRef["5"].Err)
	assert.Len(t, res.Succeeded(), 3)

	g := srv.DeliveryGroups()[0]
	in := 0
	for _, m := range srv.Machines() {
		if m.DeliveryGroup == g.ID {
			in++
		}
	}
	assert.Equal(t, 2, in, "2 seeded + 1 added - 1 removed; the failed items changed nothing")
}

func refs(items []daas.BatchItemResult) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Reference)
	}
	return out
}

func TestBatchBadInputNoRequest(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, groupWorld()...)
	ctx := t.Context()
	before := srv.Stats().Requests
	ok := daas.NewBatchItem(http.MethodGet, "DeliveryGroups", nil)
	for name, items := range map[string][]daas.BatchItem{
		"empty":         nil,
		"too many":      make([]daas.BatchItem, daas.MaxBatchItems+1),
		"bad reference": {{Reference: "a b", Path: "Jobs"}},
		"long ref":      {{Reference: strings.Repeat("a", 65), Path: "Jobs"}},
		"repeated":      {ok, {Reference: "0", Path: "Jobs"}},
		"dot dot":       {{Path: "../../other"}},
		"escaped dots":  {{Path: "DeliveryGroups/%2e%2e/%2E%2E/x"}},
		"absolute":      {{Path: "https://evil.example/cvad/manage/Jobs"}},
		"scheme-less":   {{Path: "//evil.example/x"}},
		"backslash":     {{Path: `..\x`}},
		"empty path":    {{Path: ""}},
		"get body":      {{Method: "GET", Path: "Jobs", Body: map[string]int{"a": 1}}},
		"delete body":   {{Method: "DELETE", Path: "Jobs/x", Body: "x"}},
	} {
		_, err := c.Batch(ctx, items)
		assert.ErrorIs(t, err, daas.ErrBadBatch, name)
		assert.ErrorIs(t, err, daas.ErrInvalidInput, name)
		var in *daas.InputError
		if assert.ErrorAs(t, err, &in, name) {
			assert.Equal(t, "Batch", in.Op, name)
		}
	}
	_, err := c.DeliveryGroups.AddMachinesItem("Desk", "", 1)
	assert.ErrorContains(t, err, "MachineCatalog is required")
	_, err = c.DeliveryGroups.RemoveMachineItem("", `CORP\x`)
	assert.Error(t, err)
	assert.Equal(t, before, srv.Stats().Requests, "no request for bad input")
}

func TestBatchItemCredentialsSetAndRedacted(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t, groupWorld()...)
	token := srv.IssueToken()
	c := srv.Client(daas.WithBearerToken(token))
	item, err := c.DeliveryGroups.RemoveMachineItem(`Europe|Desk`, `CORP\Pool-001`)
	require.NoError(t, err)
	srv.FailBatchItems(http.StatusConflict, "1")
	job, err := c.Batch(t.Context(), []daas.BatchItem{item, daas.NewBatchItem("GET", "DeliveryGroups/Nope", nil)})
	require.NoError(t, err)
	res, err := job.Wait(t.Context(), fastPoll)
	require.NoError(t, err)
	// The item ran: the fake checks each item's own Authorization.
	assert.Equal(t, http.StatusAccepted, res.Items[0].StatusCode)
	err = res.Wait(t.Context(), fastPoll)
	require.Error(t, err)
	for _, text := range []string{err.Error(), fmt.Sprintf("%v %+v %#v", err, res, res.Items[1].Err)} {
		assert.NotContains(t, text, token)
	}
	body := string(lastRequest(t, srv, "POST /$batch").Body)
	assert.Contains(t, body, `"Name":"Authorization","Value":"CWSAuth bearer=REDACTED"`)
	assert.NotContains(t, body, token)
}

// A batch wait whose context ends reports like a single wait: the error
// matches the context's error and carries, for each item still running, its
// job's *WaitError with the last poll error; the items that ended keep their
// outcome and the running ones stay waitable.
func TestBatchWaitContextEndKeepsTheCause(t *testing.T) {
	t.Parallel()
	// In a bubble: the 100 ms deadline is the bubble's clock, so a loaded
	// machine cannot end the wait before its first poll error.
	synctest.Test(t, func(t *testing.T) {
		srv, c := newFake(t, groupWorld(daastest.WithJobDurationFor("AddDeliveryGroupMachines", time.Hour))...)
		ctx := t.Context()
		add, err := c.DeliveryGroups.AddMachinesItem(`Europe|Desk`, "Pool", 1)
		require.NoError(t, err)
		add.Reference = "slow"
		remove, err := c.DeliveryGroups.RemoveMachineItem(`Europe|Desk`, `CORP\Pool-001`)
		require.NoError(t, err)
		remove.Reference = "fast"
		job, err := c.Batch(ctx, []daas.BatchItem{add, remove})
		require.NoError(t, err)
		res, err := job.Wait(ctx, fastPoll)
		require.NoError(t, err)
		noRetry := daas.RetryPolicy{MaxRetries: 0, MinDelay: time.Millisecond, MaxDelay: time.Millisecond}
		c2 := srv.Client(daas.WithRetryPolicy(noRetry))
		for i := range res.Items {
			res.Items[i].Job = daas.ResumeJob[json.RawMessage](c2, res.Items[i].Job.ID())
		}
		_, err = res.Items[1].Job.Wait(ctx, fastPoll)
		require.NoError(t, err, "the fast item ends before the faults")
		srv.InjectFault(daastest.Fault{Route: "GET /Jobs", Status: http.StatusServiceUnavailable})
		srv.InjectFault(daastest.Fault{Route: "GET /Jobs/{id}", Status: http.StatusServiceUnavailable})
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		err = res.Wait(short, fastPoll)

		require.ErrorIs(t, err, context.DeadlineExceeded)
		var we *daas.WaitError
		require.ErrorAs(t, err, &we)
		assert.Equal(t, res.Items[0].Job.ID(), we.JobID)
		var ae *daas.APIError
		require.ErrorAs(t, err, &ae, "the last poll error is wrapped")
		assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
		for _, want := range []string{"1 of 2 items still running", "item slow: job " + we.JobID, "503"} {
			assert.Contains(t, err.Error(), want)
		}
		assert.NotContains(t, err.Error(), "item fast")
		assert.NoError(t, res.Items[0].Err, "a running item has no outcome yet")
		assert.NoError(t, res.Items[1].Err)
		var be *daas.BatchError
		assert.False(t, errors.As(err, &be), "nothing failed")
	})
}

// A batch item's job reads its result like any job: Job.Result (and
// Job.Wait) read GET /Jobs/{id}/Results, as ResumeJob on the same id does.
func TestBatchItemJobReadsItsResult(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, groupWorld()...)
	ctx := t.Context()
	add, err := c.DeliveryGroups.AddMachinesItem(`Europe|Desk`, "Pool", 1)
	require.NoError(t, err)
	job, err := c.Batch(ctx, []daas.BatchItem{add})
	require.NoError(t, err)
	res, err := job.Wait(ctx, fastPoll)
	require.NoError(t, err)
	require.NoError(t, res.Wait(ctx, fastPoll))
	item := res.Items[0].Job
	require.NotNil(t, item)
	before := srv.Count("GET /Jobs/{id}/Results")
	got, err := item.Result(ctx)
	require.NoError(t, err)
	assert.Equal(t, before+1, srv.Count("GET /Jobs/{id}/Results"), "the item's result is read")
	var g daas.DeliveryGroupDetail
	require.NoError(t, json.Unmarshal(got, &g))
	assert.Equal(t, "Desk", g.Name)
	again, err := daas.ResumeJob[json.RawMessage](c, item.ID()).Result(ctx)
	require.NoError(t, err)
	assert.JSONEq(t, string(again), string(got))
	waited, err := item.Wait(ctx, fastPoll)
	require.NoError(t, err)
	assert.JSONEq(t, string(got), string(waited))
}

// A batch replayed after a 401 carries the fresh token in every item: the
// items are rebuilt for each send.
func TestBatchReplayAfter401RebuildsItems(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, groupWorld(daastest.WithTokenLifetime(time.Hour))...)
	ctx := t.Context()
	_, err := c.DeliveryGroups.Get(ctx, `Europe|Desk`) // the client holds a token now
	require.NoError(t, err)
	srv.Advance(2 * time.Hour) // the service no longer takes it; the client does not know
	add, err := c.DeliveryGroups.AddMachinesItem(`Europe|Desk`, "Pool", 1)
	require.NoError(t, err)
	job, err := c.Batch(ctx, []daas.BatchItem{add})
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Count("POST /$batch"), "refused once, replayed once")
	res, err := job.Wait(ctx, fastPoll)
	require.NoError(t, err)
	require.Len(t, res.Items, 1)
	assert.NoError(t, res.Items[0].Err)
	assert.Equal(t, http.StatusAccepted, res.Items[0].StatusCode, "the item ran with the fresh token")
}

// Odd batch answers are errors, said once: a reference answered twice
// fails its item, an answer for a reference never sent fails the result, a
// 2xx item body that is not JSON fails its item.
func TestBatchOddAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, answers string
		check         func(t *testing.T, res daas.BatchResult, err error)
	}{
		{name: "duplicate reference", answers: `[{"Reference":"a","Code":200,"Body":"{}"},{"Reference":"a","Code":404,"Body":"{}"},{"Reference":"b","Code":204}]`,
			check: func(t *testing.T, res daas.BatchResult, err error) {
				require.NoError(t, err)
				require.Len(t, res.Items, 2)
				require.Error(t, res.Items[0].Err)
				assert.Contains(t, res.Items[0].Err.Error(), "more than once")
				assert.NoError(t, res.Items[1].Err)
				assert.Len(t, res.Failed(), 1, "said once")
			}},
		{name: "reference never sent", answers: `[{"Reference":"a","Code":204},{"Reference":"b","Code":204},{"Reference":"zz","Code":204}]`,
			check: func(t *testing.T, _ daas.BatchResult, err error) {
				require.Error(t, err)
				assert.Contains(t, err.Error(), `"zz"`)
				assert.Equal(t, 1, strings.Count(err.Error(), "zz"), "said once")
			}},
		{name: "item body not JSON", answers: `[{"Reference":"a","Code":200,"Body":"<html>oops</html>"},{"Reference":"b","Code":200,"Body":"{\"Id\":\"x\"}"}]`,
			check: func(t *testing.T, res daas.BatchResult, err error) {
				require.NoError(t, err)
				require.Error(t, res.Items[0].Err)
				assert.Contains(t, res.Items[0].Err.Error(), "not JSON")
				assert.Nil(t, res.Items[0].Body)
				assert.JSONEq(t, `{"Id":"x"}`, string(res.Items[1].Body))
				_, merr := json.Marshal(res.Items[1])
				assert.NoError(t, merr)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch {
				case r.Method == http.MethodPost:
					w.Header().Set("Location", "http://"+r.Host+"/cvad/manage/Jobs/b1")
					w.WriteHeader(http.StatusAccepted)
				case strings.HasSuffix(r.URL.Path, "/Results"):
					_, _ = io.WriteString(w, `{"Items":`+tc.answers+`}`)
				default:
					_, _ = io.WriteString(w, `{"Id":"b1","Status":"Complete","OverallProgressPercent":100}`)
				}
			})
			job, err := c.Batch(t.Context(), []daas.BatchItem{
				{Reference: "a", Path: "Zones"}, {Reference: "b", Path: "Zones"},
			})
			require.NoError(t, err)
			res, err := job.Wait(t.Context(), fastPoll)
			tc.check(t, res, err)
		})
	}
}

// BatchResult.Wait applies every WaitOption and the observer's wait hooks,
// as Job.Wait does: CancelOnContextDone cancels each running item's job.
func TestBatchWaitAppliesEveryWaitOption(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var starts, ends int
	obs := daas.JobObserver{
		WaitStart: func(ctx context.Context, _ daas.WaitStartInfo) context.Context {
			mu.Lock()
			starts++
			mu.Unlock()
			return ctx
		},
		WaitEnd: func(context.Context, daas.WaitEndInfo) { mu.Lock(); ends++; mu.Unlock() },
	}
	srv, _ := newFake(t, groupWorld(daastest.WithJobDurationFor("AddDeliveryGroupMachines", time.Hour))...)
	c := srv.Client(daas.WithObserver(obs))
	ctx := t.Context()
	add, err := c.DeliveryGroups.AddMachinesItem(`Europe|Desk`, "Pool", 1)
	require.NoError(t, err)
	job, err := c.Batch(ctx, []daas.BatchItem{add})
	require.NoError(t, err)
	res, err := job.Wait(ctx, fastPoll)
	require.NoError(t, err)
	mu.Lock()
	starts, ends = 0, 0
	mu.Unlock()
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	err = res.Wait(short, fastPoll, daas.CancelOnContextDone())
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, srv.Count("POST /Jobs/{id}/$cancel"), "the running item's job is canceled")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 1, starts, "WaitStart for the item's wait")
	assert.Equal(t, 1, ends, "WaitEnd for the item's wait")
}
