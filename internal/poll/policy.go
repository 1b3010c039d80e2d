package poll

import "time"

// Policy is the schedule of a wait. Its fields are those of
// daas.PollPolicy, which converts to it; that type documents them.
type Policy struct {
	MinInterval time.Duration
	MaxInterval time.Duration
	Multiplier  float64
	Jitter      float64

	DisableProgressAim bool
	DisableBatch       bool
	BatchThreshold     int
	BatchRequestBytes  int
}

// defaultBatchThreshold is the waiters above which the list is read when
// Policy.BatchThreshold is 0.
const defaultBatchThreshold = 4

// threshold is the number of waiters above which the list may be read.
func (p Policy) threshold() int {
	if p.BatchThreshold == 0 {
		return defaultBatchThreshold
	}
	return p.BatchThreshold
}
