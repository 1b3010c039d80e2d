package daas_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestSoak runs hundreds of jobs (creates, updates, deletes, async lists and
// gets, create-update-delete chains) concurrently on one client while the
// fake Citrix DaaS injects 20% 5xx on job reads, ~5% connection resets on
// every route (before and after the server acts), 429 bursts with a
// retryDelay, and expires its tokens before the client expects it, so every
// expiry is a 401 and a replay: in the bubble every couple of seconds of
// the client's clock while the client believes them good for 10 times
// longer; over TCP once, at the end of the first burst, with every task in flight. It checks that every job
// resolves with the right result, that a write whose connection dropped is
// reconciled (it took effect once, or not at all), that no write was sent
// again after the server may have acted on it, and that no goroutine is left
// behind.
//
// The CI version runs 300 jobs in a testing/synctest bubble over the fake's
// in-memory transport (fake time: poll and retry waits cost nothing), plus a
// smaller run over real loopback TCP with a time scale (real resets, real
// connection reuse). -soak.long runs 3000 jobs in the bubble and 300 over
// TCP:
//
//	go test -race -run TestSoak -soak.long -v .
var soakLong = flag.Bool("soak.long", false, "run the long soak test (more jobs, longer)")

type soakConfig struct {
	jobs     int     // async jobs to start, about
	inMemory bool    // synctest bubble and in-memory transport; else loopback TCP
	scale    float64 // service time runs this much faster than the client's clock
	inFlight int     // tasks running at once
	seed     int64
	// Service time: tokens live tokenLife (a couple of seconds of the
	// client's clock: it believes them good for scale times longer), jobs
	// 1 s to maxJob, so that many outlive a token.
	tokenLife, maxJob time.Duration
	// expireAtBurst: tokens live longer than the run and the end of the
	// first 429 burst ends the life of every token issued so far instead. Over TCP a
	// call takes real time, seconds of it under -race on a loaded machine,
	// longer than a token that expires every couple of seconds lives: the
	// replay's token (fetched by another call while this one's attempt ran)
	// could be dead before the replay reached the server, whatever the
	// client did. One expiry, with every task in flight, gives every call a
	// 401 at most once.
	expireAtBurst bool
}

func TestSoak(t *testing.T) {
	// Not parallel: goleak checks the whole process.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	mem := soakConfig{jobs: 300, inMemory: true, scale: 10, inFlight: 120, seed: 8, tokenLife: 20 * time.Second, maxJob: time.Minute}
	tcp := soakConfig{jobs: 90, scale: 100, inFlight: 60, seed: 9, tokenLife: 24 * time.Hour, expireAtBurst: true, maxJob: 90 * time.Second}
	if *soakLong {
		mem.jobs, mem.inFlight = 3000, 400
		tcp.jobs, tcp.inFlight = 300, 120
	}
	t.Run("synctest", func(t *testing.T) {
		start := time.Now()
		synctest.Test(t, func(t *testing.T) { runSoak(t, mem) })
		t.Logf("%d jobs in %v of real time", mem.jobs, time.Since(start).Round(time.Millisecond))
	})
	t.Run("tcp", func(t *testing.T) {
		start := time.Now()
		runSoak(t, tcp)
		t.Logf("%d jobs in %v of real time", tcp.jobs, time.Since(start).Round(time.Millisecond))
	})
}

// soakIntent is one logical write and what became of it.
type soakIntent struct {
	kind  string // create, update, delete
	name  string // catalog name (create, and the chain's steps)
	id    string // catalog id (update, delete of seeded catalogs)
	desc  string // update: the description set
	err   error  // the start's error, if any
	done  bool   // the job ran to a successful end
	chain bool
}

type soakRun struct {
	t      *testing.T
	s      *daastest.Server
	c      *daas.Client
	stable []daastest.Catalog // never touched: every list must show them

	mu       sync.Mutex
	intents  []*soakIntent
	jobs     atomic.Int64 // async jobs started by the client (202 received)
	startErr atomic.Int64 // async starts that failed
	skipped  atomic.Int64 // chain steps not started because an earlier one failed
	active   atomic.Int64 // tasks running
	bursts   atomic.Int64 // 429 bursts injected
}

func (r *soakRun) record(in *soakIntent) {
	r.mu.Lock()
	r.intents = append(r.intents, in)
	r.mu.Unlock()
}

func runSoak(t *testing.T, cfg soakConfig) {
	// The plan repeats a cycle of six tasks that start eight jobs: a
	// create, an update, a delete, an async list, an async get and a
	// create-update-delete chain. Seeded catalogs: 10 stable ones, then one
	// update target and one delete target per cycle.
	per := (cfg.jobs + 7) / 8
	nStable := 10
	opts := []daastest.Option{
		daastest.WithSeed(cfg.seed),
		daastest.WithCatalogs(nStable + 2*per),
		daastest.WithTimeScale(cfg.scale),
		daastest.WithTokenLifetime(cfg.tokenLife),
		daastest.WithRequestLogLimit(10_000_000),
		daastest.WithJobDurationFunc(func(_ string, n int) time.Duration {
			return time.Second + time.Duration(n*7919%int(cfg.maxJob/time.Second))*time.Second
		}),
	}
	if cfg.inMemory {
		opts = append(opts, daastest.WithoutListener())
	}
	s := daastest.NewServer(opts...)
	defer s.Close()
	serviceStart := s.Now()
	hc := s.HTTPClient()
	defer hc.CloseIdleConnections()

	// Client waits are in the client's time, 1/scale of service time.
	unit := time.Duration(float64(time.Second) / cfg.scale)
	c, err := daas.NewClient(s.CustomerID,
		daas.WithBaseURL(s.URL), daas.WithTokenURL(s.TokenURL), daas.WithHTTPClient(hc),
		daas.WithClientCredentials(s.ClientID, s.ClientSecret), // no site id: discovered under faults too
		daas.WithRetryPolicy(daas.RetryPolicy{MaxRetries: 10, MinDelay: unit / 10, MaxDelay: 2 * unit}),
		daas.WithPollPolicy(daas.PollPolicy{MinInterval: 5 * unit, MaxInterval: 30 * unit, Multiplier: 1.5, Jitter: 0.2}),
	)
	require.NoError(t, err)

	seeded := s.Catalogs()
	require.Len(t, seeded, nStable+2*per)
	r := &soakRun{t: t, s: s, c: c, stable: seeded[:nStable]}
	updTargets, delTargets := seeded[nStable:nStable+per], seeded[nStable+per:]

	injectSoakFaults(s)

	// The plan: creates, updates, deletes, async lists, async gets and
	// create-update-delete chains, interleaved.
	var tasks []func(ctx context.Context)
	for i := 0; len(tasks) < 6*per; i++ {
		switch i % 6 {
		case 0:
			name := fmt.Sprintf("soak-%05d", i)
			tasks = append(tasks, func(ctx context.Context) { r.create(ctx, name, false) })
		case 1:
			cat := updTargets[i/6]
			tasks = append(tasks, func(ctx context.Context) { r.update(ctx, cat.ID, fmt.Sprintf("soak description %d", i), false) })
		case 2:
			cat := delTargets[i/6]
			tasks = append(tasks, func(ctx context.Context) { r.delete(ctx, cat.ID, false) })
		case 3:
			tasks = append(tasks, func(ctx context.Context) { r.list(ctx, i%4 == 3) })
		case 4:
			cat := r.stable[i%nStable]
			tasks = append(tasks, func(ctx context.Context) { r.get(ctx, cat) })
		case 5: // a chain: three jobs in a row on one new catalog
			name := fmt.Sprintf("soak-chain-%05d", i)
			tasks = append(tasks, func(ctx context.Context) {
				switch {
				case !r.create(ctx, name, true):
					r.skipped.Add(2)
				case !r.update(ctx, name, "chained "+name, true):
					r.skipped.Add(1)
				default:
					r.delete(ctx, name, true)
				}
			})
		}
	}

	// The whole run is bounded; in the bubble this is fake time.
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Minute)
	defer cancel()
	stopBursts := startBursts(ctx, r, unit, cfg.expireAtBurst)
	var wg sync.WaitGroup
	sem := make(chan struct{}, cfg.inFlight)
	for _, task := range tasks {
		sem <- struct{}{}
		r.active.Add(1)
		wg.Go(func() {
			defer func() { <-sem; r.active.Add(-1) }()
			task(ctx)
		})
	}
	wg.Wait()
	ran := s.Now().Sub(serviceStart)
	stopBursts()
	require.NoError(t, ctx.Err(), "the run ended before its jobs")

	// Settle: let every job the server accepted (including those whose
	// answer was lost) run to its end, then reconcile.
	s.ClearFaults()
	s.Advance(time.Hour)
	r.reconcile(ctx)
	r.checkNoReplays()

	st := s.Stats()
	t.Logf("soak (%s): %d jobs started by the client (%d async starts failed on a dropped connection), "+
		"%d requests, %d faults injected (%d 429 bursts), %d answered 401 (token expired, replayed), %d tokens, "+
		"%d jobs on the server, catalogs created/updated/deleted %d/%d/%d, %d GET /Jobs and %d GET /Jobs/{id}, run in %v of service time",
		map[bool]string{true: "synctest, in-memory", false: "loopback TCP"}[cfg.inMemory],
		r.jobs.Load(), r.startErr.Load(), st.Requests, st.Faults, r.bursts.Load(), st.ByStatus[http.StatusUnauthorized], st.TokensIssued,
		st.JobsCreated, st.CatalogsCreated, st.CatalogsUpdated, st.CatalogsDeleted, st.ByRoute["GET /Jobs"], st.ByRoute["GET /Jobs/{id}"],
		ran.Round(time.Second))
	assert.Positive(t, st.Faults)
	assert.Positive(t, st.ByStatus[http.StatusTooManyRequests], "429 bursts hit")
	assert.Positive(t, st.ByStatus[http.StatusUnauthorized], "tokens expired during the run and were replaced")
	// Every planned start (8 a cycle) started, failed on a dropped
	// connection, or was not tried because an earlier step of its chain
	// failed: none is lost unaccounted. Drops are injected at 5% a write;
	// 20% of the starts would mean far more than the faults explain.
	planned := int64(8 * per)
	assert.Equal(t, planned, r.jobs.Load()+r.startErr.Load()+r.skipped.Load(), "every planned start accounted for")
	assert.LessOrEqual(t, r.startErr.Load(), planned/5, "starts lost to dropped connections")
}

