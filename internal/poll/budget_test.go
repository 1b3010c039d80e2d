package poll

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// citrixCount is how many reads Citrix's own Go SDK has made t after a
// job's start: at once, then at 10, 20, 30 s, then every 30 s.
func citrixCount(t time.Duration) int {
	if t >= 30*time.Second {
		return 3 + int(t/(30*time.Second))
	}
	return 1 + int(t/(10*time.Second))
}

// A wait of any length, with or without history, with or without
// progress, never has made more than Citrix's reads + 3 by any time: the
// jitter of the first-seen schedule does not shorten the settled interval,
// and every read is held to the reference floor. Run on the schedule code
// directly, every read exactly when the schedule says.
func TestScheduleBudgetLongWaits(t *testing.T) {
	hist := make([]float64, 32)
	for i := range hist {
		hist[i] = 300 + 10*float64(i) // 5 to 10 min
	}
	linear := func(d time.Duration) func(time.Duration) int {
		return func(at time.Duration) int { return min(99, int(100*at/d)) }
	}
	for _, d := range []time.Duration{2 * time.Hour, 24 * time.Hour} {
		for _, tc := range []struct {
			name     string
			hist     []float64
			progress func(time.Duration) int
		}{
			{"no history", nil, nil},
			{"history", hist, nil},
			{"no history, progress", nil, linear(d)},
			{"history, progress", hist, linear(d)},
		} {
			t.Run(fmt.Sprintf("%v %s", d, tc.name), func(t *testing.T) {
				worst := -100
				for range 20 {
					reads := learntReadsWith(defaultPolicy(), tc.hist, d, tc.progress)
					for k, at := range reads {
						worst = max(worst, k+1-citrixCount(at))
					}
				}
				assert.LessOrEqual(t, worst, learntCap, "reads over Citrix's by any time")
			})
		}
	}
}
