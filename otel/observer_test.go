package otel_test

import (
	"context"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	daasotel "github.com/daaskit/daas/otel"
)

type telemetry struct {
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
	client *daas.Client
	srv    *daastest.Server
}

func setup(t *testing.T, d time.Duration) *telemetry {
	tm := &telemetry{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tm.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tm.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(tm.reader))
	tm.srv = daastest.NewServer(daastest.WithoutListener(), daastest.WithJobDuration(d), daastest.WithProgress(daastest.ProgressNone))
	t.Cleanup(tm.srv.Close)
	pol := daas.DefaultPollPolicy()
	pol.Jitter = 0
	tm.client = tm.srv.Client(daas.WithPollPolicy(pol), daas.WithObserver(daasotel.NewObserver(tm.tp, mp)))
	return tm
}

func (tm *telemetry) metrics(t *testing.T) map[string]metricdata.Aggregation {
	var rm metricdata.ResourceMetrics
	require.NoError(t, tm.reader.Collect(context.Background(), &rm))
	out := map[string]metricdata.Aggregation{}
	for _, sm := range rm.ScopeMetrics {
		assert.Equal(t, daasotel.ScopeName, sm.Scope.Name)
		for _, m := range sm.Metrics {
			out[m.Name] = m.Data
		}
	}
	return out
}

func attrs(kvs ...attribute.KeyValue) attribute.Set { return attribute.NewSet(kvs...) }

// A wait of a job that ends at 5 s is one span, a child of the caller's,
// with one event per read (at 1, 3, 7 s), and the wait's figures.
func TestOneSpanPerWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tm := setup(t, 5*time.Second)
		job, err := tm.client.MachineCatalogs.ListAsync(t.Context())
		require.NoError(t, err)
		ctx, parent := tm.tp.Tracer("test").Start(t.Context(), "caller")
		_, err = job.Wait(ctx)
		require.NoError(t, err)
		parent.End()

		ended := tm.spans.Ended()
		require.Len(t, ended, 2, "the wait's span and the caller's")
		span := ended[0]
		assert.Equal(t, "daas.job.wait", span.Name())
		assert.Equal(t, parent.SpanContext().SpanID(), span.Parent().SpanID())
		assert.Equal(t, 7*time.Second, span.EndTime().Sub(span.StartTime()))
		assert.Equal(t, codes.Unset, span.Status().Code)
		var names []string
		for _, e := range span.Events() {
			names = append(names, e.Name)
		}
		assert.Equal(t, []string{"daas.job.read", "daas.job.read", "daas.job.read"}, names)
		last := attribute.NewSet(span.Events()[2].Attributes...)
		status, _ := last.Value(daasotel.JobStatusKey)
		assert.Equal(t, "Complete", status.AsString())
		via, _ := last.Value(daasotel.ReadViaKey)
		assert.Equal(t, daas.ReadSingle, via.AsString())
		spanAttrs := attribute.NewSet(span.Attributes()...)
		jobType, _ := spanAttrs.Value(daasotel.JobTypeKey)
		require.NotEmpty(t, jobType.AsString())

		m := tm.metrics(t)
		set := attrs(daasotel.JobTypeKey.String(jobType.AsString()), daasotel.JobOutcomeKey.String(daas.OutcomeComplete))
		dur := m["daas.job.wait.duration"].(metricdata.Histogram[float64])
		require.Len(t, dur.DataPoints, 1)
		assert.Equal(t, set, dur.DataPoints[0].Attributes)
		assert.Equal(t, 7.0, dur.DataPoints[0].Sum)
		reads := m["daas.job.wait.reads"].(metricdata.Histogram[int64])
		assert.Equal(t, int64(3), reads.DataPoints[0].Sum)
		det := m["daas.job.detection_delay"].(metricdata.Histogram[float64])
		assert.Equal(t, 2.0, det.DataPoints[0].Sum, "ended at 5 s, seen at 7 s")
		assert.NotContains(t, m, "daas.job.read.failures")
	})
}

