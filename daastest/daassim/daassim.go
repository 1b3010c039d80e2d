// Package daassim is the simulator of command daas-sim as a library: the
// fake Citrix DaaS of package daastest as a standalone server, for curl,
// PowerShell or any other client. cmd/daas-sim is [Main] and nothing else;
// a simulator of your own, with routes of your own (which take the place
// of the fake's), is a main package that passes them to Main (see "Your own simulator" below).
//
//	go run ./cmd/daas-sim [flags]
//
// It listens on 127.0.0.1:8787 (see -addr; it refuses addresses that are not
// loopback unless -allow-remote is given) and prints, one per line, the
// shell-sourceable settings a client needs:
//
//	CITRIX_BASE_URL=http://127.0.0.1:8787/cvad/manage
//	CITRIX_TOKEN_URL=http://127.0.0.1:8787/cctrustoauth2/<customer>/tokens/clients
//	CITRIX_CUSTOMER_ID=...
//	CITRIX_SITE_ID=...
//	CITRIX_CLIENT_ID=...
//	CITRIX_CLIENT_SECRET=...
//
// With -tls it serves HTTPS with a self-signed certificate and adds
// CITRIX_CA_FILE, a PEM file of that certificate (for curl --cacert).
//
// With -onprem it is an on-premises Delivery Controller instead
// ([daastest.WithOnPremises]): HTTPS as with -tls, a token from
// POST /cvad/manage/Tokens with Basic authentication, customer id
// CitrixOnPremises. It prints what daas.NewClientFromEnv needs for it:
//
//	CITRIX_BASE_URL=https://127.0.0.1:8787/cvad/manage
//	CITRIX_ONPREM_USERNAME=administrator@sim.local
//	CITRIX_ONPREM_PASSWORD=...
//	CITRIX_CA_FILE=/tmp/daas-sim-....pem
//
// It then serves until interrupted (SIGINT or SIGTERM), logging one line per
// request to standard error (method, path, route, status; never a token or
// secret) unless -quiet is given.
//
// Flags set the seeded catalogs (-catalogs, 5 by default; each has as many
// machines as its TotalCount says, 9 in the first), machines added to the
// first one, Win11-Pooled-001 (-machines, 6 by default), the seeded
// delivery groups (-groups, 1 by default: Desktops-001 and on, which share
// half of the -machines machines, the rest staying free to add), job
// durations (-job-duration, -time-scale), the progress curve (-progress),
// random job failures (-fail-rate), random 503 and 429 answers (-5xx-rate,
// -429-rate), the token lifetime (-token-lifetime) and the seed of all
// random choices (-seed).
// Run it with -h for the list. A client slower than [ReadHeaderTimeout],
// [ReadTimeout] or [IdleTimeout] is disconnected.
//
// An async call with curl (7.84 or newer) in bash:
//
//	go run ./cmd/daas-sim > sim.env &
//	sleep 2; set -a; . ./sim.env; set +a
//	TOKEN=$(curl -s "$CITRIX_TOKEN_URL" -H 'Accept: application/json' \
//	  -H 'Content-Type: application/x-www-form-urlencoded' \
//	  -d "grant_type=client_credentials&client_id=$CITRIX_CLIENT_ID&client_secret=$CITRIX_CLIENT_SECRET" |
//	  sed 's/.*"access_token":"\([^"]*\)".*/\1/')
//	H=(-H "Authorization: CWSAuth bearer=$TOKEN" -H "Citrix-CustomerId: $CITRIX_CUSTOMER_ID"
//	   -H "Citrix-InstanceId: $CITRIX_SITE_ID" -H 'Accept: application/json')
//	JOB=$(curl -s -o /dev/null -w '%header{location}' "${H[@]}" "$CITRIX_BASE_URL/MachineCatalogs?async=true")
//	curl -s "${H[@]}" "$JOB"            # the job: Status, OverallProgressPercent, ...
//	sleep 3; curl -s "${H[@]}" "$JOB/Results"   # {"Items":[...],"ContinuationToken":null,...}
//
// # Your own simulator
//
// Options given to [Main] or [Run] apply after those the flags set, so
// [daastest.WithRoute] adds routes (sync or as jobs, see
// [daastest.Server.Handle]) and any other daastest option overrides a flag.
// A simulator that also answers GET /Zones and POST /Zones is a main package
// of its own, in your module:
//
//	package main
//
//	import (
//		"github.com/daaskit/daas/daastest"
//		"github.com/daaskit/daas/daastest/daassim"
//	)
//
//	func main() {
//		daassim.Main(
//			daastest.WithRoute("GET /Zones", func(c *daastest.Call) daastest.Reply {
//				return daastest.Reply{Body: map[string]any{"Items": []any{}}}
//			}),
//			daastest.WithRoute("POST /Zones", func(c *daastest.Call) daastest.Reply {
//				return daastest.Reply{Job: &daastest.JobSpec{Type: "CreateZone"}}
//			}),
//		)
//	}
//
// It takes the same flags; go run . -h lists them.
package daassim