// injectSoakFaults sets up the steady faults: 20% 5xx on job reads (four
// statuses, 5.4% each, so that one in five reads fails), and resets on every
// route, half before and half after the server acts.
func injectSoakFaults(s *daastest.Server) {
	each := 1 - math.Pow(0.8, 0.25)
	for _, route := range []string{"GET /Jobs/{id}", "GET /Jobs"} {
		for _, st := range []int{500, 502, 503, 504} {
			s.InjectFault(daastest.Fault{Route: route, Rate: each, Status: st, RetryDelay: 1})
		}
	}
	for _, route := range []string{
		"POST /MachineCatalogs", "PATCH /MachineCatalogs/{nameOrId}", "DELETE /MachineCatalogs/{nameOrId}",
		"GET /MachineCatalogs", "GET /MachineCatalogs/{nameOrId}",
		"GET /Jobs/{id}", "GET /Jobs", "GET /Jobs/{id}/Results", "POST /tokens", "GET /me",
	} {
		s.InjectFault(daastest.Fault{Route: route, Rate: 0.025, Reset: daastest.ResetBeforeHandler})
		s.InjectFault(daastest.Fault{Route: route, Rate: 0.025, Reset: daastest.ResetAfterHandler})
	}
}

// startBursts injects a burst of 429s (with retryDelay) on every route,
// token endpoint included, every 30 units of client time while the run is
// busy: the next 25 requests, or as many as come in the next 5 units. With
// expire, the end of the first burst also ends the life of every token
// issued so far, when the requests it held back come in.
func startBursts(ctx context.Context, r *soakRun, unit time.Duration, expire bool) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(30 * unit):
			}
			if r.active.Load() < 20 {
				continue
			}
			r.s.InjectFault(daastest.Fault{Status: http.StatusTooManyRequests, RetryDelay: 1, Count: 25})
			first := r.bursts.Add(1) == 1
			select {
			case <-ctx.Done():
			case <-time.After(5 * unit):
			}
			// End the burst: the fake can only clear every fault, so put
			// the steady ones back.
			r.s.ClearFaults()
			if ctx.Err() == nil {
				injectSoakFaults(r.s)
			}
			if first && expire {
				r.s.ExpireTokens()
			}
		}
	})
	return func() { cancel(); wg.Wait() }
}

