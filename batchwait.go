package daas

import (
	"fmt"
	"strings"
)

// batchWaitError is what [BatchResult.Wait] returns when its context ends
// while jobs are still running: the context's error and, for each running
// item, its job's *WaitError.
type batchWaitError struct {
	err   error // the context's error
	total int   // how many items the batch had
	items []runningItem
}

// runningItem is an item whose job was still running when a batch wait
// ended.
type runningItem struct {
	ref string
	err *WaitError
}

// Error names the running items, each with its job's id, last status and
// last poll error.
func (e *batchWaitError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "daas: waiting for batch items: %v; %d of %d items still running", e.err, len(e.items), e.total)
	for _, it := range e.items {
		fmt.Fprintf(&b, "; item %s: job %s", oneLine(it.ref), oneLine(it.err.JobID))
		if it.err.LastStatus != "" {
			fmt.Fprintf(&b, " last status %s", oneLine(string(it.err.LastStatus)))
		} else {
			b.WriteString(" no status read")
		}
		if it.err.LastErr != nil {
			fmt.Fprintf(&b, ", last poll failed: %s", oneLine(it.err.LastErr.Error()))
		}
	}
	return b.String()
}

// Unwrap returns the context's error and each running job's *WaitError.
func (e *batchWaitError) Unwrap() []error {
	out := make([]error, 0, 1+len(e.items))
	out = append(out, e.err)
	for _, it := range e.items {
		out = append(out, it.err)
	}
	return out
}
