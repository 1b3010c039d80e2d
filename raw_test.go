package daas_test

import (
	"encoding/pem"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// zone is the body of the test's own Zones routes.
type zone struct {
	ID   string `json:"Id"`
	Name string `json:"Name"`
}

// zonesFake is a fake with the routes the library has no typed method for:
// GET /Zones/{id}, POST /Zones (sync, or a job when async) and
// DELETE /Zones/{id} (204).
func zonesFake(t *testing.T) *daastest.Server {
	t.Helper()
	s := daastest.NewServer(daastest.WithoutListener(), daastest.WithJobDuration(0))
	t.Cleanup(s.Close)
	s.Handle("GET /Zones/{id}", func(c *daastest.Call) daastest.Reply {
		if c.PathValue("id") != "z1" {
			return daastest.ErrorReply(http.StatusNotFound, "notFound", "Zone not found", "id", c.PathValue("id"))
		}
		return daastest.Reply{Body: zone{ID: "z1", Name: "Paris"}}
	})
	s.Handle("POST /Zones", func(c *daastest.Call) daastest.Reply {
		var in zone
		if err := c.DecodeJSON(&in); err != nil {
			return daastest.ErrorReply(http.StatusBadRequest, "missing", "no body")
		}
		if c.Query.Get("mode") == "job" {
			return daastest.Reply{Job: &daastest.JobSpec{Type: "CreateZone"}}
		}
		return daastest.Reply{Status: http.StatusCreated, Body: zone{ID: "z2", Name: in.Name}}
	})
	s.Handle("DELETE /Zones/{id}", func(c *daastest.Call) daastest.Reply {
		return daastest.Reply{Status: http.StatusNoContent}
	})
	return s
}

func fastPolicy(retries int) daas.RetryPolicy {
	return daas.RetryPolicy{MaxRetries: retries, MinDelay: time.Millisecond, MaxDelay: time.Millisecond}
}

func TestDoReachesAnyEndpoint(t *testing.T) {
	t.Parallel()
	s := zonesFake(t)
	c := s.Client(daas.WithRetryPolicy(fastPolicy(2)))
	ctx := t.Context()

	var got zone
	require.NoError(t, c.Do(ctx, "GET", "Zones/z1", nil, &got))
	assert.Equal(t, zone{ID: "z1", Name: "Paris"}, got)

	var created zone
	require.NoError(t, c.Do(ctx, http.MethodPost, "Zones", zone{Name: "Lyon"}, &created))
	assert.Equal(t, zone{ID: "z2", Name: "Lyon"}, created)

	keep := zone{ID: "kept"}
	require.NoError(t, c.Do(ctx, http.MethodDelete, "Zones/z1", nil, &keep), "a 204 leaves out as it is")
	assert.Equal(t, "kept", keep.ID)
	require.NoError(t, c.Do(ctx, http.MethodGet, "Zones/z1", nil, nil), "nil out discards the body")

	// The same headers, token and site as the typed methods.
	var post daastest.Request
	for _, r := range s.Requests() {
		if r.Route == "POST /Zones" {
			post = r
		}
	}
	assert.Equal(t, s.CustomerID, post.Header.Get("Citrix-CustomerId"))
	assert.Equal(t, s.SiteID, post.Header.Get("Citrix-InstanceId"))
	assert.NotEmpty(t, post.Header.Get("Citrix-TransactionId"))
	assert.True(t, strings.HasPrefix(post.Header.Get("User-Agent"), "daas-go/"))
	assert.JSONEq(t, `{"Id":"","Name":"Lyon"}`, string(post.Body))
	assert.Equal(t, 2, s.Count("GET /Zones/{id}"))
	assert.Equal(t, 1, s.Count("DELETE /Zones/{id}"))
}

func TestDoTypedErrorsAndRetries(t *testing.T) {
	t.Parallel()
	s := zonesFake(t)
	c := s.Client(daas.WithRetryPolicy(fastPolicy(2)))
	ctx := t.Context()

	err := c.Do(ctx, http.MethodGet, "Zones/nope", nil, nil)
	var ae *daas.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusNotFound, ae.StatusCode)
	assert.ErrorIs(t, err, daas.ErrNotFound)

	// A GET is retried on the ordinary rules; a POST that may create is not
	// retried after a 500.
	s.InjectFault(daastest.Fault{Route: "GET /Zones/{id}", Status: http.StatusServiceUnavailable, Count: 2})
	before := s.Count("GET /Zones/{id}")
	var got zone
	require.NoError(t, c.Do(ctx, http.MethodGet, "Zones/z1", nil, &got))
	assert.Equal(t, "Paris", got.Name)
	assert.Equal(t, before+3, s.Count("GET /Zones/{id}"))

	s.InjectFault(daastest.Fault{Route: "POST /Zones", Status: http.StatusInternalServerError, Count: 1})
	err = c.Do(ctx, http.MethodPost, "Zones", zone{Name: "x"}, nil)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusInternalServerError, ae.StatusCode)
	assert.Equal(t, 1, s.Count("POST /Zones"))
}

