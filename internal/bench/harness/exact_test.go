package harness

import (
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
	"github.com/stretchr/testify/assert"
)

func TestCitrixReadsBy(t *testing.T) {
	for _, tc := range []struct {
		t    float64
		want int
	}{{0, 1}, {9.9, 1}, {10, 2}, {29.9, 3}, {30, 4}, {59.9, 4}, {60, 5}, {3600, 123}} {
		assert.Equal(t, tc.want, citrixReadsBy(time.Duration(tc.t*float64(time.Second)), 30*time.Second), "by %v s", tc.t)
	}
}

// Citrix's row counts the reads of its exact schedule: a job of 25 s is
// seen by the read at 30 s, its 4th.
func TestSimulateCitrix(t *testing.T) {
	row := simulate(exactPolicy(), []time.Duration{25 * time.Second, 5 * time.Second}, nil, daastest.ProgressNone, ExactCitrix)
	assert.Equal(t, 3.0, row.Reads) // 4 and 2
	assert.InDelta(t, (100*5.0/25+100*5.0/5)/2, row.MedianPct, 1e-9)
}

// The exact run fills every band and curve, holds the budget and prints
// the limit beside each figure without progress.
