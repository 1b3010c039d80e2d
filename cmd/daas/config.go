package main

import (
	"errors"
	"os"
	"strings"

	"github.com/daaskit/daas"
)

// errNoConfig is the error of a command run with no CITRIX_* settings.
var errNoConfig = errors.New("no configuration: set CITRIX_CUSTOMER_ID and CITRIX_CLIENT_ID with CITRIX_CLIENT_SECRET " +
	"(or CITRIX_BEARER_TOKEN), or for a Delivery Controller CITRIX_BASE_URL, CITRIX_ONPREM_USERNAME and CITRIX_ONPREM_PASSWORD, " +
	"or try it against the simulator: go run ./cmd/daas-sim > sim.env & then set -a; . ./sim.env; set +a")

// configError marks an error in the configuration or the credentials, so
// that the command exits with [exitConfig].
type configError struct{ err error }

// Error returns the underlying error's message.
func (e *configError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *configError) Unwrap() error { return e.err }

// newClient builds the client with [daas.NewClientFromEnv] (the CITRIX_*
// variables the simulator prints in sim.env), with opts after them. With
// none of the identity variables set (the customer id, a cloud or an
// on-premises credential) it says how to get them; any error is a
// [configError].
func newClient(opts ...daas.Option) (*daas.Client, error) {
	unset := true
	for _, k := range []string{daas.EnvCustomerID, daas.EnvClientID, daas.EnvClientSecret, daas.EnvBearerToken,
		daas.EnvOnPremUsername, daas.EnvOnPremPassword} {
		if strings.TrimSpace(os.Getenv(k)) != "" {
			unset = false
		}
	}
	if unset {
		return nil, &configError{errNoConfig}
	}
	c, err := daas.NewClientFromEnv(opts...)
	if err != nil {
		return nil, &configError{err}
	}
	return c, nil
}
