//go:build !race

package poll

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
)

// liveHeap is the live heap after a collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// A parked wait on a context many waits share holds little more than its
// goroutine: its waiter, one waiting record of the runtime, its place in
// the coordinator's maps: some 940 bytes, where a timer and a select each
// held some 1,380. The race detector's own bookkeeping would count too.
func TestParkedWaitHeap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 2000
		s := newFake(t)
		ids := addJobs(s, n, "00000000-0000-0000-0000-%012d", time.Hour)
		c := newCoordinator(s)
		ctx, cancel := context.WithCancel(t.Context())
		handles := make([]*handle, n)
		for i, id := range ids {
			handles[i] = &handle{s: s, id: id}
		}
		start := time.Now()
		before := liveHeap()
		var wg sync.WaitGroup
		for i, h := range handles {
			wg.Go(func() {
				_, _ = c.Wait(ctx, h, Params{ID: ids[i], Policy: expPolicy(), Started: start})
			})
		}
		synctest.Wait() // every wait parked before its first read
		per := float64(liveHeap()-before) / n
		cancel()
		wg.Wait()
		t.Logf("%.0f bytes a parked wait", per)
		assert.Less(t, per, 1100.0)
	})
}
