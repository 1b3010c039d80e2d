package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/daaskit/daas"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// bars draws one live bar per job on a terminal: id, type and status, then
// the bar, percent, elapsed time and the estimated time left. A bar is
// removed when its job's wait ends, so the terminal keeps only the final
// lines printed after.
type bars struct {
	p    *mpb.Progress
	mu   sync.Mutex
	jobs []barState
}

// barState is what one bar's decorators show.
type barState struct {
	bar      *mpb.Bar
	id       string
	typ      string
	status   daas.JobStatus
	progress int
	start    time.Time
	// seenAt is when the progress last changed, the base of the estimate.
	seenAt time.Time
}

func newBars(w io.Writer, n int) *bars {
	return &bars{
		p:    mpb.New(mpb.WithOutput(w), mpb.WithWidth(30), mpb.WithRefreshRate(100*time.Millisecond)),
		jobs: make([]barState, n),
	}
}

// text is a decorator showing f of job i, read under the lock.
func (b *bars) text(i int, f func(*barState) string, wc decor.WC) decor.Decorator {
	return decor.Any(func(decor.Statistics) string {
		b.mu.Lock()
		defer b.mu.Unlock()
		return f(&b.jobs[i])
	}, wc)
}

func (b *bars) add(i int, id string) {
	b.mu.Lock()
	b.jobs[i] = barState{id: clean(id), status: daas.JobStatusNotStarted, progress: -1, start: time.Now()}
	b.mu.Unlock()
	bar := b.p.New(100, mpb.BarStyle(),
		mpb.BarRemoveOnComplete(),
		mpb.PrependDecorators(
			b.text(i, func(s *barState) string { return s.id[:min(8, len(s.id))] }, decor.WCSyncSpaceR),
			b.text(i, func(s *barState) string { return s.typ }, decor.WCSyncSpaceR),
			b.text(i, func(s *barState) string { return string(s.status) }, decor.WCSyncSpaceR),
		),
		mpb.AppendDecorators(
			b.text(i, func(s *barState) string { return percent(s.progress) }, decor.WCSyncSpace),
			b.text(i, func(s *barState) string { return round(time.Since(s.start)).String() }, decor.WCSyncSpace),
			b.text(i, func(s *barState) string { return estimate(s, time.Now()) }, decor.WCSyncSpace),
		),
	)
	b.mu.Lock()
	b.jobs[i].bar = bar
	b.mu.Unlock()
}

func (b *bars) update(i int, info daas.JobInfo) {
	b.mu.Lock()
	s := &b.jobs[i]
	s.typ, s.status = clean(info.Type), daas.JobStatus(clean(string(info.Status)))
	if info.Progress != s.progress || s.seenAt.IsZero() {
		s.seenAt = time.Now()
	}
	s.progress = info.Progress
	bar := s.bar
	b.mu.Unlock()
	if info.Progress >= 0 {
		bar.SetCurrent(int64(min(info.Progress, 99))) // 100 is set by finish
	}
}

func (b *bars) finish(i int, _ outcome) {
	b.mu.Lock()
	bar := b.jobs[i].bar
	b.mu.Unlock()
	bar.SetTotal(-1, true) // complete: the bar is removed
}

func (b *bars) close() { b.p.Wait() }

// estimate is the time left at the job's rate of progress so far (from the
// start of the wait to the read that saw the percent), less the time since
// that read; "ETA ~?" before a percent above 0 is seen.
func estimate(s *barState, now time.Time) string {
	if s.progress <= 0 || s.progress >= 100 {
		return "ETA ~?"
	}
	took := s.seenAt.Sub(s.start)
	left := time.Duration(float64(took)*float64(100-s.progress)/float64(s.progress)) - now.Sub(s.seenAt)
	return fmt.Sprintf("ETA %v", round(max(left, 0)))
}

// round rounds d for display: to 0.1 s under a minute, to seconds above.
func round(d time.Duration) time.Duration {
	if d < time.Minute {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}
