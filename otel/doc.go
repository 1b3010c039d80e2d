// Package otel turns the telemetry hook of [daas] ([daas.JobObserver]) into
// OpenTelemetry spans and metrics. It is a module of its own, so that the
// library depends on nothing but the standard library and go-retryablehttp.
//
//	obs := otel.NewObserver(tracerProvider, meterProvider)
//	c, err := daas.NewClient(..., daas.WithObserver(obs))
//
// # Spans
//
// One span per wait, not per poll: "daas.job.wait", of kind internal, a
// child of the span in the context given to [daas.Job.Wait] (the requests
// the wait sends run in its context, so an HTTP client instrumentation such
// as otelhttp on the client's transport makes their spans children of it;
// HTTP spans are that instrumentation's business, not this package's). Each
// status read is an event "daas.job.read" on it, each retry of a read's
// request an event "daas.request.retry". The span links to the span the
// job was started in (the one in the context of the ...Async call, which
// the library reports through [daas.JobObserver].JobStarted), so that a job
// started in one trace and waited for in another, or later, is joined to
// its start; a job resumed by id has no such link. The observer remembers
// the starts of at most 4096 jobs, the oldest forgotten first, and a job's
// start once a wait has seen the job end. The span's status is Error when
// the job failed or was canceled, a read failed for good or the context
// ended.
//
// # Metrics
//
// There are no OpenTelemetry semantic conventions for asynchronous jobs, so
// the instruments are in the daas namespace, named and united as the
// conventions' general rules say (durations in seconds, as histograms; counts
// with curly-brace units):
//
//   - daas.job.wait.duration (s, histogram): a wait's wall time, by
//     daas.job.type and daas.job.outcome.
//   - daas.job.wait.reads ({read}, histogram): status reads per wait, by
//     daas.job.type and daas.job.outcome.
//   - daas.job.read.failures ({read}, counter): failed status reads, by
//     error.type.
//   - daas.request.rate_limited ({response}, counter): 429 and 503 answers
//     that made the library retry a request or hold a read, by
//     http.response.status_code.
//   - daas.job.detection_delay (s, histogram): how long after the job's
//     EndedAt the client saw it end, by daas.job.type.
//
// Attributes that exist in the semantic conventions (v1.43.0) are used with
// their meaning: error.type (the cause of a failure: rate_limited,
// unavailable, server_error, client_error, timeout, canceled, transport,
// other), http.request.method, http.response.status_code,
// http.request.resend_count. The others (daas.job.id, daas.job.type,
// daas.job.outcome, daas.job.status, daas.job.progress, daas.read.via,
// daas.read.shared, daas.transaction_id) are this package's.
package otel
