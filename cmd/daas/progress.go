package main

import (
	"fmt"
	"io"
	"sync"

	"github.com/daaskit/daas"
)

// progress shows the state of the jobs being waited for. Its methods are
// called from the waiting goroutines, concurrently.
type progress interface {
	add(i int, id string)            // job i is waited for
	update(i int, info daas.JobInfo) // its status or percent changed
	finish(i int, o outcome)         // its wait ended
	close()                          // every wait ended; clear the display
}

// newProgress picks the display: bars on a terminal, lines otherwise,
// nothing with --output json (the outcome is printed as JSON).
func (a *app) newProgress(n int) progress {
	switch {
	case a.json:
		return quiet{}
	case a.tty:
		return newBars(a.stdout, n)
	}
	return &lines{w: a.stdout}
}

// quiet shows nothing.
type quiet struct{}

func (quiet) add(int, string)          {}
func (quiet) update(int, daas.JobInfo) {}
func (quiet) finish(int, outcome)      {}
func (quiet) close()                   {}

// lines prints one line per change of status or percent, for logs.
type lines struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lines) add(int, string)     {}
func (l *lines) finish(int, outcome) {}
func (l *lines) close()              {}

func (l *lines) update(_ int, info daas.JobInfo) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(l.w, clean(fmt.Sprintf("%s %s %s %s", info.ID, info.Type, info.Status, percent(info.Progress))))
}

// percent formats a job's progress, "-" when it reports none.
func percent(p int) string {
	if p < 0 {
		return "-"
	}
	return fmt.Sprintf("%d%%", p)
}
