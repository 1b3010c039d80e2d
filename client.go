package daas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Version is the version of this library, sent in the User-Agent header.
const Version = "0.1.0"

// Region selects the Citrix Cloud region of the customer. It decides the API
// host and the token host unless [WithBaseURL] or [WithTokenURL] override
// them.
type Region string

// The Citrix Cloud regions. US, EU and Asia Pacific South share the API host
// api.cloud.com and differ in their token hosts; Japan has its own.
const (
	RegionUS  Region = "US"
	RegionEU  Region = "EU"
	RegionAPS Region = "APS"
	RegionJP  Region = "JP"
)

// regionHosts gives the API host and the token host of each region.
func (r Region) hosts() (api, token string, ok bool) {
	switch r {
	case RegionUS:
		return "api.cloud.com", "api-us.cloud.com", true
	case RegionEU:
		return "api.cloud.com", "api-eu.cloud.com", true
	case RegionAPS:
		return "api.cloud.com", "api-ap-s.cloud.com", true
	case RegionJP:
		return "api.citrixcloud.jp", "api.citrixcloud.jp", true
	}
	return "", "", false
}

// Client talks to the Citrix DaaS REST API of one customer. Create it with
// [NewClient]; it is safe for concurrent use, and one Client should serve a
// whole program: it caches the token, the site id and the poller that waits
// for jobs.
type Client struct {
	// MachineCatalogs manages machine catalogs.
	MachineCatalogs *MachineCatalogsService
	// Jobs reads and manages the service's asynchronous jobs directly.
	Jobs *JobsService
	// Machines manages the site's machines: power, sessions, maintenance
	// mode, removal.
	Machines *MachinesService
	// DeliveryGroups manages delivery groups and their machines.
	DeliveryGroups *DeliveryGroupsService

	common service // one struct behind every service

	customerID string
	siteID     string // fixed by WithSiteID; else discovered
	base       *url.URL
	tokenURL   *url.URL
	hc         *http.Client          // the caller's client, copied; never follows redirects
	rc         *retryablehttp.Client // the one retry client, over hc's transport
	ts         TokenSource
	userAgent  string
	logger     *slog.Logger
	retry      RetryPolicy
	poll       PollPolicy
	stats      *pollStats  // learnt job durations (learnt.go)
	observer   JobObserver // the WithObserver hooks; zero: none

	site   *siteCache
	poller *poller
}

// String describes the client without any credential.
func (c *Client) String() string {
	if c == nil {
		return "daas.Client(nil)"
	}
	return fmt.Sprintf("daas.Client{CustomerID:%s, SiteID:%s, BaseURL:%s}", c.customerID, c.siteID, c.base)
}

// GoString is the %#v form; like String it carries no credential.
func (c *Client) GoString() string { return c.String() }

