package daassim

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/daaskit/daas/daastest"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs the simulator with args until the test ends and returns the
// settings it printed.
func start(t *testing.T, args ...string) (env map[string]string, stderr *syncBuffer, stop func() error) {
	t.Helper()
	return startWith(t, nil, args...)
}

// startWith is start with daastest options for Run.
func startWith(t *testing.T, opts []daastest.Option, args ...string) (env map[string]string, stderr *syncBuffer, stop func() error) {
	t.Helper()
	return startRun(t, Run, opts, args...)
}

// runFunc is the signature of Run.
type runFunc func(ctx context.Context, args []string, stdout, stderr io.Writer, opts ...daastest.Option) error

// startRun is startWith running run in place of Run.
func startRun(t *testing.T, run runFunc, opts []daastest.Option, args ...string) (env map[string]string, stderr *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	stderr = &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw, stderr, opts...)
		pw.CloseWithError(errors.New("run returned"))
		done <- err
	}()
	lines := 6
	if slices.Contains(args, "-onprem") {
		lines = 3 + 1 // base URL, username, password; CITRIX_CA_FILE
	} else if slices.Contains(args, "-tls") {
		lines++ // CITRIX_CA_FILE
	}
	env = map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(env) < lines && sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			t.Fatalf("banner line %q is not KEY=value", sc.Text())
		}
		env[k] = v
	}
	if len(env) < lines {
		cancel()
		t.Fatalf("banner incomplete (%v): %v; stderr: %s", env, <-done, stderr)
	}
	go io.Copy(io.Discard, pr) // anything after the banner
	stop = sync.OnceValue(func() error {
		cancel()
		return <-done
	})
	t.Cleanup(func() { stop() })
	return env, stderr, stop
}

func token(t *testing.T, hc *http.Client, env map[string]string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {env["CITRIX_CLIENT_ID"]}, "client_secret": {env["CITRIX_CLIENT_SECRET"]}}
	resp, err := hc.Post(env["CITRIX_TOKEN_URL"], "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   string `json:"expires_in"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("token: %d %v %+v", resp.StatusCode, err, tok)
	}
	return tok.AccessToken
}

// apiRequest is a request to the simulator's API with the headers the
// service wants.
func apiRequest(method, url, tok string, env map[string]string) *http.Request {
	req, _ := http.NewRequest(method, url, nil)
	req.Header.Set("Authorization", "CWSAuth bearer="+tok)
	req.Header.Set("Citrix-CustomerId", env["CITRIX_CUSTOMER_ID"])
	req.Header.Set("Citrix-InstanceId", env["CITRIX_SITE_ID"])
	req.Header.Set("Accept", "application/json")
	return req
}

