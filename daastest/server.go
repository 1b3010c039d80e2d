package daastest

import (
	"container/heap"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is a fake Citrix DaaS: the token endpoint and the /cvad/manage API
// (GET /me, MachineCatalogs, Jobs), in memory. Make one with [NewServer] and
// stop it with [Server.Close]. All methods are safe for concurrent use.
type Server struct {
	// URL is the API root, ending in /cvad/manage (what a client passes as
	// its base URL).
	URL string
	// TokenURL is the token endpoint,
	// {origin}/cctrustoauth2/{CustomerID}/tokens/clients.
	TokenURL string
	// CustomerID is the customer id, sent as Citrix-CustomerId.
	CustomerID string
	// SiteID is the (first) site id, sent as Citrix-InstanceId.
	SiteID string
	// ClientID is the client id of the default API client.
	ClientID string
	// ClientSecret is the secret of the default API client.
	ClientSecret string
	// Username is the administrator of a server made [WithOnPremises]
	// ([OnPremisesUsername]); "" otherwise.
	Username string
	// Password is the administrator's password (random) of a server made
	// [WithOnPremises]; "" otherwise.
	Password string

	cfg    config
	userID string // the administrator's user id, on-premises
	origin string // scheme://host:port of URL
	ts     *httptest.Server
	done   chan struct{}
	once   sync.Once

	start time.Time // clock reading at creation
	base  time.Time // service time at creation

	mu       sync.Mutex
	offset   time.Duration // sum of Advance calls
	idRNG    *rand.Rand
	faultRNG *rand.Rand
	jobRNG   *rand.Rand

	clients map[string]string // API client id -> secret
	tokens  map[string]tokenInfo
	sites   []string

	catalogs []*Catalog // ordered by UID
	nextUID  int
	folders  map[string]*refModel // lower-cased path -> folder
	zones    map[string]*refModel // lower-cased name -> zone

	machines       []*Machine       // ordered by UID
	machineIndex   machineIndex     // machines by id, name and DNS name
	groups         []*DeliveryGroup // ordered by UID
	batch          batchState
	provFailures   map[string][]string // FailProvisioning: catalog -> messages
	nextMachineUID int

	jobs     map[string]*job
	pending  jobHeap // running jobs by planned end
	finished []*job  // finished jobs in order of end time, for retention
	jobSeq   int
	next     []Outcome          // NextJob queue
	rules    map[string]Outcome // JobsMatching by job type ("" = any)

	faults []*faultState
	routes []*route // the API's routes, matched in [Server.matchRoute]; copied on write (see custom.go)

	generic    map[string]*genericCollection // the generic model's resources, by collection path
	genericSeq int

	log   []Request // ring buffer of the last cfg.logLimit requests
	logAt int       // next slot once the ring is full
	stats Stats
}

// NewServer starts a fake Citrix DaaS on a new listener on 127.0.0.1 (or as
// the options say) and returns it. Like httptest.NewServer it panics when it
// cannot listen, and it panics when an option is invalid. Call
// [Server.Close] when done, for example with t.Cleanup(s.Close).
//
// By default it seeds only what every service has: one site, its zone
// "Initial Zone" and one API client (ClientID, ClientSecret); no catalog,
// machine or delivery group. [WithCatalogs], [WithCatalog], [WithMachines]
// and [WithDeliveryGroup] seed those; a seeded catalog has as many machines
// as its TotalCount (cmd/daas-sim seeds 5 catalogs, 6 more machines in the
// first and one delivery group).
func NewServer(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.noListener && cfg.listener != nil {
		panic("daastest: WithoutListener and WithListener exclude each other")
	}
	if cfg.onprem {
		if cfg.customerID != "" && cfg.customerID != OnPremisesCustomerID {
			invalid("WithOnPremises", "the customer id is %s, not %q", OnPremisesCustomerID, cfg.customerID)
		}
		cfg.customerID, cfg.tls = OnPremisesCustomerID, true
	}
	start := cfg.clock()
	s := &Server{
		cfg:      cfg,
		done:     make(chan struct{}),
		start:    start,
		base:     start.UTC(),
		idRNG:    rand.New(rand.NewPCG(uint64(cfg.seed), 1)),
		faultRNG: rand.New(rand.NewPCG(uint64(cfg.seed), 2)),
		jobRNG:   rand.New(rand.NewPCG(uint64(cfg.seed), 3)),
		clients:  map[string]string{},
		tokens:   map[string]tokenInfo{},
		folders:  map[string]*refModel{},
		zones:    map[string]*refModel{},
		jobs:     map[string]*job{},
		rules:    map[string]Outcome{},
		nextUID:  1,

		nextMachineUID: 1,
		routes:         specRoutes(builtinRoutes()),
		generic:        map[string]*genericCollection{},
	}
	s.stats.ByRoute = map[string]int{}
	s.stats.ByStatus = map[int]int{}

	s.CustomerID = cfg.customerID
	if s.CustomerID == "" {
		s.CustomerID = s.randomCustomerID()
	}
	s.sites = cfg.sites
	if len(s.sites) == 0 {
		s.sites = []string{s.newUUID()}
	}
	s.SiteID = s.sites[0]
	s.ClientID = s.newUUID()
	s.ClientSecret = randomSecret()
	s.clients[s.ClientID] = s.ClientSecret
	if cfg.onprem {
		s.Username, s.Password, s.userID = OnPremisesUsername, randomSecret(), s.newUUID()
	}
	for _, c := range cfg.apiClients {
		if _, dup := s.clients[c.id]; dup {
			invalid("WithAPIClient", "client id %q registered twice", c.id)
		}
		s.clients[c.id] = c.secret
	}
	s.seedCatalogs()
	s.zoneRef(primaryZone) // every site has its primary zone
	s.seedMachines()
	s.seedGroups()
	for _, ur := range cfg.userRoutes {
		s.handleLocked("WithRoute", ur.key, ur.handler)
	}

	scheme := "http"
	if cfg.tls {
		scheme = "https"
	}
	switch {
	case cfg.noListener:
		s.origin = scheme + "://127.0.0.1:1"
	default:
		ts := httptest.NewUnstartedServer(s.Handler())
		cfg.timeouts.apply(ts.Config)
		if cfg.listener != nil {
			ts.Listener.Close()
			ts.Listener = cfg.listener
		}
		if cfg.tls {
			ts.StartTLS()
		} else {
			ts.Start()
		}
		s.ts = ts
		s.origin = ts.URL
	}
	s.URL = s.origin + apiRoot
	s.TokenURL = s.origin + "/cctrustoauth2/" + url.PathEscape(s.CustomerID) + "/tokens/clients"
	if cfg.onprem {
		s.TokenURL = s.URL + "/Tokens"
	}
	return s
}

// Close stops the server: it closes the listener, ends injected latencies
// early and waits for requests in flight. Later requests through
// [Server.Transport] fail. Close may be called more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.done)
		if s.ts != nil {
			s.ts.Close()
		}
	})
}