// started accounts for an async start. A start may fail only on a dropped
// connection (a write is never retried once sent); any other error fails
// the test.
func (r *soakRun) started(what string, err error) bool {
	if err == nil {
		r.jobs.Add(1)
		return true
	}
	r.startErr.Add(1)
	var ae *daas.APIError
	if errors.As(err, &ae) || !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) && !isEOF(err) {
		r.t.Errorf("%s: start failed with more than a dropped connection: %v", what, err)
	}
	return false
}

// isEOF: over TCP, a connection dropped before the answer may read as EOF.
func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

func (r *soakRun) create(ctx context.Context, name string, chain bool) bool {
	in := &soakIntent{kind: "create", name: name, chain: chain}
	defer r.record(in)
	job, err := r.c.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{
		Name: name, ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportMultiSession,
	})
	if in.err = err; !r.started("create "+name, err) {
		return false
	}
	cat, err := job.Wait(ctx)
	if !assert.NoError(r.t, err, "create %s", name) || !assert.NotNil(r.t, cat) {
		return false
	}
	assert.Equal(r.t, name, cat.Name)
	assert.NotEmpty(r.t, cat.ID)
	assert.Equal(r.t, daas.SessionSupportMultiSession, cat.SessionSupport)
	in.done = true
	return true
}

