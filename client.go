package daas

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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
	hc         *http.Client // the caller's client, copied; never follows redirects
	ts         TokenSource
	userAgent  string
	logger     *slog.Logger
	retry      RetryPolicy
	poll       PollPolicy

	site   *siteCache
	poller *poller
}

// service is the shared backing struct of every service.
type service struct{ client *Client }

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
	}
	if cfg.retry != nil {
		c.retry = *cfg.retry
	}
	if cfg.poll != nil {
		c.poll = *cfg.poll
	}
	if cfg.clientID != "" {
		c.ts = &credentialsSource{
			clientID: cfg.clientID,
			secret:   cfg.secret,
			tokenURL: tokenURL.String(),
			now:      time.Now,
			send: func(ctx context.Context, req *http.Request) (*http.Response, error) {
				return c.send(ctx, req, nil, false)
			},
		}
	}
	c.poller = newPoller(c)
	c.common.client = c
	c.MachineCatalogs = (*MachineCatalogsService)(&c.common)
	c.Jobs = (*JobsService)(&c.common)
	c.Machines = (*MachinesService)(&c.common)
	c.DeliveryGroups = (*DeliveryGroupsService)(&c.common)
	return c, nil
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
			return nil, fmt.Errorf("daas: malformed URL %q", truncate(ref, 200))
		}
		if !c.sameOrigin(u) {
			return nil, fmt.Errorf("%w: %s://%s", ErrUntrustedLocation, u.Scheme, u.Host)
		}
		return u, nil
	}
	for _, seg := range strings.Split(ref, "/") {
		if seg == ".." || seg == "." {
			return nil, fmt.Errorf("daas: path %q has a dot segment", ref)
		}
	}
	u, err := url.Parse(c.base.String() + "/" + strings.TrimLeft(ref, "/"))
	if err != nil {
		return nil, fmt.Errorf("daas: malformed path %q", truncate(ref, 200))
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
	hdr := http.Header{}
	hdr.Set("Accept", "application/json")
	hdr.Set("Citrix-CustomerId", c.customerID)
	hdr.Set("Citrix-TransactionId", newUUID())
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
	for replayed := false; ; replayed = true {
		hreq, err := http.NewRequestWithContext(ctx, r.method, r.url.String(), nil)
		if err != nil {
			return nil, fmt.Errorf("daas: %s %s: %w", r.method, r.redacted(), redactURLError(err))
		}
		hreq.Header = hdr.Clone()
		if r.body != nil {
			hreq.Body = io.NopCloser(bytes.NewReader(r.body))
			hreq.ContentLength = int64(len(r.body))
			// With GetBody, net/http may resend a request that failed on a
			// stale keep-alive connection before any byte was written.
			hreq.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(r.body)), nil }
		}
		var used string
		authorize := func(req *http.Request) error {
			tok, err := c.ts.Token(req.Context())
			if err != nil {
				return err
			}
			used = tok.Value
			req.Header.Set("Authorization", "CWSAuth bearer="+tok.Value)
			return nil
		}
		resp, err := c.send(ctx, hreq, authorize, r.mayCreate)
		if err != nil {
			return nil, c.transportError(ctx, r, hdr, err)
		}
		if resp.StatusCode == http.StatusUnauthorized && canReplay && !replayed {
			drain(resp.Body)
			inv.invalidate(used)
			c.debug(ctx, "token refused; fetching a new one and replaying", "method", r.method, "url", r.redacted())
			continue
		}
		resp, err = c.finish(resp, r, hdr.Get("Citrix-TransactionId"), v)
		if ae := (*APIError)(nil); errors.As(err, &ae) {
			ae.redact(used) // a server that echoes the request's Authorization
			for _, secret := range r.secrets {
				ae.redact(secret)
			}
		}
		return resp, err
	}
}

// finish turns a response into the caller's result.
func (c *Client) finish(resp *http.Response, r *request, txid string, v any) (*http.Response, error) {
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		defer drain(resp.Body)
		if v == nil || resp.StatusCode == http.StatusNoContent {
			return resp, nil
		}
		if err := decodeJSON(resp.Body, v); err != nil {
			return resp, fmt.Errorf("daas: %s %s: decoding %d answer (transaction %s): %w", r.method, r.redacted(), resp.StatusCode, txid, err)
		}
		return resp, nil
	case resp.StatusCode == http.StatusSeeOther:
		drain(resp.Body)
		return resp, nil
	}
	return resp, newAPIError(resp, r.method, r.redacted(), txid)
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
func (c *Client) transportError(ctx context.Context, r *request, hdr http.Header, err error) error {
	err = redactURLError(err)
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (%v)", ctxErr, err)
	}
	return fmt.Errorf("daas: %s %s (transaction %s): %w", r.method, r.redacted(), hdr.Get("Citrix-TransactionId"), err)
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

