// Package exampleenv is the setup the example programs share: a
// [daas.Client] for the service the CITRIX_* environment variables name, or
// for the built-in fake ([daastest]) when none is set.
//
// It is internal: programs of your own should call [daas.NewClient] with
// their own configuration, as [Open] does.
package exampleenv

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"github.com/daaskit/daas/internal/cafile"
)

// The variables Open reads: those of [daas.NewClientFromEnv], which
// cmd/daas-sim's banner prints.
const (
	EnvCustomerID   = daas.EnvCustomerID
	EnvClientID     = daas.EnvClientID
	EnvClientSecret = daas.EnvClientSecret
	EnvSiteID       = daas.EnvSiteID
	EnvRegion       = daas.EnvRegion
	EnvBaseURL      = daas.EnvBaseURL
	EnvTokenURL     = daas.EnvTokenURL
	EnvCAFile       = daas.EnvCAFile // PEM certificates to trust, as daas-sim -tls writes

	EnvOnPremUsername = daas.EnvOnPremUsername // on-premises, as daas-sim -onprem prints
	EnvOnPremPassword = daas.EnvOnPremPassword
)

// required are the variables that must all be set to use a real service.
var required = []string{EnvCustomerID, EnvClientID, EnvClientSecret}

// requiredOnPrem replace them for an on-premises site: set one of the
// credentials, and all three are required.
var requiredOnPrem = []string{EnvBaseURL, EnvOnPremUsername, EnvOnPremPassword}

// optional are the other variables; setting one without the required ones is
// an error too, so that a half-configured shell does not silently fall back
// to the fake.
var optional = []string{EnvSiteID, EnvRegion, EnvBaseURL, EnvTokenURL, EnvCAFile, EnvOnPremUsername, EnvOnPremPassword}

// FakeJobDuration is how long jobs of the built-in fake run: long enough to
// watch, short enough not to wait for.
const FakeJobDuration = 2 * time.Second

// FakeCatalogs is how many catalogs the built-in fake is seeded with, as many
// as cmd/daas-sim seeds by default.
const FakeCatalogs = 5

// Options change what [Open] does. The zero value is what the example
// programs use.
type Options struct {
	// Getenv reads the environment; nil means os.Getenv. Tests pass a
	// function that returns "" so that the caller's variables do not matter.
	Getenv func(string) string
	// Fake is the fake to use when no CITRIX_* variable is set; nil means
	// start one with [NewFake]. Open does not close a Fake given here.
	Fake *daastest.Server
	// PollPolicy replaces the client's default poll policy when non-nil:
	// tests use intervals of milliseconds with jobs of milliseconds.
	PollPolicy *daas.PollPolicy
}

// Env is the service an example talks to.
type Env struct {
	// Client is a client for the service.
	Client *daas.Client
	// Fake is the built-in fake, nil against a real service. Examples read
	// its request counters.
	Fake *daastest.Server
	// PollPolicy is the clients' poll policy.
	PollPolicy daas.PollPolicy

	newClient func(...daas.Option) (*daas.Client, error)
	close     func()
}

// NewFake starts the fake the examples use when no CITRIX_* variable is
// set: [FakeCatalogs] realistic catalogs, jobs of [FakeJobDuration] whose
// progress rises linearly. opts are applied after these and override them.
func NewFake(opts ...daastest.Option) *daastest.Server {
	base := []daastest.Option{
		daastest.WithCatalogs(FakeCatalogs),
		daastest.WithJobDuration(FakeJobDuration),
		daastest.WithProgress(daastest.ProgressLinear),
	}
	return daastest.NewServer(append(base, opts...)...)
}

