package daastest_test

import (
	"testing"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

func TestServerClient(t *testing.T) {
	t.Parallel()
	s := daastest.NewServer(daastest.WithoutListener(), daastest.WithCatalogs(3))
	t.Cleanup(s.Close)

	page, err := s.Client().MachineCatalogs.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "catalogs", len(page.Items), 3)
	eq(t, "token fetched", s.Stats().TokensIssued, 1)

	// A credential option replaces the default credentials.
	page, err = s.Client(daas.WithBearerToken(s.IssueToken())).MachineCatalogs.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "catalogs with a bearer token", len(page.Items), 3)
	eq(t, "no token request", s.Count("POST /tokens"), 1)

	defer func() {
		if recover() == nil {
			t.Error("invalid option: no panic")
		}
	}()
	s.Client(daas.WithSiteID(""))
}
