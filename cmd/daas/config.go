package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/daaskit/daas"
)

// errNoConfig is the error of a command run with no CITRIX_* settings.
var errNoConfig = errors.New("no configuration: set CITRIX_CUSTOMER_ID and CITRIX_CLIENT_ID with CITRIX_CLIENT_SECRET " +
	"(or CITRIX_BEARER_TOKEN), or try it against the simulator: go run ./cmd/daas-sim > sim.env & then set -a; . ./sim.env; set +a")

// configError marks an error in the configuration or the credentials, so
// that the command exits with [exitConfig].
type configError struct{ err error }

// Error returns the underlying error's message.
func (e *configError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *configError) Unwrap() error { return e.err }

// newClient builds the client from the environment variables the simulator
// prints in sim.env (CITRIX_CUSTOMER_ID, CITRIX_CLIENT_ID,
// CITRIX_CLIENT_SECRET or CITRIX_BEARER_TOKEN, CITRIX_SITE_ID,
// CITRIX_REGION, CITRIX_BASE_URL, CITRIX_TOKEN_URL, CITRIX_CA_FILE), with
// opts after them. It is the one place that reads them: when the library
// gains daas.NewClientFromEnv, this becomes a call to it.
func newClient(opts ...daas.Option) (*daas.Client, error) {
	get := func(k string) string { return strings.TrimSpace(os.Getenv(k)) }
	customer := get("CITRIX_CUSTOMER_ID")
	id, secret, bearer := get("CITRIX_CLIENT_ID"), get("CITRIX_CLIENT_SECRET"), get("CITRIX_BEARER_TOKEN")
	switch {
	case customer == "" && id == "" && secret == "" && bearer == "":
		return nil, &configError{errNoConfig}
	case customer == "":
		return nil, &configError{errors.New("CITRIX_CUSTOMER_ID is not set")}
	}
	var base []daas.Option
	switch {
	case bearer != "":
		base = append(base, daas.WithBearerToken(bearer))
	case id == "":
		return nil, &configError{errors.New("CITRIX_CLIENT_ID is not set (or set CITRIX_BEARER_TOKEN)")}
	case secret == "":
		return nil, &configError{errors.New("CITRIX_CLIENT_SECRET is not set")}
	default:
		base = append(base, daas.WithClientCredentials(id, secret))
	}
	if v := get("CITRIX_SITE_ID"); v != "" {
		base = append(base, daas.WithSiteID(v))
	}
	if v := get("CITRIX_REGION"); v != "" {
		base = append(base, daas.WithRegion(daas.Region(strings.ToUpper(v))))
	}
	if v := get("CITRIX_BASE_URL"); v != "" {
		base = append(base, daas.WithBaseURL(v))
	}
	if v := get("CITRIX_TOKEN_URL"); v != "" {
		base = append(base, daas.WithTokenURL(v))
	}
	if v := get("CITRIX_CA_FILE"); v != "" {
		pem, err := os.ReadFile(v)
		if err != nil {
			return nil, &configError{fmt.Errorf("CITRIX_CA_FILE: %w", err)}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, &configError{fmt.Errorf("CITRIX_CA_FILE %s: no PEM certificate in it", v)}
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		base = append(base, daas.WithHTTPClient(&http.Client{Transport: tr}))
	}
	c, err := daas.NewClient(customer, append(base, opts...)...)
	if err != nil {
		return nil, &configError{err}
	}
	return c, nil
}