func (r *soakRun) update(ctx context.Context, nameOrID, desc string, chain bool) bool {
	in := &soakIntent{kind: "update", desc: desc, chain: chain}
	if chain {
		in.name = nameOrID
	} else {
		in.id = nameOrID
	}
	defer r.record(in)
	job, err := r.c.MachineCatalogs.UpdateAsync(ctx, nameOrID, daas.UpdateMachineCatalogRequest{Description: daas.Ptr(desc)})
	if in.err = err; !r.started("update "+nameOrID, err) {
		return false
	}
	cat, err := job.Wait(ctx)
	if !assert.NoError(r.t, err, "update %s", nameOrID) || !assert.NotNil(r.t, cat) {
		return false
	}
	assert.Equal(r.t, desc, cat.Description)
	in.done = true
	return true
}

func (r *soakRun) delete(ctx context.Context, nameOrID string, chain bool) {
	in := &soakIntent{kind: "delete", chain: chain}
	if chain {
		in.name = nameOrID
	} else {
		in.id = nameOrID
	}
	defer r.record(in)
	job, err := r.c.MachineCatalogs.DeleteAsync(ctx, nameOrID)
	if in.err = err; !r.started("delete "+nameOrID, err) {
		return
	}
	_, err = job.Wait(ctx)
	in.done = assert.NoError(r.t, err, "delete %s", nameOrID)
}

func (r *soakRun) list(ctx context.Context, paged bool) {
	var opts []daas.ListOption
	if paged {
		opts = append(opts, daas.PageSize(25))
	}
	job, err := r.c.MachineCatalogs.ListAsync(ctx, opts...)
	if !assert.NoError(r.t, err, "list start (a read: retried on a dropped connection)") {
		return
	}
	r.jobs.Add(1)
	cats, err := job.Wait(ctx)
	if !assert.NoError(r.t, err, "list") {
		return
	}
	ids := map[string]bool{}
	for _, c := range cats {
		assert.False(r.t, ids[c.ID], "catalog %s listed twice", c.ID)
		ids[c.ID] = true
	}
	for _, c := range r.stable {
		assert.True(r.t, ids[c.ID], "stable catalog %s missing from a list", c.Name)
	}
}

func (r *soakRun) get(ctx context.Context, want daastest.Catalog) {
	job, err := r.c.MachineCatalogs.GetAsync(ctx, want.ID)
	if !assert.NoError(r.t, err, "get start") {
		return
	}
	r.jobs.Add(1)
	cat, err := job.Wait(ctx)
	if assert.NoError(r.t, err, "get") && assert.NotNil(r.t, cat) {
		assert.Equal(r.t, want.ID, cat.ID)
		assert.Equal(r.t, want.Name, cat.Name)
	}
}

