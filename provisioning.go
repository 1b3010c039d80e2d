package daas

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// ProvisioningError is the outcome of [MachineCatalogsService.WaitProvisioned]
// when provisioning jobs of the catalog failed or were canceled: each
// failed job's [*JobError] (with its failed sub jobs, the machines that
// were not created), so that errors.As finds them and errors.Is matches
// [ErrJobFailed]. The work that succeeded is not undone: WaitProvisioned
// returns the catalog as it is too.
type ProvisioningError struct {
	Catalog string      // the catalog as the caller named it
	Jobs    []*JobError // the jobs that did not complete, in the order they ended
}

// Error names the catalog and every failed job.
func (e *ProvisioningError) Error() string {
	parts := make([]string, len(e.Jobs))
	for i, je := range e.Jobs {
		parts[i] = strings.TrimPrefix(je.Error(), "daas: ")
	}
	return fmt.Sprintf("daas: provisioning of catalog %s: %d job(s) failed: %s", oneLine(e.Catalog), len(e.Jobs), strings.Join(parts, "; "))
}

// Unwrap returns the jobs' errors.
func (e *ProvisioningError) Unwrap() []error {
	out := make([]error, len(e.Jobs))
	for i, je := range e.Jobs {
		out[i] = je
	}
	return out
}

// WaitProvisioned waits until an MCS catalog's provisioning has ended (its
// ProvisioningProgress no longer running, no JobsInProgress) and returns the
// catalog. A catalog's create or image-update job can end while MCS goes on
// creating or updating machines in jobs of their own; this waits for those.
//
// The catalog's jobs are waited on through the client's shared poller, all
// at once (with many of them, one GET /Jobs per tick serves them all);
// opts apply to each, and [OnProgress] reports every job's status and
// progress changes, one call at a time. When the jobs end the catalog is
// read again, and any new jobs are waited on. A catalog running with no job
// listed is read again on the poll schedule.
//
// The jobs this client started on the catalog (AddMachineAsync,
// UpdateProvisioningSchemeAsync, RollbackProvisioningSchemeAsync, or the
// same calls through StartJob) are waited for too, even those that ended
// before WaitProvisioned first read the catalog, which lists only jobs in
// progress; once a WaitProvisioned (or a wait on the job itself) has
// returned them, later ones do not.
//
// Jobs that failed or were canceled give a [*ProvisioningError] listing
// them, returned with the catalog as it is afterwards.
func (s *MachineCatalogsService) WaitProvisioned(ctx context.Context, nameOrID string, opts ...WaitOption) (*MachineCatalog, error) {
	if err := (op{path: catalogPath, args: []string{nameOrID}}).checkFor("MachineCatalogs.WaitProvisioned"); err != nil {
		return nil, err
	}
	wc, err := s.client.waitConfig(opts)
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	report := wc.onProgress
	if report != nil {
		// Serialize the calls from the jobs' goroutines.
		inner := report
		report = func(j JobInfo) {
			mu.Lock()
			defer mu.Unlock()
			inner(j)
		}
	}
	waited := map[string]bool{}
	var started []string // jobs this client started on the catalog, waited for
	var failed []*JobError
	idle := newIdleSchedule(wc.pol)
	var lastErr error // the last catalog read's error, when it failed
	for {
		cat, err := s.Get(ctx, nameOrID)
		switch {
		case err == nil:
			lastErr = nil
		case ctx.Err() != nil:
			return nil, provisioningEnded(ctx, nameOrID, err)
		case !transient(err):
			return nil, err
		default:
			// A read that may pass later keeps the wait going, as a
			// job's status read does.
			lastErr = err
			if !sleepCtx(ctx, idle.next(time.Now(), nil)) {
				return nil, provisioningEnded(ctx, nameOrID, lastErr)
			}
			continue
		}
		// The catalog lists only jobs in progress: a job this client
		// started on it that has ended already is waited for (read once)
		// too, so that it is counted and its failure reported.
		var fresh []string
		for _, ref := range cat.JobsInProgress {
			if ref.ID != "" && !waited[strings.ToLower(ref.ID)] {
				fresh = append(fresh, ref.ID)
				waited[strings.ToLower(ref.ID)] = true
			}
		}
		for _, id := range s.client.provisioning.started(catalogKeys(nameOrID, cat)) {
			if !waited[strings.ToLower(id)] {
				fresh = append(fresh, id)
				waited[strings.ToLower(id)] = true
			}
			started = append(started, id)
		}
		if len(fresh) == 0 {
			if !cat.ProvisioningProgress.IsRunning && len(cat.JobsInProgress) == 0 {
				s.client.provisioning.forget(started)
				if len(failed) > 0 {
					return cat, &ProvisioningError{Catalog: nameOrID, Jobs: failed}
				}
				return cat, nil
			}
			// Running with no job to wait for (or only jobs already
			// waited for, not yet gone from the list): read again later.
			if !sleepCtx(ctx, idle.next(time.Now(), nil)) {
				return nil, provisioningEnded(ctx, nameOrID, lastErr)
			}
			continue
		}
		errs := make([]error, len(fresh))
		var wg sync.WaitGroup
		for i, id := range fresh {
			wg.Go(func() {
				jw := *wc // each job's wait has its own trace
				jw.onProgress = report
				_, errs[i] = s.client.await(ctx, resumedCore(s.client, id), &jw)
			})
		}
		wg.Wait()
		if ctx.Err() != nil {
			var running []error
			for _, err := range errs {
				if we := (*WaitError)(nil); errors.As(err, &we) {
					running = append(running, we)
				}
			}
			return nil, provisioningEnded(ctx, nameOrID, running...)
		}
		for _, err := range errs {
			var je *JobError
			switch {
			case err == nil:
			case errors.As(err, &je):
				failed = append(failed, je)
			case errors.Is(err, ErrNotFound):
				// A job is visible only to the API client that started it:
				// one started by Studio or another pipeline is followed
				// through the catalog's own ProvisioningProgress and
				// JobsInProgress, read again on the idle schedule.
			default:
				return nil, err
			}
		}
	}
}

