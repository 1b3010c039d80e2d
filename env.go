package daas

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
)

// The environment variables [NewClientFromEnv] reads; cmd/daas-sim prints
// the same names.
const (
	EnvCustomerID   = "CITRIX_CUSTOMER_ID"
	EnvClientID     = "CITRIX_CLIENT_ID"
	EnvClientSecret = "CITRIX_CLIENT_SECRET"
	EnvBearerToken  = "CITRIX_BEARER_TOKEN"
	EnvSiteID       = "CITRIX_SITE_ID"
	EnvRegion       = "CITRIX_REGION"
	EnvBaseURL      = "CITRIX_BASE_URL"
	EnvTokenURL     = "CITRIX_TOKEN_URL"
	EnvCAFile       = "CITRIX_CA_FILE"
)

// NewClientFromEnv returns a client configured from the environment, as
// [NewClient] with the options the variables name:
//
//	CITRIX_CUSTOMER_ID    the customer id (required)
//	CITRIX_CLIENT_ID      with CITRIX_CLIENT_SECRET: WithClientCredentials
//	CITRIX_CLIENT_SECRET
//	CITRIX_BEARER_TOKEN   instead of the two above: WithBearerToken
//	CITRIX_SITE_ID        WithSiteID
//	CITRIX_REGION         WithRegion: us, eu, aps or jp
//	CITRIX_BASE_URL       WithBaseURL
//	CITRIX_TOKEN_URL      WithTokenURL
//	CITRIX_CA_FILE        PEM certificates to trust besides the system's
//	                      (the simulator's, with daas-sim -tls)
//
// opts are applied after the environment and win over it: a credential
// option in opts replaces the environment's credentials, WithHTTPClient
// replaces the transport CITRIX_CA_FILE makes. A missing customer id or
// credential, or a malformed value, is an error naming the variable.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	return newClientFromEnv(os.Getenv, opts...)
}

func newClientFromEnv(getenv func(string) string, opts ...Option) (*Client, error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	customer := get(EnvCustomerID)
	if customer == "" {
		return nil, fmt.Errorf("daas: NewClientFromEnv: %s is not set", EnvCustomerID)
	}
	// Which options opts carry decides what of the environment applies.
	var given config
	for _, opt := range opts {
		if opt != nil {
			_ = opt(&given) // NewClient reports the errors
		}
	}
	var env []Option
	if given.creds == 0 {
		cred, err := envCredential(get)
		if err != nil {
			return nil, err
		}
		env = append(env, cred)
	}
	for _, v := range []struct {
		name string
		opt  func(string) Option
	}{
		{EnvSiteID, WithSiteID},
		{EnvRegion, func(s string) Option { return WithRegion(Region(strings.ToUpper(s))) }},
		{EnvBaseURL, WithBaseURL},
		{EnvTokenURL, WithTokenURL},
	} {
		if s := get(v.name); s != "" {
			env = append(env, named(v.name, v.opt(s)))
		}
	}
	if file := get(EnvCAFile); file != "" && given.httpClient == nil {
		hc, err := trustingClient(file)
		if err != nil {
			return nil, err
		}
		env = append(env, WithHTTPClient(hc))
	}
	return NewClient(customer, append(env, opts...)...)
}

// envCredential is the credential option of the environment.
func envCredential(get func(string) string) (Option, error) {
	id, sec, tok := get(EnvClientID), get(EnvClientSecret), get(EnvBearerToken)
	switch {
	case tok != "" && (id != "" || sec != ""):
		return nil, fmt.Errorf("daas: NewClientFromEnv: %w: set %s or %s and %s, not both", ErrNoCredentials, EnvBearerToken, EnvClientID, EnvClientSecret)
	case tok != "":
		return named(EnvBearerToken, WithBearerToken(tok)), nil
	case id != "" && sec != "":
		return named(EnvClientID, WithClientCredentials(id, sec)), nil
	case id != "":
		return nil, fmt.Errorf("daas: NewClientFromEnv: %w: %s is set but %s is not", ErrNoCredentials, EnvClientID, EnvClientSecret)
	case sec != "":
		return nil, fmt.Errorf("daas: NewClientFromEnv: %w: %s is set but %s is not", ErrNoCredentials, EnvClientSecret, EnvClientID)
	}
	return nil, fmt.Errorf("daas: NewClientFromEnv: %w: set %s and %s, or %s", ErrNoCredentials, EnvClientID, EnvClientSecret, EnvBearerToken)
}

// named makes the error of an option applied from the environment name the
// variable.
func named(name string, opt Option) Option {
	return func(c *config) error {
		if err := opt(c); err != nil {
			return fmt.Errorf("daas: %s: %w", name, err)
		}
		return nil
	}
}

// trustingClient is an HTTP client that trusts the certificates of a PEM
// file besides the system's.
func trustingClient(file string) (*http.Client, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("daas: %s: %w", EnvCAFile, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("daas: %s: %w", EnvCAFile, errors.New("no PEM certificate in the file"))
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: t}, nil
}
