package daas

import "time"

// The batch cost model. GET /Jobs takes no filter and no page size: it
// answers every job the caller ran in the retention window (48 h), so a
// client that has run 10,000 jobs gets 10,000 finished jobs with every list
// read, however few it waits for. The poller measures what a list read
// costs and what a single read costs, and reads the list only when that is
// cheaper than the single reads it replaces:
//
//	cost = requests × BatchRequestBytes + bytes received
//
// (requests weigh against the service's rate limit, bytes against the
// network; one request is worth BatchRequestBytes, 64 KiB unless set). When
// a waiter is due, the due waiters are the batched ones whose next read
// falls within MinInterval of now, and those holding a list status not yet
// taken (see dueSoon); with k of them due,
//
//	list:    1 × BatchRequestBytes + (bytes of the last list read)
//	singles: k × (BatchRequestBytes + bytes of a single read)
//
// where a single read's bytes are the mean of the waiters' own jobs in the
// last list (sizes estimated by approxJSONSize, not by encoding).
// and the cheaper is read. A list read delivers to every waiter it shows,
// so waiters started together stay in step on the list while the list is
// small; when it is large, the waiters read their own jobs except when
// many are due at once (the first reads of jobs started together). Until
// a list has been read its cost is unknown and the list is read, as before
// the model. A list estimate does not go stale for ever: after single reads
// worth listReprobe list reads, the list is read once more to measure it.

const (
	// defaultRequestBytes is what one request is worth when
	// PollPolicy.BatchRequestBytes is 0: a list read must save one request
	// per 64 KiB it carries beyond the single reads.
	defaultRequestBytes = 64 << 10
	// listReprobe: after single reads that cost this many list reads, the
	// list is read again to re-measure it (at most 1/listReprobe overhead).
	listReprobe = 20
	// costSmoothing is the weight of a new measure in the running
	// estimates.
	costSmoothing = 0.25
)

// readCosts is the poller's running estimate of what reads cost: a few
// numbers, whatever the number of jobs. Guarded by poller.mu.
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

// observeList records a list read of items, mine of which (of
// mineBytes, by approxJSONSize) are the jobs of waiters.
func (c *readCosts) observeList(items []JobInfo, mine, mineBytes int) {
	var n int
	for i := range items {
		n += approxJSONSize(&items[i])
	}
	c.lists++
	c.listItems = len(items)
	c.listBytes = float64(n + listEnvelope)
	c.mine, c.mineBytes = mine, float64(mineBytes)
	c.spent = 0
}

// observeSingle records a single read of info.
func (c *readCosts) observeSingle(info *JobInfo) {
	c.singleSize.add(float64(approxJSONSize(info)))
}

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
func requestBytes(pol PollPolicy) float64 {
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

// listEnvelope is the bytes of a list answer around its items.
const listEnvelope = 48

// approxJSONSize estimates the bytes of a job's JSON on the wire without
// encoding it: the field names and punctuation of JobResponseModel, the
// strings, the times (each written twice, raw and formatted) and the
// parameters, sub jobs included.
func approxJSONSize(j *JobInfo) int {
	n := 300 + len(j.ID) + len(j.Type) + len(j.Status) + len(j.ResultLocation) + len(j.ErrorString) + len(j.ErrorCode)
	for _, t := range []time.Time{j.CreatedAt, j.StartedAt, j.EndedAt} {
		if !t.IsZero() {
			n += 56
		}
	}
	for _, ps := range [][]NameValue{j.Parameters, j.ErrorParameters} {
		for _, p := range ps {
			n += 22 + len(p.Name) + len(p.Value)
		}
	}
	for i := range j.SubJobs {
		n += 1 + approxJSONSize(&j.SubJobs[i])
	}
	return n
}

// dueSoon counts the batched waiters whose next read is due by t, of those
// whose job the last list showed: a waiter with a list status delivered
// and not yet taken counts (a list read just ended; a read now serves it
// as its next tick, which keeps the waiters in step on one list), one in a
// list read in flight does not, and any other counts when its next read is
// due by t. p.mu is held.
func (p *poller) dueSoon(t time.Time) int {
	var k int
	for w := range p.waiters {
		switch {
		case w.unlisted:
		case w.info != nil:
			k++
		case w.listing:
		case !w.due.After(t):
			k++
		}
	}
	return k
}

// nextRead is the wait before w's next read after it read info. A status
// that took more than half of MinInterval to arrive (a large list) is timed
// from when its read was sent, the time it is true of: reads aimed at the
// job's finish from a status seconds old would come seconds late. A fast
// answer is timed from now, as the schedule has always been. Either way
// reads are sent no closer together than the schedule's interval; a read
// that took longer than that is followed at once, and the cost model
// chooses, as for any due read, whether the list or the job is read.
func (p *poller) nextRead(s *schedule, w *waiter, info *JobInfo, pol PollPolicy) time.Duration {
	p.mu.Lock()
	at := w.seenAt
	p.mu.Unlock()
	now := time.Now()
	if at.IsZero() || now.Sub(at) <= pol.MinInterval/2 {
		return s.next(now, info)
	}
	return max(s.next(at, info)-now.Sub(at), 0)
}

// setListing records whether w is in a list read.
func (p *poller) setListing(w *waiter, on bool) {
	p.mu.Lock()
	w.listing = on
	p.mu.Unlock()
}

// setDue records when w reads next.
func (p *poller) setDue(w *waiter, t time.Time) {
	p.mu.Lock()
	w.due = t
	p.mu.Unlock()
}

// costChoice decides, for w due now, between the list and its own read
// under the cost model. p.mu is held.
func (p *poller) costChoice(pol PollPolicy, w *waiter, now time.Time) bool {
	req := requestBytes(pol)
	if req < 0 {
		return true // bytes are free: the list, every tick
	}
	if !p.listSent.IsZero() && now.Sub(p.listSent) <= pol.MinInterval/2 {
		return true // join the list read in flight: it costs nothing more, and it is recent
	}
	// Waiters due together decide within moments of each other: one count
	// serves them all, so a tick costs one pass over the waiters, not one
	// per waiter.
	if p.costs.countedAt.IsZero() || now.Sub(p.costs.countedAt) > pol.MinInterval/20 || now.Before(p.costs.countedAt) {
		p.costs.counted, p.costs.countedAt = p.dueSoon(now.Add(pol.MinInterval)), now
	}
	if p.costs.listCheaper(p.costs.counted, req) {
		return true
	}
	p.costs.chargeSingle(req)
	return false
}
