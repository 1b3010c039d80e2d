package daas

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
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
	return info, forMethod("Jobs.Get", err)
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
// than that is an error ([JobsService.All]); waits then read their jobs
// one by one.
const maxJobListBytes = 64 << 20

// errJobListCap is the error of a job list over maxJobListBytes.
var errJobListCap = fmt.Errorf("the job list holds more than %d MiB across its pages, the cap of one read", maxJobListBytes>>20)

// List reads one page of the caller's active and recently finished jobs
// (GET /Jobs). Pass the page's ContinuationToken back with
// [ContinuationToken] for the next one, or use [JobsService.All] to range
// over every job.
func (s *JobsService) List(ctx context.Context, opts ...CallOption) (*Page[JobInfo], error) {
	o, cfg, err := jobsList("Jobs.List", opts)
	if err != nil {
		return nil, err
	}
	l, _, err := s.jobsPage(ctx, o, cfg, cfg.token, maxJobListBytes)
	if err != nil {
		return nil, err
	}
	p := &Page[JobInfo]{Items: l.Items}
	if p.Items == nil {
		p.Items = []JobInfo{}
	}
	if l.ContinuationToken != nil {
		p.ContinuationToken = *l.ContinuationToken
	}
	return p, nil
}

// All ranges over the caller's active and recently finished jobs, reading
// the pages of GET /Jobs as the loop reaches them. A failed page, a
// continuation token the service repeats (a cycle), more than 10,000 pages
// or more than 64 MiB of pages in all ends the sequence with its error,
// yielded once. Breaking out of the loop stops the reading.
func (s *JobsService) All(ctx context.Context, opts ...CallOption) iter.Seq2[JobInfo, error] {
	o, cfg, err := jobsList("Jobs.All", opts)
	return func(yield func(JobInfo, error) bool) {
		if err != nil {
			yield(JobInfo{}, err)
			return
		}
		stopped := false
		_, err := s.readJobsFrom(ctx, o, cfg, func(j *JobInfo) bool {
			stopped = !yield(*j, nil)
			return !stopped
		})
		if err != nil && !stopped {
			yield(JobInfo{}, err)
		}
	}
}

// jobsList is the op of GET /Jobs for the method named what, with the
// caller's options, and those options.
func jobsList(what string, opts []CallOption) (op, *listConfig, error) {
	return operation("Jobs", "List").call(what, nil, nil, nil, opts)
}

// jobsPage reads the page of the job list that token names (the first for
// ""), sending o, the job list's op, with the options of cfg, holding at
// most budget bytes, and the Retry-After of its answer.
func (s *JobsService) jobsPage(ctx context.Context, o op, cfg *listConfig, token string, budget int64) (*jobPage, time.Duration, error) {
	page := *cfg
	page.token = token
	o.query = page.query()
	r, err := o.request(s.client)
	if err != nil {
		return nil, 0, err
	}
	l := &jobPage{budget: budget}
	resp, err := s.client.call(ctx, r, l, http.StatusOK)
	if err != nil {
		return nil, 0, err
	}
	return l, retryAfter(resp.Header, nil), nil
}

// readJobs reads the job list page by page and hands each job to visit as
// its page is decoded; a page is dropped once visited, so what the list
// keeps in memory is what visit keeps.
func (s *JobsService) readJobs(ctx context.Context, visit func(*JobInfo)) (time.Duration, error) {
	o, cfg, err := jobsList("Jobs.List", nil)
	if err != nil {
		return 0, err
	}
	return s.readJobsFrom(ctx, o, cfg, func(j *JobInfo) bool { visit(j); return true })
}

// readJobsFrom is readJobs sending o, the job list's op, with the options
// of cfg, from its token; it stops, without an error, when visit returns
// false.
func (s *JobsService) readJobsFrom(ctx context.Context, o op, cfg *listConfig, visit func(*JobInfo) bool) (time.Duration, error) {
	token := cfg.token
	var floor time.Duration
	seen := map[string]bool{}
	budget := int64(maxJobListBytes)
	for page := 1; ; page++ {
		l, ra, err := s.jobsPage(ctx, o, cfg, token, budget)
		if err != nil {
			return 0, err
		}
		budget -= l.size
		floor = max(floor, ra)
		for i := range l.Items {
			if !visit(&l.Items[i]) {
				return floor, nil
			}
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
		return nil, forMethod("Jobs.Cancel", err)
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
		return forMethod("Jobs.Delete", err)
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
		return nil, forMethod("Jobs.Results", err)
	}
	return rawResult(ctx, &jobCore{c: s.client, r: s, id: id})
}