// RetryPolicy decides how a request that failed in a passing way is
// repeated: connection errors, 429, 502, 503 and 504. The waits grow
// exponentially from MinDelay to MaxDelay with jitter; a Retry-After header
// or a retryDelay error parameter is honoured up to MaxDelay. No retry starts
// after the context ends, nor one whose wait would outlive the context's
// deadline. A request that may create something (POST, or an async write) is
// repeated only after a failed dial, a 429 or a 503, where the server cannot
// have acted on it.
type RetryPolicy struct {
	MaxRetries int           // retries after the first attempt; 0 disables retrying
	MinDelay   time.Duration // wait before the first retry (before jitter)
	MaxDelay   time.Duration // cap of every wait, server-requested ones included
}

// DefaultRetryPolicy returns the policy a client uses unless told otherwise:
// 4 retries, waits from 1 s doubling to at most 30 s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 4, MinDelay: time.Second, MaxDelay: 30 * time.Second}
}

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxRetries < 0 || p.MaxRetries > 100:
		return fmt.Errorf("daas: RetryPolicy: MaxRetries %d out of range [0, 100]", p.MaxRetries)
	case p.MinDelay <= 0:
		return errors.New("daas: RetryPolicy: MinDelay must be positive")
	case p.MaxDelay < p.MinDelay:
		return errors.New("daas: RetryPolicy: MaxDelay must be at least MinDelay")
	}
	return nil
}

// backoff is the wait before retry number attempt+1: MinDelay·2^attempt
// capped at MaxDelay, with "equal jitter" (between half and all of it).
func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.MaxDelay
	if attempt < 40 {
		d = min(p.MaxDelay, p.MinDelay<<attempt)
		if d <= 0 {
			d = p.MaxDelay
		}
	}
	half := d / 2
	return half + time.Duration(mrand.Int64N(int64(d-half)+1))
}

// send performs one request with the retry policy. authorize, when non-nil,
// sets the Authorization header before every attempt, so a retry after a long
// wait carries a fresh token.
func (c *Client) send(ctx context.Context, hreq *http.Request, authorize func(*http.Request) error, mayCreate bool) (*http.Response, error) {
	if authorize != nil {
		if err := authorize(hreq); err != nil {
			return nil, err
		}
	}
	rreq, err := retryablehttp.FromRequest(hreq)
	if err != nil {
		return nil, err
	}
	pol := c.retry
	var next time.Duration
	attempt := 0
	var prepErr error // the token could not be had for a retry
	rc := &retryablehttp.Client{
		HTTPClient:   c.hc,
		RetryMax:     pol.MaxRetries,
		RetryWaitMin: pol.MinDelay,
		RetryWaitMax: pol.MaxDelay,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return false, ctxErr
			}
			retry, server := retryable(resp, err, mayCreate)
			if !retry {
				return false, nil
			}
			if attempt >= pol.MaxRetries {
				return false, nil
			}
			next = max(pol.backoff(attempt), min(server, pol.MaxDelay))
			if dl, ok := ctx.Deadline(); ok && time.Until(dl) < next {
				return false, nil // the wait would outlive the caller
			}
			attempt++
			status := 0
			if resp != nil {
				status = resp.StatusCode
			}
			c.debug(ctx, "retrying request", "method", hreq.Method, "path", hreq.URL.Path,
				"status", status, "error", errString(err), "attempt", attempt, "wait", next,
				"transaction", hreq.Header.Get("Citrix-TransactionId"))
			return true, nil
		},
		Backoff: func(time.Duration, time.Duration, int, *http.Response) time.Duration { return next },
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			if resp != nil && prepErr == nil {
				return resp, nil // the caller turns the status into an *APIError
			}
			// After a failed PrepareRetry, resp is the previous attempt's
			// answer, already drained and closed: report why no retry went out.
			return nil, err
		},
	}
	if authorize != nil {
		rc.PrepareRetry = func(req *http.Request) error {
			prepErr = authorize(req)
			return prepErr
		}
	}
	start := time.Now()
	resp, err := rc.Do(rreq)
	if err == nil {
		c.debug(ctx, "request", "method", hreq.Method, "path", hreq.URL.Path, "status", resp.StatusCode,
			"attempts", attempt+1, "elapsed", time.Since(start), "transaction", hreq.Header.Get("Citrix-TransactionId"))
	}
	return resp, err
}

