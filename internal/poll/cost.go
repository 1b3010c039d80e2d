package poll

import "time"

// The batch cost model. GET /Jobs takes no filter and no page size: it
// answers every job the caller ran in the retention window (48 h), so a
// client that has run 10,000 jobs gets 10,000 finished jobs with every list
// read, however few it waits for. The coordinator measures what a list read
// costs and what a single read costs, and reads the list only when that is
// cheaper than the single reads it replaces:
//
//	cost = requests × BatchRequestBytes + bytes received
//
// (requests weigh against the service's rate limit, bytes against the
// network; one request is worth BatchRequestBytes, 64 KiB unless set). When
// a waiter is due, the due waiters are the batched ones whose next read
// falls within MinInterval of now, and those holding a list status not yet
// taken (see Coordinator.dueSoon); with k of them due,
//
//	list:    1 × BatchRequestBytes + (bytes of the last list read)
//	singles: k × (BatchRequestBytes + bytes of a single read)
//
// where a single read's bytes are the mean of the waiters' own jobs in the
// last list (sizes as Status.Size estimates them), and the cheaper is read.
// A list read delivers to every waiter it shows, so waiters started
// together stay in step on the list while the list is small; when it is
// large, the waiters read their own jobs except when many are due at once
// (the first reads of jobs started together). Until a list has been read
// its cost is unknown and the list is read. A list estimate does not go
// stale for ever: after single reads worth listReprobe list reads, the list
// is read once more to measure it.

const (
	// defaultRequestBytes is what one request is worth when
	// Policy.BatchRequestBytes is 0: a list read must save one request
	// per 64 KiB it carries beyond the single reads.
	defaultRequestBytes = 64 << 10
	// listReprobe: after single reads that cost this many list reads, the
	// list is read again to re-measure it (at most 1/listReprobe overhead).
	listReprobe = 20
	// costSmoothing is the weight of a new measure in the running
	// estimates.
	costSmoothing = 0.25
	// listEnvelope is the bytes of a list answer around its items.
	listEnvelope = 48
)

// readCosts is the running estimate of what reads cost: a few numbers,
// whatever the number of jobs. Guarded by Coordinator.mu.
type readCosts struct {
	lists     int     // list reads measured
	listItems int     // items in the last list read
	listBytes float64 // estimated bytes of the last list read
	// mineBytes is the estimated bytes of the waiters' own jobs in the
	// last list read, mine how many it showed: what their single reads
	// would receive.
	mineBytes  float64
	mine       int
	singleSize ewma // estimated bytes per single read, for when the list showed no waiter's job
	// spent is the cost of the single reads chosen over the list since the
	// list was last read (for the re-probe).
	spent float64
	// counted is the waiters due soon, as counted at countedAt.
	counted   int
	countedAt time.Time
}

// ewma is an exponentially weighted moving average.
type ewma struct {
	v  float64
	ok bool
}

func (e *ewma) add(x float64) {
	if !e.ok {
		e.v, e.ok = x, true
		return
	}
	e.v += costSmoothing * (x - e.v)
}

// observeList records a list read of listBytes (its items' sizes, without
// the envelope) and items items, mine of which (of mineBytes) are the
// jobs of waiters.
func (c *readCosts) observeList(items, listBytes, mine, mineBytes int) {
	c.lists++
	c.listItems = items
	c.listBytes = float64(listBytes + listEnvelope)
	c.mine, c.mineBytes = mine, float64(mineBytes)
	c.spent = 0
}

// observeSingle records a single read of size bytes.
func (c *readCosts) observeSingle(size int) { c.singleSize.add(float64(size)) }

// singleBytes is the estimated size of one single read's answer: the mean
// of the waiters' jobs in the last list, else of the single reads seen,
// else of the last list's items.
func (c *readCosts) singleBytes() float64 {
	switch {
	case c.mine > 0:
		return c.mineBytes / float64(c.mine)
	case c.singleSize.ok:
		return c.singleSize.v
	case c.listItems > 0:
		return (c.listBytes - listEnvelope) / float64(c.listItems)
	}
	return 0
}

// requestBytes is what one request is worth under pol, or -1 when bytes
// are free (every tick reads the list).
func requestBytes(pol Policy) float64 {
	switch {
	case pol.BatchRequestBytes < 0:
		return -1
	case pol.BatchRequestBytes == 0:
		return defaultRequestBytes
	}
	return float64(pol.BatchRequestBytes)
}

// listCheaper reports whether one list read costs no more than due single
// reads, with a request worth req bytes.
func (c *readCosts) listCheaper(due int, req float64) bool {
	if req < 0 || c.lists == 0 {
		return true
	}
	list := req + c.listBytes
	if c.spent >= listReprobe*list {
		return true // re-measure the list
	}
	return list <= float64(due)*(req+c.singleBytes())
}

// chargeSingle counts a single read chosen over the list.
func (c *readCosts) chargeSingle(req float64) {
	if req > 0 {
		c.spent += req + c.singleBytes()
	}
}
