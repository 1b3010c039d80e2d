package daas

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Defect 7: a continuation token the service repeats (A, B, A) is an
// error, yielded once after the jobs of the pages before it, none twice.
// Before, the job list followed the cycle 10,002 times and returned
// duplicates with no error.
func TestJobsListRefusesTokenCycle(t *testing.T) {
	var reads atomic.Int32
	next := map[string]string{"": "A", "A": "B", "B": "A"}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reads.Add(1)
		tok := r.URL.Query().Get("continuationToken")
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"Items":[{"Id":"j-%s","Status":"Complete"}],"ContinuationToken":%q}`, tok, next[tok])
	})
	c := newTestClient(t, h.ServeHTTP, withoutRetries())
	var ids []string
	var errs []error
	for j, err := range c.Jobs.All(t.Context()) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, j.ID)
	}
	require.Len(t, errs, 1)
	require.ErrorContains(t, errs[0], `repeated continuation token "A"`)
	assert.Equal(t, []string{"j-", "j-A", "j-B"}, ids, "no job twice")
	assert.Equal(t, int32(3), reads.Load())
}

// Defect 7, for a job's paged result: a repeated token, or a page that
// fails, is an error with no items, for a slice T and for a raw result
// alike; a raw result is never page 1 alone.
func TestResultPagerNeverPartial(t *testing.T) {
	const first = `{"Items":[{"Name":"a"}],"ContinuationToken":"0"}`
	for _, tc := range []struct {
		name  string
		pages []string
		want  string
	}{
		{"token cycle", []string{`{"Items":[{"Name":"b"}],"ContinuationToken":"1"}`, `{"Items":[{"Name":"c"}],"ContinuationToken":"0"}`}, "repeated continuation token"},
		{"broken page", []string{`{"Items":[{"Name":"b"}],"ContinuationToken":"1"}`, `{"Items":`}, "unexpected EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newJobServer(t)
				s.add(&fakeJob{id: "items", dur: time.Second, result: first})
				s.add(&fakeJob{id: "raw", dur: time.Second, result: first})
				s.pages = tc.pages
				c := newTestClient(t, s.ServeHTTP, withoutRetries())
				items, err := newTestJob[[]struct{ Name string }](c, "items").Wait(t.Context())
				require.ErrorContains(t, err, tc.want)
				assert.Nil(t, items)
				raw, err := newTestJob[json.RawMessage](c, "raw").Wait(t.Context())
				require.ErrorContains(t, err, tc.want)
				assert.Nil(t, raw)
			})
		})
	}
	t.Run("raw result of every page", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := newJobServer(t)
			s.add(&fakeJob{id: "raw", dur: time.Second, result: first})
			s.pages = []string{`{"Items":[{"Name":"b"}],"ContinuationToken":null}`}
			raw, err := newTestJob[json.RawMessage](newTestClient(t, s.ServeHTTP, withoutRetries()), "raw").Wait(t.Context())
			require.NoError(t, err)
			assert.JSONEq(t, `{"Items":[{"Name":"a"},{"Name":"b"}],"ContinuationToken":null}`, string(raw))
		})
	})
}

// Defect 8: the jobs service accepts only the statuses each operation
// documents. Before, Jobs.Get answered 303 returned an empty JobInfo and
// nil, and a wait on it polled forever.
func TestJobsServiceChecksStatuses(t *testing.T) {
	for _, status := range []int{http.StatusSeeOther, http.StatusNoContent, http.StatusCreated, http.StatusAccepted} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			var reads atomic.Int32
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				reads.Add(1)
				w.Header().Set("Location", testOrigin+"/cvad/manage/Somewhere")
				w.WriteHeader(status)
			})
			c := newTestClient(t, h.ServeHTTP, withoutRetries())
			isStatus := func(err error) {
				t.Helper()
				var ae *APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, status, ae.StatusCode)
			}
			_, err := c.Jobs.Get(t.Context(), "j1")
			isStatus(err)
			_, err = c.Jobs.List(t.Context())
			isStatus(err)
			_, err = c.Jobs.Cancel(t.Context(), "j1")
			isStatus(err)
			if status != http.StatusSeeOther {
				_, err = c.Jobs.Results(t.Context(), "j1")
				isStatus(err)
			}
			reads.Store(0)
			synctest.Test(t, func(t *testing.T) {
				_, err = ResumeJob[struct{}](c, "j1").Wait(hourCtx(t))
				isStatus(err)
			})
			assert.Equal(t, int32(1), reads.Load(), "the wait ends on the first answer")
		})
	}
}

// A job that fails because its object exists is the same error as the
// synchronous 409; its failed sub-jobs are listed and named.
func TestJobErrorConflictAndSubJobs(t *testing.T) {
	var info JobInfo
	require.NoError(t, json.Unmarshal([]byte(`{"Id":"j1","Type":"AddMachines","Status":"Failed","ErrorCode":"DuplicateObject",
		"ErrorString":"exists","SubJobs":[
			{"Id":"s1","Status":"Complete","ErrorCode":"Unknown"},
			{"Id":"s2","Status":"Failed","ErrorCode":"MachineNotFound","ErrorString":"no vm","SubJobs":[{"Id":"s3","Status":"Complete"}]}]}`), &info))
	err := outcome(&info, false)
	var je *JobError
	require.ErrorAs(t, err, &je)
	assert.ErrorIs(t, err, ErrConflict)
	assert.ErrorIs(t, err, ErrJobFailed)
	require.Len(t, je.SubJobs, 1)
	assert.Equal(t, "s2", je.SubJobs[0].ID)
	assert.Equal(t, JobStatusFailed, je.SubJobs[0].Status)
	assert.Equal(t, "MachineNotFound", je.SubJobs[0].ErrorCode)
	assert.Equal(t, "no vm", je.SubJobs[0].ErrorString)
	assert.Equal(t, "daas: job j1 (AddMachines) ended Failed: DuplicateObject: exists; 1 of 3 sub-jobs failed: s2 Failed: MachineNotFound: no vm", err.Error())

	info.ErrorCode = "InternalError"
	assert.False(t, errors.Is(outcome(&info, false), ErrConflict))
	canceled := &JobError{Status: JobStatusCanceled, Code: JobErrorDuplicateObject}
	assert.False(t, errors.Is(canceled, ErrConflict))
}
