package daastest

import (
	"fmt"
	"log/slog"
	"net"
	"time"
)

// An Option configures a [Server] made by [NewServer]. Options are applied in
// order; NewServer panics with a message naming the option when one is
// invalid (a negative duration, a scale of zero, a duplicate catalog name).
type Option func(*config)

// ProgressCurve is how a job's OverallProgressPercent rises while it runs.
type ProgressCurve int

const (
	// ProgressLinear rises with elapsed time, from 0 to 99 while the job
	// runs; a job that completes reports 100.
	ProgressLinear ProgressCurve = iota
	// ProgressSteps jumps in four steps: 0, 25, 50, 75, then 100 when the
	// job completes.
	ProgressSteps
	// ProgressNone reports OverallProgressPercent as null, always, as a
	// job that does not report progress does.
	ProgressNone
)

// String returns the curve's name: "linear", "steps" or "none".
func (p ProgressCurve) String() string {
	switch p {
	case ProgressLinear:
		return "linear"
	case ProgressSteps:
		return "steps"
	case ProgressNone:
		return "none"
	}
	return fmt.Sprintf("ProgressCurve(%d)", int(p))
}

// Defaults of the fake. All durations are in service time (see [Server.Now]).
const (
	// DefaultJobDuration is how long a job runs unless an option or an
	// [Outcome] says otherwise.
	DefaultJobDuration = 2 * time.Second
	// DefaultTokenLifetime is the lifetime of a bearer token, as on the
	// real service.
	DefaultTokenLifetime = time.Hour
	// DefaultJobRetention is how long a finished job stays readable, as on
	// the real service (48 hours after it ends).
	DefaultJobRetention = 48 * time.Hour
	// DefaultRequestLogLimit is how many requests [Server.Requests] keeps.
	DefaultRequestLogLimit = 10000
	// DefaultSeed seeds the fake's random choices (ids, fault rates, job
	// outcome rates) unless [WithSeed] sets another.
	DefaultSeed = 1
	// MaxBodyBytes is the largest request body the fake reads (1 MiB).
	MaxBodyBytes = 1 << 20
)

// config is everything the options set.
type config struct {
	clock        func() time.Time
	scale        float64
	noListener   bool
	listener     net.Listener
	tls          bool
	onprem       bool // WithOnPremises
	customerID   string
	sites        []string
	apiClients   []apiClient
	tokenLife    time.Duration
	jobDuration  time.Duration
	durationFor  map[string]time.Duration
	durationFn   func(jobType string, n int) time.Duration
	progress     ProgressCurve
	retention    time.Duration
	resultPage   int
	seeds        []seedCatalogs
	machineSeeds []seedMachine
	groupSeeds   []DeliveryGroup
	seed         int64
	logLimit     int
	logger       *slog.Logger
	userRoutes   []userRoute  // WithRoute
	timeouts     httpTimeouts // WithHTTPTimeouts
	hand         *handState   // the hand-modelled families' state and seeds (handstate.go)
}

type apiClient struct{ id, secret string }

// seedCatalogs is one WithCatalogs or WithCatalog option, kept in order.
type seedCatalogs struct {
	generate int      // WithCatalogs(n): n generated catalogs
	exact    *Catalog // WithCatalog(c)
}

func defaultConfig() config {
	return config{
		clock:       time.Now,
		scale:       1,
		tokenLife:   DefaultTokenLifetime,
		jobDuration: DefaultJobDuration,
		durationFor: map[string]time.Duration{},
		retention:   DefaultJobRetention,
		seed:        DefaultSeed,
		logLimit:    DefaultRequestLogLimit,
		hand:        newHandState(),
	}
}

func invalid(option, format string, args ...any) {
	panic(fmt.Sprintf("daastest: %s: "+format, append([]any{option}, args...)...))
}

// WithClock replaces the real clock (time.Now) the fake's service time is
// derived from. The function must never go backwards, and it is called with
// the server's lock held, so it must not call the Server. A constant clock
// freezes service time: then only [Server.Advance] moves it. Inside a
// testing/synctest bubble time.Now is already fake.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now == nil {
			invalid("WithClock", "nil clock")
		}
		c.clock = now
	}
}

// WithTimeScale makes service time run scale times faster than the clock:
// with 60, one real second is one service minute, so a 30-minute job takes
// 30 real seconds. Durations configured on the fake are in service time;
// token lifetimes too, so a client that trusts expires_in in real seconds
// meets 401s early and must fetch a new token.
func WithTimeScale(scale float64) Option {
	return func(c *config) {
		if !(scale > 0) {
			invalid("WithTimeScale", "scale must be > 0, got %v", scale)
		}
		c.scale = scale
	}
}

// WithoutListener starts no network listener: the server answers only
// through [Server.Transport], [Server.HTTPClient] and [Server.Client], in
// process. Its URLs use the origin http://127.0.0.1:1 (https:// with
// [WithTLS]), a loopback address nothing dials. Use it inside a
// testing/synctest bubble, where sockets are not allowed.
func WithoutListener() Option {
	return func(c *config) { c.noListener = true }
}

// WithListener serves on l instead of a new listener on 127.0.0.1 (for
// example to serve on a chosen port). The server owns l and closes it.
func WithListener(l net.Listener) Option {
	return func(c *config) {
		if l == nil {
			invalid("WithListener", "nil listener")
		}
		c.listener = l
	}
}

// WithTLS serves HTTPS with a self-signed certificate, like
// httptest.NewTLSServer. [Server.HTTPClient] and [Server.Client] trust it.
func WithTLS() Option {
	return func(c *config) { c.tls = true }
}