// reconcile settles every write whose start failed, the way a program
// would: by reading the catalogs back through the client, and checks the
// fake's own record agrees: each write took effect exactly once, or (when
// the connection dropped before the server acted) not at all.
func (r *soakRun) reconcile(ctx context.Context) {
	t := r.t
	byName := map[string]daas.MachineCatalog{}
	byID := map[string]daas.MachineCatalog{}
	for cat, err := range r.c.MachineCatalogs.All(ctx, daas.PageSize(100)) {
		require.NoError(t, err)
		_, dup := byName[cat.Name]
		require.False(t, dup, "catalog name %s exists twice", cat.Name)
		byName[cat.Name], byID[cat.ID] = cat, cat
	}
	// The server's record: jobs by type and catalog.
	jobsFor := map[string]int{} // "type/name or id" -> jobs
	for _, j := range r.s.Jobs() {
		for _, p := range j.Parameters {
			jobsFor[j.Type+"/"+p.Value]++
		}
		assert.NotEqual(t, "DuplicateObject", j.ErrorCode, "job %s (%s) found a duplicate: a create was sent twice", j.ID, j.Type)
	}
	created, deleted := 0, 0
	for _, in := range r.intents {
		key := in.name
		if key == "" {
			key = in.id
		}
		switch in.kind {
		case "create":
			n := jobsFor["CreateMachineCatalog/"+in.name]
			require.LessOrEqual(t, n, 1, "create %s reached the server %d times", in.name, n)
			if in.err == nil {
				require.Equal(t, 1, n)
			}
			if n == 1 {
				created++
			}
			_, exists := byName[in.name]
			if !in.chain || in.err != nil || !in.done {
				// No later step of a chain ran: the catalog exists iff the
				// server got the create.
				assert.Equal(t, n == 1, exists, "create %s: exists=%v, server jobs=%d, start error=%v", in.name, exists, n, in.err)
			}
		case "update":
			n := jobsFor["UpdateMachineCatalog/"+key]
			require.LessOrEqual(t, n, 1, "update %s reached the server %d times", key, n)
			if in.err == nil {
				require.Equal(t, 1, n)
			}
			if !in.chain {
				cat, ok := byID[in.id]
				require.True(t, ok, "updated catalog %s exists", in.id)
				assert.Equal(t, n == 1, cat.Description == in.desc, "update %s: description %q, server jobs %d", in.id, cat.Description, n)
			}
		case "delete":
			n := jobsFor["DeleteMachineCatalog/"+key]
			require.LessOrEqual(t, n, 1, "delete %s reached the server %d times", key, n)
			if in.err == nil {
				require.Equal(t, 1, n)
			}
			if n == 1 {
				deleted++
			}
			var exists bool
			if in.chain {
				_, exists = byName[in.name]
			} else {
				_, exists = byID[in.id]
			}
			assert.Equal(t, n == 0, exists, "delete %s: exists=%v, server jobs=%d, start error=%v", key, exists, n, in.err)
		}
	}
	st := r.s.Stats()
	assert.Equal(t, created, st.CatalogsCreated, "every create took effect exactly once or not at all")
	assert.Equal(t, deleted, st.CatalogsDeleted)
	for _, c := range r.stable {
		_, ok := byID[c.ID]
		assert.True(t, ok, "stable catalog %s still there", c.Name)
	}
}

// checkNoReplays reads the server's request log: a write (POST, PATCH,
// DELETE) is sent again only after an answer that proves the server did not
// act on it (401, 429, 503). After any other outcome (202, or a connection
// dropped with no answer) the same write never reaches the server again.
func (r *soakRun) checkNoReplays() {
	t := r.t
	type key struct{ route, target string }
	settled := map[key]int{} // requests the server may have acted on
	var after []string
	writes := 0
	for _, req := range r.s.Requests() {
		switch req.Method {
		case http.MethodPost, http.MethodPatch, http.MethodDelete:
		default:
			continue
		}
		if req.Route == "POST /tokens" {
			continue
		}
		writes++
		k := key{req.Route, req.Path}
		if req.Route == "POST /MachineCatalogs" {
			k.target = string(req.Body) // one body per create: its name is unique
		}
		if settled[k] > 0 {
			after = append(after, fmt.Sprintf("%s %s (status %d)", req.Method, req.Path, req.Status))
		}
		if !slices.Contains([]int{http.StatusUnauthorized, http.StatusTooManyRequests, http.StatusServiceUnavailable}, req.Status) {
			settled[k]++
		}
	}
	assert.Empty(t, after, "writes sent again after the server may have acted on them")
	assert.Positive(t, writes)
	acted := 0
	for _, n := range settled {
		acted += n
	}
	r.mu.Lock()
	calls := len(r.intents)
	r.mu.Unlock()
	assert.LessOrEqual(t, acted, calls, "writes the server may have acted on: at most one per client call")
	t.Logf("writes: %d requests for %d client calls; %d reached the server once, the rest were refused first (401/429/503)", writes, calls, acted)
}
