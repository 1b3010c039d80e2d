// Package temporal runs Citrix DaaS jobs as Temporal activities, so that a
// wait of hours survives worker restarts and a create is sent once.
//
// It is a module of its own (github.com/daaskit/daas/temporal), so that the
// library's importers never see go.temporal.io/sdk.
//
// A worker shares one [*daas.Client] between every activity it runs, so that
// all the waits of one worker share the client's poller: when more than the
// poll policy's batch threshold of jobs are waited on at once, their status
// is read with one GET /Jobs per tick for all of them.
//
//	client, _ := daas.NewClientFromEnv()
//	w := worker.New(temporalClient, "daas", worker.Options{})
//	temporal.NewActivities(client, temporal.Options{}).Register(w)
//
// A workflow starts a job, waits for it and reads its result with [Run], or
// step by step with [Start], [Wait] and [Result]:
//
//	req, _ := temporal.NewStartRequest("POST",
//		"MachineCatalogs/Win11/$UpdateProvisioningScheme", body,
//		"UpdateMachineCatalogProvisioningScheme", daas.NameValue{Name: "Name", Value: "Win11"})
//	catalog, err := temporal.Run[daas.MachineCatalog](ctx, req, temporal.RunOptions{})
//
// # What is guaranteed
//
// The wait activity sends nothing but status reads: a worker that dies
// mid-wait is replaced, and the retried activity resumes the wait by the job
// id recorded in the workflow's history. A job that ends Failed or Canceled
// is a non-retryable application error of type [ErrorTypeJobFailed] or
// [ErrorTypeJobCanceled] whose details are a [JobFailure].
//
// The start activity sends its request at most once per attempt, and a
// retried attempt (the worker died between sending and recording the job
// id, or the answer was lost) first looks for the job an earlier attempt
// started: in the Jobs list of this API client, a job of the request's
// JobType, with each of its Parameters, created since the first attempt
// (less [Options].ClockSkew). When exactly one job matches, the activity
// returns it and sends nothing; when several match it fails with the
// non-retryable [ErrorTypeAmbiguousStart] rather than guess; when none
// matches it sends the request. A DuplicateObject (409, or any error
// matching [daas.ErrConflict]) answered to a retry's request is checked the
// same way before it counts as a failure.
//
// Where it cannot hold: the Jobs list shows only the jobs of the API client
// that started them, kept 48 hours after they end, so a retry with other
// credentials, or more than 48 hours after the job ended, does not find it;
// a job started by someone else with the same API client, of the same type
// and parameters, inside the window, is taken for the activity's own when
// the first attempt died before sending (and makes the start ambiguous when
// it did send); and an operation whose request starts no job visible in the
// list is sent again. See the module's README for the figures measured
// against daas-sim and a real Temporal server.
package temporal
