package poll

import (
	"math"
	"testing"
	"time"
)

// BenchmarkPlanWideType is the plan of a type whose 32 durations spread
// log-uniformly from 2 s to 30 min: the widest the bench's workloads
// learn, under the default policy and under one of a 2 s MaxInterval.
func BenchmarkPlanWideType(b *testing.B) {
	ds := make([]time.Duration, statsSamples)
	for i := range ds {
		ds[i] = time.Duration(2 * math.Pow(900, float64(i)/float64(len(ds)-1)) * float64(time.Second))
	}
	for _, max := range []time.Duration{30 * time.Second, 2 * time.Second} {
		b.Run("max="+max.String(), func(b *testing.B) {
			pol := Policy{MinInterval: time.Second, MaxInterval: max, Multiplier: 2}
			s := NewSchedule(pol, time.Now(), nil)
			for b.Loop() {
				planReads(ds, s.floorAt, 1, false)
			}
		})
	}
}
