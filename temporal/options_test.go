package temporal

import (
	"testing"
	"time"

	"github.com/daaskit/daas"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWaitOptionsComeFromTheWorkersPolicyAndLearntDurations(t *testing.T) {
	s, _ := newSim(t, nil)
	c := s.Client(daas.WithPollStats(daas.PollStats{Types: []daas.PollTypeStats{
		{Type: typeImage, DurationsSeconds: []float64{30, 90, 60}},
	}}))

	def := NewActivities(c, Options{})
	assert.Equal(t, 2*daas.DefaultPollPolicy().MaxInterval, def.heartbeatTimeout(), "twice the default policy's MaxInterval")
	fast := NewActivities(c, Options{PollPolicy: fastPolicy()})
	assert.Equal(t, MinHeartbeatTimeout, fast.heartbeatTimeout(), "never below the floor")

	job, err := def.start(t.Context(), imageUpdate(t, firstCatalog, `XDHyp:\v2.vm`), 1, s.Now())
	require.NoError(t, err)
	assert.Equal(t, 90*time.Second, job.ExpectedDuration, "the longest learnt duration of the type")
	assert.Equal(t, def.heartbeatTimeout(), job.HeartbeatTimeout)

	assert.Equal(t, 3*90*time.Second+10*time.Minute, waitTimeout(job, RunOptions{}))
	assert.Equal(t, DefaultWaitTimeout, waitTimeout(StartedJob{}, RunOptions{}), "nothing learnt")
	assert.Equal(t, time.Hour, waitTimeout(job, RunOptions{WaitTimeout: time.Hour}), "the workflow's choice first")
}
