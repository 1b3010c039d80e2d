// Command telemetry shows the OpenTelemetry a daas client produces: it
// starts a job on the built-in fake (daastest), waits for it with
// otel.NewObserver installed, and prints the wait's span (one span, an event
// per status read, a link to the span that started the job) and the wait's
// metrics with the OpenTelemetry SDK's
// stdout exporters.
//
//	cd otel && go run ./examples/telemetry
//
// A service of one's own sets the same observer with exporters to its
// collector instead of stdout.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	daasotel "github.com/daaskit/daas/otel"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "telemetry:", err)
		os.Exit(1)
	}
}

// run waits for one catalog-list job of the fake, which takes 3 s, and
// writes the span and the metrics to w.
func run(ctx context.Context, w io.Writer, fakeOpts ...daastest.Option) error {
	spans, err := stdouttrace.New(stdouttrace.WithWriter(w), stdouttrace.WithPrettyPrint())
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	metrics, err := stdoutmetric.New(stdoutmetric.WithWriter(w), stdoutmetric.WithPrettyPrint())
	if err != nil {
		return err
	}
	// Exported once, when the provider shuts down at the end.
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(metrics, sdkmetric.WithInterval(time.Hour))))

	srv := daastest.NewServer(append([]daastest.Option{daastest.WithJobDuration(3 * time.Second), daastest.WithCatalogs(3)}, fakeOpts...)...)
	defer srv.Close()
	c := srv.Client(daas.WithObserver(daasotel.NewObserver(tp, mp)))

	// The job is started in a span of the caller's: the wait's span links
	// to it (here the wait runs outside it, as a wait resumed later would).
	startCtx, start := tp.Tracer("telemetry-example").Start(ctx, "start catalog listing")
	job, err := c.MachineCatalogs.ListAsync(startCtx)
	start.End()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "waiting for job %s\n", job.ID())
	cats, err := job.Wait(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "job done: %d catalogs\n", len(cats))
	if err := tp.Shutdown(ctx); err != nil {
		return err
	}
	return mp.Shutdown(ctx)
}