import (
	"context"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/daaskit/daas/daastest"
)

// Main is the main function of a simulator: it runs [Run] with the command
// line, standard output and standard error until SIGINT or SIGTERM, then
// exits: with status 0 after serving or after -h, 1 after an error, which
// it prints. opts are as for Run.
func Main(opts ...daastest.Option) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Run(ctx, os.Args[1:], os.Stdout, os.Stderr, opts...)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "daas-sim:", err)
		os.Exit(1)
	}
}

// settings are the command's flags.
type settings struct {
	addr          string
	allowRemote   bool
	catalogs      int
	machines      int
	groups        int
	sessions      int
	sessionsSet   bool // -sessions given: more than the groups hold is an error
	jobDuration   time.Duration
	progress      string
	failRate      float64
	rate5xx       float64
	rate429       float64
	tokenLifetime time.Duration
	timeScale     float64
	tls           bool
	onprem        bool
	seed          int64
	quiet         bool
}

// The simulator's HTTP timeouts (see [daastest.WithHTTPTimeouts]): a
// client that sends its headers, its whole request or nothing on an idle
// connection slower than this is disconnected, so that half-sent requests
// cannot hold connections open. No write timeout: answers may be late on
// purpose (injected latency).
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = time.Minute
	IdleTimeout       = 2 * time.Minute
)

// defaultSessions is how many user sessions the default world has, so that
// examples/sessions finds some.
const defaultSessions = 3

// firstCatalog is the name of the first seeded catalog, which holds the
// -machines machines.
const firstCatalog = "Win11-Pooled-001"

