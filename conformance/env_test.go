package conformance

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citrix/citrix-daas-rest-go/citrixorchestration"
	citrixclient "github.com/citrix/citrix-daas-rest-go/client"
	"github.com/daaskit/daas/daastest"
)

// env is one fake with Citrix's client configured for it.
type env struct {
	cc  *citrixclient.CitrixDaasClient
	api *citrixorchestration.APIClient
	rec *recorder
	// advance moves the fake's service time on; nil for the simulator,
	// whose jobs take no time.
	advance func(time.Duration)
	// fake is the in-memory server; nil for the simulator.
	fake *daastest.Server
}

// settings are what a client needs to reach a fake.
type settings struct {
	baseURL, tokenURL, customerID, clientID, clientSecret string
}

// newClient configures Citrix's client as its own client package does for
// Citrix Cloud through the API gateway (SetupApiClient with apiGateway,
// then InitializeCitrixDaasClient: GET /me, then GET /Sites/{id} for the
// product version), with its middleware setting the Authorization header.
// Only the server URL (and the scheme, which Citrix's client fixes to
// https) point at the fake, and hc carries the requests.
func newClient(t *testing.T, st settings, hc *http.Client, rec *recorder, signIn func(*citrixclient.CitrixDaasClient) error) *citrixclient.CitrixDaasClient {
	t.Helper()
	base, err := url.Parse(st.baseURL)
	if err != nil {
		t.Fatal(err)
	}
	cc := &citrixclient.CitrixDaasClient{
		AuthConfig: &citrixclient.AuthenticationConfiguration{
			AuthUrl: st.tokenURL, ClientId: st.clientID, ClientSecret: st.clientSecret, ApiGateway: true,
		},
		ClientConfig: &citrixclient.ClientConfiguration{CustomerId: st.customerID},
	}
	middleware := func(c *citrixclient.CitrixDaasClient, r *http.Request) {
		// As Citrix's Terraform provider does: the current token, by map
		// assignment, as the generated code sets every header.
		if c.AuthToken != nil {
			r.Header["Authorization"] = []string{c.AuthToken.Token}
		}
	}
	cc.SetupApiClient(base.Host, middleware, false, false, true)
	cfg := cc.ApiClient.GetConfig()
	cfg.Scheme = base.Scheme
	cfg.Servers[0].URL = st.baseURL
	rec.next = hc.Transport
	cfg.HTTPClient = &http.Client{Transport: rec, CheckRedirect: hc.CheckRedirect}
	if err := signIn(cc); err != nil {
		t.Fatalf("signing in: %v", err)
	}
	if _, err := cc.InitializeCitrixDaasClient(t.Context(), st.customerID, cc.AuthToken.Token, false, true, false, nil); err != nil {
		t.Fatalf("InitializeCitrixDaasClient (GET /me, GET /Sites/{id}): %v", err)
	}
	return cc
}

// newMemoryEnv is a daastest server in memory, over TLS as Citrix's client
// expects, with a frozen clock that only [env.advance] moves.
func newMemoryEnv(t *testing.T, doc *recorder) *env {
	// Citrix's client compares the token's exp with the real clock.
	start := time.Now()
	s := daastest.NewServer(daastest.WithoutListener(), daastest.WithTLS(), daastest.WithCatalogs(5),
		daastest.WithClock(func() time.Time { return start }), daastest.WithJobDuration(time.Minute),
		// The steps move service time on by hours; the token must outlive them.
		daastest.WithTokenLifetime(48*time.Hour),
		daastest.WithMachines(seedCatalog, seedMachines),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: seedGroup, Catalog: seedCatalog, Machines: 1}))
	t.Cleanup(s.Close)
	st := settings{s.URL, s.TokenURL, s.CustomerID, s.ClientID, s.ClientSecret}
	// Citrix's SignIn posts with http.PostForm, which cannot reach an
	// in-memory server; SeedAccessToken is its way to take a token from
	// elsewhere, and it parses the token as a JWT.
	cc := newClient(t, st, s.HTTPClient(), doc, func(cc *citrixclient.CitrixDaasClient) error {
		return cc.SeedAccessToken(s.IssueToken())
	})
	return &env{cc: cc, api: cc.ApiClient, rec: doc, advance: s.Advance, fake: s}
}

// newSimEnv builds and starts cmd/daas-sim on a free loopback port, with
// jobs that finish at once, and signs in through its token endpoint as
// Citrix's client does (SignIn).
func newSimEnv(t *testing.T, doc *recorder) *env {
	bin := filepath.Join(t.TempDir(), "daas-sim")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/daaskit/daas/cmd/daas-sim").CombinedOutput(); err != nil {
		t.Fatalf("building daas-sim: %v\n%s", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-addr", "127.0.0.1:0", "-quiet", "-catalogs", "5", "-job-duration", "0s")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	vars := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for len(vars) < 6 && sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			vars[k] = v
		}
	}
	st := settings{vars["CITRIX_BASE_URL"], vars["CITRIX_TOKEN_URL"], vars["CITRIX_CUSTOMER_ID"], vars["CITRIX_CLIENT_ID"], vars["CITRIX_CLIENT_SECRET"]}
	if st.baseURL == "" {
		t.Fatalf("daas-sim printed no settings: %v", vars)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Transport: http.DefaultTransport}
	cc := newClient(t, st, hc, doc, func(cc *citrixclient.CitrixDaasClient) error {
		_, _, err := cc.SignInWithContext(t.Context())
		return err
	})
	return &env{cc: cc, api: cc.ApiClient, rec: doc}
}