// Format prints a Client value as String does, whatever the verb. Without
// it, fmt prints a dereferenced Client field by field, and a verb other
// than %v (%s, %d, %x) applied to the pointer that holds the credentials
// prints what it points to: the client secret and the current token.
func (c Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// CustomerID returns the Citrix Cloud customer id the client works for.
func (c *Client) CustomerID() string { return c.customerID }

// BaseURL returns the API root, the URL that ends in /cvad/manage.
func (c *Client) BaseURL() string { return c.base.String() }

// An Option configures a [Client]. Options are checked by [NewClient], which
// returns the first option's error.
type Option func(*config) error

type config struct {
	creds      int
	ts         TokenSource
	clientID   string
	secret     secret
	siteID     string
	region     Region
	baseURL    string
	tokenURL   string
	httpClient *http.Client
	userAgent  string
	logger     *slog.Logger
	retry      *RetryPolicy
	poll       *PollPolicy
	pollStats  *PollStats
	observer   JobObserver
}

// WithBearerToken authenticates with a token obtained elsewhere. The token is
// not refreshed; when it expires calls fail with [ErrUnauthorized].
func WithBearerToken(token string) Option {
	return func(c *config) error {
		// A local: an Option may be applied by concurrent NewClient calls.
		tok := strings.TrimSpace(token)
		if tok == "" {
			return errors.New("daas: WithBearerToken: empty token")
		}
		if strings.ContainsAny(tok, "\r\n") {
			return errors.New("daas: WithBearerToken: token contains a line break")
		}
		c.creds++
		// A pointer: fmt prints a nested pointer as an address, so even
		// %+v of a dereferenced Client cannot show the token.
		c.ts = &staticToken{tok: Token{Value: tok}}
		return nil
	}
}

// WithClientCredentials authenticates with a Citrix Cloud API client: the
// client fetches a token from the region's token endpoint, caches it for its
// lifetime (one hour), fetches a new one shortly before it expires, and once
// more if the API refuses it.
func WithClientCredentials(clientID, clientSecret string) Option {
	return func(c *config) error {
		if strings.TrimSpace(clientID) == "" {
			return errors.New("daas: WithClientCredentials: empty client id")
		}
		if clientSecret == "" {
			return errors.New("daas: WithClientCredentials: empty client secret")
		}
		c.creds++
		c.clientID, c.secret = clientID, secret(clientSecret)
		return nil
	}
}

// WithTokenSource authenticates with tokens from ts, for credentials the
// library does not know how to fetch.
func WithTokenSource(ts TokenSource) Option {
	return func(c *config) error {
		if ts == nil {
			return errors.New("daas: WithTokenSource: nil token source")
		}
		c.creds++
		c.ts = ts
		return nil
	}
}

// WithSiteID sets the site (Citrix-InstanceId) of every call. Without it the
// client asks GET /me once, on its first site-scoped call, and uses the only
// site of the customer.
func WithSiteID(id string) Option {
	return func(c *config) error {
		site := strings.TrimSpace(id) // a local, as in WithBearerToken
		if site == "" || strings.ContainsAny(site, "\r\n") {
			return errors.New("daas: WithSiteID: empty or malformed site id")
		}
		c.siteID = site
		return nil
	}
}

// WithRegion selects the customer's Citrix Cloud region; [RegionUS] is the
// default.
func WithRegion(r Region) Option {
	return func(c *config) error {
		if _, _, ok := r.hosts(); !ok {
			return fmt.Errorf("daas: WithRegion: unknown region %q (want US, EU, APS or JP)", string(r))
		}
		c.region = r
		return nil
	}
}

// WithBaseURL sets the API root, the URL that ends in /cvad/manage, for an
// on-premises Delivery Controller, a test server or the simulator. It must be
// https, or http on a loopback host.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		if _, err := parseEndpoint(u); err != nil {
			return fmt.Errorf("daas: WithBaseURL: %w", err)
		}
		c.baseURL = u
		return nil
	}
}

// WithTokenURL sets the client-credentials token endpoint. It must be https,
// or http on a loopback host.
func WithTokenURL(u string) Option {
	return func(c *config) error {
		if _, err := parseEndpoint(u); err != nil {
			return fmt.Errorf("daas: WithTokenURL: %w", err)
		}
		c.tokenURL = u
		return nil
	}
}

// WithHTTPClient sets the HTTP client whose transport, timeout and cookie jar
// the library uses. The client is copied, never changed; the copy does not
// follow redirects, because the library checks every redirect target before
// it sends credentials there.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("daas: WithHTTPClient: nil client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent adds s to the User-Agent header, after daas-go/Version.
func WithUserAgent(s string) Option {
	return func(c *config) error {
		if strings.ContainsAny(s, "\r\n") {
			return errors.New("daas: WithUserAgent: line break in user agent")
		}
		c.userAgent = strings.TrimSpace(s)
		return nil
	}
}

// WithLogger makes the library log each request, retry and poll at debug
// level through l. Without it the library logs nothing. Tokens and secrets
// are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("daas: WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

// WithRetryPolicy replaces [DefaultRetryPolicy] for every request.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = &p
		return nil
	}
}

// WithPollPolicy replaces [DefaultPollPolicy] as the client's schedule for
// waiting on jobs. [PollInterval] can still change it for one wait.
func WithPollPolicy(p PollPolicy) Option {
	return func(c *config) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.poll = &p
		return nil
	}
}