func TestDoAcceptedPointsToStartJob(t *testing.T) {
	t.Parallel()
	s := zonesFake(t)
	c := s.Client()
	err := c.Do(t.Context(), http.MethodPost, "Zones?mode=job", zone{Name: "x"}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "202")
	assert.Contains(t, err.Error(), "StartJob")
	assert.Equal(t, 1, s.Count("POST /Zones"))

	// Typed: the error names the job the service started, which can be
	// waited for by id.
	assert.ErrorIs(t, err, daas.ErrAccepted)
	var acc *daas.AcceptedError
	require.ErrorAs(t, err, &acc)
	assert.Equal(t, http.MethodPost, acc.Method)
	assert.Equal(t, s.URL+"/Zones", acc.URL, "no query in the URL")
	jobs := s.Jobs()
	require.Len(t, jobs, 1)
	assert.Equal(t, jobs[0].ID, acc.JobID)
	assert.Equal(t, s.URL+"/Jobs/"+jobs[0].ID, acc.Location)
	assert.Contains(t, err.Error(), acc.Location)
	job := daas.ResumeJob[struct{}](c, acc.JobID)
	_, err = job.Wait(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "CreateZone", job.Info().Type)
	assert.NotErrorIs(t, &daas.APIError{StatusCode: http.StatusAccepted}, daas.ErrAccepted)

	// async=true is refused before any request.
	err = c.Do(t.Context(), http.MethodPost, "Zones?async=true", zone{Name: "x"}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "StartJob")
	assert.ErrorIs(t, err, daas.ErrInvalidInput)
	assert.NotErrorIs(t, err, daas.ErrAccepted, "nothing was sent, so no job started")
	assert.Equal(t, 1, s.Count("POST /Zones"))
}

// TestDoAcceptedOddLocation: a 202 whose Location names no job of the
// API's origin is still an *AcceptedError, with the Location (capped) and
// no job id.
func TestDoAcceptedOddLocation(t *testing.T) {
	t.Parallel()
	for name, loc := range map[string]string{
		"none":           "",
		"other origin":   "https://elsewhere.example.com/cvad/manage/Jobs/j1",
		"relative":       "/cvad/manage/Jobs/j1",
		"very long":      "https://elsewhere.example.com/" + strings.Repeat("a", 500),
		"no job segment": "https://elsewhere.example.com/",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := daastest.NewServer(daastest.WithoutListener())
			t.Cleanup(s.Close)
			s.Handle("POST /Zones/{id}/$ping", func(*daastest.Call) daastest.Reply {
				return daastest.Reply{Status: http.StatusAccepted, Header: http.Header{"Location": {loc}}}
			})
			err := s.Client().Do(t.Context(), http.MethodPost, "Zones/z1/$ping", nil, nil)
			var acc *daas.AcceptedError
			require.ErrorAs(t, err, &acc)
			assert.ErrorIs(t, err, daas.ErrAccepted)
			assert.Empty(t, acc.JobID)
			assert.LessOrEqual(t, len(acc.Location), 203)
			assert.True(t, strings.HasPrefix(loc, strings.TrimSuffix(acc.Location, "...")))
		})
	}
}

func TestDoRejectsBadInputBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	s := zonesFake(t)
	c := s.Client()
	var z zone
	for name, call := range map[string]func() error{
		"unsupported method":  func() error { return c.Do(t.Context(), "TRACE", "Zones/z1", nil, nil) },
		"absolute URL":        func() error { return c.Do(t.Context(), http.MethodGet, "https://evil.example.com/x", nil, nil) },
		"scheme-relative URL": func() error { return c.Do(t.Context(), http.MethodGet, "//evil.example.com/x", nil, nil) },
		"empty path":          func() error { return c.Do(t.Context(), http.MethodGet, " ", nil, nil) },
		"out not a pointer":   func() error { return c.Do(t.Context(), http.MethodGet, "Zones/z1", nil, z) },
		"nil pointer out":     func() error { return c.Do(t.Context(), http.MethodGet, "Zones/z1", nil, (*zone)(nil)) },
		"body not JSON":       func() error { return c.Do(t.Context(), http.MethodPost, "Zones", make(chan int), nil) },
		"malformed query":     func() error { return c.Do(t.Context(), http.MethodGet, "Zones?a=%zz", nil, nil) },
	} {
		assert.Error(t, call(), name)
	}
	assert.Zero(t, s.Stats().Requests, "no request was sent")
}

func TestSiteID(t *testing.T) {
	t.Parallel()
	s := daastest.NewServer(daastest.WithoutListener())
	t.Cleanup(s.Close)

	configured := s.Client(daas.WithSiteID("configured-site"))
	id, err := configured.SiteID(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "configured-site", id)
	assert.Zero(t, s.Count("GET /me"), "the configured site needs no request")

	// Without WithSiteID: discovered once through GET /me.
	c, err := daas.NewClient(s.CustomerID, daas.WithBaseURL(s.URL), daas.WithTokenURL(s.TokenURL),
		daas.WithHTTPClient(s.HTTPClient()), daas.WithClientCredentials(s.ClientID, s.ClientSecret))
	require.NoError(t, err)
	for range 3 {
		id, err = c.SiteID(t.Context())
		require.NoError(t, err)
		assert.Equal(t, s.SiteID, id)
	}
	assert.Equal(t, 1, s.Count("GET /me"))
	var got zone
	err = c.Do(t.Context(), http.MethodGet, "Zones/z1", nil, &got)
	var ae *daas.APIError
	require.ErrorAs(t, err, &ae, "no such route in this fake")
	assert.Equal(t, 1, s.Count("GET /me"), "Do uses the discovered site")

	// Several sites and no WithSiteID: an error that lists them.
	multi := daastest.NewServer(daastest.WithoutListener(), daastest.WithSites("s-a", "s-b"))
	t.Cleanup(multi.Close)
	mc, err := daas.NewClient(multi.CustomerID, daas.WithBaseURL(multi.URL), daas.WithTokenURL(multi.TokenURL),
		daas.WithHTTPClient(multi.HTTPClient()), daas.WithClientCredentials(multi.ClientID, multi.ClientSecret))
	require.NoError(t, err)
	_, err = mc.SiteID(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "s-a")
	assert.Contains(t, err.Error(), "s-b")
}

// setFakeEnv sets the variables the simulator prints for s.
func setFakeEnv(t *testing.T, s *daastest.Server) {
	t.Helper()
	for _, name := range []string{daas.EnvCustomerID, daas.EnvClientID, daas.EnvClientSecret, daas.EnvBearerToken,
		daas.EnvSiteID, daas.EnvRegion, daas.EnvBaseURL, daas.EnvTokenURL, daas.EnvCAFile} {
		t.Setenv(name, "")
	}
	t.Setenv(daas.EnvCustomerID, s.CustomerID)
	t.Setenv(daas.EnvClientID, s.ClientID)
	t.Setenv(daas.EnvClientSecret, s.ClientSecret)
	t.Setenv(daas.EnvSiteID, s.SiteID)
	t.Setenv(daas.EnvBaseURL, s.URL)
	t.Setenv(daas.EnvTokenURL, s.TokenURL)
}

// Not parallel: t.Setenv.
func TestNewClientFromEnv(t *testing.T) {
	s := daastest.NewServer(daastest.WithCatalogs(2))
	t.Cleanup(s.Close)
	setFakeEnv(t, s)

	c, err := daas.NewClientFromEnv()
	require.NoError(t, err)
	assert.Equal(t, s.CustomerID, c.CustomerID())
	assert.Equal(t, s.URL, c.BaseURL())
	page, err := c.MachineCatalogs.List(t.Context())
	require.NoError(t, err)
	assert.Len(t, page.Items, 2)
	id, err := c.SiteID(t.Context())
	require.NoError(t, err)
	assert.Equal(t, s.SiteID, id)
	assert.Zero(t, s.Count("GET /me"), "CITRIX_SITE_ID is used")

	// Options after the environment win: another site, another credential.
	c, err = daas.NewClientFromEnv(daas.WithSiteID("other"), daas.WithBearerToken("tok-from-opts-0123"))
	require.NoError(t, err)
	id, err = c.SiteID(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "other", id)
	err = c.Do(t.Context(), http.MethodGet, "MachineCatalogs", nil, nil)
	assert.ErrorIs(t, err, daas.ErrUnauthorized, "the bearer token of opts, not the environment's credentials")

	// A bearer token instead of client credentials.
	tok := s.IssueToken()
	t.Setenv(daas.EnvClientID, "")
	t.Setenv(daas.EnvClientSecret, "")
	t.Setenv(daas.EnvBearerToken, tok)
	c, err = daas.NewClientFromEnv()
	require.NoError(t, err)
	_, err = c.MachineCatalogs.List(t.Context())
	require.NoError(t, err)
}

