package harness

import (
	"bytes"
	_ "embed" // targets.json
	"encoding/json"
	"fmt"
	"time"
)

// The targets' figures live in targets.json, beside this file: a reader
// finds every goal of the bench in one place, and changing one is an edit
// of data. The code here reads them; targets.go, schedtargets.go and
// retained.go judge a run against them.

//go:embed targets.json
var targetsJSON string

// Goals is targets.json.
type Goals struct {
	About string `json:"about"`
	// Mix: daas default over the exact simulation's mix.
	Mix struct {
		MedianPct            map[string]float64 `json:"median_pct"` // by progress curve
		P95Pct               map[string]float64 `json:"p95_pct"`
		ReadsOverCitrix      int                `json:"reads_over_citrix"`
		MedianTimesLowerThan float64            `json:"median_times_lower_than_citrix"`
	} `json:"mix"`
	Many struct {
		TimesFewerRequests float64 `json:"times_fewer_requests"`
		HeapPerJobBytes    float64 `json:"heap_per_job_bytes"`
	} `json:"many"`
	Overhead struct {
		CPURatio    float64 `json:"cpu_ratio"`
		AllocsRatio float64 `json:"allocs_ratio"`
	} `json:"overhead"`
	// Types: daas with history over the exact simulation's job types.
	Types struct {
		MedianPct       map[string]float64 `json:"median_pct"`
		P95Pct          map[string]float64 `json:"p95_pct"`
		ReadsOverCitrix int                `json:"reads_over_citrix"`
	} `json:"types"`
	FirstSeenBaseline struct {
		Date      string             `json:"date"`
		MedianPct map[string]float64 `json:"median_pct"`
		P95Pct    map[string]float64 `json:"p95_pct"`
	} `json:"first_seen_baseline"`
	Retained struct {
		RequestsRatio     float64 `json:"requests_ratio"`
		BytesRatio        float64 `json:"bytes_ratio"`
		TimesFewerWithout float64 `json:"times_fewer_without"`
	} `json:"retained"`
	Exact struct {
		LearntTimesLimitShort float64  `json:"learnt_times_limit_short"`
		LearntTimesLimitLong  float64  `json:"learnt_times_limit_long"`
		LongFrom              Duration `json:"long_from"`
		LearntPctFrom         Duration `json:"learnt_pct_from"`
		LearntPctTo           Duration `json:"learnt_pct_to"`
		LearntMedianPct       float64  `json:"learnt_median_pct"`
		LearntP95Pct          float64  `json:"learnt_p95_pct"`
		StepsTimesNoneLimit   float64  `json:"steps_times_none_limit"`
		ReadsOverCitrix       int      `json:"reads_over_citrix"`
	} `json:"exact"`
	Concurrency struct {
		Waits            int     `json:"waits"`
		HeapPerWaitBytes float64 `json:"heap_per_wait_bytes"`
		CPUPerWaitTickUS float64 `json:"cpu_per_wait_tick_us"`
		RequestsPerTick  float64 `json:"requests_per_tick"`
	} `json:"concurrency"`
}

// Duration is a time.Duration written in targets.json as Go writes one
// ("1m", "10m").
type Duration time.Duration

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// LoadGoals reads targets.json; every field must be known.
func LoadGoals() (*Goals, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(targetsJSON)))
	dec.DisallowUnknownFields()
	var g Goals
	if err := dec.Decode(&g); err != nil {
		return nil, fmt.Errorf("harness: targets.json: %w", err)
	}
	return &g, nil
}

// goals is LoadGoals for the embedded file, which TestGoalsLoad checks:
// a file that does not load is a defect of the build.
func goals() *Goals {
	g, err := LoadGoals()
	if err != nil {
		panic(err)
	}
	return g
}