// provisioningEnded is the error of a WaitProvisioned whose context ended:
// it matches the context's error and wraps causes, the last failed catalog
// read or the *WaitError of each job still running, so errors.As finds
// them.
func provisioningEnded(ctx context.Context, catalog string, causes ...error) error {
	var b strings.Builder
	b.WriteString("daas: waiting for catalog %s to finish provisioning: %w")
	args := []any{oneLine(catalog), ctx.Err()}
	for _, c := range causes {
		if c != nil {
			b.WriteString("; %w")
			args = append(args, c)
		}
	}
	return fmt.Errorf(b.String(), args...)
}

// sleepCtx waits d, or until ctx ends; it reports whether d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// provisioningJobs are the provisioning jobs a client started on each
// catalog (adding a machine, changing or rolling back its image) that no
// WaitProvisioned has accounted for yet. A catalog lists only the jobs in
// progress; with this, WaitProvisioned also counts, and reports the
// failure of, one that ended before it first read the catalog.
type provisioningJobs struct {
	mu   sync.Mutex
	jobs map[string][]startedJob // by catalog, lowercase, as the request named it
}

// startedJob is a provisioning job and when it was started.
type startedJob struct {
	id string
	at time.Time
}

// jobRetention is how long the service keeps a job that has ended.
const jobRetention = 48 * time.Hour

// provisioningOps are the last path segments of the calls that start a
// catalog's provisioning jobs, lowercase: POST
// /MachineCatalogs/{nameOrId}/<segment>.
var provisioningOps = map[string]bool{"machines": true, "$updateprovisioningscheme": true, "$rollbackprovisioningscheme": true}

// note records the job of a started call, if it is one that provisions a
// catalog, whichever way it was made (its method or StartJob). Jobs older
// than the service keeps are dropped.
func (p *provisioningJobs) note(method string, u *url.URL, id string, now time.Time) {
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	n := len(segs)
	if method != http.MethodPost || n < 3 || !strings.EqualFold(segs[n-3], "MachineCatalogs") || !provisioningOps[strings.ToLower(segs[n-1])] {
		return
	}
	catalog, err := url.PathUnescape(segs[n-2])
	if err != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.jobs == nil {
		p.jobs = map[string][]startedJob{}
	}
	for k, jobs := range p.jobs {
		jobs = slices.DeleteFunc(jobs, func(j startedJob) bool { return now.Sub(j.at) > jobRetention })
		if len(jobs) == 0 {
			delete(p.jobs, k)
		} else {
			p.jobs[k] = jobs
		}
	}
	k := strings.ToLower(catalog)
	p.jobs[k] = append(p.jobs[k], startedJob{id: id, at: now})
}

// started returns the ids of the jobs started on the catalog known by any
// of keys.
func (p *provisioningJobs) started(keys []string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var ids []string
	for _, k := range keys {
		for _, j := range p.jobs[k] {
			ids = append(ids, j.id)
		}
	}
	return ids
}

// forget drops the jobs whose end a wait has returned.
func (p *provisioningJobs) forget(ids []string) {
	if len(ids) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, jobs := range p.jobs {
		jobs = slices.DeleteFunc(jobs, func(j startedJob) bool { return slices.Contains(ids, j.id) })
		if len(jobs) == 0 {
			delete(p.jobs, k)
		} else {
			p.jobs[k] = jobs
		}
	}
}

// catalogKeys are the names a request may have named cat by: as the
// caller named it, its id, its name and its full name, lowercase.
func catalogKeys(named string, cat *MachineCatalog) []string {
	keys := []string{strings.ToLower(named)}
	for _, k := range []string{cat.ID, cat.Name, cat.FullName} {
		if k = strings.ToLower(k); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}