// Not parallel: t.Setenv.
func TestNewClientFromEnvTLS(t *testing.T) {
	s := daastest.NewServer(daastest.WithTLS())
	t.Cleanup(s.Close)
	setFakeEnv(t, s)

	_, err := daas.NewClientFromEnv()
	require.NoError(t, err)
	c, _ := daas.NewClientFromEnv()
	_, err = c.MachineCatalogs.List(t.Context())
	require.Error(t, err, "the fake's certificate is not trusted without CITRIX_CA_FILE")

	pemFile := t.TempDir() + "/ca.pem"
	require.NoError(t, writePEM(pemFile, s.Certificate().Raw))
	t.Setenv(daas.EnvCAFile, pemFile)
	c, err = daas.NewClientFromEnv()
	require.NoError(t, err)
	_, err = c.MachineCatalogs.List(t.Context())
	require.NoError(t, err)

	t.Setenv(daas.EnvCAFile, t.TempDir()+"/missing.pem")
	_, err = daas.NewClientFromEnv()
	require.Error(t, err)
	assert.Contains(t, err.Error(), daas.EnvCAFile)
}

// Not parallel: t.Setenv.
func TestNewClientFromEnvErrorsNameTheVariable(t *testing.T) {
	s := daastest.NewServer(daastest.WithoutListener())
	t.Cleanup(s.Close)
	for _, tt := range []struct {
		name   string
		set    map[string]string
		wantIs error
		want   string
	}{
		{"no customer id", map[string]string{daas.EnvCustomerID: ""}, nil, daas.EnvCustomerID},
		{"no credentials", map[string]string{daas.EnvClientID: "", daas.EnvClientSecret: ""}, daas.ErrNoCredentials, daas.EnvClientID},
		{"client id alone", map[string]string{daas.EnvClientSecret: ""}, daas.ErrNoCredentials, daas.EnvClientSecret},
		{"secret alone", map[string]string{daas.EnvClientID: ""}, daas.ErrNoCredentials, daas.EnvClientID},
		{"token and credentials", map[string]string{daas.EnvBearerToken: "tok-0123456789"}, daas.ErrNoCredentials, daas.EnvBearerToken},
		{"unknown region", map[string]string{daas.EnvRegion: "mars"}, nil, daas.EnvRegion},
		{"malformed base URL", map[string]string{daas.EnvBaseURL: "ftp://x/cvad/manage"}, nil, daas.EnvBaseURL},
		{"malformed site id", map[string]string{daas.EnvSiteID: "a\nb"}, nil, daas.EnvSiteID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			setFakeEnv(t, s)
			for k, v := range tt.set {
				t.Setenv(k, v)
			}
			c, err := daas.NewClientFromEnv()
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.want)
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			}
			assert.NotContains(t, err.Error(), s.ClientSecret)
		})
	}
}

// Not parallel: t.Setenv. The region of the environment decides the hosts.
func TestNewClientFromEnvRegion(t *testing.T) {
	for _, name := range []string{daas.EnvBaseURL, daas.EnvTokenURL, daas.EnvSiteID, daas.EnvCAFile, daas.EnvBearerToken} {
		t.Setenv(name, "")
	}
	t.Setenv(daas.EnvCustomerID, "cust1")
	t.Setenv(daas.EnvClientID, "id")
	t.Setenv(daas.EnvClientSecret, "secret-0123456789")
	t.Setenv(daas.EnvRegion, "jp")
	c, err := daas.NewClientFromEnv()
	require.NoError(t, err)
	assert.Equal(t, "https://api.citrixcloud.jp/cvad/manage", c.BaseURL())
}

// writePEM writes a DER certificate as a PEM file.
func writePEM(file string, der []byte) error {
	return os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
}
