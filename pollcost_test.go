package daas

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What one request is worth: the default, a setting, and "bytes are free".
func TestRequestBytes(t *testing.T) {
	assert.Equal(t, float64(64<<10), requestBytes(PollPolicy{}))
	assert.Equal(t, float64(1000), requestBytes(PollPolicy{BatchRequestBytes: 1000}))
	assert.Equal(t, float64(-1), requestBytes(PollPolicy{BatchRequestBytes: -1}))
}

func sampleJob(id string) JobInfo {
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	return JobInfo{
		ID: id, Type: "UpdateMachineCatalog", Status: JobInProgress,
		CreatedAt: at, StartedAt: at,
		Parameters: []NameValue{{Name: "Name", Value: "Pool"}},
	}
}

// The model's arithmetic: with a list of n items of size s and a single
// read of size s, a list read is chosen exactly when
// R + n·s + envelope ≤ k·(R + s).
func TestListCheaperThreshold(t *testing.T) {
	const n = 1000
	job := sampleJob("0f6c9f54-5d6b-4d3b-9a43-1f0e7b2a8c11")
	size := float64(approxJSONSize(&job))
	items := make([]JobInfo, n)
	for i := range items {
		items[i] = job
	}
	for _, req := range []float64{1 << 10, 16 << 10, 64 << 10} {
		var c readCosts
		assert.True(t, c.listCheaper(1, req), "nothing measured: the list is read, to measure it")
		c.observeList(items, 100, 100*int(size))
		assert.InDelta(t, n*size+listEnvelope, c.listBytes, 0)
		assert.InDelta(t, size, c.singleBytes(), 0)

		k := int(math.Ceil((req + n*size + listEnvelope) / (req + size)))
		require.Greater(t, k, 1)
		assert.True(t, c.listCheaper(k, req), "req %v: %d due", req, k)
		assert.False(t, c.listCheaper(k-1, req), "req %v: %d due", req, k-1)
		assert.True(t, c.listCheaper(1, -1), "bytes free: always the list")
	}
}

// A single read is estimated as the mean of the waiters' own jobs in the
// last list (a large parent job seen by itself does not count for them),
// else of the single reads seen, else of the list's items.
func TestSingleBytesEstimate(t *testing.T) {
	var c readCosts
	assert.Zero(t, c.singleBytes())
	a, b := sampleJob("a"), sampleJob("bbbbbbbbbb")
	c.observeList([]JobInfo{a, b}, 0, 0)
	assert.InDelta(t, float64(approxJSONSize(&a)+approxJSONSize(&b))/2, c.singleBytes(), 1e-9)
	parent := sampleJob("parent")
	for range 200 {
		parent.SubJobs = append(parent.SubJobs, sampleJob("sub"))
	}
	c.observeSingle(&parent)
	assert.InDelta(t, float64(approxJSONSize(&parent)), c.singleBytes(), 1e-9)
	c.observeList([]JobInfo{a, b, parent}, 2, 2000)
	assert.InDelta(t, 1000, c.singleBytes(), 1e-9)
}

// The running estimates move a quarter of the way to each new measure.
func TestEWMA(t *testing.T) {
	var e ewma
	e.add(100)
	assert.InDelta(t, 100, e.v, 0)
	e.add(200)
	assert.InDelta(t, 125, e.v, 0)
	e.add(125)
	assert.InDelta(t, 125, e.v, 0)
}

// A list estimate does not go stale for ever: once the single reads chosen
// over it cost listReprobe list reads, the list is read once more, and the
// new measure starts the count again.
func TestListReprobe(t *testing.T) {
	const req = 64 << 10
	job := sampleJob("id")
	items := make([]JobInfo, 2000)
	for i := range items {
		items[i] = job
	}
	var c readCosts
	c.observeList(items, 1, approxJSONSize(&job))
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
	c.observeList(items, 1, approxJSONSize(&job))
	assert.Zero(t, c.spent)
	assert.False(t, c.listCheaper(1, req))
}

// The estimate grows with every part of a job that the wire carries.
func TestApproxJSONSizeGrows(t *testing.T) {
	job := sampleJob("id")
	base := approxJSONSize(&job)
	job.EndedAt = job.StartedAt.Add(time.Minute)
	assert.Greater(t, approxJSONSize(&job), base)
	withEnd := approxJSONSize(&job)
	job.SubJobs = []JobInfo{sampleJob("sub")}
	assert.Greater(t, approxJSONSize(&job), withEnd+300)
	withSub := approxJSONSize(&job)
	job.ErrorString = "failed"
	assert.Equal(t, withSub+len("failed"), approxJSONSize(&job))
}
