package daas_test

import (
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

// costFake is a fake whose first jobs end at 2 s (the first short of them)
// and the rest at 60 s, with no progress, and a policy without jitter
// worth reqBytes a request: with n waits its ticks are 1, 3, 7, 15, 31, 61 s.
func costWaits(t *testing.T, n, short, retained, reqBytes int) *daastest.Server {
	t.Helper()
	srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithCatalogs(1),
		daastest.WithProgress(daastest.ProgressNone),
		daastest.WithJobDurationFunc(func(_ string, i int) time.Duration {
			if i <= short {
				return 2 * time.Second
			}
			return time.Minute
		}))
	t.Cleanup(srv.Close)
	pol := daas.DefaultPollPolicy()
	pol.Jitter = 0
	pol.BatchRequestBytes = reqBytes
	c := srv.Client(daas.WithPollPolicy(pol))
	ctx := t.Context()
	jobs := make([]*daas.Job[[]daas.MachineCatalog], n)
	for i := range jobs {
		var err error
		jobs[i], err = c.MachineCatalogs.ListAsync(ctx)
		require.NoError(t, err)
	}
	// The client ran many jobs before: every GET /Jobs carries them.
	srv.AddFinishedJobs("", "GetMachineCatalogs", retained, time.Minute)
	srv.ResetStats()
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() {
			cats, err := j.Wait(ctx)
			if assert.NoError(t, err) {
				assert.Len(t, cats, 1)
			}
		})
	}
	wg.Wait()
	return srv
}

// With 1,000 retained jobs in every list, 100 waits read the list each
// tick when a request is worth 64 KiB (the default: the list, ~0.7 MB,
// costs less than 100 requests), every tick after the first by themselves
// when a request is worth 1 KiB (the list costs more than 100 single
// reads), and the list each tick whatever it costs when bytes are free.
func TestCostAwareBatchReads(t *testing.T) {
	for _, tc := range []struct {
		name          string
		reqBytes      int
		lists, single int
	}{
		{"default", 0, 6, 0},
		{"request worth 1 KiB", 1 << 10, 1, 5 * 100},
		{"bytes free", -1, 6, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := costWaits(t, 100, 0, 1000, tc.reqBytes)
				assert.Equal(t, tc.lists, srv.Count("GET /Jobs"))
				assert.Equal(t, tc.single, srv.Count("GET /Jobs/{id}"))
			})
		})
	}
}

// The choice is made at every tick from the waiters due: 100 waits in step
// read the list while all are due (the list, ~0.7 MB, costs less than
// about 40 requests worth 16 KiB); once 70 jobs have ended, the 30 left
// read their jobs by themselves.
func TestCostAwareSwitchesToSingles(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := costWaits(t, 100, 70, 1000, 16<<10)
		assert.Equal(t, 2, srv.Count("GET /Jobs"), "ticks 1 and 3 s: 100 due")
		assert.Equal(t, 4*30, srv.Count("GET /Jobs/{id}"), "ticks 7, 15, 31, 61 s: 30 due")
	})
}

// With no retained jobs the list stays cheaper whatever a request is worth
// above a few hundred bytes: 100 waits cost one GET /Jobs a tick, as before
// the cost model.
func TestCostAwareSmallListStaysBatched(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := costWaits(t, 100, 0, 0, 1<<10)
		assert.Equal(t, 6, srv.Count("GET /Jobs"))
		assert.Zero(t, srv.Count("GET /Jobs/{id}"))
	})
}

// bodySizes records the body size of each GET /Jobs/{id} answer.
type bodySizes struct {
	rt    http.RoundTripper
	mu    sync.Mutex
	sizes []int
}

func (b *bodySizes) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := b.rt.RoundTrip(r)
	if err != nil || r.Method != http.MethodGet || !strings.Contains(r.URL.Path, "/Jobs/") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.sizes = append(b.sizes, len(body))
	b.mu.Unlock()
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	return resp, nil
}

// The cost model estimates a job's bytes without encoding it: within a
// fifth of what the fake sends for a running job with parameters and for a
// finished one.
func TestApproxJSONSizeMatchesWire(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithJobDuration(time.Minute))
		defer srv.Close()
		rec := &bodySizes{rt: srv.HTTPClient().Transport}
		c := srv.Client(daas.WithHTTPClient(&http.Client{Transport: rec}))
		ctx := t.Context()
		create, err := c.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{
			Name: "Dev", ProvisioningType: daas.ProvisioningTypeManual, SessionSupport: daas.SessionSupportSingleSession,
		})
		require.NoError(t, err)
		ids := append([]string{create.ID()}, srv.AddFinishedJobs("", "GetMachineCatalogs", 1, time.Minute)...)
		for i, id := range ids {
			info, err := c.Jobs.Get(ctx, id)
			require.NoError(t, err)
			require.Len(t, rec.sizes, i+1)
			wire := float64(rec.sizes[i])
			assert.InEpsilon(t, wire, float64(daas.ApproxJSONSize(info)), 0.2, "job %s (%s): %d bytes on the wire", id, info.Status, rec.sizes[i])
		}
	})
}

// slowList makes every GET /Jobs take lag and records when each was sent.
type slowList struct {
	rt   http.RoundTripper
	lag  time.Duration
	mu   sync.Mutex
	sent []time.Time
}

func (s *slowList) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/Jobs") {
		s.mu.Lock()
		s.sent = append(s.sent, time.Now())
		s.mu.Unlock()
		time.Sleep(s.lag)
	}
	return s.rt.RoundTrip(r)
}

// A list read that takes most of MinInterval to answer says what the jobs
// were when it was sent: the next read is timed from then, so a slow list
// does not push every later tick back by its own time.
func TestSlowListTimedFromSend(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithCatalogs(1),
			daastest.WithProgress(daastest.ProgressNone), daastest.WithJobDuration(time.Minute))
		defer srv.Close()
		slow := &slowList{rt: srv.HTTPClient().Transport, lag: 800 * time.Millisecond}
		pol := daas.DefaultPollPolicy()
		pol.Jitter = 0
		c := srv.Client(daas.WithHTTPClient(&http.Client{Transport: slow}), daas.WithPollPolicy(pol))
		ctx := t.Context()
		jobs := make([]*daas.Job[[]daas.MachineCatalog], 20)
		for i := range jobs {
			var err error
			jobs[i], err = c.MachineCatalogs.ListAsync(ctx)
			require.NoError(t, err)
		}
		start := time.Now()
		var wg sync.WaitGroup
		for _, j := range jobs {
			wg.Go(func() {
				_, err := j.Wait(ctx)
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		var at []time.Duration
		for _, s := range slow.sent {
			at = append(at, s.Sub(start))
		}
		sec := time.Second
		assert.Equal(t, []time.Duration{sec, 3 * sec, 7 * sec, 15 * sec, 31 * sec, 61 * sec}, at,
			"the ticks of a fast list (timed from the answer: 1, 3.8, 8.6, 17.4, ...)")
		assert.Zero(t, srv.Count("GET /Jobs/{id}"))
	})
}
