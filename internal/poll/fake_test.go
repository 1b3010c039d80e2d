package poll

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The engine is tested against a scripted service without HTTP, inside
// testing/synctest bubbles, where time is fake and every wait is exact.

// fakeJob is one scripted job: it runs for dur after it is created and ends
// in final. With progress, its percent rises linearly.
type fakeJob struct {
	id       string
	created  time.Time
	dur      time.Duration
	final    string
	progress bool
	step     int // with progress: report multiples of step only
}

// fakeStatus is one read of a fake job.
type fakeStatus struct {
	ID, Type, Status string
	Progress         int
	Created, Ended   time.Time
}

// fakeErr is a refused read: a status code and the wait it asks for.
type fakeErr struct {
	code       int
	retryAfter time.Duration
}

func (e *fakeErr) Error() string { return fmt.Sprintf("status %d", e.code) }

type fakeService struct {
	t  testing.TB
	mu sync.Mutex

	jobs      map[string]*fakeJob
	polls     map[string][]time.Duration // single read times, since creation
	lists     []time.Time                // list read times
	gets      int                        // single reads
	hideLists bool                       // the list leaves jobs out
	// listID, when set, is how the list spells a job's id.
	listID func(id string) string
	// listFail and getFail, when set, may refuse a read.
	listFail func() error
	getFail  func(id string) error
	// getFloor is the Retry-After of every successful single read.
	getFloor time.Duration
	// described counts the statuses described (Status); not under mu,
	// which ReadList holds while it asks the coordinator what it wants.
	described atomic.Int64
}

func newFake(t testing.TB) *fakeService {
	return &fakeService{t: t, jobs: map[string]*fakeJob{}, polls: map[string][]time.Duration{}}
}

func (s *fakeService) add(j *fakeJob) *fakeJob {
	s.mu.Lock()
	defer s.mu.Unlock()
	j.created = time.Now()
	if j.final == "" {
		j.final = "Complete"
	}
	s.jobs[j.id] = j
	return j
}

func (s *fakeService) pollTimes(id string) []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.polls[id]...)
}

func (s *fakeService) listTimes() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.lists...)
}

func (s *fakeService) singles() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets
}

func (j *fakeJob) status(now time.Time) *fakeStatus {
	elapsed := now.Sub(j.created)
	st := &fakeStatus{ID: j.id, Type: "TestJob", Status: "InProgress", Progress: -1, Created: j.created}
	if j.progress {
		p := min(99, int(100*elapsed/j.dur))
		if j.step > 0 {
			p -= p % j.step
		}
		st.Progress = p
	}
	if elapsed >= j.dur {
		st.Status, st.Ended = j.final, j.created.Add(j.dur)
		if j.progress {
			st.Progress = 100
		}
	}
	return st
}

func (s *fakeService) ReadList(_ context.Context, want func(id string) bool) (List[*fakeStatus], time.Duration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.lists = append(s.lists, now)
	if s.listFail != nil {
		if err := s.listFail(); err != nil {
			return List[*fakeStatus]{}, 0, err
		}
	}
	var out List[*fakeStatus]
	if !s.hideLists {
		for _, j := range s.jobs {
			st := j.status(now)
			if s.listID != nil {
				st.ID = s.listID(j.id)
			}
			out.Count++
			out.Bytes += s.Status(st).Size
			if want(st.ID) {
				out.Items = append(out.Items, st)
			}
		}
	}
	return out, 0, nil
}

func (s *fakeService) read(id string) (*fakeStatus, time.Duration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gets++
	j, ok := s.jobs[id]
	if !ok {
		return nil, 0, &fakeErr{code: 404}
	}
	now := time.Now()
	s.polls[id] = append(s.polls[id], now.Sub(j.created))
	if s.getFail != nil {
		if err := s.getFail(id); err != nil {
			return nil, 0, err
		}
	}
	return j.status(now), s.getFloor, nil
}

func (s *fakeService) Status(v *fakeStatus) Status {
	s.described.Add(1)
	terminal := v.Status == "Complete" || v.Status == "CompleteWithWarning" || v.Status == "Failed" || v.Status == "Canceled"
	return Status{
		ID: v.ID, Type: v.Type, Progress: v.Progress,
		Terminal: terminal, Completed: v.Status == "Complete" || v.Status == "CompleteWithWarning",
		Started: v.Created, Ended: v.Ended, Size: 300 + len(v.ID) + len(v.Type) + len(v.Status),
	}
}

