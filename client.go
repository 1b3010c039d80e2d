package daas

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"

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
	// services are the fields that reach the API, one per tag of the
	// spec: MachineCatalogs, Machines, DeliveryGroups, Jobs, Hypervisors,
	// ImageDefinitions, Sessions, Zones, … (zz_services.go).
	services

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
	wait       waitConfig  // the wait configuration of a wait given no WaitOption, shared by them
	stats      *pollStats  // learnt job durations (learnt.go)
	observer   JobObserver // the WithObserver hooks; zero: none
	maxBody    int64       // cap of a success body the library decodes

	site         *siteCache
	poller       *poller
	provisioning *provisioningJobs // started, for WaitProvisioned
}

// service is the shared backing struct of every service: each typed
// service (MachineCatalogsService, JobsService, ...) is a service under its
// own name.
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

// NewClient returns a client for the customer's DaaS API. It checks the
// options and does no I/O. Exactly one credential option is required:
// [WithClientCredentials], [WithOnPremisesCredentials], [WithBearerToken]
// or [WithTokenSource]; without one the error is [ErrNoCredentials].
func NewClient(customerID string, opts ...Option) (*Client, error) {
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
	customerID, err := cfg.customerFor(customerID)
	if err != nil {
		return nil, err
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
	base, err := checkBaseURL(cfg.baseURL)
	if err != nil {
		return nil, err
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
		customerID:   customerID,
		siteID:       cfg.siteID,
		base:         base,
		tokenURL:     tokenURL,
		hc:           hc,
		ts:           cfg.ts,
		userAgent:    ua,
		logger:       cfg.logger,
		retry:        DefaultRetryPolicy(),
		poll:         DefaultPollPolicy(),
		site:         &siteCache{},
		provisioning: &provisioningJobs{},
		observer:     cfg.observer,
		maxBody:      defaultMaxBody,
	}
	if cfg.retry != nil {
		c.retry = *cfg.retry
	}
	if cfg.poll != nil {
		c.poll = *cfg.poll
	}
	c.wait = waitConfig{pol: c.poll}
	c.stats = newPollStats()
	if cfg.pollStats != nil {
		loadPollStats(c.stats, *cfg.pollStats)
	}
	if cfg.clientID != "" {
		c.ts = newCredentialsSource(cfg.clientID, cfg.secret, tokenURL.String(), c.sendToken)
	}
	if cfg.onprem != nil {
		c.ts = newOnPremSource(cfg.onprem, c.sendOnPremToken)
	}
	// The one stack: the retry client over the transport that authorizes
	// and bounds each attempt, over the caller's transport.
	stack := *hc
	stack.Transport = &transport{base: hc.Transport, ts: c.ts, timeout: c.retry.attemptTimeout()}
	c.rc = c.newRetryClient(&stack)
	c.poller = newPoller(c)
	c.common.client = c
	c.initServices()
	return c, nil
}
