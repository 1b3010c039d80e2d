package daas_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
)

// A site the service names in GET /me is checked as WithSiteID checks one:
// it becomes the Citrix-InstanceId header of every site-scoped call. A
// malformed one is refused (and not cached) before any such call, and
// errors that list sites stay one plain line whatever the service sent.

// siteClient is a client of a server that serves GET /me with me and counts the other requests and
// their Citrix-InstanceId.
func siteClient(t *testing.T, me any) (*daas.Client, *atomic.Int32, *atomic.Int32) {
	t.Helper()
	var meHits, other atomic.Int32
	body, err := json.Marshal(me)
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/me") {
			meHits.Add(1)
			_, _ = w.Write(body)
			return
		}
		other.Add(1)
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	c, err := daas.NewClient("cust", daas.WithBaseURL(srv.URL+"/cvad/manage"), daas.WithBearerToken("tok"),
		daas.WithRetryPolicy(daas.RetryPolicy{MaxRetries: 0, MinDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)
	return c, &meHits, &other
}

type meSite struct {
	ID   string `json:"Id"`
	Name string `json:"Name"`
}

func meOf(sites ...meSite) any {
	return map[string]any{"Customers": []any{map[string]any{"Id": "cust", "Sites": sites}}}
}

func TestDiscoveredSiteChecked(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"abc\r\nX-Evil: 1", "abc\ndef", "a\x00b", "\x1b[31mred", " ", "a\tb\x7f"} {
		c, meHits, other := siteClient(t, meOf(meSite{ID: id, Name: "One"}))
		for range 2 {
			_, err := c.SiteID(t.Context())
			require.Error(t, err, "%q", id)
			assert.NotContains(t, err.Error(), "invalid header field value")
			assertOneLine(t, err.Error())
			err = c.Do(t.Context(), http.MethodGet, "Zones", nil, nil)
			require.Error(t, err, "%q", id)
			assert.NotContains(t, err.Error(), "invalid header field value", "%q", id)
			assertOneLine(t, err.Error())
		}
		assert.EqualValues(t, 4, meHits.Load(), "%q: a refused site is not cached", id)
		assert.Zero(t, other.Load(), "%q: a site-scoped call went out without a valid site", id)
	}
}

func TestSiteListEchoIsOneLine(t *testing.T) {
	t.Parallel()
	c, _, other := siteClient(t, meOf(
		meSite{ID: "s1\r\nInjected: yes", Name: "\x1b[2J\x1b[31mRed\nSecond line"},
		meSite{ID: "s2", Name: "Two\u2028Three\x07"},
	))
	_, err := c.SiteID(t.Context())
	require.Error(t, err)
	msg := err.Error()
	assertOneLine(t, msg)
	assert.Contains(t, msg, "s2 (Two")
	assert.Contains(t, msg, "2 sites")
	err = c.Do(context.Background(), http.MethodGet, "Zones", nil, nil)
	require.Error(t, err)
	assertOneLine(t, err.Error())
	assert.Zero(t, other.Load())
}

func TestDiscoveredSitePlainPasses(t *testing.T) {
	t.Parallel()
	c, meHits, other := siteClient(t, meOf(meSite{ID: "  3f2a-site  ", Name: "One"}))
	id, err := c.SiteID(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "3f2a-site", id)
	require.NoError(t, c.Do(t.Context(), http.MethodGet, "Zones", nil, nil))
	require.NoError(t, c.Do(t.Context(), http.MethodGet, "Zones", nil, nil))
	assert.EqualValues(t, 1, meHits.Load(), "cached")
	assert.EqualValues(t, 2, other.Load())
}

// assertOneLine fails when s holds a control character or a line or
// paragraph separator.
func assertOneLine(t *testing.T, s string) {
	t.Helper()
	if i := strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == 0x85 || r == '\u2028' || r == '\u2029' }); i >= 0 {
		t.Errorf("not one plain line (%U at %d): %q", []rune(s[i:])[0], i, s)
	}
}
