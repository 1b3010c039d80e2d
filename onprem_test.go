package daas

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The controller's answer: ExpiresAt in the forms a controller may write,
// the lifetime taken from the controller's own clock (Date), and every
// malformed answer an *AuthError that echoes no token.
func TestParseOnPremToken(t *testing.T) {
	sent := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	date := sent.Add(-2 * time.Hour).Format(http.TimeFormat) // the controller's clock is 2 h behind
	for _, at := range []string{"2026-01-02T02:00:00Z", "2026-01-02T02:00:00.1234567Z", "2026-01-02T03:00:00+01:00",
		"2026-01-02T02:00:00.0000000", "2026-01-02 02:00:00", "1/2/2026 2:00:00 AM"} {
		tok, err := parseOnPremToken(200, []byte(`{"Token":"tk","Principal":"p","UserId":"u","CustomerId":"CitrixOnPremises","ExpiresAt":"`+at+`"}`), "tx", date, sent)
		require.NoError(t, err, at)
		assert.Equal(t, "tk", tok.Value, at)
		assert.WithinDuration(t, sent.Add(time.Hour), tok.Expiry, time.Second, at)
	}
	tok, err := parseOnPremToken(200, []byte(`{"Token":"tk","ExpiresAt":"2026-01-02T04:00:00Z"}`), "", "", sent)
	require.NoError(t, err)
	assert.Equal(t, sent.Add(time.Hour), tok.Expiry, "without Date: from the time sent")

	for body, want := range map[string]string{
		`{"ExpiresAt":"2026-01-02T04:00:00Z"}`:                     "no Token",
		`{"Token":"a b\u0000","ExpiresAt":"2026-01-02T04:00:00Z"}`: "malformed Token",
		`{"Token":"tk"}`:                                    "missing or invalid ExpiresAt",
		`{"Token":"tk","ExpiresAt":"soon"}`:                 "missing or invalid ExpiresAt",
		`{"Token":"tk","ExpiresAt":"2026-01-02T02:00:00Z"}`: "in the past",
		`not json`: "not valid JSON",
	} {
		_, err := parseOnPremToken(200, []byte(body), "tx", "", sent)
		var ae *AuthError
		require.ErrorAs(t, err, &ae, body)
		assert.Contains(t, ae.Description, want, body)
		assert.NotContains(t, err.Error(), "a b")
	}
	_, err = parseOnPremToken(401, []byte(`{"type":"https://errors-api.cloud.com/common/authentication","detail":"Missing or invalid authentication details","parameters":[{"name":"reason","value":"invalid"}]}`), "tx", "", sent)
	assert.EqualError(t, err, "daas: token request failed: 401 Unauthorized: authentication: Missing or invalid authentication details (transaction tx)")
	assert.ErrorIs(t, err, ErrUnauthorized)
}

// A controller that echoes the Authorization header in its error gets it
// redacted, in every form.
func TestOnPremEchoRedacted(t *testing.T) {
	src := newOnPremSource(&onPremCreds{username: `CORP\admin`, password: "pa ss:wörd"}, nil)
	auth := src.basic()
	src.send = func(_ context.Context, a string) (*http.Response, error) {
		body := `{"type":"x/authentication","detail":"bad ` + a + ` pa ss:wörd"}`
		return &http.Response{StatusCode: 401, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}, nil
	}
	_, err := src.request(t.Context())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "pa ss")
	assert.NotContains(t, err.Error(), auth[len("Basic "):])
	assert.Contains(t, err.Error(), "REDACTED")
	assert.Equal(t, "daas.onPremisesCredentials{Username:CORP\\admin, Password:REDACTED}", src.String())
}
