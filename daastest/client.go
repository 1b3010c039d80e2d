package daastest

import (
	"errors"
	"fmt"

	"github.com/daaskit/daas"
)

// Client returns a *daas.Client ready to use against this server: its
// customer id, base and token URLs, site id and [Server.HTTPClient] (which
// trusts the TLS certificate, or answers in process without a listener),
// authenticated as the default API client (on-premises, [WithOnPremises]:
// as the administrator, with daas.WithOnPremisesCredentials and no token
// URL). opts are applied after those, so
// they override them; a credential option in opts (daas.WithBearerToken with
// [Server.IssueToken], daas.WithClientCredentials for a client added with
// [WithAPIClient], daas.WithTokenSource) replaces the default credentials.
//
// Like httptest, it is a test helper: it panics if daas.NewClient returns
// an error, which only invalid opts can cause.
func (s *Server) Client(opts ...daas.Option) *daas.Client {
	base := []daas.Option{
		daas.WithBaseURL(s.URL),
		daas.WithSiteID(s.SiteID),
		daas.WithHTTPClient(s.HTTPClient()),
	}
	creds := daas.WithOnPremisesCredentials(s.Username, s.Password)
	if !s.cfg.onprem {
		base = append(base, daas.WithTokenURL(s.TokenURL))
		creds = daas.WithClientCredentials(s.ClientID, s.ClientSecret)
	}
	// NewClient does no I/O: trying the caller's options alone tells
	// whether they bring their own credentials.
	_, err := daas.NewClient(s.CustomerID, append(base, opts...)...)
	if errors.Is(err, daas.ErrNoCredentials) {
		base = append(base, creds)
	}
	c, err := daas.NewClient(s.CustomerID, append(base, opts...)...)
	if err != nil {
		panic(fmt.Sprintf("daastest: Server.Client: %v", err))
	}
	return c
}