func (s *fakeService) Classify(err error) (Kind, time.Duration) {
	fe, ok := err.(*fakeErr)
	switch {
	case !ok:
		return Permanent, 0
	case fe.code == 429 || fe.code == 503:
		return Busy, fe.retryAfter
	case fe.code >= 500:
		return Transient, fe.retryAfter
	}
	return Permanent, 0
}

// handle is a wait's view of a fake job. It records what each read step
// showed.
type handle struct {
	s      *fakeService
	id     string
	mu     sync.Mutex
	last   *fakeStatus
	seen   []*fakeStatus // each successful step's status
	shared []bool        // each list status accepted: whether other waits got it too
}

func (h *handle) Read(context.Context) (*fakeStatus, time.Duration, error) {
	v, floor, err := h.s.read(h.id)
	if err == nil {
		h.Accept(v, false)
	}
	return v, floor, err
}

func (h *handle) Accept(v *fakeStatus, shared bool) *fakeStatus {
	c := v
	if shared {
		cp := *v
		c = &cp
	}
	h.mu.Lock()
	h.last = c
	h.shared = append(h.shared, shared)
	h.mu.Unlock()
	return c
}

func (h *handle) Begin(ctx context.Context) context.Context { return ctx }

func (h *handle) Done(_ context.Context, v *fakeStatus, _ time.Duration, err error) {
	if err == nil {
		h.seen = append(h.seen, v)
	}
}

// defaultPolicy is daas.DefaultPollPolicy.
func defaultPolicy() Policy {
	return Policy{MinInterval: time.Second, MaxInterval: 30 * time.Second, Multiplier: 2, Jitter: 0.1}
}

// exact is p without jitter, for schedules asserted exactly.
func exact(p Policy) Policy {
	p.Jitter = 0
	return p
}

// expPolicy is the exact schedule 1, 3, 7, 15, 31, 61, 91 s, ...
func expPolicy() Policy {
	return Policy{MinInterval: time.Second, MaxInterval: 30 * time.Second, Multiplier: 2}
}

func newCoordinator(s *fakeService) *Coordinator[*fakeStatus] {
	return New[*fakeStatus](s, nil, nil)
}

// waitOne waits for the job id, started now, under pol.
func waitOne(ctx context.Context, c *Coordinator[*fakeStatus], s *fakeService, id string, pol Policy) (*fakeStatus, error) {
	return c.Wait(ctx, &handle{s: s, id: id}, Params{ID: id, Policy: pol, Started: time.Now()})
}

// waitAll waits for every job concurrently, started now, and returns their
// errors.
func waitAll(ctx context.Context, c *Coordinator[*fakeStatus], s *fakeService, ids []string, pol Policy) []error {
	var wg sync.WaitGroup
	errs := make([]error, len(ids))
	for i, id := range ids {
		wg.Go(func() { _, errs[i] = waitOne(ctx, c, s, id, pol) })
	}
	wg.Wait()
	return errs
}

// addJobs adds n jobs of duration dur, with ids made by format from 0..n-1.
func addJobs(s *fakeService, n int, format string, dur time.Duration) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf(format, i)
		s.add(&fakeJob{id: ids[i], dur: dur})
	}
	return ids
}

// requireAllDone fails unless every error is nil.
func requireAllDone(t *testing.T, errs []error) {
	t.Helper()
	for i, err := range errs {
		require.NoError(t, err, "wait %d", i)
	}
}

func seconds(xs ...float64) []time.Duration {
	out := make([]time.Duration, len(xs))
	for i, x := range xs {
		out[i] = time.Duration(x * float64(time.Second))
	}
	return out
}

// addFinished adds n jobs that ended long ago, which every list read
// carries: the jobs a client ran earlier in the service's retention window.
func (s *fakeService) addFinished(n int) {
	for i := range n {
		s.add(&fakeJob{id: fmt.Sprintf("old-%05d", i), dur: time.Nanosecond})
	}
}

// counts returns the list and single reads made so far.
func (s *fakeService) counts() (lists, singles int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.lists), s.gets
}
