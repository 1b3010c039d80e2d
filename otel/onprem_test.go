package otel_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	daasotel "github.com/daaskit/daas/otel"
)

// Against an on-premises controller, a wait that meets a 401 (a new token,
// fetched after a 503 of the token endpoint, and a replay) leaves no trace
// of the administrator's password in any span, attribute or event.
func TestOnPremisesPasswordInNoSpan(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		spans := tracetest.NewSpanRecorder()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
		mp := sdkmetric.NewMeterProvider()
		srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithOnPremises(), daastest.WithJobDuration(time.Minute))
		defer srv.Close()
		c := srv.Client(daas.WithObserver(daasotel.NewObserver(tp, mp)))
		job, err := c.MachineCatalogs.ListAsync(t.Context())
		require.NoError(t, err)
		srv.InjectFault(daastest.Fault{Route: "GET /Jobs/{id}", Status: http.StatusUnauthorized, Count: 1})
		srv.InjectFault(daastest.Fault{Route: "POST /Tokens", Status: http.StatusServiceUnavailable, Count: 1})
		_, err = job.Wait(t.Context())
		require.NoError(t, err)
		require.Equal(t, 3, srv.Count("POST /Tokens"), "the first token, a 503, the one after the 401")

		var all strings.Builder
		for _, s := range spans.Ended() {
			fmt.Fprintf(&all, "%s %v %v\n", s.Name(), s.Attributes(), s.Status())
			for _, e := range s.Events() {
				fmt.Fprintf(&all, "  %s %v\n", e.Name, e.Attributes)
			}
		}
		require.NotEmpty(t, spans.Ended())
		basic := &http.Request{Header: http.Header{}}
		basic.SetBasicAuth(srv.Username, srv.Password)
		assert.NotContains(t, all.String(), srv.Password)
		assert.NotContains(t, all.String(), strings.TrimPrefix(basic.Header.Get("Authorization"), "Basic "))
	})
}