// getter returns a function that GETs a path of the simulator's API, which
// must answer 200, and decodes the body into v.
func getter(t *testing.T, env map[string]string) func(path string, v any) {
	hc := &http.Client{}
	tok := token(t, hc, env)
	return func(path string, v any) {
		t.Helper()
		resp, err := hc.Do(apiRequest("GET", env["CITRIX_BASE_URL"]+path, tok, env))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	env, stderr, stop := start(t, "-addr", "127.0.0.1:0", "-catalogs", "3", "-job-duration", "0s")
	for _, k := range []string{"CITRIX_BASE_URL", "CITRIX_TOKEN_URL", "CITRIX_CUSTOMER_ID", "CITRIX_SITE_ID", "CITRIX_CLIENT_ID", "CITRIX_CLIENT_SECRET"} {
		if env[k] == "" {
			t.Errorf("%s missing from the banner", k)
		}
	}
	if !strings.HasPrefix(env["CITRIX_BASE_URL"], "http://127.0.0.1:") || !strings.HasSuffix(env["CITRIX_BASE_URL"], "/cvad/manage") {
		t.Errorf("CITRIX_BASE_URL = %q", env["CITRIX_BASE_URL"])
	}

	hc := &http.Client{}
	tok := token(t, hc, env)
	req := apiRequest("GET", env["CITRIX_BASE_URL"]+"/MachineCatalogs?async=true", tok, env)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 || !strings.HasPrefix(resp.Header.Get("Location"), env["CITRIX_BASE_URL"]+"/Jobs/") {
		t.Fatalf("async list: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	req.URL, _ = url.Parse(resp.Header.Get("Location") + "/Results")
	resp, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Items []json.RawMessage }
	json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(page.Items) != 3 {
		t.Errorf("results: %d with %d items", resp.StatusCode, len(page.Items))
	}

	if err := stop(); err != nil {
		t.Errorf("run returned %v after the context ended", err)
	}
	log := stderr.String()
	for _, want := range []string{"method=POST", "method=GET", "status=202", `route="GET /Jobs/{id}/Results"`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
	for _, secret := range []string{tok, env["CITRIX_CLIENT_SECRET"]} {
		if strings.Contains(log, secret) {
			t.Errorf("log shows a secret:\n%s", log)
		}
	}
}

func TestRunTLS(t *testing.T) {
	t.Parallel()
	env, _, stop := start(t, "-addr", "127.0.0.1:0", "-tls", "-quiet")
	if !strings.HasPrefix(env["CITRIX_BASE_URL"], "https://") {
		t.Errorf("CITRIX_BASE_URL = %q", env["CITRIX_BASE_URL"])
	}
	caFile := env["CITRIX_CA_FILE"]
	pemBytes, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("CA file %s holds no certificate", caFile)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	token(t, hc, env)
	if err := stop(); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(caFile); !os.IsNotExist(err) {
		t.Errorf("CA file left behind: %v", err)
	}
}

// -onprem: a Delivery Controller over HTTPS whose banner is the base URL,
// the administrator's credentials and the CA file; the token comes from
// POST /cvad/manage/Tokens with Basic authentication, the site from GET /me,
// and the log never shows the password.
func TestRunOnPremises(t *testing.T) {
	t.Parallel()
	env, stderr, stop := start(t, "-addr", "127.0.0.1:0", "-onprem")
	want := []string{"CITRIX_BASE_URL", "CITRIX_ONPREM_USERNAME", "CITRIX_ONPREM_PASSWORD", "CITRIX_CA_FILE"}
	if len(env) != len(want) {
		t.Errorf("banner %v, want exactly %v", env, want)
	}
	if !strings.HasPrefix(env["CITRIX_BASE_URL"], "https://127.0.0.1:") || !strings.HasSuffix(env["CITRIX_BASE_URL"], "/cvad/manage") {
		t.Errorf("CITRIX_BASE_URL = %q", env["CITRIX_BASE_URL"])
	}
	pemBytes, err := os.ReadFile(env["CITRIX_CA_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("CA file holds no certificate")
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req, _ := http.NewRequest(http.MethodPost, env["CITRIX_BASE_URL"]+"/Tokens", nil)
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(env["CITRIX_ONPREM_USERNAME"], env["CITRIX_ONPREM_PASSWORD"])
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct{ Token, CustomerID, ExpiresAt string }
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || tok.Token == "" || tok.CustomerID != daastest.OnPremisesCustomerID {
		t.Fatalf("token: %d %v %+v", resp.StatusCode, err, tok)
	}
	me, _ := http.NewRequest(http.MethodGet, env["CITRIX_BASE_URL"]+"/me", nil)
	me.Header.Set("Authorization", "CWSAuth bearer="+tok.Token)
	me.Header.Set("Citrix-CustomerId", daastest.OnPremisesCustomerID)
	me.Header.Set("Accept", "application/json")
	resp, err = hc.Do(me)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /me: %d", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
	if log := stderr.String(); !strings.Contains(log, "/cvad/manage/Tokens") || strings.Contains(log, env["CITRIX_ONPREM_PASSWORD"]) {
		t.Errorf("log lacks the token request or shows the password:\n%s", log)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-addr", "0.0.0.0:0"},
		{"-addr", ":8787"},
		{"-addr", "192.0.2.1:80"},
		{"-addr", "nonsense"},
		{"-progress", "zigzag"},
		{"-fail-rate", "2"},
		{"-5xx-rate", "-0.1"},
		{"-time-scale", "0"},
		{"-token-lifetime", "0s"},
		{"-catalogs", "-1"},
		{"-groups", "-1"},
		{"-sessions", "-1"},
		{"-sessions", "4"}, // the group's 3 single-session machines hold 3
		{"-job-duration", "-1s"},
		{"extra"},
		{"-no-such-flag"},
	} {
		var stderr bytes.Buffer
		if err := Run(t.Context(), args, io.Discard, &stderr); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
	if err := Run(t.Context(), []string{"-h"}, io.Discard, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	if err := checkLoopback("localhost:1"); err != nil {
		t.Errorf("localhost refused: %v", err)
	}
	if err := checkLoopback("[::1]:1"); err != nil {
		t.Errorf("::1 refused: %v", err)
	}
}

// TestRunWithRoute serves a route added through Run's options over TCP,
// as a job, next to the flags' settings.
func TestRunWithRoute(t *testing.T) {
	t.Parallel()
	zones := daastest.WithRoute("POST /Zones", func(c *daastest.Call) daastest.Reply {
		return daastest.Reply{Job: &daastest.JobSpec{Type: "CreateZone", Result: map[string]string{"Name": "Paris"}}}
	})
	env, stderr, stop := startWith(t, []daastest.Option{zones}, "-addr", "127.0.0.1:0", "-job-duration", "0s")
	hc := &http.Client{}
	tok := token(t, hc, env)
	req := apiRequest("POST", env["CITRIX_BASE_URL"]+"/Zones?async=true", tok, env)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 {
		t.Fatalf("POST /Zones?async=true: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest("GET", resp.Header.Get("Location")+"/Results", nil)
	req.Header = resp.Request.Header
	resp, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"Name":"Paris"}` {
		t.Errorf("results: %d %s", resp.StatusCode, body)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
	if log := stderr.String(); !strings.Contains(log, `route="POST /Zones"`) {
		t.Errorf("log lacks the registered route:\n%s", log)
	}
}

// TestRunGroups seeds delivery groups with -groups: they share half of the
// -machines machines, evenly, and the rest stay free.
func TestRunGroups(t *testing.T) {
	t.Parallel()
	env, _, _ := start(t, "-addr", "127.0.0.1:0", "-quiet", "-catalogs", "1", "-machines", "7", "-groups", "2")
	get := getter(t, env)
	var groups struct {
		Items []struct {
			Name          string
			TotalDesktops int
		}
	}
	get("/DeliveryGroups", &groups)
	var got []string
	for _, g := range groups.Items {
		got = append(got, g.Name+"="+strconv.Itoa(g.TotalDesktops))
	}
	if want := []string{"Desktops-001=2", "Desktops-002=1"}; !slices.Equal(got, want) {
		t.Errorf("groups = %v, want %v", got, want)
	}
	var detail struct{ TotalMachines int }
	get("/DeliveryGroups/Desktops-001", &detail)
	if detail.TotalMachines != 2 {
		t.Errorf("Desktops-001 has %d machines, want 2", detail.TotalMachines)
	}
	var machines struct {
		Items []struct{ DeliveryGroup *struct{ Name string } }
	}
	get("/Machines", &machines)
	free := 0
	for _, m := range machines.Items {
		if m.DeliveryGroup == nil {
			free++
		}
	}
	// The catalog's 9 seeded machines and the 7 added; 3 of those shared.
	if len(machines.Items) != 16 || free != 13 {
		t.Errorf("%d machines in no group of %d, want 13 of 16", free, len(machines.Items))
	}
}

// TestGroupSeeds: more groups than shared machines leaves the last ones
// empty; no machines, all of them.
func TestGroupSeeds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		groups, machines int
		want             string
	}{
		{3, 4, "Desktops-001=1 Desktops-002=1 Desktops-003=0"},
		{2, 0, "Desktops-001=0 Desktops-002=0"},
		{0, 6, ""},
	} {
		s := daastest.NewServer(append([]daastest.Option{daastest.WithoutListener(), daastest.WithCatalogs(1),
			daastest.WithMachines(firstCatalog, tc.machines)}, groupSeeds(tc.groups, tc.machines)...)...)
		var got []string
		for _, g := range s.DeliveryGroups() {
			n := 0
			for _, m := range s.Machines() {
				if m.DeliveryGroup == g.ID {
					n++
				}
			}
			got = append(got, g.Name+"="+strconv.Itoa(n))
		}
		s.Close()
		if strings.Join(got, " ") != tc.want {
			t.Errorf("groupSeeds(%d, %d) = %v, want %s", tc.groups, tc.machines, got, tc.want)
		}
	}
}
