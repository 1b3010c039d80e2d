package daas

import (
	"encoding/json"
	"fmt"
	"runtime"
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

// decodeCost is what decoding data into a JobInfo allocates, averaged over
// a few runs: allocations and bytes. Unlike time, neither depends on how
// busy the machine is, and a decoder that reads the input again at each
// level (or twice per level) allocates in proportion.
func decodeCost(t *testing.T, data []byte) (allocs, bytes float64) {
	t.Helper()
	const runs = 2
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // as testing.AllocsPerRun
	var j JobInfo
	require.NoError(t, json.Unmarshal(data, &j)) // warm up
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		var j JobInfo
		_ = json.Unmarshal(data, &j)
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / runs, float64(after.TotalAlloc-before.TotalAlloc) / runs
}

// Defect 2: what nests deeper than the cap is dropped, not failed, and
// every level above it is decoded.
func TestJobInfoDecodingCapsDepth(t *testing.T) {
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
		})
	}
}

// Defect 2: decoding nested job JSON costs work linear in the input: 4×
// the input costs about 4× the work, whatever the nesting. Before, 20
// levels with one wrong-typed field each took 13.8 s (each level doubled
// it) and 115 KB of well-typed nesting 3 s.
//
// The work is counted, not timed (a loaded machine or the race detector
// stretched a fixed time bound 3×): what decoding allocates, bytes and
// allocations, for a job and the same job 4× as deep, in this run. The
// decoder gives ratios of 1.1 to 4.8; reading the input again at every
// level (quadratic) gives 16, decoding sub-jobs twice per level (the old
// exponential decoder) 2^15 for 5 and 20 levels. The bound, 8, is halfway
// (geometrically) between linear and quadratic.
func TestJobInfoDecodingIsLinear(t *testing.T) {
	for _, tc := range []struct {
		depth     int
		wrongType bool
	}{{5, true}, {5, false}, {250, true}, {250, false}} {
		t.Run(fmt.Sprintf("depth %d and %d, wrong types %v", tc.depth, 4*tc.depth, tc.wrongType), func(t *testing.T) {
			small, large := nestedJob(tc.depth, tc.wrongType), nestedJob(4*tc.depth, tc.wrongType)
			require.InDelta(t, 4, float64(len(large))/float64(len(small)), 0.5, "the large input is about 4× the small one")
			sa, sb := decodeCost(t, small)
			la, lb := decodeCost(t, large)
			t.Logf("%d bytes: %.0f allocations, %.0f bytes; %d bytes: %.0f allocations, %.0f bytes", len(small), sa, sb, len(large), la, lb)
			assert.Less(t, lb/sb, 8.0, "bytes allocated grow faster than the input: %.0f for %d bytes, %.0f for %d", sb, len(small), lb, len(large))
			assert.Less(t, la/sa, 8.0, "allocations grow faster than the input: %.0f for %d bytes, %.0f for %d", sa, len(small), la, len(large))
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
		s.add(&fakeJob{id: "j1", dur: 3 * time.Second, final: JobStatusFailed})
		c := newTestClient(t, s.ServeHTTP, withoutRetries(),
			exact(PollPolicy{MinInterval: time.Second, MaxInterval: time.Second, Multiplier: 1}))
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