// Open returns the service the environment names and writes one line to w
// saying which it is: the built-in fake when no CITRIX_* variable is set, or
// the service of CITRIX_CUSTOMER_ID, CITRIX_CLIENT_ID and
// CITRIX_CLIENT_SECRET (with the optional CITRIX_SITE_ID, CITRIX_REGION,
// CITRIX_BASE_URL, CITRIX_TOKEN_URL and CITRIX_CA_FILE), or the on-premises
// site of CITRIX_BASE_URL, CITRIX_ONPREM_USERNAME and CITRIX_ONPREM_PASSWORD
// (with the optional CITRIX_SITE_ID, CITRIX_CUSTOMER_ID and CITRIX_CA_FILE,
// as daas-sim -onprem prints them). Some but not all of
// the three required variables, or an optional one alone, is an error that
// names what is missing. Call [Env.Close] when done.
func Open(w io.Writer, opts Options) (*Env, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	vars := map[string]string{}
	for _, name := range append(append([]string(nil), required...), optional...) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			vars[name] = v
		}
	}
	env := &Env{PollPolicy: daas.DefaultPollPolicy(), close: func() {}}
	var base []daas.Option
	if opts.PollPolicy != nil {
		env.PollPolicy = *opts.PollPolicy
		base = append(base, daas.WithPollPolicy(*opts.PollPolicy))
	}

	if len(vars) == 0 {
		fake := opts.Fake
		if fake == nil {
			fake = NewFake()
			env.close = fake.Close
		}
		env.Fake = fake
		env.newClient = func(extra ...daas.Option) (*daas.Client, error) {
			return fake.Client(append(append([]daas.Option(nil), base...), extra...)...), nil
		}
		env.Client, _ = env.newClient()
		fmt.Fprintf(w, "Using the built-in fake Citrix DaaS at %s (no CITRIX_* variables set; set %s to use a real service).\n",
			fake.URL, andList(required))
		return env, nil
	}

	need := required
	creds := func() daas.Option { return daas.WithClientCredentials(vars[EnvClientID], vars[EnvClientSecret]) }
	if vars[EnvOnPremUsername] != "" || vars[EnvOnPremPassword] != "" {
		need = requiredOnPrem
		creds = func() daas.Option {
			return daas.WithOnPremisesCredentials(vars[EnvOnPremUsername], vars[EnvOnPremPassword])
		}
	}
	var missing []string
	for _, name := range need {
		if vars[name] == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		var set []string
		for _, name := range append(append([]string(nil), required...), optional...) {
			if vars[name] != "" {
				set = append(set, name)
			}
		}
		return nil, fmt.Errorf("%s %s not set (%s %s): set %s to use a real service, or unset every CITRIX_* variable to use the built-in fake",
			andList(missing), isAre(len(missing)), andList(set), isAre(len(set)), andList(need))
	}
	base = append(base, creds())
	if v := vars[EnvSiteID]; v != "" {
		base = append(base, daas.WithSiteID(v))
	}
	if v := vars[EnvRegion]; v != "" {
		base = append(base, daas.WithRegion(daas.Region(strings.ToUpper(v))))
	}
	if v := vars[EnvBaseURL]; v != "" {
		base = append(base, daas.WithBaseURL(v))
	}
	if v := vars[EnvTokenURL]; v != "" {
		base = append(base, daas.WithTokenURL(v))
	}
	if v := vars[EnvCAFile]; v != "" {
		hc, err := cafile.Client(v) // bounded, as daas.NewClientFromEnv reads it
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvCAFile, err)
		}
		base = append(base, daas.WithHTTPClient(hc))
	}
	customer := vars[EnvCustomerID]
	env.newClient = func(extra ...daas.Option) (*daas.Client, error) {
		return daas.NewClient(customer, append(append([]daas.Option(nil), base...), extra...)...)
	}
	c, err := env.newClient()
	if err != nil {
		return nil, fmt.Errorf("configuring the client from CITRIX_* variables: %w", err)
	}
	env.Client = c
	fmt.Fprintf(w, "Using Citrix DaaS at %s, customer %s (from CITRIX_* variables).\n", c.BaseURL(), c.CustomerID())
	return env, nil
}

// andList joins names as "a, b and c".
func andList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// Real reports whether the environment names a real service (or a
// simulator in another process) rather than the built-in fake.
func (e *Env) Real() bool { return e.Fake == nil }

// NewClient returns a new client for the same service and credentials,
// with extra options applied last: what another process would build.
func (e *Env) NewClient(extra ...daas.Option) (*daas.Client, error) {
	return e.newClient(extra...)
}

// Close stops the built-in fake if Open started it.
func (e *Env) Close() { e.close() }

// Main is an example program's main: it calls run with a context that ends
// on Ctrl-C or SIGTERM, the program's arguments and the environment's
// settings, then exits: status 0 for nil or -h, 130 after an interrupt, 1
// for any other error, which it prints to standard error after name.
func Main(name string, run func(ctx context.Context, stdout io.Writer, args []string, opts Options) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout, os.Args[1:], Options{})
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(os.Stderr, "%s: interrupted\n", name)
		os.Exit(130)
	}
	fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
	os.Exit(1)
}

// TestJobDuration is the job duration of [ForTest]'s fake.
const TestJobDuration = 60 * time.Millisecond

// ForTest returns options that run an example in milliseconds: a new fake
// ([NewFake], with jobs of [TestJobDuration], then opts), an empty
// environment, and poll intervals of 5 to 20 ms. The caller closes the fake,
// Options.Fake.
func ForTest(opts ...daastest.Option) Options {
	fake := NewFake(append([]daastest.Option{daastest.WithJobDuration(TestJobDuration)}, opts...)...)
	return Options{
		Getenv:     func(string) string { return "" },
		Fake:       fake,
		PollPolicy: testPollPolicy(),
	}
}

// testPollPolicy is the poll policy of examples under test: intervals of 5
// to 20 ms.
func testPollPolicy() *daas.PollPolicy {
	pol := daas.DefaultPollPolicy()
	pol.MinInterval, pol.MaxInterval = 5*time.Millisecond, 20*time.Millisecond
	return &pol
}

// FakeEnv returns a Getenv that reads, for s, the variables cmd/daas-sim
// prints, so that [Open] treats s as a service in another process.
func FakeEnv(s *daastest.Server) func(string) string {
	vars := map[string]string{
		EnvBaseURL:      s.URL,
		EnvTokenURL:     s.TokenURL,
		EnvCustomerID:   s.CustomerID,
		EnvSiteID:       s.SiteID,
		EnvClientID:     s.ClientID,
		EnvClientSecret: s.ClientSecret,
	}
	return func(name string) string { return vars[name] }
}
