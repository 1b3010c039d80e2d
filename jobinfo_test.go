package daas

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nestedJob is a job whose SubJobs nest depth levels deep, each level with
// one wrong-typed field when wrongType is set.
func nestedJob(depth int, wrongType bool) []byte {
	var b strings.Builder
	for i := range depth {
		fmt.Fprintf(&b, `{"Id":"l%d","Status":"InProgress",`, i)
		if wrongType {
			b.WriteString(`"IsCancellable":"yes",`)
		}
		b.WriteString(`"Parameters":[{"Name":"n","Value":"v"}],"SubJobs":[`)
	}
	b.WriteString(`{"Id":"leaf"}`)
	for range depth {
		b.WriteString(`]}`)
	}
	return []byte(b.String())
}

// jobDepth is how many levels of sub-jobs j holds below itself.
func jobDepth(j *JobInfo) int {
	d := 0
	for i := range j.SubJobs {
		d = max(d, 1+jobDepth(&j.SubJobs[i]))
	}
	return d
}

// decodeTime is the fastest of a few decodes of data (the fastest, so that
// a busy machine does not make the figure noisy).
func decodeTime(t *testing.T, data []byte) time.Duration {
	t.Helper()
	best := time.Duration(1<<63 - 1)
	for range 3 {
		var j JobInfo
		start := time.Now()
		require.NoError(t, json.Unmarshal(data, &j))
		best = min(best, time.Since(start))
	}
	return best
}

// Defect 2: decoding nested job JSON takes time linear in the input, and
// what nests deeper than the cap is dropped, not failed. Before, 20 levels
// with one wrong-typed field each took 13.8 s (each level doubled it) and
// 115 KB of well-typed nesting 3 s.
func TestJobInfoDecodingIsLinear(t *testing.T) {
	for _, tc := range []struct {
		depth     int
		wrongType bool
	}{{20, true}, {20, false}, {2000, true}, {2000, false}} {
		t.Run(fmt.Sprintf("depth %d, wrong types %v", tc.depth, tc.wrongType), func(t *testing.T) {
			data := nestedJob(tc.depth, tc.wrongType)
			var j JobInfo
			require.NoError(t, json.Unmarshal(data, &j))
			assert.Equal(t, "l0", j.ID)
			assert.Equal(t, maxJobDepth, jobDepth(&j), "sub-jobs below the cap are dropped")
			sub := &j
			for sub.SubJobs != nil {
				sub = &sub.SubJobs[0]
				assert.Equal(t, []NameValue{{"n", "v"}}, sub.Parameters)
			}
			// A generous bound, 2 µs a byte (a decode takes about 0.05 µs a
			// byte here): the exponential decoder took 32 ms a byte.
			d := decodeTime(t, data)
			assert.Less(t, d, time.Duration(len(data))*2*time.Microsecond+20*time.Millisecond,
				"%d bytes decoded in %v", len(data), d)
			t.Logf("%d bytes: %v", len(data), d)
		})
	}
}

// Defect 9: every JobInfo the library hands out is a deep copy: changing
// it never changes the job's cache, nor another copy.
func TestJobInfoCopiesAreDeep(t *testing.T) {
	orig := &JobInfo{
		ID:              "j1",
		Parameters:      []NameValue{{"Name", "x"}},
		ErrorParameters: []NameValue{{"E", "y"}},
		SubJobs:         []JobInfo{{ID: "s1", Parameters: []NameValue{{"P", "z"}}, SubJobs: []JobInfo{{ID: "s2"}}}},
	}
	cp := orig.clone()
	cp.Parameters[0].Value = "changed"
	cp.ErrorParameters[0].Value = "changed"
	cp.SubJobs[0].Parameters[0].Value = "changed"
	cp.SubJobs[0].SubJobs[0].ID = "changed"
	assert.Equal(t, "x", orig.Parameters[0].Value)
	assert.Equal(t, "y", orig.ErrorParameters[0].Value)
	assert.Equal(t, "z", orig.SubJobs[0].Parameters[0].Value)
	assert.Equal(t, "s2", orig.SubJobs[0].SubJobs[0].ID)
	assert.Nil(t, (*JobInfo)(nil).clone())
}

// Defect 9, through the handle: Info, Poll, OnProgress and JobError.Info
// hand out copies that share nothing with the cache.
func TestJobHandsOutDeepCopies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newJobServer(t)
		s.add(&fakeJob{id: "j1", dur: 3 * time.Second, final: JobFailed})
		c := jobClient(t, s, exact(PollPolicy{MinInterval: time.Second, MaxInterval: time.Second, Multiplier: 1}))
		j := newTestJob[struct{}](c, "j1")
		spoil := func(info *JobInfo) {
			info.Parameters[0].Value = "spoilt"
			if len(info.ErrorParameters) > 0 {
				info.ErrorParameters[0].Value = "spoilt"
			}
		}
		polled, err := j.Poll(t.Context())
		require.NoError(t, err)
		spoil(polled)
		spoil(j.Info())
		_, err = j.Wait(t.Context(), OnProgress(func(info JobInfo) { spoil(&info) }))
		var je *JobError
		require.ErrorAs(t, err, &je)
		spoil(je.Info)
		je.Parameters[0].Value = "spoilt"
		info := j.Info()
		assert.Equal(t, "x", info.Parameters[0].Value)
		assert.Equal(t, "ErrorMessage : duplicate", info.ErrorParameters[0].Value)
	})
}