// parseFlags reads and checks the command line.
func parseFlags(args []string, stderr io.Writer) (*settings, error) {
	var st settings
	fs := flag.NewFlagSet("daas-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&st.addr, "addr", "127.0.0.1:8787", "address to listen on (host:port; port 0 picks a free one)")
	fs.BoolVar(&st.allowRemote, "allow-remote", false, "allow an address that is not loopback")
	fs.IntVar(&st.catalogs, "catalogs", 5, "number of seeded machine catalogs")
	fs.IntVar(&st.machines, "machines", 6, "number of machines added to the first catalog, beyond those every catalog is seeded with (with -catalogs 1 or more)")
	fs.IntVar(&st.groups, "groups", 1, "number of seeded delivery groups (Desktops-001 and on), sharing half of the -machines machines")
	fs.IntVar(&st.sessions, "sessions", defaultSessions, "number of seeded user sessions, on the delivery groups' machines (one per single-session machine; by default fewer when they hold fewer)")
	fs.DurationVar(&st.jobDuration, "job-duration", 3*time.Second, "how long each async job runs (service time)")
	fs.StringVar(&st.progress, "progress", "linear", "progress curve of jobs: linear, steps or none")
	fs.Float64Var(&st.failRate, "fail-rate", 0, "probability that a job ends Failed (0 to 1)")
	fs.Float64Var(&st.rate5xx, "5xx-rate", 0, "probability that a request gets 503 Service Unavailable (0 to 1)")
	fs.Float64Var(&st.rate429, "429-rate", 0, "probability that a request gets 429 Too Many Requests with retryDelay 1 (0 to 1)")
	fs.DurationVar(&st.tokenLifetime, "token-lifetime", daastest.DefaultTokenLifetime, "lifetime of bearer tokens (service time)")
	fs.Float64Var(&st.timeScale, "time-scale", 1, "service seconds per real second (60: a 30-minute job takes 30 s)")
	fs.BoolVar(&st.tls, "tls", false, "serve HTTPS with a self-signed certificate")
	fs.BoolVar(&st.onprem, "onprem", false, "be an on-premises Delivery Controller: HTTPS (as -tls), POST /cvad/manage/Tokens with Basic authentication, customer CitrixOnPremises")
	fs.Int64Var(&st.seed, "seed", daastest.DefaultSeed, "seed of ids and random faults")
	fs.BoolVar(&st.quiet, "quiet", false, "do not log requests")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	fs.Visit(func(f *flag.Flag) { st.sessionsSet = st.sessionsSet || f.Name == "sessions" })
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case st.catalogs < 0:
		return nil, fmt.Errorf("-catalogs %d: want 0 or more", st.catalogs)
	case st.machines < 0:
		return nil, fmt.Errorf("-machines %d: want 0 or more", st.machines)
	case st.groups < 0:
		return nil, fmt.Errorf("-groups %d: want 0 or more", st.groups)
	case st.sessions < 0:
		return nil, fmt.Errorf("-sessions %d: want 0 or more", st.sessions)
	case st.jobDuration < 0:
		return nil, fmt.Errorf("-job-duration %v: want 0 or more", st.jobDuration)
	case st.tokenLifetime < time.Second:
		return nil, fmt.Errorf("-token-lifetime %v: want 1s or more", st.tokenLifetime)
	case !(st.timeScale > 0):
		return nil, fmt.Errorf("-time-scale %v: want more than 0", st.timeScale)
	}
	for name, r := range map[string]float64{"-fail-rate": st.failRate, "-5xx-rate": st.rate5xx, "-429-rate": st.rate429} {
		if r < 0 || r > 1 {
			return nil, fmt.Errorf("%s %v: want 0 to 1", name, r)
		}
	}
	if _, ok := progressCurve(st.progress); !ok {
		return nil, fmt.Errorf("-progress %q: want linear, steps or none", st.progress)
	}
	if !st.allowRemote {
		if err := checkLoopback(st.addr); err != nil {
			return nil, err
		}
	}
	return &st, nil
}

// groupSeeds are the delivery groups of -groups: n groups named
// Desktops-001 and on that share half of the first catalog's machines
// (rounded down), spread evenly in order (the first groups take one more
// when they do not divide), so that the other half stay free for adds.
func groupSeeds(n, machines int) []daastest.Option {
	opts := make([]daastest.Option, 0, n)
	shared := machines / 2
	for i := range n {
		g := daastest.DeliveryGroup{Name: fmt.Sprintf("Desktops-%03d", i+1)}
		if g.Machines = shared / n; i < shared%n {
			g.Machines++
		}
		if g.Machines > 0 {
			g.Catalog = firstCatalog
		}
		opts = append(opts, daastest.WithDeliveryGroup(g))
	}
	return opts
}

// sessionRoom is how many sessions the machines of -groups hold: one per
// machine, as the first catalog is single-session.
func sessionRoom(groups, machines int) int {
	if groups == 0 {
		return 0
	}
	return machines / 2
}

func progressCurve(name string) (daastest.ProgressCurve, bool) {
	for _, c := range []daastest.ProgressCurve{daastest.ProgressLinear, daastest.ProgressSteps, daastest.ProgressNone} {
		if c.String() == name {
			return c, true
		}
	}
	return 0, false
}

// checkLoopback refuses a listen address whose host is not loopback.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("-addr %q: not a loopback address; the simulator accepts anyone who can reach it, so pass -allow-remote to listen there", addr)
}

// Run parses args (the flags, without the program name), serves until ctx
// ends and returns nil, or returns the error that kept it from serving
// (flag.ErrHelp after -h). The client settings go to stdout, the request
// log to stderr. opts are applied after the options the flags set, so they
// add to them ([daastest.WithRoute]) or override them; an invalid one
// panics, as in [daastest.NewServer].
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, opts ...daastest.Option) error {
	return run(ctx, args, stdout, stderr, ReadHeaderTimeout, opts...)
}

