package daas

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// An Option configures a [Client]. Options are checked by [NewClient], which
// returns the first option's error.
type Option func(*config) error

type config struct {
	creds      int
	ts         TokenSource
	clientID   string
	secret     secret
	onprem     *onPremCreds // WithOnPremisesCredentials (onprem.go)
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
		site, err := checkSiteID(id) // a local, as in WithBearerToken
		if err != nil {
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
		if _, err := checkBaseURL(u); err != nil {
			return err
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
			return inputErr("WithTokenURL", "%v", err)
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

// WithObserver makes the client report its waits and retries to o. Without
// it (or with a JobObserver whose fields are all nil) nothing is reported.
func WithObserver(o JobObserver) Option {
	return func(c *config) error {
		c.observer = o
		return nil
	}
}
