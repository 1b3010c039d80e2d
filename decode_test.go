package daas

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ---- decoding ----

func TestDecodeSuccessBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  int
		body    string
		wantErr bool
		want    string
	}{
		{"json", 200, `{"Name":"a"}`, false, "a"},
		{"empty 200", 200, ``, false, "keep"},
		{"204", 204, ``, false, "keep"},
		{"garbage 200", 200, `<html>`, true, "keep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, tt.status, tt.body) })
			c := newTestClient(t, nil, WithBaseURL(srv.URL+"/cvad/manage"))
			out := struct{ Name string }{"keep"}
			_, err := call(t.Context(), c, http.MethodGet, "X", nil, nil, &out)
			if tt.wantErr {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "transaction ")
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.want, out.Name)
		})
	}
}

func TestNewRequestBodyEncoding(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, nil, WithBaseURL(memBase))
	r, err := c.newRequest(http.MethodPost, "X", nil, json.RawMessage(`{"a":1}`))
	require.NoError(t, err)
	assert.Equal(t, `{"a":1}`, string(r.body))
	assert.True(t, r.mayCreate)
	_, err = c.newRequest(http.MethodPost, "X", nil, func() {})
	assert.Error(t, err)
	r, err = c.newRequest(http.MethodGet, "X", url.Values{"async": {"true"}}, nil)
	require.NoError(t, err)
	assert.False(t, r.mayCreate)
	assert.Nil(t, r.body)
}
