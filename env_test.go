package daas_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// allEnv are the variables NewClientFromEnv reads.
var allEnv = []string{daas.EnvCustomerID, daas.EnvClientID, daas.EnvClientSecret, daas.EnvBearerToken,
	daas.EnvSiteID, daas.EnvRegion, daas.EnvBaseURL, daas.EnvTokenURL, daas.EnvCAFile,
	daas.EnvOnPremUsername, daas.EnvOnPremPassword}

// setOnPremEnv sets what daas-sim -onprem prints for s, and nothing else.
func setOnPremEnv(t *testing.T, s *daastest.Server) {
	t.Helper()
	for _, name := range allEnv {
		t.Setenv(name, "")
	}
	pemFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, writePEM(pemFile, s.Certificate().Raw))
	t.Setenv(daas.EnvBaseURL, s.URL)
	t.Setenv(daas.EnvOnPremUsername, s.Username)
	t.Setenv(daas.EnvOnPremPassword, s.Password)
	t.Setenv(daas.EnvCAFile, pemFile)
}

// Not parallel: t.Setenv. On-premises credentials, a base URL and the
// controller's certificate are all a client needs: the customer id is
// CitrixOnPremises, the site comes from GET /me.
func TestNewClientFromEnvOnPremises(t *testing.T) {
	s := daastest.NewServer(daastest.WithOnPremises(), daastest.WithCatalogs(2))
	t.Cleanup(s.Close)
	setOnPremEnv(t, s)
	c, err := daas.NewClientFromEnv()
	require.NoError(t, err)
	assert.Equal(t, daas.OnPremisesCustomerID, c.CustomerID())
	page, err := c.MachineCatalogs.List(t.Context())
	require.NoError(t, err)
	assert.Len(t, page.Items, 2)
	assert.Equal(t, 1, s.Count("GET /me"))
	assert.Equal(t, 1, s.Count("POST /Tokens"))
}

// Not parallel: t.Setenv.
func TestNewClientFromEnvOnPremisesErrors(t *testing.T) {
	s := daastest.NewServer(daastest.WithOnPremises())
	t.Cleanup(s.Close)
	for _, tt := range []struct {
		name   string
		set    map[string]string
		wantIs error
		want   []string
	}{
		{"password alone", map[string]string{daas.EnvOnPremUsername: ""}, daas.ErrNoCredentials, []string{daas.EnvOnPremUsername}},
		{"username alone", map[string]string{daas.EnvOnPremPassword: ""}, daas.ErrNoCredentials, []string{daas.EnvOnPremPassword}},
		{"and client credentials", map[string]string{daas.EnvClientID: "id", daas.EnvClientSecret: "sec"}, daas.ErrNoCredentials, []string{daas.EnvOnPremUsername, daas.EnvClientID}},
		{"and a bearer token", map[string]string{daas.EnvBearerToken: "tok"}, daas.ErrNoCredentials, []string{daas.EnvBearerToken}},
		{"no base URL", map[string]string{daas.EnvBaseURL: ""}, nil, []string{daas.EnvBaseURL}},
		{"a token URL", map[string]string{daas.EnvTokenURL: "https://elsewhere.example.com/t"}, nil, []string{daas.EnvTokenURL}},
		{"http base URL", map[string]string{daas.EnvBaseURL: "http://ddc.example.com/cvad/manage"}, daas.ErrInvalidInput, []string{daas.EnvBaseURL, "http://ddc.example.com/cvad/manage"}},
		{"malformed username", map[string]string{daas.EnvOnPremUsername: "a:b"}, daas.ErrInvalidInput, []string{daas.EnvOnPremUsername}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			setOnPremEnv(t, s)
			for k, v := range tt.set {
				t.Setenv(k, v)
			}
			c, err := daas.NewClientFromEnv()
			require.Error(t, err)
			assert.Nil(t, c)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			}
			assert.NotContains(t, err.Error(), s.Password)
		})
	}
}

// Not parallel: t.Setenv. A refused endpoint URL is echoed by scheme, host
// and path only: never its query, fragment or user information, which may
// hold a secret. Every URL the client checks: the options and the
// variables, base and token URLs.
func TestRefusedURLEchoedWithoutSecrets(t *testing.T) {
	s := daastest.NewServer(daastest.WithoutListener())
	t.Cleanup(s.Close)
	bad := []struct{ url, echo string }{
		{"https://h.example.com/tok?client_secret=X0X0", "https://h.example.com/tok"},
		{"https://h.example.com/cvad/manage?client_secret=X0X0", "https://h.example.com/cvad/manage"},
		{"https://h.example.com/cvad/manage#X0X0", "https://h.example.com/cvad/manage"},
		{"https://user:X0X0@h.example.com/cvad/manage", "https://h.example.com/cvad/manage"},
		{"https://X0X0@h.example.com/cvad/manage", "https://h.example.com/cvad/manage"},
		{"http://h.example.com/cvad/manage?k=X0X0", "http://h.example.com/cvad/manage"},
	}
	check := func(t *testing.T, err error, echo string) {
		t.Helper()
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "X0X0")
		assert.NotContains(t, err.Error(), "user")
		assert.Contains(t, err.Error(), `"`+echo+`"`)
		assert.ErrorIs(t, err, daas.ErrInvalidInput)
	}
	for _, b := range bad {
		_, err := daas.NewClient("c", daas.WithBearerToken("t"), daas.WithBaseURL(b.url))
		check(t, err, b.echo)
		_, err = daas.NewClient("c", daas.WithClientCredentials("id", "sec"), daas.WithTokenURL(b.url))
		check(t, err, b.echo)
		for _, name := range []string{daas.EnvBaseURL, daas.EnvTokenURL} {
			setFakeEnv(t, s)
			t.Setenv(name, b.url)
			_, err = daas.NewClientFromEnv()
			check(t, err, b.echo)
			assert.Contains(t, err.Error(), name)
		}
	}
}

// Not parallel: t.Setenv. CITRIX_CA_FILE is read only when it is a regular
// file of at most 1 MiB: a device that never ends (/dev/zero), a FIFO that
// blocks the open, a directory and a larger file are refused, saying why.
func TestCAFileBounded(t *testing.T) {
	s := daastest.NewServer(daastest.WithoutListener())
	t.Cleanup(s.Close)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	big := filepath.Join(dir, "big.pem")
	require.NoError(t, os.WriteFile(big, []byte(strings.Repeat("#", 1<<20+1)), 0o600))
	for _, tt := range []struct{ file, want string }{
		{"/dev/zero", "not a regular file"},
		{fifo, "not a regular file"},
		{dir, "not a regular file"},
		{big, "larger than 1 MiB"},
	} {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			setFakeEnv(t, s)
			t.Setenv(daas.EnvCAFile, tt.file)
			done := make(chan error, 1)
			go func() { _, err := daas.NewClientFromEnv(); done <- err }()
			select {
			case err := <-done:
				require.Error(t, err)
				assert.Contains(t, err.Error(), daas.EnvCAFile)
				assert.Contains(t, err.Error(), tt.want)
			case <-time.After(10 * time.Second):
				t.Fatal("reading the CA file did not end")
			}
		})
	}
}
