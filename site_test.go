package daas

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ---- site discovery ----

const meBody = `{"UserId":"u-1","DisplayName":null,"ExpiryTime":"5:19:11 AM","RefreshExpirationTime":"5:19:11 AM",
"VerifiedEmail":null,"IsCspCustomer":false,
"Customers":[{"Id":"cust1","Name":null,"Sites":[{"Id":"site-found","Name":"cloudxdsite"}]}]}`

func TestSiteDiscovery(t *testing.T) {
	t.Parallel()
	var meCalls, apiCalls atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cvad/manage/me" {
			meCalls.Add(1)
			if v := r.Header.Values("Citrix-InstanceId"); len(v) != 0 {
				t.Errorf("GET /me carries Citrix-InstanceId %q", v)
			}
			assert.Equal(t, testCustomer, r.Header.Get("Citrix-CustomerId"))
			assert.Equal(t, "CWSAuth bearer="+testToken, r.Header.Get("Authorization"))
			writeJSON(w, 200, meBody)
			return
		}
		apiCalls.Add(1)
		if got := r.Header.Get("Citrix-InstanceId"); got != "site-found" {
			t.Errorf("Citrix-InstanceId = %q", got)
		}
		writeJSON(w, 200, `{}`)
	})
	c := newTestClient(t, nil,
		withoutSite(), WithBaseURL(srv.URL+"/cvad/manage"), WithBearerToken(testToken),
		WithRetryPolicy(fastRetry(1)))
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, int32(1), meCalls.Load())
	assert.Equal(t, int32(21), apiCalls.Load())
}

// TestSiteDiscoverySharedInFlight proves the 20 callers really wait on the
// one /me request: inside a synctest bubble, /me answers only once every
// caller is blocked.
func TestSiteDiscoverySharedInFlight(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var meCalls, apiCalls atomic.Int32
		release := make(chan struct{})
		h := func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/cvad/manage/me" {
				meCalls.Add(1)
				<-release
				writeJSON(w, 200, meBody)
				return
			}
			apiCalls.Add(1)
			assert.Equal(t, "site-found", r.Header.Get("Citrix-InstanceId"))
			writeJSON(w, 200, `{}`)
		}
		c := newTestClient(t, h, withoutSite(), WithRetryPolicy(DefaultRetryPolicy()))
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				_, err := call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
				assert.NoError(t, err)
			})
		}
		synctest.Wait() // every caller is blocked: one in /me, the others waiting for it
		assert.Equal(t, int32(1), meCalls.Load())
		assert.Zero(t, apiCalls.Load())
		close(release)
		wg.Wait()
		assert.Equal(t, int32(1), meCalls.Load())
		assert.Equal(t, int32(20), apiCalls.Load())
	})
}

func TestSiteDiscoveryErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     string
		wantSite string
		wantErr  []string
	}{
		{"several sites", `{"Customers":[{"Id":"cust1","Sites":[{"Id":"s-a","Name":"Alpha"},{"Id":"s-b","Name":"Beta"}]}]}`,
			"", []string{"2 sites", "s-a (Alpha)", "s-b (Beta)", "WithSiteID"}},
		{"zero sites", `{"Customers":[{"Id":"cust1","Sites":[]}]}`, "", []string{"no site", testCustomer, "WithSiteID"}},
		{"no customers", `{"UserId":"u","Customers":[]}`, "", []string{"no site", "WithSiteID"}},
		{"site without id", `{"Customers":[{"Id":"cust1","Sites":[{"Name":"x"}]}]}`, "", []string{"without an id"}},
		{"picks the customer's own entry", `{"Customers":[{"Id":"other","Sites":[{"Id":"s-other"}]},{"Id":"CUST1","Sites":[{"Id":"s-mine"}]}]}`, "s-mine", nil},
		{"single foreign customer entry", `{"Customers":[{"Id":"alias","Name":null,"Sites":[{"Id":"s-1","Name":"x"}]}]}`, "s-1", nil},
		{"odd fields", meBody, "site-found", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var instance atomic.Value
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/cvad/manage/me" {
					writeJSON(w, 200, tt.body)
					return
				}
				instance.Store(r.Header.Get("Citrix-InstanceId"))
				writeJSON(w, 200, `{}`)
			})
			c := newTestClient(t, nil,
				withoutSite(), WithRetryPolicy(DefaultRetryPolicy()), WithBaseURL(srv.URL+"/cvad/manage"),
				WithBearerToken(testToken))
			_, err := call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
			if tt.wantSite != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.wantSite, instance.Load())
				return
			}
			require.Error(t, err)
			for _, s := range tt.wantErr {
				assert.Contains(t, err.Error(), s)
			}
			assert.Nil(t, instance.Load(), "the call went out without a site")
		})
	}
}

func TestSiteDiscoveryFailureNotCached(t *testing.T) {
	t.Parallel()
	var meCalls atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cvad/manage/me" {
			if meCalls.Add(1) == 1 {
				writeJSON(w, 500, `{"message":"Internal server error"}`)
				return
			}
			writeJSON(w, 200, meBody)
			return
		}
		writeJSON(w, 200, `{}`)
	})
	c := newTestClient(t, nil,
		withoutSite(), WithBaseURL(srv.URL+"/cvad/manage"), WithBearerToken(testToken),
		WithRetryPolicy(fastRetry(2)))
	_, err := call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 500, ae.StatusCode)
	assert.Contains(t, err.Error(), "site")
	for range 2 {
		_, err = call(t.Context(), c, http.MethodGet, "MachineCatalogs", nil, nil, nil)
		require.NoError(t, err)
	}
	assert.Equal(t, int32(2), meCalls.Load())
}