// Now returns the service time: the time the fake's jobs, tokens and
// retention run on. It is base + (clock() - start) × scale + offset, where
// the clock is time.Now unless [WithClock] replaces it, the scale is set by
// [WithTimeScale] and the offset is the sum of [Server.Advance] calls.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Server) nowLocked() time.Time {
	elapsed := s.cfg.clock().Sub(s.start)
	if s.cfg.scale != 1 {
		elapsed = time.Duration(float64(elapsed) * s.cfg.scale)
	}
	return s.base.Add(elapsed + s.offset)
}

// Advance moves service time forward by d: jobs whose end has come finish
// (and take effect), tokens expire, finished jobs past retention vanish. It
// panics if d is negative.
func (s *Server) Advance(d time.Duration) {
	if d < 0 {
		panic(fmt.Sprintf("daastest: Advance(%v): negative duration", d))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
	s.advanceLocked()
}

// advanceLocked brings the state up to the current service time and returns
// that time: it finishes, in order of end time, every job whose end has
// come, and drops finished jobs past retention.
func (s *Server) advanceLocked() time.Time {
	now := s.nowLocked()
	for len(s.pending) > 0 && !s.pending[0].end.After(now) {
		j := heap.Pop(&s.pending).(*job)
		s.finish(j, j.end, false)
	}
	for len(s.finished) > 0 {
		j := s.finished[0]
		if !j.deleted && j.end.Add(s.cfg.retention).After(now) {
			break
		}
		s.finished[0] = nil
		s.finished = s.finished[1:]
		if !j.deleted {
			delete(s.jobs, j.id)
		}
	}
	return now
}

// Handler returns the server's http.Handler, to mount on a server of your
// own. Location headers use the request's Host. A [Fault] that resets the
// connection hijacks and closes it; where the ResponseWriter cannot be
// hijacked the handler panics with http.ErrAbortHandler, which net/http's
// server takes as "drop the connection".
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.serve(w, r) {
			resetConnection(w)
		}
	})
}

