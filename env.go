package daas

import (
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/daaskit/daas/internal/cafile"
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
	// EnvOnPremUsername and EnvOnPremPassword give
	// WithOnPremisesCredentials, with CITRIX_BASE_URL.
	EnvOnPremUsername = "CITRIX_ONPREM_USERNAME"
	EnvOnPremPassword = "CITRIX_ONPREM_PASSWORD"
)

// NewClientFromEnv returns a client configured from the environment, as
// [NewClient] with the options the variables name:
//
//	CITRIX_CUSTOMER_ID      the customer id (required but on-premises)
//	CITRIX_CLIENT_ID        with CITRIX_CLIENT_SECRET: WithClientCredentials
//	CITRIX_CLIENT_SECRET
//	CITRIX_BEARER_TOKEN     instead of the two above: WithBearerToken
//	CITRIX_ONPREM_USERNAME  instead of those, with CITRIX_ONPREM_PASSWORD
//	CITRIX_ONPREM_PASSWORD  and CITRIX_BASE_URL: WithOnPremisesCredentials
//	CITRIX_SITE_ID          WithSiteID
//	CITRIX_REGION           WithRegion: us, eu, aps or jp
//	CITRIX_BASE_URL         WithBaseURL
//	CITRIX_TOKEN_URL        WithTokenURL
//	CITRIX_CA_FILE          PEM certificates to trust besides the system's
//	                        (a self-signed Delivery Controller's, or the
//	                        simulator's with daas-sim -tls or -onprem); a
//	                        regular file of at most 1 MiB
//
// opts are applied after the environment and win over it: a credential
// option in opts replaces the environment's credentials, WithHTTPClient
// replaces the transport CITRIX_CA_FILE makes. A missing customer id or
// credential, or a malformed value, is an error naming the variable. With
// on-premises credentials the customer id may be left unset: it is then
// [OnPremisesCustomerID].
func NewClientFromEnv(opts ...Option) (*Client, error) {
	return newClientFromEnv(os.Getenv, opts...)
}

func newClientFromEnv(getenv func(string) string, opts ...Option) (*Client, error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	// Which options opts carry decides what of the environment applies.
	var given config
	for _, opt := range opts {
		if opt != nil {
			_ = opt(&given) // NewClient reports the errors
		}
	}
	var env []Option
	onprem := given.onprem != nil
	if given.creds == 0 {
		cred, err := envCredential(get)
		if err != nil {
			return nil, err
		}
		env = append(env, cred)
		onprem = get(EnvOnPremUsername) != ""
	}
	customer := get(EnvCustomerID)
	if customer == "" && !onprem {
		return nil, fmt.Errorf("daas: NewClientFromEnv: %s is not set", EnvCustomerID)
	}
	if onprem {
		if err := envOnPremises(get, given); err != nil {
			return nil, err
		}
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
	user, pass := get(EnvOnPremUsername), get(EnvOnPremPassword)
	if user != "" || pass != "" {
		return envOnPremCredential(user, pass, id != "" || sec != "" || tok != "")
	}
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

// envOnPremCredential is WithOnPremisesCredentials from the environment;
// cloud is whether a cloud credential is set too.
func envOnPremCredential(user, pass string, cloud bool) (Option, error) {
	switch {
	case cloud:
		return nil, fmt.Errorf("daas: NewClientFromEnv: %w: set %s and %s, or a Citrix Cloud credential (%s and %s, or %s), not both",
			ErrNoCredentials, EnvOnPremUsername, EnvOnPremPassword, EnvClientID, EnvClientSecret, EnvBearerToken)
	case user == "":
		return nil, fmt.Errorf("daas: NewClientFromEnv: %w: %s is set but %s is not", ErrNoCredentials, EnvOnPremPassword, EnvOnPremUsername)
	case pass == "":
		return nil, fmt.Errorf("daas: NewClientFromEnv: %w: %s is set but %s is not", ErrNoCredentials, EnvOnPremUsername, EnvOnPremPassword)
	}
	return named(EnvOnPremUsername, WithOnPremisesCredentials(user, pass)), nil
}

// envOnPremises checks the variables on-premises credentials need: a base
// URL, and no token URL (the token comes from the base URL's origin).
func envOnPremises(get func(string) string, given config) error {
	if get(EnvBaseURL) == "" && given.baseURL == "" {
		return fmt.Errorf("daas: NewClientFromEnv: on-premises credentials need %s, the Delivery Controller's API root (https://{ddc}/cvad/manage)", EnvBaseURL)
	}
	if get(EnvTokenURL) != "" && given.tokenURL == "" {
		return fmt.Errorf("daas: NewClientFromEnv: %s is not used with on-premises credentials (the token comes from %s's origin): unset it", EnvTokenURL, EnvBaseURL)
	}
	return nil
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
// file besides the system's (see package cafile: a regular file of at most
// 1 MiB).
func trustingClient(file string) (*http.Client, error) {
	hc, err := cafile.Client(file)
	if err != nil {
		return nil, fmt.Errorf("daas: %s: %w", EnvCAFile, err)
	}
	return hc, nil
}
