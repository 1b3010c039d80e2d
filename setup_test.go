package daas_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// The setup of this test package: newFake for a test against the fake
// service (with the fixtures groupWorld and machineWorld), newScriptedClient
// for a test whose every answer a handler scripts.

// fastPoll makes Wait poll every few milliseconds, so that tests against the
// fake finish at once.
var fastPoll = daas.PollInterval(time.Millisecond, 5*time.Millisecond)

// newFake starts an in-memory fake (no listener) and a client for it.
func newFake(t *testing.T, opts ...daastest.Option) (*daastest.Server, *daas.Client) {
	t.Helper()
	srv := daastest.NewServer(append([]daastest.Option{daastest.WithoutListener()}, opts...)...)
	t.Cleanup(srv.Close)
	return srv, srv.Client()
}

// machineWorld is a fake with catalogs Pool (MCS, 3 machines) and Office
// (Manual, Remote PC), and jobs of 20 ms; opts come after.
func machineWorld(opts ...daastest.Option) []daastest.Option {
	return append([]daastest.Option{
		daastest.WithJobDuration(20 * time.Millisecond),
		daastest.WithCatalog(daastest.Catalog{Name: "Pool", ProvisioningType: "MCS"}),
		daastest.WithCatalog(daastest.Catalog{Name: "Office", ProvisioningType: "Manual", IsRemotePC: true}),
		daastest.WithMachines("Pool", 3),
	}, opts...)
}

// groupWorld is a fake with catalog Pool of 6 machines, 2 of them in group
// Europe\Desk, and jobs of 20 ms; opts come after.
func groupWorld(opts ...daastest.Option) []daastest.Option {
	return append([]daastest.Option{
		daastest.WithJobDuration(20 * time.Millisecond),
		daastest.WithCatalog(daastest.Catalog{Name: "Pool", ProvisioningType: "MCS"}),
		daastest.WithMachines("Pool", 6),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "Desk", AdminFolder: `Europe`, Catalog: "Pool", Machines: 2}),
	}, opts...)
}

// newScriptedClient returns a client of a loopback server answering with h,
// without retries; it authenticates with a static token unless opts bring
// their own credentials.
func newScriptedClient(t *testing.T, h http.HandlerFunc, opts ...daas.Option) *daas.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	base := []daas.Option{
		daas.WithSiteID("site"),
		daas.WithBaseURL(srv.URL + "/cvad/manage"),
		daas.WithRetryPolicy(daas.RetryPolicy{MaxRetries: 0, MinDelay: time.Millisecond, MaxDelay: time.Millisecond}),
	}
	if _, err := daas.NewClient("cust", append(base, opts...)...); errors.Is(err, daas.ErrNoCredentials) {
		base = append(base, daas.WithBearerToken("tok"))
	}
	c, err := daas.NewClient("cust", append(base, opts...)...)
	require.NoError(t, err)
	return c
}
