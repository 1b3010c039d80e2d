package harness

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// RepeatConfig configures the repeat-jobs workload: job types whose
// durations are log-normal around a per-type median, with a history of
// earlier jobs of the type the client has seen.
type RepeatConfig struct {
	Scale   float64 // fake time scale
	Types   int     // job types, medians log-uniform over [2 s, 30 min]
	History int     // earlier jobs of the type the client has seen (default 20)
	Sigma   float64 // σ of the log-normal (default 0.3)
	Seed    uint64
}

// RepeatRow is one policy under one progress curve of the workload.
type RepeatRow struct {
	Curve                   daastest.ProgressCurve
	Policy                  string
	Jobs                    int
	MedianPct, P95Pct       float64 // detection delay, % of the job
	MedianDelay             time.Duration
	PollsMean               float64
	MaxOverCitrix           int // most polls over Citrix's on the same job
	CitrixMedianOverThisOne float64
	Bands                   []RepeatBand // the same waits by job duration
}

// RepeatBand is the detection delay of the waits of a row whose job
// lasted [Lo, Hi).
type RepeatBand struct {
	Lo, Hi            time.Duration
	Jobs              int
	MedianPct, P95Pct float64
	MaxOverCitrix     int
}

// Span is the band's durations as text: "10s–1m0s", "≥ 10m0s".
func (bd RepeatBand) Span() string {
	if bd.Hi == math.MaxInt64 {
		return fmt.Sprintf("≥ %v", bd.Lo)
	}
	return fmt.Sprintf("%v–%v", bd.Lo, bd.Hi)
}

// repeatBands are the duration bands of the by-duration table: below
// 10 s MinInterval (1 s) is ≥ 10% of the job; below 60 s Citrix's reads
// + 3 leave a handful of reads in the spread of the type's durations.
var repeatBands = []time.Duration{0, 10 * time.Second, time.Minute, 10 * time.Minute, math.MaxInt64}

// repeatPolicy is a policy of the workload: a daas client with or without
// history, or a loop schedule.
type repeatPolicy struct {
	Policy
	history bool
}

