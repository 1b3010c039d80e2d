package daas

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ---- logging ----

// TestNoLoggingByDefault runs a noisy scenario (retries, connection errors,
// a 401, an error answer) in a child process and checks that nothing reached
// its stderr: the library has no default logger, and go-retryablehttp's
// default stderr logger is not in use.
func TestNoLoggingByDefault(t *testing.T) {
	if os.Getenv("DAAS_TEST_STDERR_CHILD") == "1" {
		noisyScenario(t)
		return
	}
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestNoLoggingByDefault$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "DAAS_TEST_STDERR_CHILD=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, err, "child: %s\n%s", stdout.String(), stderr.String())
	assert.Contains(t, stdout.String(), "--- PASS: TestNoLoggingByDefault")
	assert.Empty(t, stderr.String())
}

func noisyScenario(t *testing.T) {
	var n atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch k := n.Add(1); {
		case r.URL.Path == "/token":
			writeJSON(w, 200, `{"token_type":"bearer","access_token":"tok-`+fmt.Sprint(k)+`","expires_in":"3600"}`)
		case k%4 == 0:
			hijackClose(t, w, false)
		case k%4 == 1:
			writeJSON(w, 503, `{"detail":"busy"}`)
		case k%4 == 2:
			writeJSON(w, 401, `{"detail":"no"}`)
		default:
			writeJSON(w, 404, `{"detail":"gone"}`)
		}
	})
	c := newTestClient(t, nil,
		WithBaseURL(srv.URL+"/cvad/manage"), WithClientCredentials(testClientID, testSecret),
		WithTokenURL(srv.URL+"/token"), WithSiteID(testSite), WithRetryPolicy(fastRetry(3)))
	require.Nil(t, c.logger)
	for range 5 {
		_, err := call(t.Context(), c, http.MethodGet, "Jobs", nil, nil, nil)
		require.Error(t, err)
	}
}