// Rate-limited answers and failed reads are counted; a wait that ends
// with its context is an Error span.
func TestFailuresAndRateLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tm := setup(t, time.Hour)
		job, err := tm.client.MachineCatalogs.ListAsync(t.Context())
		require.NoError(t, err)
		// Every attempt of the first read answers 429: retried, then failed.
		tm.srv.InjectFault(daastest.Fault{Route: "GET /Jobs/{id}", Status: http.StatusTooManyRequests, RetryAfter: "1"})
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		_, err = job.Wait(ctx)
		var we *daas.WaitError
		require.ErrorAs(t, err, &we)

		span := tm.spans.Ended()[0]
		assert.Equal(t, codes.Error, span.Status().Code)
		var reads, retries int
		for _, e := range span.Events() {
			switch e.Name {
			case "daas.job.read":
				reads++
			case "daas.request.retry":
				retries++
			}
		}
		m := tm.metrics(t)
		failed := m["daas.job.read.failures"].(metricdata.Sum[int64])
		require.Len(t, failed.DataPoints, 1)
		assert.Equal(t, attrs(attribute.String("error.type", "rate_limited")), failed.DataPoints[0].Attributes)
		assert.Equal(t, int64(reads), failed.DataPoints[0].Value)
		limited := m["daas.request.rate_limited"].(metricdata.Sum[int64])
		assert.Equal(t, attrs(attribute.Int("http.response.status_code", 429)), limited.DataPoints[0].Attributes)
		assert.Equal(t, int64(reads+retries), limited.DataPoints[0].Value, "every 429 answer once")
		assert.Equal(t, int64(tm.srv.Count("GET /Jobs/{id}")), limited.DataPoints[0].Value)
		assert.Positive(t, retries)
		dur := m["daas.job.wait.duration"].(metricdata.Histogram[float64])
		assert.Equal(t, daas.OutcomeContextEnded, func() string {
			v, _ := dur.DataPoints[0].Attributes.Value(daasotel.JobOutcomeKey)
			return v.AsString()
		}())
		assert.NotContains(t, m, "daas.job.detection_delay")
	})
}

// The wait's span links to the span the job was started in, even when the
// wait runs under another span; a job started outside any span, or resumed
// by id, links to nothing.
func TestWaitLinksToJobStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tm := setup(t, 3*time.Second)
		tracer := tm.tp.Tracer("test")

		startCtx, start := tracer.Start(t.Context(), "start image update")
		job, err := tm.client.MachineCatalogs.ListAsync(startCtx)
		require.NoError(t, err)
		start.End()
		plain, err := tm.client.MachineCatalogs.ListAsync(t.Context())
		require.NoError(t, err)

		waitCtx, caller := tracer.Start(t.Context(), "waiter")
		_, err = job.Wait(waitCtx)
		require.NoError(t, err)
		_, err = plain.Wait(waitCtx)
		require.NoError(t, err)
		resumed := daas.ResumeJob[struct{}](tm.client, job.ID())
		_, err = resumed.Wait(waitCtx)
		require.NoError(t, err)
		caller.End()

		var waits []sdktrace.ReadOnlySpan
		for _, s := range tm.spans.Ended() {
			if s.Name() == "daas.job.wait" {
				waits = append(waits, s)
			}
		}
		require.Len(t, waits, 3)
		linked := waits[0]
		assert.Equal(t, caller.SpanContext().SpanID(), linked.Parent().SpanID(), "a child of the waiter")
		require.Len(t, linked.Links(), 1)
		assert.Equal(t, start.SpanContext().TraceID(), linked.Links()[0].SpanContext.TraceID())
		assert.Equal(t, start.SpanContext().SpanID(), linked.Links()[0].SpanContext.SpanID())
		assert.NotEqual(t, start.SpanContext().TraceID(), linked.SpanContext().TraceID(), "another trace: only the link joins them")
		assert.Empty(t, waits[1].Links(), "started outside any span")
		assert.Empty(t, waits[2].Links(), "the first wait saw the job end: its start is forgotten")
	})
}

// A wait that ends with its context keeps the job's start, so that the
// next wait of the same job links to it too.
func TestWaitLinkKeptAcrossWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tm := setup(t, time.Minute)
		startCtx, start := tm.tp.Tracer("test").Start(t.Context(), "start")
		job, err := tm.client.MachineCatalogs.ListAsync(startCtx)
		require.NoError(t, err)
		start.End()
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		_, err = job.Wait(ctx)
		cancel()
		require.Error(t, err)
		_, err = job.Wait(t.Context())
		require.NoError(t, err)
		var links int
		for _, s := range tm.spans.Ended() {
			if s.Name() == "daas.job.wait" {
				require.Len(t, s.Links(), 1)
				assert.Equal(t, start.SpanContext().SpanID(), s.Links()[0].SpanContext.SpanID())
				links++
			}
		}
		assert.Equal(t, 2, links)
	})
}