// RunRepeat waits for one job of each type with: daas default without
// history (first-seen), daas default primed with History earlier
// durations of the type (by WithPollStats, scaled to real time), and
// Citrix's schedule, under the steps and none progress curves.
func RunRepeat(ctx context.Context, cfg RepeatConfig) ([]RepeatRow, error) {
	if cfg.History == 0 {
		cfg.History = 20
	}
	if cfg.Sigma == 0 {
		cfg.Sigma = 0.3
	}
	if cfg.Scale <= 0 || cfg.Types <= 0 {
		return nil, errors.New("harness: repeat: scale and types must be positive")
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x7e7e))
	medians := LogUniformDurations(cfg.Types, 2*time.Second, 30*time.Minute, rng)
	lognormal := func(m time.Duration) time.Duration {
		return time.Duration(float64(m) * math.Exp(cfg.Sigma*rng.NormFloat64())).Round(time.Millisecond)
	}
	durs := make([]time.Duration, cfg.Types)
	hists := make([][]float64, cfg.Types)
	for i, m := range medians {
		for range cfg.History {
			// The client learns service durations; the harness's clients
			// run in real time, so the history is scaled like the intervals.
			hists[i] = append(hists[i], lognormal(m).Seconds()/cfg.Scale)
		}
		durs[i] = lognormal(m)
	}
	longest := slices.Max(durs)
	offsets := make([]time.Duration, len(durs))
	for i, d := range durs {
		offsets[i] = time.Duration(rng.Float64() * float64(max(0, 45*time.Minute-d)))
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(float64(max(longest, 45*time.Minute)+2*time.Minute)/cfg.Scale)+time.Minute)
	defer cancel()

	def := daas.DefaultPollPolicy()
	pols := []repeatPolicy{
		{Policy{Name: "daas first-seen", Lib: &def}, false},
		{Policy{Name: "daas with history", Lib: &def}, true},
		{CitrixSDK(), false},
	}
	curves := []daastest.ProgressCurve{daastest.ProgressSteps, daastest.ProgressNone}
	type key struct {
		curve daastest.ProgressCurve
		pol   string
	}
	results := map[key][]JobResult{}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
	)
	start := time.Now().Add(50 * time.Millisecond)
	for ci, curve := range curves {
		srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithTimeScale(cfg.Scale),
			daastest.WithProgress(curve), daastest.WithRequestLogLimit(0), daastest.WithSeed(int64(cfg.Seed)+int64(ci)))
		defer srv.Close()
		var startMu sync.Mutex
		for pi, pol := range pols {
			for ji, d := range durs {
				ct := newCountingTransport(srv.Transport(), cfg.Scale, 1, true)
				opts := []daas.Option{daas.WithHTTPClient(&http.Client{Transport: ct})}
				if pol.IsLib() {
					p := ScalePollPolicy(*pol.Lib, cfg.Scale)
					p.DisableBatch = true
					opts = append(opts, daas.WithPollPolicy(p))
				}
				if pol.history {
					opts = append(opts, daas.WithPollStats(daas.PollStats{Types: []daas.PollTypeStats{{Type: "GetMachineCatalogs", DurationsSeconds: hists[ji]}}}))
				}
				client := srv.Client(opts...)
				jr := rand.New(rand.NewPCG(cfg.Seed, uint64(ci<<40|pi<<20|ji)))
				wg.Add(1)
				go func() {
					defer wg.Done()
					if !sleepUntil(ctx, start.Add(scaleDown(offsets[ji], cfg.Scale))) {
						return
					}
					r, err := waitOne(ctx, srv, client, &startMu, pol.Policy, d, cfg.Scale, jr)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						if firstErr == nil {
							firstErr = fmt.Errorf("%s, %s curve, %v job: %w", pol.Name, curve, d, err)
							cancel()
						}
						return
					}
					r.Policy, r.Curve, r.Index, r.Duration = pol.Name, curve, ji, d
					r.Polls = ct.jobPolls(r.id)
					k := key{curve, pol.Name}
					results[k] = append(results[k], r.JobResult)
				}()
			}
		}
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var rows []RepeatRow
	for _, curve := range curves {
		citrix := map[int]JobResult{}
		var citrixDelays []float64
		for _, r := range results[key{curve, "Citrix SDK"}] {
			citrix[r.Index] = r
			citrixDelays = append(citrixDelays, r.Delay.Seconds())
		}
		for _, pol := range pols {
			rs := results[key{curve, pol.Name}]
			var pcts, delays []float64
			polls, over := 0, math.MinInt
			for _, r := range rs {
				pcts = append(pcts, r.DelayPct())
				delays = append(delays, r.Delay.Seconds())
				polls += r.Polls
				over = max(over, r.Polls-citrix[r.Index].Polls)
			}
			md := quantileOf(delays, 0.5)
			var bands []RepeatBand
			for b := 0; b+1 < len(repeatBands); b++ {
				band := RepeatBand{Lo: repeatBands[b], Hi: repeatBands[b+1], MaxOverCitrix: math.MinInt}
				var bp []float64
				for _, r := range rs {
					if r.Duration >= band.Lo && r.Duration < band.Hi {
						bp = append(bp, r.DelayPct())
						band.MaxOverCitrix = max(band.MaxOverCitrix, r.Polls-citrix[r.Index].Polls)
					}
				}
				band.Jobs, band.MedianPct, band.P95Pct = len(bp), quantileOf(bp, 0.5), quantileOf(bp, 0.95)
				bands = append(bands, band)
			}
			rows = append(rows, RepeatRow{
				Curve: curve, Policy: pol.Name, Jobs: len(rs),
				MedianPct: quantileOf(pcts, 0.5), P95Pct: quantileOf(pcts, 0.95),
				MedianDelay: time.Duration(md * float64(time.Second)), PollsMean: float64(polls) / float64(len(rs)),
				MaxOverCitrix: over, CitrixMedianOverThisOne: quantileOf(citrixDelays, 0.5) / md,
				Bands: bands,
			})
		}
	}
	return rows, nil
}

// quantileOf is the p-quantile of xs (nearest rank).
func quantileOf(xs []float64, p float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(p*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// RepeatMarkdown renders the rows as a Markdown table.
func RepeatMarkdown(rows []RepeatRow) string {
	var b strings.Builder
	b.WriteString("| Progress | Policy | Jobs | Median delay (s) | Median (% of duration) | p95 (%) | Polls/job (mean) | Max polls − Citrix (same job) | Citrix median ÷ this |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %d | %.2f | %.2f | %.2f | %.1f | %+d | %.1f× |\n",
			r.Curve, r.Policy, r.Jobs, r.MedianDelay.Seconds(), r.MedianPct, r.P95Pct, r.PollsMean, r.MaxOverCitrix, r.CitrixMedianOverThisOne)
	}
	b.WriteString("\nBy job duration:\n\n")
	b.WriteString("| Progress | Policy | Duration | Jobs | Median (% of duration) | p95 (%) | Max polls − Citrix (same job) |\n")
	b.WriteString("| --- | --- | --- | ---: | ---: | ---: | ---: |\n")
	for _, r := range rows {
		for _, bd := range r.Bands {
			if bd.Jobs == 0 {
				continue
			}
			span := bd.Span()
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %.2f | %.2f | %+d |\n", r.Curve, r.Policy, span, bd.Jobs, bd.MedianPct, bd.P95Pct, bd.MaxOverCitrix)
		}
	}
	return b.String()
}
