package daas_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas/daastest"
)

// TestRefreshEndsWithTheLastCall: inside a synctest bubble, a test that
// closes the fake right after its last call and returns at once, without
// waiting for the bubble to settle, ends cleanly: the refresh ahead of
// expiry that the last call started (here against a slow token endpoint)
// does not outlive the call. It used to run on, detached, and retry against
// the closed fake: the bubble then panicked with "main bubble goroutine has
// exited but blocked goroutines remain".
func TestRefreshEndsWithTheLastCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithTokenLifetime(10*time.Minute))
		c := srv.Client()
		_, err := c.MachineCatalogs.List(t.Context())
		require.NoError(t, err)
		time.Sleep(9*time.Minute + 30*time.Second) // inside the refresh window
		srv.InjectFault(daastest.Fault{Route: "POST /tokens", Latency: time.Minute})
		_, err = c.MachineCatalogs.List(t.Context())
		require.NoError(t, err)
		srv.Close()
	})
}
