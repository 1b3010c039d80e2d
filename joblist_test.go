package daas

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The job list under a server that serves many large pages: one read takes
// in at most maxJobListBytes, and the poller keeps only the jobs of its
// waiters, never every page. Before, 300 pages of 1 MiB kept 530 MiB
// live, and the poller read them every tick.

// bigPages serves pages of about 1 MiB of jobs each (ids p{page}-{i}),
// pages in all, the last without a continuation token. Before writing
// each page it measures the live heap, which then holds what the client
// kept of the pages before.
type bigPages struct {
	pages   int
	measure bool   // measure the live heap before each page
	body    string // the items of one page, shared by every page

	mu     sync.Mutex
	served int
	peak   uint64 // the largest live heap seen
}

func newBigPages(pages int) *bigPages {
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; b.Len() < 1<<20; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Id":"job-%d","Type":"CreateMachineCatalog","Status":"Complete","OverallProgressPercent":100,`+
			`"Parameters":[{"Name":"Name","Value":"%s"}],"ErrorCode":"Unknown",`+
			`"CreationTime":"2022-02-09T07:22:04.254+00:00","FormattedCreationTime":"2022-02-09T07:22:04.254+00:00"}`,
			i, strings.Repeat("x", 1000))
	}
	b.WriteByte(']')
	return &bigPages{pages: pages, body: b.String()}
}

func (s *bigPages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var page int
	if tok := r.URL.Query().Get("continuationToken"); tok != "" {
		_, _ = fmt.Sscanf(tok, "p%d", &page)
	}
	s.mu.Lock()
	s.served++
	if s.measure {
		s.peak = max(s.peak, liveHeap())
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	next := "null"
	if page+1 < s.pages {
		next = fmt.Sprintf(`"p%d"`, page+1)
	}
	_, _ = fmt.Fprintf(w, `{"Items":%s,"ContinuationToken":%s}`, s.body, next)
}

// liveHeap is the live heap now.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// A list of more than 64 MiB of pages is an error that names the cap, and
// the read stops at it.
func TestJobListCapped(t *testing.T) {
	srv := newBigPages(80)
	c := newTestClient(t, srv.ServeHTTP, withoutRetries())
	var err error
	for _, e := range c.Jobs.All(t.Context()) {
		if e != nil {
			err = e
		}
	}
	require.ErrorContains(t, err, "the job list holds more than 64 MiB across its pages, the cap of one read")
	assert.LessOrEqual(t, srv.served, 65, "the read stops at the cap")
}

// The poller's read of a 40 MiB list keeps the jobs of its waiters only:
// the live heap stays within a few pages of where it started.
func TestJobListPollerKeepsOnlyItsJobs(t *testing.T) {
	srv := newBigPages(40)
	srv.measure = true
	c := newTestClient(t, srv.ServeHTTP, withoutRetries())
	svc := jobService{r: (*JobsService)(&c.common)}
	base := liveHeap()
	list, _, err := svc.ReadList(t.Context(), func(id string) bool { return id == "job-7" })
	require.NoError(t, err)
	require.Equal(t, 40, srv.served)
	require.Len(t, list.Items, 40, "the waited job, once per page")
	assert.Equal(t, "job-7", list.Items[0].ID)
	assert.Equal(t, 40*strings.Count(srv.body, `"Id"`), list.Count, "every job counted")
	assert.Greater(t, list.Bytes, 40<<20, "and its size")
	grown := int64(srv.peak) - int64(base)
	t.Logf("live heap grew by at most %.1f MiB over 40 pages of 1 MiB", float64(grown)/(1<<20))
	assert.Less(t, grown, int64(8<<20), "the pages read are not kept")
}
