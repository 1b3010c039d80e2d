package harness

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type cannedJob string

func (c cannedJob) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(string(c)))}, nil
}

// A job's times come back on the real clock of a run at ×25: its 50 s of
// service time are 2 s, and its other fields are left as they were.
func TestRealTimesScaleJobTimes(t *testing.T) {
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	job := `{"Id":"j1","Status":"Complete","StartTime":"2026-01-01T00:01:40.000+00:00","EndTime":"2026-01-01T00:02:30.000+00:00","OverallProgressPercent":100}`
	rt := &realTimes{next: cannedJob(job), epoch: epoch, scale: 25}
	req, err := http.NewRequest(http.MethodGet, "http://x/cvad/manage/Jobs/j1", nil)
	require.NoError(t, err)
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	start, err := time.Parse(jobTimeLayout, got["StartTime"].(string))
	require.NoError(t, err)
	end, err := time.Parse(jobTimeLayout, got["EndTime"].(string))
	require.NoError(t, err)
	assert.Equal(t, 4*time.Second, start.Sub(epoch))
	assert.Equal(t, 2*time.Second, end.Sub(start))
	assert.Equal(t, "Complete", got["Status"])
	assert.EqualValues(t, 100, got["OverallProgressPercent"])
}