// WithCustomerID sets the customer id (default: random, fixed by the seed).
func WithCustomerID(id string) Option {
	return func(c *config) {
		if id == "" {
			invalid("WithCustomerID", "empty id")
		}
		c.customerID = id
	}
}

// WithSites gives the customer these site ids (the first is
// [Server.SiteID]). Several sites let a test exercise a client's
// "which site?" handling; every site shares the same catalogs.
func WithSites(ids ...string) Option {
	return func(c *config) {
		if len(ids) == 0 {
			invalid("WithSites", "no site ids")
		}
		for _, id := range ids {
			if id == "" {
				invalid("WithSites", "empty site id")
			}
		}
		c.sites = append([]string(nil), ids...)
	}
}

// WithAPIClient registers another API client (client id and secret) of the
// same customer. Jobs are visible only to the client that started them, so
// two clients let a test check that.
func WithAPIClient(id, secret string) Option {
	return func(c *config) {
		if id == "" || secret == "" {
			invalid("WithAPIClient", "empty client id or secret")
		}
		c.apiClients = append(c.apiClients, apiClient{id, secret})
	}
}

// WithTokenLifetime sets how long bearer tokens live, in service time
// (default [DefaultTokenLifetime]). The token endpoint reports it in
// expires_in.
func WithTokenLifetime(d time.Duration) Option {
	return func(c *config) {
		if d < time.Second {
			invalid("WithTokenLifetime", "lifetime must be at least 1s, got %v", d)
		}
		c.tokenLife = d
	}
}

// WithJobDuration sets how long every job runs, in service time (default
// [DefaultJobDuration]). Zero makes jobs finish at once: the first read
// after the 202 sees them terminal.
func WithJobDuration(d time.Duration) Option {
	return func(c *config) {
		if d < 0 {
			invalid("WithJobDuration", "negative duration %v", d)
		}
		c.jobDuration = d
	}
}

// WithJobDurationFor sets the duration of jobs of one type (for example
// "CreateMachineCatalog"), overriding [WithJobDuration].
func WithJobDurationFor(jobType string, d time.Duration) Option {
	return func(c *config) {
		if d < 0 {
			invalid("WithJobDurationFor", "negative duration %v", d)
		}
		c.durationFor[jobType] = d
	}
}

// WithJobDurationFunc computes each job's duration from its type and its
// sequence number n (1 for the server's first job). It overrides
// [WithJobDuration] and [WithJobDurationFor]; a negative result counts as
// zero. It is called with the server's lock held: it must not call the
// Server.
func WithJobDurationFunc(f func(jobType string, n int) time.Duration) Option {
	return func(c *config) {
		if f == nil {
			invalid("WithJobDurationFunc", "nil function")
		}
		c.durationFn = f
	}
}

// WithProgress sets the progress curve of every job (default
// [ProgressLinear]).
func WithProgress(curve ProgressCurve) Option {
	return func(c *config) {
		if curve < ProgressLinear || curve > ProgressNone {
			invalid("WithProgress", "unknown curve %d", int(curve))
		}
		c.progress = curve
	}
}

// WithJobRetention sets how long a finished job stays readable after it
// ends, in service time (default [DefaultJobRetention], 48 hours); then
// every Jobs call for it answers 404.
func WithJobRetention(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			invalid("WithJobRetention", "retention must be > 0, got %v", d)
		}
		c.retention = d
	}
}

// WithResultPageSize pages the results of async list jobs: GET
// /Jobs/{id}/Results returns at most n items and a ContinuationToken, and
// accepts ?continuationToken= for the next page. By default all items come
// in one body.
func WithResultPageSize(n int) Option {
	return func(c *config) {
		if n < 1 {
			invalid("WithResultPageSize", "page size must be >= 1, got %d", n)
		}
		c.resultPage = n
	}
}

// WithCatalogs seeds n generated catalogs with realistic names
// ("Win11-Pooled-001", "Win2022-Shared-002", ...) and a mix of provisioning
// types, session support and allocation types, each with its TotalCount of
// machines. The same n always gives the same names and settings.
func WithCatalogs(n int) Option {
	return func(c *config) {
		if n < 0 {
			invalid("WithCatalogs", "negative count %d", n)
		}
		c.seeds = append(c.seeds, seedCatalogs{generate: n})
	}
}

// WithCatalog seeds one catalog with exactly these settings; empty fields
// get the defaults documented on [Catalog].
func WithCatalog(cat Catalog) Option {
	return func(c *config) {
		c.seeds = append(c.seeds, seedCatalogs{exact: &cat})
	}
}

// WithSeed seeds the fake's random choices: ids, the customer id, which
// requests a [Fault] with a Rate hits and which jobs an [Outcome] with a Rate
// hits. The default is [DefaultSeed], so runs are reproducible.
func WithSeed(seed int64) Option {
	return func(c *config) { c.seed = seed }
}

// WithRequestLogLimit sets how many of the most recent requests
// [Server.Requests] keeps (default [DefaultRequestLogLimit]). Counters in
// [Server.Stats] and [Server.Count] are exact whatever the limit.
func WithRequestLogLimit(n int) Option {
	return func(c *config) {
		if n < 0 {
			invalid("WithRequestLogLimit", "negative limit %d", n)
		}
		c.logLimit = n
	}
}

// WithLogger logs one line per request at Info level: method, path (no
// query), route and status. Nothing secret is logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}
