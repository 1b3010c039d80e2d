package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestEstimate(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := &barState{start: t0, progress: -1}
	assert.Equal(t, "ETA ~?", estimate(s, t0.Add(time.Second)), "no percent yet")
	// 25% seen 2 s into the wait: 6 s left then, 5 s a second later.
	s.progress, s.seenAt = 25, t0.Add(2*time.Second)
	assert.Equal(t, "ETA 6s", estimate(s, s.seenAt))
	assert.Equal(t, "ETA 5s", estimate(s, t0.Add(3*time.Second)))
	assert.Equal(t, "ETA 0s", estimate(s, t0.Add(time.Minute)), "never negative")
	s.progress = 100
	assert.Equal(t, "ETA ~?", estimate(s, t0))
}
