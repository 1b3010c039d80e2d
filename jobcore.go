package daas

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"
)

// jobCore is the part of a job handle that does not depend on T.
type jobCore struct {
	c        *Client
	r        jobReader // reads the job's status
	id       string
	idErr    error // a malformed id, refused before anything is sent
	location string
	txid     string    // Citrix-TransactionId of the request that started the job
	started  time.Time // when the 202 arrived; zero for a resumed job
	origin   *url.URL  // the async GET that started the job, for result paging
	floor    time.Duration

	mu        sync.Mutex
	info      *JobInfo
	result    any // the result read, once read: a T of the handle
	hasResult bool
}

// snapshot returns a deep copy of the cached info, or nil.
func (jc *jobCore) snapshot() *JobInfo {
	jc.mu.Lock()
	defer jc.mu.Unlock()
	return jc.info.clone()
}

// store caches info, which the caller hands over: nothing else may hold it.
func (jc *jobCore) store(info *JobInfo) {
	jc.mu.Lock()
	jc.info = info
	jc.mu.Unlock()
}

// poll reads the job once and caches what it read. It returns the read
// info (the cache's own: callers hand out copies only) and the floor of the
// next read the service asked for with Retry-After.
func (jc *jobCore) poll(ctx context.Context) (*JobInfo, time.Duration, error) {
	if jc.idErr != nil {
		return nil, 0, jc.idErr
	}
	info, floor, err := jc.r.readJob(ctx, jc.id)
	if err != nil {
		if errors.Is(err, ErrNotFound) && jc.snapshot() != nil {
			return nil, 0, fmt.Errorf("daas: job %s disappeared: deleted, past the service's 48 h retention, or not visible to this API client: %w", jc.id, err)
		}
		return nil, 0, err
	}
	jc.accept(info)
	return info, floor, nil
}

// accept caches info read for this job, by a single read or a list.
func (jc *jobCore) accept(info *JobInfo) {
	if info.ID == "" {
		info.ID = jc.id
	}
	jc.store(info)
}

// cancelDetached asks the service to cancel the job after the caller's
// context ended: with a context of its own, bounded to a few seconds.
func (jc *jobCore) cancelDetached(ctx context.Context) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if info, err := jc.c.Jobs.Cancel(cctx, jc.id); err == nil {
		jc.store(info)
	} else {
		jc.c.debug(ctx, "cancel after context end failed", "job", jc.id, "error", err.Error())
	}
}
