package main

import (
	"bytes"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas/daastest"
)

// The example prints the wait's one span with its read events, and the
// wait's metrics.
func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		require.NoError(t, run(t.Context(), &out, daastest.WithoutListener()))
		s := out.String()
		assert.Contains(t, s, "job done:")
		assert.Equal(t, 1, bytes.Count(out.Bytes(), []byte(`"Name": "daas.job.wait"`)), "one span per wait")
		assert.Equal(t, 1, bytes.Count(out.Bytes(), []byte(`"Name": "start catalog listing"`)))
		assert.Contains(t, s, `"Links": [`, "the wait links to the start")
		// Reads at 1 s (running) and 3 s (the job ends then).
		assert.Equal(t, 2, bytes.Count(out.Bytes(), []byte(`"Name": "daas.job.read"`)))
		for _, name := range []string{"daas.job.wait.duration", "daas.job.wait.reads", "daas.job.detection_delay"} {
			assert.Contains(t, s, `"Name": "`+name+`"`)
		}
	})
}
