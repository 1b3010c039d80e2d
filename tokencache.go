package daas

import (
	"context"
	"sync"
	"time"

	"github.com/daaskit/daas/internal/flight"
)

// refreshPause is how long a failed refresh ahead of expiry holds back the
// next one, while the cached token still serves.
const refreshPause = 10 * time.Second

// refreshGrace is how long the last call to end waits for a refresh ahead
// of expiry still in flight before it stops it.
const refreshGrace = 2 * time.Second

// tokenCache is the cache of a token source that fetches its tokens itself
// (client credentials, on-premises credentials). While the cached token is
// valid, callers get it at once. Close to its expiry, a call that needs the
// token starts one refresh beside it, holding nobody; the refresh runs only
// while calls are in flight: the last call to end waits up to refreshGrace
// for it, then stops it, so no goroutine outlives the calls. Without a
// valid token, callers share one fetch. A token the API refused is dropped.
type tokenCache struct {
	fetch func(ctx context.Context) (Token, error) // one fetch from the endpoint
	now   func() time.Time
	grace time.Duration // refreshGrace; shorter in tests

	mu      sync.Mutex
	cur     Token
	ahead   time.Duration // refresh when less than this is left
	retryAt time.Time     // no refresh ahead of expiry before: the last failed
	calls   int           // attempts in flight that need the token (hold)
	bg      *refresh      // the refresh ahead of expiry in flight, or nil
	flight  flight.Group[Token]
}

// refresh is a refresh ahead of expiry in flight.
type refresh struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when it has returned
}

func newTokenCache(fetch func(context.Context) (Token, error)) tokenCache {
	return tokenCache{fetch: fetch, now: time.Now, grace: refreshGrace}
}

// Token returns the cached token while it is valid, starting a refresh
// beside the calls in flight when it is close to expiry; without a valid
// token it fetches one (one fetch for every concurrent caller).
func (s *tokenCache) Token(ctx context.Context) (Token, error) {
	s.mu.Lock()
	cur, now := s.cur, s.now()
	if cur.Value != "" && now.Before(cur.Expiry) {
		if s.calls > 0 && s.bg == nil && !now.Before(cur.Expiry.Add(-s.ahead)) && !now.Before(s.retryAt) {
			// Not canceled with the caller, which does not wait for it:
			// the last call in flight stops it (hold).
			rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
			r := &refresh{cancel: cancel, done: make(chan struct{})}
			s.bg = r
			go s.refreshAhead(rctx, r)
		}
		s.mu.Unlock()
		return cur, nil
	}
	s.mu.Unlock()
	return s.flight.Do(ctx, s.fetchAndStore)
}

// refreshAhead replaces the token that is close to expiry.
func (s *tokenCache) refreshAhead(ctx context.Context, r *refresh) {
	_, err := s.flight.Do(ctx, s.fetchAndStore)
	r.cancel()
	s.mu.Lock()
	s.bg = nil
	if err != nil {
		s.retryAt = s.now().Add(refreshPause)
	}
	s.mu.Unlock()
	close(r.done)
}

// hold marks an attempt in flight that needs the token, until the returned
// function is called (more calls do nothing). The last attempt to end
// while a refresh runs waits for it, up to the grace or the end of ctx,
// then stops it and waits for it to return, unless another attempt has
// begun meanwhile: that one ends it then.
func (s *tokenCache) hold(ctx context.Context) (release func()) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { s.release(ctx) }) }
}

func (s *tokenCache) release(ctx context.Context) {
	s.mu.Lock()
	s.calls--
	r, last := s.bg, s.calls == 0
	s.mu.Unlock()
	if r == nil || !last {
		return
	}
	t := time.NewTimer(s.grace)
	defer t.Stop()
	select {
	case <-r.done:
		return
	case <-t.C:
	case <-ctx.Done():
	}
	s.mu.Lock()
	needed := s.calls > 0
	s.mu.Unlock()
	if needed {
		return
	}
	r.cancel()
	<-r.done
}

// fetchAndStore fetches a token and caches it.
func (s *tokenCache) fetchAndStore(ctx context.Context) (Token, error) {
	now := s.now()
	tok, err := s.fetch(ctx)
	if err == nil {
		s.mu.Lock()
		s.cur, s.ahead = tok, min(time.Minute, tok.Expiry.Sub(now)/10)
		s.mu.Unlock()
	}
	return tok, err
}

// invalidate drops the cached token if it is still the one the API refused,
// so that the next Token call fetches a new one.
func (s *tokenCache) invalidate(value string) {
	s.mu.Lock()
	if s.cur.Value == value {
		s.cur = Token{}
	}
	s.mu.Unlock()
}
