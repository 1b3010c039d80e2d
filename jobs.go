package daas

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// JobsService reads and manages the service's jobs directly. Most programs
// use the [Job] handles the ...Async methods return instead.
type JobsService service

// jobReader is what the poller needs from the service: one job's status,
// or the list of the caller's jobs, handed to visit job by job as each
// page is decoded. Each also returns the Retry-After of a successful
// answer, the floor of the next read. *JobsService is the one
// implementation outside tests.
type jobReader interface {
	readJob(ctx context.Context, id string) (*JobInfo, time.Duration, error)
	readJobs(ctx context.Context, visit func(*JobInfo)) (time.Duration, error)
}

// Get reads one job (GET /Jobs/{id}).
func (s *JobsService) Get(ctx context.Context, id string) (*JobInfo, error) {
	info, _, err := s.readJob(ctx, id)
	return info, err
}

func (s *JobsService) readJob(ctx context.Context, id string) (*JobInfo, time.Duration, error) {
	if err := checkJobID(id); err != nil {
		return nil, 0, err
	}
	r, err := s.client.newRequest(http.MethodGet, "Jobs/"+url.PathEscape(id), nil, nil)
	if err != nil {
		return nil, 0, err
	}
	info := new(JobInfo)
	resp, err := s.client.call(ctx, r, info, http.StatusOK)
	if err != nil {
		return nil, 0, err
	}
	return info, retryAfter(resp.Header, nil), nil
}

// maxPages caps the pages one paged read follows: the job list, and the
// items of a job's result.
const maxPages = 10000

// maxJobListBytes caps the bytes one read of the job list takes in, its
// pages together: 64 MiB, some 40,000 jobs of the service. A list longer
// than that is an error ([JobsService.List]); waits then read their jobs
// one by one.
const maxJobListBytes = 64 << 20

// errJobListCap is the error of a job list over maxJobListBytes.
var errJobListCap = fmt.Errorf("the job list holds more than %d MiB across its pages, the cap of one read", maxJobListBytes>>20)

// List reads the caller's active and recently finished jobs (GET /Jobs),
// every page of them. A continuation token the service repeats (a cycle),
// more than 10,000 pages or more than 64 MiB of pages in all is an error,
// and an error never comes with part of the list.
func (s *JobsService) List(ctx context.Context) ([]JobInfo, error) {
	var all []JobInfo
	if _, err := s.readJobs(ctx, func(j *JobInfo) { all = append(all, *j) }); err != nil {
		return nil, err
	}
	return all, nil
}

// readJobs reads the job list page by page and hands each job to visit as
// its page is decoded; a page is dropped once visited, so what the list
// keeps in memory is what visit keeps.
func (s *JobsService) readJobs(ctx context.Context, visit func(*JobInfo)) (time.Duration, error) {
	var floor time.Duration
	seen := map[string]bool{}
	var token string
	budget := int64(maxJobListBytes)
	for page := 1; ; page++ {
		var q url.Values
		if token != "" {
			q = url.Values{"continuationToken": {token}}
		}
		r, err := s.client.newRequest(http.MethodGet, "Jobs", q, nil)
		if err != nil {
			return 0, err
		}
		l := jobPage{budget: budget}
		resp, err := s.client.call(ctx, r, &l, http.StatusOK)
		if err != nil {
			return 0, err
		}
		budget -= l.size
		floor = max(floor, retryAfter(resp.Header, nil))
		for i := range l.Items {
			visit(&l.Items[i])
		}
		if l.ContinuationToken == nil || *l.ContinuationToken == "" {
			return floor, nil
		}
		token = *l.ContinuationToken
		if err := nextToken(seen, token, page, "the job list"); err != nil {
			return 0, err
		}
	}
}

// nextToken checks a continuation token before the page it names is read:
// a token seen before (a cycle) or a page past maxPages is an error.
func nextToken(seen map[string]bool, token string, pagesRead int, what string) error {
	if seen[token] {
		return fmt.Errorf("daas: %s: the service repeated continuation token %q", what, truncate(token, 64))
	}
	if pagesRead >= maxPages {
		return fmt.Errorf("daas: %s: more than %d pages", what, maxPages)
	}
	seen[token] = true
	return nil
}

// Cancel asks the service to cancel a job (POST /Jobs/{id}/$cancel) and
// returns the job as it is afterwards.
func (s *JobsService) Cancel(ctx context.Context, id string) (*JobInfo, error) {
	if err := checkJobID(id); err != nil {
		return nil, err
	}
	r, err := s.client.newRequest(http.MethodPost, "Jobs/"+url.PathEscape(id)+"/$cancel", nil, nil)
	if err != nil {
		return nil, err
	}
	r.mayCreate = false // canceling twice is harmless
	info := new(JobInfo)
	if _, err := s.client.call(ctx, r, info, http.StatusOK); err != nil {
		return nil, err
	}
	return info, nil
}

// Delete removes a finished job (DELETE /Jobs/{id}). The service refuses to
// delete a running job with 409 ([ErrConflict]).
func (s *JobsService) Delete(ctx context.Context, id string) error {
	if err := checkJobID(id); err != nil {
		return err
	}
	r, err := s.client.newRequest(http.MethodDelete, "Jobs/"+url.PathEscape(id), nil, nil)
	if err != nil {
		return err
	}
	_, err = s.client.call(ctx, r, nil, http.StatusNoContent, http.StatusOK)
	return err
}

// Results returns the raw result of a finished job (GET /Jobs/{id}/Results).
// When the service answers with a 303 to the affected resource, Results
// reads that resource (on the API's own origin only) and returns it. A
// paged result is read to its last page and returned as one
// {"Items": [...]} envelope of every item.
func (s *JobsService) Results(ctx context.Context, id string) (json.RawMessage, error) {
	if err := checkJobID(id); err != nil {
		return nil, err
	}
	return rawResult(ctx, &jobCore{c: s.client, r: s, id: id})
}
