package otel

import (
	"sync"

	"go.opentelemetry.io/otel/trace"
)

// maxStarts bounds how many jobs' start spans an observer remembers: a job
// waited for after more than that many others started links to nothing.
const maxStarts = 4096

// startSpans remembers the span context each job was started in, for the
// links of the job's waits. Its memory is bounded: at most maxStarts jobs,
// the oldest forgotten first; a job whose wait saw it end is forgotten at
// once.
type startSpans struct {
	mu   sync.Mutex
	byID map[string]startSlot
	ring []string // job ids by slot, "" for a free slot
	next int      // the slot the next job takes
}

// startSlot is a remembered start and the ring slot that holds its id.
type startSlot struct {
	sc   trace.SpanContext
	slot int
}

func newStartSpans(n int) *startSpans {
	return &startSpans{byID: make(map[string]startSlot, min(n, 64)), ring: make([]string, n)}
}

// put remembers sc as the start of job id, forgetting the oldest job when
// full.
func (s *startSpans) put(id string, sc trace.SpanContext) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.ring[s.next]; old != "" && s.byID[old].slot == s.next {
		delete(s.byID, old)
	}
	if prev, ok := s.byID[id]; ok {
		s.ring[prev.slot] = ""
	}
	s.ring[s.next] = id
	s.byID[id] = startSlot{sc: sc, slot: s.next}
	s.next = (s.next + 1) % len(s.ring)
}

// get returns the start of job id, if remembered.
func (s *startSpans) get(id string) (trace.SpanContext, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.byID[id]
	return st.sc, ok
}

// forget drops the start of job id.
func (s *startSpans) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.byID[id]; ok {
		s.ring[st.slot] = ""
		delete(s.byID, id)
	}
}

// len is the number of jobs remembered.
func (s *startSpans) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID)
}