// NewClient returns a client for the customer's DaaS API. It checks the
// options and does no I/O. Exactly one credential option is required:
// [WithClientCredentials], [WithBearerToken] or [WithTokenSource]; without
// one the error is [ErrNoCredentials].
func NewClient(customerID string, opts ...Option) (*Client, error) {
	customerID = strings.TrimSpace(customerID)
	if customerID == "" {
		return nil, errors.New("daas: NewClient: empty customer id")
	}
	if strings.ContainsAny(customerID, "\r\n/?#") {
		return nil, fmt.Errorf("daas: NewClient: malformed customer id %q", customerID)
	}
	cfg := config{region: RegionUS}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.creds != 1 {
		if cfg.creds == 0 {
			return nil, ErrNoCredentials
		}
		return nil, fmt.Errorf("%w: got %d", ErrNoCredentials, cfg.creds)
	}

	apiHost, tokenHost, _ := cfg.region.hosts()
	if cfg.baseURL == "" {
		cfg.baseURL = "https://" + apiHost + "/cvad/manage"
	} else if cfg.clientID != "" && cfg.tokenURL == "" {
		if u, err := parseEndpoint(cfg.baseURL); err == nil && !isCloudAPIHost(u) {
			// The region's token host would get the client secret of an
			// on-premises controller or a test server.
			return nil, fmt.Errorf("daas: NewClient: base URL host %q is not a Citrix Cloud API host; client credentials need WithTokenURL", u.Hostname())
		}
	}
	if cfg.tokenURL == "" {
		cfg.tokenURL = "https://" + tokenHost + "/cctrustoauth2/" + url.PathEscape(customerID) + "/tokens/clients"
	}
	base, err := parseEndpoint(cfg.baseURL)
	if err != nil {
		return nil, fmt.Errorf("daas: base URL: %w", err)
	}
	base.Path = strings.TrimRight(base.Path, "/")
	base.RawPath = strings.TrimRight(base.RawPath, "/")
	if !strings.HasSuffix(strings.ToLower(base.Path), apiRootPath) {
		return nil, fmt.Errorf("daas: base URL %q: the path must end in %s (the API root)", base.Redacted(), apiRootPath)
	}
	tokenURL, err := parseEndpoint(cfg.tokenURL)
	if err != nil {
		return nil, fmt.Errorf("daas: token URL: %w", err)
	}

	hc := &http.Client{}
	if cfg.httpClient != nil {
		*hc = *cfg.httpClient
	}
	if hc.Transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		hc.Transport = t
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	ua := "daas-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if cfg.userAgent != "" {
		ua += " " + cfg.userAgent
	}

	c := &Client{
		customerID: customerID,
		siteID:     cfg.siteID,
		base:       base,
		tokenURL:   tokenURL,
		hc:         hc,
		ts:         cfg.ts,
		userAgent:  ua,
		logger:     cfg.logger,
		retry:      DefaultRetryPolicy(),
		poll:       DefaultPollPolicy(),
		site:       &siteCache{},
		observer:   cfg.observer,
	}
	if cfg.retry != nil {
		c.retry = *cfg.retry
	}
	if cfg.poll != nil {
		c.poll = *cfg.poll
	}
	c.stats = newPollStats()
	if cfg.pollStats != nil {
		loadPollStats(c.stats, *cfg.pollStats)
	}
	if cfg.clientID != "" {
		c.ts = &credentialsSource{
			clientID: cfg.clientID,
			secret:   cfg.secret,
			tokenURL: tokenURL.String(),
			now:      time.Now,
			send:     c.sendToken,
		}
	}
	// The one stack: the retry client over the transport that authorizes
	// and bounds each attempt, over the caller's transport.
	stack := *hc
	stack.Transport = &transport{base: hc.Transport, ts: c.ts, timeout: c.retry.attemptTimeout()}
	c.rc = c.newRetryClient(&stack)
	c.poller = newPoller(c)
	c.common.client = c
	c.MachineCatalogs = (*MachineCatalogsService)(&c.common)
	c.Jobs = (*JobsService)(&c.common)
	c.Machines = (*MachinesService)(&c.common)
	c.DeliveryGroups = (*DeliveryGroupsService)(&c.common)
	return c, nil
}

// apiRootPath ends the path of every base URL.
const apiRootPath = "/cvad/manage"

// isCloudAPIHost reports whether u is the API host of a Citrix Cloud region,
// whose token hosts the regions name.
func isCloudAPIHost(u *url.URL) bool {
	if u.Scheme != "https" || (u.Port() != "" && u.Port() != "443") {
		return false
	}
	for _, r := range []Region{RegionUS, RegionEU, RegionAPS, RegionJP} {
		api, _, _ := r.hosts()
		if strings.EqualFold(u.Hostname(), api) {
			return true
		}
	}
	return false
}

// sendToken posts a client-credentials form to the token endpoint, under
// the retry policy (a token request changes nothing, so it is retried as a
// read) and without Authorization.
func (c *Client) sendToken(ctx context.Context, form []byte) (*http.Response, error) {
	hdr := make(http.Header, 3)
	// The endpoint refuses a charset parameter on the form content type.
	hdr.Set("Content-Type", "application/x-www-form-urlencoded")
	hdr.Set("Accept", "application/json")
	hdr.Set("User-Agent", c.userAgent)
	st := &attempts{method: http.MethodPost, path: c.tokenURL.Path}
	resp, err := c.send(ctx, http.MethodPost, c.tokenURL.String(), hdr, form, st)
	if err != nil {
		return nil, fmt.Errorf("daas: token request: %w", redactURLError(err))
	}
	return resp, nil
}

