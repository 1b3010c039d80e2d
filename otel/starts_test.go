package otel

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/otel/trace"
)

func spanCtx(n byte) trace.SpanContext {
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{n, 1}})
}

// The remembered starts never pass the bound: the oldest go first, and a
// forgotten or replaced job frees its place.
func TestStartSpansBounded(t *testing.T) {
	s := newStartSpans(3)
	for i := range 10 {
		s.put(fmt.Sprint("j", i), spanCtx(byte(i)))
		assert.LessOrEqual(t, s.len(), 3)
	}
	for i := range 7 {
		_, ok := s.get(fmt.Sprint("j", i))
		assert.False(t, ok, "j%d is among the oldest", i)
	}
	for i := 7; i < 10; i++ {
		sc, ok := s.get(fmt.Sprint("j", i))
		assert.True(t, ok)
		assert.Equal(t, spanCtx(byte(i)), sc)
	}

	s.forget("j8")
	_, ok := s.get("j8")
	assert.False(t, ok)
	assert.Equal(t, 2, s.len())

	// Put again: the job moves to the newest place, and reusing its old
	// slot does not drop it.
	s.put("j9", spanCtx(90))
	_, ok = s.get("j7")
	assert.False(t, ok, "the oldest made room")
	s.put("a", spanCtx(71))
	s.put("b", spanCtx(72))
	sc, ok := s.get("j9")
	assert.True(t, ok)
	assert.Equal(t, spanCtx(90), sc)
	assert.Equal(t, 3, s.len())
}