// retryable decides whether an attempt is worth repeating and returns the
// wait the server asked for. For a call that may create something it allows
// only what proves the server did not act: a failed dial, 429 and 503.
func retryable(resp *http.Response, err error, mayCreate bool) (bool, time.Duration) {
	if err != nil {
		if mayCreate {
			return dialFailed(err), 0
		}
		return transientTransportError(err), 0
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		if mayCreate {
			return false, 0
		}
	default:
		return false, 0
	}
	// Read the error body for its retryDelay; put it back for the caller.
	head, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	e := &APIError{Body: head}
	e.decodeBody()
	return true, retryAfter(resp.Header, e.Parameters)
}

// dialFailed reports whether the request never reached the server.
func dialFailed(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// transientTransportError reports whether a transport error may pass on a
// second try: not a bad certificate, not a malformed request.
func transientTransportError(err error) bool {
	var (
		unknownCA *x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		certErr   x509.CertificateInvalidError
		verifyErr *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &certErr), errors.As(err, &verifyErr):
		return false
	case isContextErr(err):
		return false
	}
	return true
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return redactURLError(err).Error()
}

func (c *Client) debug(ctx context.Context, msg string, args ...any) {
	if c.logger != nil {
		c.logger.DebugContext(ctx, "daas: "+msg, args...)
	}
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n-- // cut between characters, not inside one
	}
	return s[:n] + "..."
}

// flight shares one call among concurrent callers: the first runs it, the
// others wait for its result or for their own context to end. A caller
// whose context is still fine runs the call again when it failed only
// because the first caller's context ended.
type flight[T any] struct {
	mu   sync.Mutex
	call *flightCall[T]
}

type flightCall[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func (f *flight[T]) do(ctx context.Context, fn func(context.Context) (T, error)) (T, error) {
	for {
		f.mu.Lock()
		c := f.call
		if c == nil {
			c = &flightCall[T]{done: make(chan struct{})}
			f.call = c
			f.mu.Unlock()
			c.val, c.err = fn(ctx)
			f.mu.Lock()
			f.call = nil
			f.mu.Unlock()
			close(c.done)
		} else {
			f.mu.Unlock()
			select {
			case <-c.done:
			case <-ctx.Done():
				var zero T
				return zero, ctx.Err()
			}
		}
		if c.err != nil && isContextErr(c.err) && ctx.Err() == nil {
			continue
		}
		return c.val, c.err
	}
}

// siteCache discovers the site id through GET /me once; concurrent callers
// share one request, and a failed one is not cached.
type siteCache struct {
	mu     sync.Mutex
	id     string
	flight flight[string]
}

func (s *siteCache) get(ctx context.Context, c *Client) (string, error) {
	if c.siteID != "" {
		return c.siteID, nil
	}
	s.mu.Lock()
	id := s.id
	s.mu.Unlock()
	if id != "" {
		return id, nil
	}
	return s.flight.do(ctx, func(ctx context.Context) (string, error) {
		id, err := c.discoverSite(ctx)
		if err == nil {
			s.mu.Lock()
			s.id = id
			s.mu.Unlock()
		}
		return id, err
	})
}

// Site is a DaaS site of the customer, as GET /me lists it.
type Site struct {
	ID   string `json:"Id"`
	Name string `json:"Name"`
}

type meResponse struct {
	Customers []struct {
		ID    string `json:"Id"`
		Sites []Site `json:"Sites"`
	} `json:"Customers"`
}

// discoverSite asks GET /me for the customer's sites and takes the only one.
func (c *Client) discoverSite(ctx context.Context) (string, error) {
	r, err := c.newRequest(http.MethodGet, "me", nil, nil)
	if err != nil {
		return "", err
	}
	r.siteScoped = false
	var me meResponse
	if _, err := c.do(ctx, r, &me); err != nil {
		return "", fmt.Errorf("daas: discovering the site id: %w", err)
	}
	var sites []Site
	for _, cu := range me.Customers {
		if strings.EqualFold(cu.ID, c.customerID) {
			sites = cu.Sites
		}
	}
	if sites == nil && len(me.Customers) == 1 {
		sites = me.Customers[0].Sites
	}
	switch len(sites) {
	case 1:
		if sites[0].ID == "" {
			return "", errors.New("daas: discovering the site id: GET /me listed a site without an id")
		}
		return sites[0].ID, nil
	case 0:
		return "", fmt.Errorf("daas: discovering the site id: GET /me lists no site for customer %s; set one with WithSiteID", c.customerID)
	}
	names := make([]string, len(sites))
	for i, s := range sites {
		names[i] = s.ID
		if s.Name != "" {
			names[i] += " (" + s.Name + ")"
		}
	}
	return "", fmt.Errorf("daas: customer %s has %d sites: %s; choose one with WithSiteID", c.customerID, len(sites), strings.Join(names, ", "))
}