// parseEndpoint checks a configured URL: absolute, https (or http on a
// loopback host), no credentials, query or fragment.
func parseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, errors.New("malformed URL")
	}
	switch {
	case u.Scheme == "" || u.Host == "":
		// Not echoed: "user:password@host/path" parses as a relative URL.
		return nil, errors.New("URL is not absolute (want https://host/path)")
	case u.User != nil:
		return nil, errors.New("URL must not carry credentials")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("URL %q must not have a query or fragment", u.Redacted())
	case u.Scheme == "https":
	case u.Scheme == "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("plain http is allowed only for loopback hosts, not %q", u.Hostname())
		}
	default:
		return nil, fmt.Errorf("unsupported scheme %q", u.Scheme)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameOrigin reports whether u has the scheme, host and port of the API root.
func (c *Client) sameOrigin(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, c.base.Scheme) &&
		strings.EqualFold(u.Hostname(), c.base.Hostname()) &&
		effectivePort(u) == effectivePort(c.base)
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

// resolve turns a path relative to the API root ("MachineCatalogs/x", already
// escaped) or an absolute URL on the API origin into a URL. An absolute URL on
// another origin is refused with ErrUntrustedLocation.
func (c *Client) resolve(ref string) (*url.URL, error) {
	if strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") {
		u, err := url.Parse(ref)
		if err != nil || u.Host == "" {
			return nil, inputErr("path", "malformed URL %q", truncate(ref, 200))
		}
		if !c.sameOrigin(u) {
			return nil, fmt.Errorf("%w: %s://%s", ErrUntrustedLocation, u.Scheme, u.Host)
		}
		return u, nil
	}
	for _, seg := range strings.Split(ref, "/") {
		if seg == ".." || seg == "." {
			return nil, inputErr("path", "%q has a dot segment", truncate(ref, 200))
		}
	}
	u, err := url.Parse(c.base.String() + "/" + strings.TrimLeft(ref, "/"))
	if err != nil {
		return nil, inputErr("path", "malformed %q", truncate(ref, 200))
	}
	return u, nil
}

// request is one logical API call: it keeps its transaction id across
// retries and a replay after a 401.
type request struct {
	method     string
	url        *url.URL
	body       []byte
	siteScoped bool
	// mayCreate marks a call that may create something on the server (POST,
	// and any async write). It is retried only when the server cannot have
	// acted on it.
	mayCreate bool
	// header holds extra headers of this call (X-AdminCredential).
	header http.Header
	// secrets are values of this call that must never reach an error, such
	// as the admin credential of its header.
	secrets []string
}

// newRequest builds a call to ref (relative to the API root, or an absolute
// URL on the API origin), with an optional query and a JSON body.
func (c *Client) newRequest(method, ref string, query url.Values, body any) (*request, error) {
	u, err := c.resolve(ref)
	if err != nil {
		return nil, err
	}
	if len(query) > 0 {
		q := u.Query()
		for k, vs := range query {
			q[k] = vs
		}
		u.RawQuery = q.Encode()
	}
	r := &request{method: method, url: u, siteScoped: true}
	if body != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(body); err != nil {
			return nil, fmt.Errorf("daas: encoding request body: %w", err)
		}
		r.body = bytes.TrimRight(buf.Bytes(), "\n")
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	case http.MethodPost:
		r.mayCreate = true
	default:
		r.mayCreate = u.Query().Get("async") == "true"
	}
	return r, nil
}

// redacted is the URL as errors and logs show it: no query, no credentials.
func (r *request) redacted() string {
	u := *r.url
	u.RawQuery, u.User, u.Fragment = "", nil, ""
	return u.String()
}

