package harness

import (
	"math"

	"github.com/daaskit/daas/daastest"
)

// SingleRow summarises the jobs of one policy, curve and duration bucket
// (Bucket "all" for every duration).
type SingleRow struct {
	Curve  daastest.ProgressCurve
	Policy string
	Bucket string
	N      int

	MedianS, P95S     float64 // detection delay, seconds of service time
	MedianPct, P95Pct float64 // detection delay, % of the job's duration
	PollsMean         float64 // GET /Jobs/{id} per job
	PollsMax          int
	// ExcessMax is the largest (polls of this policy − polls of the Citrix
	// schedule) over the same jobs, when HasExcess (Citrix was run).
	ExcessMax int
	HasExcess bool
}

// AllBuckets is the Bucket name of a row over every duration.
const AllBuckets = "all"

// Rows summarises the result per curve, policy and bucket, in the order of
// the config's curves and policies, buckets first and "all" last.
func (r *SingleResult) Rows() []SingleRow {
	type key struct {
		curve  daastest.ProgressCurve
		policy string
		index  int
	}
	byJob := map[key]JobResult{}
	for _, j := range r.Jobs {
		byJob[key{j.Curve, j.Policy, j.Index}] = j
	}
	citrix := CitrixSDK().Name
	var rows []SingleRow
	for _, curve := range r.Config.Curves {
		for _, pol := range r.Config.Policies {
			for b := 0; b <= len(Buckets); b++ {
				row := SingleRow{Curve: curve, Policy: pol.Name, Bucket: AllBuckets, ExcessMax: math.MinInt32}
				if b < len(Buckets) {
					row.Bucket = Buckets[b].Name
				}
				var delays, pcts, polls []float64
				for i, d := range r.Durations {
					if b < len(Buckets) && BucketOf(d) != b {
						continue
					}
					j, ok := byJob[key{curve, pol.Name, i}]
					if !ok {
						continue
					}
					delays = append(delays, j.Delay.Seconds())
					pcts = append(pcts, j.DelayPct())
					polls = append(polls, float64(j.Polls))
					row.PollsMax = max(row.PollsMax, j.Polls)
					if c, ok := byJob[key{curve, citrix, i}]; ok {
						row.HasExcess = true
						row.ExcessMax = max(row.ExcessMax, j.Polls-c.Polls)
					}
				}
				row.N = len(delays)
				if row.N == 0 {
					continue
				}
				row.MedianS, row.P95S = Median(delays), Percentile(delays, 0.95)
				row.MedianPct, row.P95Pct = Median(pcts), Percentile(pcts, 0.95)
				row.PollsMean = Mean(polls)
				rows = append(rows, row)
			}
		}
	}
	return rows
}

// Noise returns, over the jobs of the deterministic loop policies (Citrix,
// Azure, naive), the median and 95th percentile of (measured delay − the
// delay had every read come exactly on schedule), in seconds of service
// time: how far timers, scheduling and request latency, all multiplied by
// the time scale, move the figures.
func (r *SingleResult) Noise() (median, p95 float64, n int) {
	pols := map[string]Policy{}
	for _, p := range r.Config.Policies {
		pols[p.Name] = p
	}
	var xs []float64
	for _, j := range r.Jobs {
		ideal, ok := idealDelay(pols[j.Policy], j.Duration)
		if !ok {
			continue
		}
		xs = append(xs, (j.Delay - ideal).Seconds())
	}
	return Median(xs), Percentile(xs, 0.95), len(xs)
}