// resetConnection drops the client's connection without a response: with
// SO_LINGER 0 where possible, so the client sees ECONNRESET.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // net/http drops the connection
	}
	nc := conn
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	if tcp, ok := nc.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// HTTPClient returns a new http.Client for this server: it trusts the TLS
// certificate ([WithTLS]) or, without a listener, answers in process through
// [Server.Transport]. It does not follow redirects (its CheckRedirect returns
// http.ErrUseLastResponse), so a test sees the 303 of GET /Jobs/{id}/Results.
func (s *Server) HTTPClient() *http.Client {
	var rt http.RoundTripper
	if s.ts != nil {
		rt = s.ts.Client().Transport
	} else {
		rt = s.Transport()
	}
	return &http.Client{
		Transport: rt,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Certificate returns the TLS certificate of a server started with
// [WithTLS] and a listener, for clients that must trust it; nil otherwise.
func (s *Server) Certificate() *x509.Certificate {
	if s.ts == nil || !s.cfg.tls {
		return nil
	}
	return s.ts.Certificate()
}

// serve answers one request. It returns true when the connection must be
// reset instead of answered (an injected fault).
func (s *Server) serve(w http.ResponseWriter, r *http.Request) (reset bool) {
	route, rt, params, routeErr := s.matchRoute(r)
	body, tooLarge, readErr := readBody(r.Body)

	s.mu.Lock()
	f := s.takeFault(route)
	arrived := s.nowLocked()
	s.mu.Unlock()

	rec := Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Route:  route,
		Query:  r.URL.Query(),
		Header: redactHeader(r.Header),
		Body:   redactBody(route, body),
		Time:   arrived,
	}
	if f.latency > 0 && !s.sleep(r.Context(), f.latency) {
		s.record(&rec, 0, true) // the client gave up, or the server closed
		return true
	}
	if f.reset == ResetBeforeHandler {
		s.record(&rec, 0, true)
		return true
	}

	var rp *reply
	switch {
	case f.status != 0:
		rp = faultReply(f)
	case routeErr != nil:
		rp = routeErr
	case readErr != nil:
		rp = badRequest("invalidJson", "The request body could not be read")
	case route == routeToken:
		rp = s.handleToken(r, params, body, tooLarge)
	case route == routeOnPremToken:
		rp = s.handleOnPremToken(r)
	case rt.handler != nil:
		rp = s.serveUser(r, rt, params, body, tooLarge)
	default:
		rp = s.handleAPI(r, rt, params, body, tooLarge)
	}
	if f.reset == ResetAfterHandler {
		s.record(&rec, 0, true)
		return true
	}
	// Counted before the answer goes out: a client holding its answer
	// finds the request in Count, Stats and Requests.
	s.record(&rec, rp.status, f.fired)
	writeReply(w, r, route, rp)
	return false
}

// sleep waits d of real time; it returns false if the request's context
// ended or the server closed first.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// readBody reads at most MaxBodyBytes of a request body; tooLarge reports a
// longer one (not read to its end).
func readBody(rc io.ReadCloser) (body []byte, tooLarge bool, err error) {
	if rc == nil || rc == http.NoBody {
		return nil, false, nil
	}
	body, err = io.ReadAll(io.LimitReader(rc, MaxBodyBytes+1))
	if len(body) > MaxBodyBytes {
		return nil, true, nil
	}
	return body, false, err
}

// writeReply writes rp with the headers every response carries.
func writeReply(w http.ResponseWriter, r *http.Request, route string, rp *reply) {
	h := w.Header()
	for k, v := range rp.header {
		h[k] = v
	}
	if !rp.noTransactionID {
		txn := newRandomUUID()
		if route == routeToken {
			h.Set("X-Cws-TransactionId", txn)
		} else {
			if in := r.Header.Get("Citrix-TransactionId"); validTransactionID(in) {
				txn = in
			}
			h.Set("Citrix-TransactionId", txn)
		}
	}
	if route != routeToken && !rp.noTransactionID {
		// The headers the spec documents on every /cvad/manage answer
		// (Citrix-FilterScope aside: the fake has no scopes to report).
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Language", "en-US")
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", "no-cache")
			h.Set("Pragma", "no-cache")
		}
	}
	if rp.body != nil {
		ct := rp.contentType
		if ct == "" {
			ct = jsonContentType
		}
		h.Set("Content-Type", ct)
	}
	if rp.status != http.StatusNoContent && rp.status != http.StatusNotModified {
		h.Set("Content-Length", strconv.Itoa(len(rp.body)))
	}
	w.WriteHeader(rp.status)
	if r.Method != http.MethodHead && len(rp.body) > 0 {
		_, _ = w.Write(rp.body)
	}
}

// validTransactionID accepts an echoable Citrix-TransactionId: short and
// printable ASCII.
func validTransactionID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// requestOrigin returns scheme://host of the request, for absolute Location
// headers.
func requestOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	return scheme + "://" + host
}

// newUUID returns a version 4 UUID from the seeded generator. Callers hold
// s.mu (or own s exclusively, in NewServer).
func (s *Server) newUUID() string { return uuidFrom(s.idRNG) }

// uuidFrom returns a version 4 UUID from rng.
func uuidFrom(rng *rand.Rand) string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := rng.Uint64()
		for k := 0; k < 8; k++ {
			b[i+k] = byte(v >> (8 * k))
		}
	}
	return formatUUID(b)
}

// randomCustomerID returns a 12-character lowercase id like the service's
// ("loy6oujtu6a4").
func (s *Server) randomCustomerID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b strings.Builder
	for range 12 {
		b.WriteByte(alphabet[s.idRNG.IntN(len(alphabet))])
	}
	return b.String()
}