// do sends r and decodes a 2xx JSON answer into v (when v is non-nil). A 303
// is returned as it is, for the caller to follow. Any other status gives an
// *APIError. After a 401 with a token the library fetched, it drops the token,
// fetches a new one and replays the call once.
func (c *Client) do(ctx context.Context, r *request, v any) (*http.Response, error) {
	hdr := make(http.Header, 7)
	hdr.Set("Accept", "application/json")
	hdr.Set("Citrix-CustomerId", c.customerID)
	txid := newUUID()
	hdr.Set("Citrix-TransactionId", txid)
	noteRequest(ctx, r.url.Path, txid)
	hdr.Set("User-Agent", c.userAgent)
	if r.body != nil {
		hdr.Set("Content-Type", "application/json; charset=utf-8")
	}
	for k, v := range r.header {
		hdr[k] = v
	}
	if r.siteScoped {
		site, err := c.site.get(ctx, c)
		if err != nil {
			return nil, err
		}
		hdr.Set("Citrix-InstanceId", site)
	}
	inv, canReplay := c.ts.(interface{ invalidate(string) })
	target := r.url.String()
	for replayed := false; ; replayed = true {
		st := &attempts{mayCreate: r.mayCreate, authorize: true, method: r.method, path: r.url.Path, txid: txid}
		resp, err := c.send(ctx, r.method, target, hdr, r.body, st)
		if err != nil {
			if st.tokenErr != nil {
				return nil, st.tokenErr
			}
			return nil, c.transportError(ctx, r, txid, err)
		}
		if resp.StatusCode == http.StatusUnauthorized && canReplay && !replayed {
			drain(resp.Body)
			inv.invalidate(st.used)
			c.debug(ctx, "token refused; fetching a new one and replaying", "method", r.method, "url", r.redacted())
			continue
		}
		resp, err = c.finish(resp, r, txid, v)
		if ae := (*APIError)(nil); errors.As(err, &ae) {
			ae.redact(st.used) // a server that echoes the request's Authorization
			for _, secret := range r.secrets {
				ae.redact(secret)
			}
		}
		return resp, err
	}
}

// send makes one request through the client's retry client, under the
// retry policy: st carries the call's retry class and whether the transport
// authorizes its attempts. body, when non-nil, is sent as it is on every
// attempt.
func (c *Client) send(ctx context.Context, method, target string, hdr http.Header, body []byte, st *attempts) (*http.Response, error) {
	ctx = context.WithValue(ctx, attemptsKey{}, st)
	var raw any
	if body != nil {
		raw = body
	}
	rreq, err := retryablehttp.NewRequestWithContext(ctx, method, target, raw)
	if err != nil {
		return nil, redactURLError(err)
	}
	rreq.Header = hdr // the transport copies it before adding Authorization
	var start time.Time
	if c.logger != nil {
		start = time.Now()
	}
	resp, err := c.rc.Do(rreq)
	if err == nil && c.logger != nil {
		c.debug(ctx, "request", "method", method, "path", rreq.URL.Path, "status", resp.StatusCode,
			"attempts", st.retries+1, "elapsed", time.Since(start), "transaction", st.txid)
	}
	return resp, err
}

// finish turns a response into the caller's result.
func (c *Client) finish(resp *http.Response, r *request, txid string, v any) (*http.Response, error) {
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		defer drain(resp.Body)
		if v == nil || resp.StatusCode == http.StatusNoContent {
			return resp, nil
		}
		if err := decodeJSON(resp.Body, v); err != nil && !tolerated(v, err) {
			return resp, fmt.Errorf("daas: %s %s: decoding %d answer (transaction %s): %w", r.method, r.redacted(), resp.StatusCode, txid, err)
		}
		return resp, nil
	case resp.StatusCode == http.StatusSeeOther:
		drain(resp.Body)
		return resp, nil
	}
	return resp, newAPIError(resp, r.method, r.redacted(), txid)
}

// tolerated reports whether the body type v accepts a decode error: the
// leniency of some models for fields of an unexpected type. It applies to
// the decoding of an answer's body only, never to the rest of a call.
func tolerated(v any, err error) bool {
	l, ok := v.(interface{ tolerate(error) bool })
	return ok && l.tolerate(err)
}

// maxBody caps a success body the library decodes. A variable only so that
// tests can prove the cap with a smaller one (export_test.go).
var maxBody int64 = 256 << 20

// decodeJSON decodes one JSON value into v. An empty body leaves v as it is.
func decodeJSON(body io.Reader, v any) error {
	dec := json.NewDecoder(io.LimitReader(body, maxBody))
	if err := dec.Decode(v); err != nil && err != io.EOF {
		return err
	}
	return nil
}

func drain(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// transportError describes a call that got no HTTP answer. When the context
// ended, its error is returned (wrapped, so errors.Is works).
func (c *Client) transportError(ctx context.Context, r *request, txid string, err error) error {
	err = redactURLError(err)
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (%v)", ctxErr, err)
	}
	return fmt.Errorf("daas: %s %s (transaction %s): %w", r.method, r.redacted(), txid, err)
}

// redactURLError drops the URL a *url.Error carries (its query string could
// hold anything); callers name the method and the redacted URL themselves.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func (c *Client) debug(ctx context.Context, msg string, args ...any) {
	if c.logger != nil {
		c.logger.DebugContext(ctx, "daas: "+msg, args...)
	}
}