// run is Run with a header timeout of its own in place of
// ReadHeaderTimeout, so that a test of it need not wait ten seconds.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, headerTimeout time.Duration, opts ...daastest.Option) error {
	st, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", st.addr)
	if err != nil {
		return err
	}
	if tcp, ok := l.Addr().(*net.TCPAddr); ok && !st.allowRemote && !tcp.IP.IsLoopback() {
		l.Close()
		return fmt.Errorf("-addr %q: resolved to %v, not a loopback address", st.addr, tcp.IP)
	}

	curve, _ := progressCurve(st.progress)
	flagOpts := []daastest.Option{
		daastest.WithListener(l),
		daastest.WithCatalogs(st.catalogs),
		daastest.WithJobDuration(st.jobDuration),
		daastest.WithProgress(curve),
		daastest.WithTokenLifetime(st.tokenLifetime),
		daastest.WithTimeScale(st.timeScale),
		daastest.WithSeed(st.seed),
		daastest.WithRequestLogLimit(1000),
		daastest.WithHTTPTimeouts(headerTimeout, ReadTimeout, IdleTimeout),
	}
	if st.catalogs > 0 && st.machines > 0 {
		flagOpts = append(flagOpts, daastest.WithMachines(firstCatalog, st.machines))
	}
	if st.catalogs == 0 {
		st.machines = 0
	}
	flagOpts = append(flagOpts, groupSeeds(st.groups, st.machines)...)
	if room := sessionRoom(st.groups, st.machines); !st.sessionsSet {
		st.sessions = min(st.sessions, room)
	}
	if st.sessions > 0 {
		if room := sessionRoom(st.groups, st.machines); st.sessions > room {
			l.Close()
			return fmt.Errorf("-sessions %d: the delivery groups' machines hold %d (single-session)", st.sessions, room)
		}
		flagOpts = append(flagOpts, daastest.WithSessions(st.sessions))
	}
	if st.tls || st.onprem {
		flagOpts = append(flagOpts, daastest.WithTLS())
	}
	if st.onprem {
		flagOpts = append(flagOpts, daastest.WithOnPremises())
	}
	if !st.quiet {
		flagOpts = append(flagOpts, daastest.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))))
	}
	s := daastest.NewServer(append(flagOpts, opts...)...)
	defer s.Close()
	if st.failRate > 0 {
		s.JobsMatching("", daastest.Outcome{
			Status:      "Failed",
			ErrorCode:   "UnknownError",
			ErrorString: "Simulated failure (daas-sim -fail-rate).",
			Rate:        st.failRate,
		})
	}
	if st.rate5xx > 0 {
		s.InjectFault(daastest.Fault{Rate: st.rate5xx, Status: 503})
	}
	if st.rate429 > 0 {
		s.InjectFault(daastest.Fault{Rate: st.rate429, Status: 429, RetryDelay: 1})
	}

	banner := fmt.Sprintf("CITRIX_BASE_URL=%s\nCITRIX_TOKEN_URL=%s\nCITRIX_CUSTOMER_ID=%s\nCITRIX_SITE_ID=%s\nCITRIX_CLIENT_ID=%s\nCITRIX_CLIENT_SECRET=%s\n",
		s.URL, s.TokenURL, s.CustomerID, s.SiteID, s.ClientID, s.ClientSecret)
	if st.onprem {
		// The site comes from GET /me, as on a controller whose site id
		// nobody wrote down; the customer id is CitrixOnPremises.
		banner = fmt.Sprintf("CITRIX_BASE_URL=%s\nCITRIX_ONPREM_USERNAME=%s\nCITRIX_ONPREM_PASSWORD=%s\n", s.URL, s.Username, s.Password)
	}
	if cert := s.Certificate(); cert != nil {
		f, err := os.CreateTemp("", "daas-sim-*.pem")
		if err != nil {
			return err
		}
		defer os.Remove(f.Name())
		err = pem.Encode(f, &pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		banner += "CITRIX_CA_FILE=" + f.Name() + "\n"
	}
	if _, err := io.WriteString(stdout, banner); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}
