package otel

import (
	"context"
	"net/http"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/daaskit/daas"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/daaskit/daas/otel"

// Attribute keys of this package (see the package doc).
const (
	JobIDKey         = attribute.Key("daas.job.id")
	JobTypeKey       = attribute.Key("daas.job.type")
	JobOutcomeKey    = attribute.Key("daas.job.outcome")
	JobStatusKey     = attribute.Key("daas.job.status")
	JobProgressKey   = attribute.Key("daas.job.progress")
	ReadViaKey       = attribute.Key("daas.read.via")
	ReadSharedKey    = attribute.Key("daas.read.shared")
	TransactionIDKey = attribute.Key("daas.transaction_id")
)

type instruments struct {
	tracer    trace.Tracer
	duration  metric.Float64Histogram
	reads     metric.Int64Histogram
	failures  metric.Int64Counter
	limited   metric.Int64Counter
	detection metric.Float64Histogram
	starts    *startSpans
}

// NewObserver returns a [daas.JobObserver] that records each wait as a span
// of tp and its figures as instruments of mp (see the package doc). A nil
// provider is the global one of go.opentelemetry.io/otel.
func NewObserver(tp trace.TracerProvider, mp metric.MeterProvider) daas.JobObserver {
	if tp == nil {
		tp = globalTracerProvider()
	}
	if mp == nil {
		mp = globalMeterProvider()
	}
	m := mp.Meter(ScopeName)
	in := &instruments{tracer: tp.Tracer(ScopeName), starts: newStartSpans(maxStarts)}
	// The instrument constructors return a no-op instrument with their
	// error; an observer that records less is better than no client.
	in.duration, _ = m.Float64Histogram("daas.job.wait.duration", metric.WithUnit("s"),
		metric.WithDescription("Wall time of a wait for a job."),
		metric.WithExplicitBucketBoundaries(0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600))
	in.reads, _ = m.Int64Histogram("daas.job.wait.reads", metric.WithUnit("{read}"),
		metric.WithDescription("Status reads of a wait for a job."),
		metric.WithExplicitBucketBoundaries(1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144))
	in.failures, _ = m.Int64Counter("daas.job.read.failures", metric.WithUnit("{read}"),
		metric.WithDescription("Status reads of jobs that failed."))
	in.limited, _ = m.Int64Counter("daas.request.rate_limited", metric.WithUnit("{response}"),
		metric.WithDescription("Answers 429 or 503 that made the client retry or hold off."))
	in.detection, _ = m.Float64Histogram("daas.job.detection_delay", metric.WithUnit("s"),
		metric.WithDescription("Estimated time from a job's end to the client seeing it."),
		metric.WithExplicitBucketBoundaries(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60))
	return daas.JobObserver{
		JobStarted: in.jobStarted,
		WaitStart:  in.waitStart,
		Read:       in.read,
		Retry:      in.retry,
		WaitEnd:    in.waitEnd,
	}
}

// jobStarted remembers the span the job was started in, if any, for the
// links of its waits.
func (in *instruments) jobStarted(ctx context.Context, i daas.JobStartInfo) {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		in.starts.put(i.JobID, sc)
	}
}

func (in *instruments) waitStart(ctx context.Context, i daas.WaitStartInfo) context.Context {
	attrs := []attribute.KeyValue{JobIDKey.String(i.JobID)}
	if i.JobType != "" {
		attrs = append(attrs, JobTypeKey.String(i.JobType))
	}
	if i.StartTransactionID != "" {
		attrs = append(attrs, TransactionIDKey.String(i.StartTransactionID))
	}
	opts := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithTimestamp(i.At), trace.WithAttributes(attrs...)}
	if sc, ok := in.starts.get(i.JobID); ok {
		opts = append(opts, trace.WithLinks(trace.Link{SpanContext: sc}))
	}
	ctx, _ = in.tracer.Start(ctx, "daas.job.wait", opts...)
	return ctx
}

func (in *instruments) read(ctx context.Context, i daas.ReadInfo) {
	attrs := []attribute.KeyValue{
		ReadViaKey.String(i.Via), ReadSharedKey.Bool(i.Shared),
	}
	if i.Status != "" {
		attrs = append(attrs, JobStatusKey.String(string(i.Status)), JobProgressKey.Int(i.Progress))
	}
	if len(i.TransactionIDs) > 0 {
		attrs = append(attrs, TransactionIDKey.StringSlice(i.TransactionIDs))
	}
	if i.Err != nil {
		attrs = append(attrs, semconv.ErrorTypeKey.String(i.Cause))
		in.failures.Add(ctx, 1, metric.WithAttributes(semconv.ErrorTypeKey.String(i.Cause)))
		// The last answer of a read that sent requests: its retries, if
		// any, were counted by retry. A shared read (a list hold) sent none.
		if code := limitStatus(i.Cause); code != 0 && !i.Shared {
			in.limited.Add(ctx, 1, metric.WithAttributes(semconv.HTTPResponseStatusCodeKey.Int(code)))
		}
	}
	trace.SpanFromContext(ctx).AddEvent("daas.job.read", trace.WithTimestamp(i.At), trace.WithAttributes(attrs...))
}

func (in *instruments) retry(ctx context.Context, i daas.RetryInfo) {
	if i.StatusCode == http.StatusTooManyRequests || i.StatusCode == http.StatusServiceUnavailable {
		in.limited.Add(ctx, 1, metric.WithAttributes(semconv.HTTPResponseStatusCodeKey.Int(i.StatusCode)))
	}
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	attrs := []attribute.KeyValue{
		semconv.HTTPRequestMethodKey.String(i.Method),
		semconv.HTTPRequestResendCountKey.Int(i.Attempt),
		semconv.ErrorTypeKey.String(i.Cause),
		TransactionIDKey.String(i.TransactionID),
	}
	if i.StatusCode != 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCodeKey.Int(i.StatusCode))
	}
	span.AddEvent("daas.request.retry", trace.WithAttributes(attrs...))
}

func (in *instruments) waitEnd(ctx context.Context, i daas.WaitEndInfo) {
	byType := attribute.NewSet(JobTypeKey.String(i.JobType))
	set := attribute.NewSet(JobTypeKey.String(i.JobType), JobOutcomeKey.String(i.Outcome))
	in.duration.Record(ctx, i.Duration.Seconds(), metric.WithAttributeSet(set))
	in.reads.Record(ctx, int64(i.Reads), metric.WithAttributeSet(set))
	if i.HasDetection {
		in.detection.Record(ctx, max(i.DetectionDelay.Seconds(), 0), metric.WithAttributeSet(byType))
	}
	span := trace.SpanFromContext(ctx)
	span.SetAttributes(JobTypeKey.String(i.JobType), JobOutcomeKey.String(i.Outcome))
	if i.Status != "" {
		span.SetAttributes(JobStatusKey.String(string(i.Status)))
	}
	switch i.Outcome {
	case daas.OutcomeComplete, daas.OutcomeWarning, daas.OutcomeFailed, daas.OutcomeCanceled:
		in.starts.forget(i.JobID) // the job ended: no wait of it will link
	}
	switch i.Outcome {
	case daas.OutcomeComplete, daas.OutcomeWarning:
	default:
		desc := i.Outcome
		if i.Err != nil {
			desc = i.Err.Error()
		}
		span.SetStatus(codes.Error, desc)
	}
	span.End()
}

// limitStatus is the status of a rate-limit cause, or 0.
func limitStatus(cause string) int {
	switch cause {
	case "rate_limited":
		return http.StatusTooManyRequests
	case "unavailable":
		return http.StatusServiceUnavailable
	}
	return 0
}
