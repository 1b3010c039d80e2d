package poll

import (
	"fmt"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleStatus(id string) Status {
	return Status{ID: id, Type: "UpdateMachineCatalog", Progress: -1, Size: 400 + len(id)}
}

// A single read is estimated as the mean of the waiters' own jobs in the
// last list (a large parent job seen by itself does not count for them),
// else of the single reads seen, else of the list's items.
func TestSingleBytesEstimate(t *testing.T) {
	var c readCosts
	assert.Zero(t, c.singleBytes())
	a, b := sampleStatus("a"), sampleStatus("bbbbbbbbbb")
	c.observeList(2, a.Size+b.Size, 0, 0)
	assert.InDelta(t, float64(a.Size+b.Size)/2, c.singleBytes(), 1e-9)
	c.observeSingle(80000) // a parent job with many sub jobs
	assert.InDelta(t, 80000, c.singleBytes(), 1e-9)
	c.observeList(3, a.Size+b.Size+80000, 2, 2000)
	assert.InDelta(t, 1000, c.singleBytes(), 1e-9)
}

// The estimate of a single read follows the reads seen without jumping to
// each one: one odd read moves it part of the way, and reads of a new size
// bring it there within a few dozen reads, never overshooting.
func TestSingleReadEstimateSmooths(t *testing.T) {
	var c readCosts
	c.observeSingle(1000)
	assert.InDelta(t, 1000, c.singleBytes(), 0, "the first read is the estimate")
	c.observeSingle(100000)
	got := c.singleBytes()
	assert.Greater(t, got, 1000.0, "one odd read moves the estimate")
	assert.Less(t, got, 50000.0, "but not most of the way")
	prev := got
	for range 30 {
		c.observeSingle(100000)
		now := c.singleBytes()
		assert.GreaterOrEqual(t, now, prev)
		assert.LessOrEqual(t, now, 100000.0)
		prev = now
	}
	assert.InEpsilon(t, 100000, prev, 0.001, "reads of a new size bring the estimate there")
}

// A list estimate does not go stale for ever: once the single reads chosen
// over it cost listReprobe list reads, the list is read once more, and the
// new measure starts the count again.
func TestListReprobe(t *testing.T) {
	const req = 64 << 10
	job := sampleStatus("id")
	var c readCosts
	c.observeList(2000, 2000*job.Size, 1, job.Size)
	list := req + c.listBytes
	single := req + c.singleBytes()
	charges := int(math.Ceil(listReprobe * list / single))
	for i := range charges - 1 {
		require.False(t, c.listCheaper(1, req), "charge %d", i)
		c.chargeSingle(req)
	}
	assert.False(t, c.listCheaper(1, req))
	c.chargeSingle(req)
	assert.True(t, c.listCheaper(1, req), "re-probe after %d singles", charges)
	c.observeList(2000, 2000*job.Size, 1, job.Size)
	assert.Zero(t, c.spent)
	assert.False(t, c.listCheaper(1, req))
}

// costRun waits for n jobs in step (ending at 60 s, ticks at 1, 3, 7, 15,
// 31, 61 s) with retained finished jobs in every list, and returns the
// list and single reads made.
func costRun(t *testing.T, n, retained int, pol Policy) (lists, singles int) {
	s := newFake(t)
	ids := addJobs(s, n, "job-%05d", time.Minute)
	s.addFinished(retained)
	requireAllDone(t, waitAll(t.Context(), newCoordinator(s), s, ids, pol))
	return s.counts()
}

// What the reads of a run cost under the model: each request worth req
// bytes, each list carrying every job, each job's status size bytes.
func runCost(lists, singles, jobs, size int, req float64) float64 {
	return float64(lists)*(req+float64(jobs*size+listEnvelope)) + float64(singles)*(req+float64(size))
}

// The coordinator reads whichever costs less, requests weighed at
// BatchRequestBytes (64 KiB when 0) against bytes: over a run it spends no
// more than the cheaper of reading the list every tick and reading every
// job by itself, give or take the one list read that measures the list.
// Bytes free (-1) read the list every tick whatever it carries.
func TestCostAwareChoice(t *testing.T) {
	const retained = 1000
	for _, tc := range []struct {
		reqBytes int
		req      float64
	}{{0, 64 << 10}, {16 << 10, 16 << 10}, {1 << 10, 1 << 10}, {200, 200}} {
		for _, n := range []int{5, 10, 30, 100} {
			t.Run(fmt.Sprintf("request %d, %d waits", tc.reqBytes, n), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					size := newFake(t).Status(&fakeStatus{ID: "job-00000", Type: "TestJob", Status: "InProgress"}).Size
					pol := expPolicy()
					pol.BatchRequestBytes = tc.reqBytes
					lists, singles := costRun(t, n, retained, pol)
					always := expPolicy()
					always.BatchRequestBytes = -1
					aLists, aSingles := costRun(t, n, retained, always)
					assert.Equal(t, 6, aLists, "bytes free: the list every tick")
					assert.Zero(t, aSingles)
					never := expPolicy()
					never.DisableBatch = true
					nLists, nSingles := costRun(t, n, retained, never)
					assert.Zero(t, nLists)
					jobs := n + retained
					got := runCost(lists, singles, jobs, size, tc.req)
					best := min(runCost(aLists, aSingles, jobs, size, tc.req), runCost(nLists, nSingles, jobs, size, tc.req))
					probe := runCost(1, 0, jobs, size, tc.req)
					assert.LessOrEqual(t, got, best+probe, "%d lists and %d singles", lists, singles)
				})
			})
		}
	}
}
