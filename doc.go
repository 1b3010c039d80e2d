/*
Package daas is a client for the Citrix DaaS REST API (Citrix Virtual Apps and
Desktops service, /cvad/manage), built around the service's asynchronous jobs.

# Usage

Create one [Client] per customer and share it across the program:

	client, err := daas.NewClient(customerID,
		daas.WithClientCredentials(clientID, clientSecret),
	)
	if err != nil {
		return err
	}
	job, err := client.MachineCatalogs.ListAsync(ctx) // ?async=true → 202 → *daas.Job
	if err != nil {
		return err
	}
	catalogs, err := job.Wait(ctx) // polls the job, then reads its result

[NewClientFromEnv] makes the same client from the CITRIX_* environment
variables (those cmd/daas-sim prints), options after them winning:

	client, err := daas.NewClientFromEnv()

Every call takes a context first; cancel it to stop the call, the wait or
the retries behind them.

# Authentication and regions

[WithClientCredentials] takes a Citrix Cloud API client (Identity and
Access Management → API access). The client fetches a bearer token from the
region's token endpoint, caches it for its hour of life, fetches a new one
shortly before it expires (one request however many goroutines need it), and
once more if the API refuses it with 401, replaying the refused call once.
[WithBearerToken] uses a token obtained elsewhere; [WithTokenSource] plugs in
any other [TokenSource].

[WithRegion] picks the token host: [RegionUS] (the default), [RegionEU] and
[RegionAPS] use api.cloud.com for the API and api-us, api-eu or
api-ap-s.cloud.com for tokens; [RegionJP] uses api.citrixcloud.jp for both.
[WithBaseURL] points the client at another API root: an on-premises
Delivery Controller (see "On-premises sites" below), the
[github.com/daaskit/daas/daastest] fake, or the cmd/daas-sim simulator;
[WithTokenURL] sets the client-credentials token endpoint. The base URL's
path must be the API root (ending in /cvad/manage), and client credentials
with a base URL that is not a Citrix Cloud API host need WithTokenURL, so
that the secret never goes to a Citrix Cloud token host by default.

Every call carries Citrix-CustomerId and, for site-scoped calls,
Citrix-InstanceId. Without [WithSiteID] the client reads GET /me on its first
site-scoped call and uses the customer's only site; a customer with several
sites gets an error that lists them. [Client.SiteID] returns that site.

# On-premises sites

The same API and jobs are served by the Delivery Controllers of Citrix
Virtual Apps and Desktops. [WithOnPremisesCredentials] takes a controller
administrator and fetches, caches and refreshes tokens from the
controller's POST /cvad/manage/Tokens (Basic authentication) as client
credentials do; it needs [WithBaseURL] (https://{ddc}/cvad/manage), sends
the password to that origin only, and an empty customer id then means
[OnPremisesCustomerID]. [NewClientFromEnv] reads CITRIX_ONPREM_USERNAME and
CITRIX_ONPREM_PASSWORD with CITRIX_BASE_URL, and CITRIX_CA_FILE trusts a
self-signed controller (verification is never skipped). docs/onprem.md
says how to get these, and how the Terraform provider's
/citrix/orchestration/api URLs map to /cvad/manage; cmd/daas-sim -onprem
simulates a controller.

# Raw access

[Client.Do] calls any endpoint that has no typed method yet, on the same
stack as the typed methods: headers, token, site, retries, origin checks and
typed errors. It is for synchronous calls; a 202 Accepted answer is an error
that says to use [StartJob], which returns the job to wait for.

# Jobs and waiting

The ...Async methods return a [*Job] whose type parameter is the job's
result: []MachineCatalog for an async list, *MachineCatalog for a create,
struct{} for a delete. [Job.Wait] polls until the job ends and returns the
result; [Job.Poll], [Job.Info] and [Job.Done] read the status step by step;
[Job.Cancel] cancels it. [StartJob] starts any of the API's other async
operations, and [ResumeJob] makes a handle from a job id saved earlier, in
this process or another (same API client, within the 48 hours the service
keeps jobs). Give ResumeJob the T of the operation that started the job, or
struct{} to see the job end without reading its result: the result of a
job that changed something is the resource it changed, which any other T
downloads.

Wait's outcome follows the job's final status: Complete gives the result;
CompleteWithWarning gives the result too (the warning is on [Job.Info]) unless
[WarningsAsErrors] is set; Failed gives a [*JobError] matching [ErrJobFailed],
with the job's ErrorCode, ErrorString and ErrorParameters; Canceled gives a
[*JobError] matching [ErrJobCanceled]. NonTerminatingError, Unknown and any
status the library does not know keep the wait going. A failed poll (429, a
5xx, a dropped connection) does not end the wait either: it is retried on the
poll schedule; any other failure (bad input, a 4xx, a token source's own
error) ends it at once. A malformed job id gives [ErrBadJobID] before anything
is sent. When the context ends, Wait returns a [*WaitError] at once: it matches
the context's error and names the job, its last status and the last poll
error (wrapped, so errors.As finds an [*APIError]); with [CancelOnContextDone]
it cancels the job first, best effort. [BatchResult.Wait] and
[MachineCatalogsService.WaitProvisioned] wrap the *WaitError of each job still
running. Job error codes the library reasons about are constants, such as
[JobErrorDuplicateObject], whose [*JobError] matches [ErrConflict].

# Batches

[Client.Batch] sends many calls as one POST /$batch request, itself a job of
the service. [Client.BatchItemOf] makes an item of any typed call without
sending it (the Async form runs the item as a job of its own), and
[NewBatchItem] one from a method and a path. The batch's result gives each
item's outcome, and [BatchResult.Wait] waits for the items' jobs together on
the shared poller.

# Progress and the poll schedule

[OnProgress] reports each change of status or percent, in order, on the
waiting goroutine; [JobInfo].Progress is -1 for a job that reports none.
The schedule ([PollPolicy], [DefaultPollPolicy]): the first read one second
after Wait begins (at once for a job started elsewhere, from [ResumeJob]),
then intervals doubling to at most 30 s, with jitter; a
Retry-After header or a retryDelay parameter is a floor for the next read;
and when the job reports progress, the next read is aimed at the finish
estimated from the progress rate. [PollInterval] changes the bounds for one
wait. All waits of a client share one poller, which reads many jobs with
one GET /Jobs when that costs less than a GET /Jobs/{id} each; it runs no
goroutine of its own. A client learns how long each job type takes and
places its reads accordingly; [Client.PollStats] exports what it learnt and
[WithPollStats] loads it, so that a restarted process starts warm. The
repository's docs/polling.md says how, and what it costs.

# Errors

A call the service refuses returns an [*APIError] with the status, the error
type and detail from either of the service's two error bodies, the
Citrix-TransactionId of the call (generated by the client, so it is there
even when a gateway drops it), the request's method and URL (without query
string), and the wait the service asked for. Match common cases with
[errors.Is]: [ErrNotFound], [ErrUnauthorized], [ErrForbidden], [ErrConflict],
[ErrRateLimited]. A token endpoint failure is an [*AuthError]. A job's
failure is a [*JobError]. An argument the library refuses before sending
anything (an empty required field, a name that cannot be one path segment,
an option that does not apply) is an [*InputError] matching
[ErrInvalidInput], the same on every service.

# Paging

[MachineCatalogsService.List] returns one page and its continuation token;
[MachineCatalogsService.All] iterates over every catalog across pages and
stops fetching when the loop breaks; [MachineCatalogsService.ListAsync] runs
the list as a job and returns every page.

# Retries

Requests go through go-retryablehttp with this library's own policy
([RetryPolicy], [DefaultRetryPolicy]): connection errors, 429, 502, 503 and
504 are retried with capped exponential backoff and jitter; Retry-After and
retryDelay are honoured up to the cap; nothing is retried after the context
ends, and no wait outlives its deadline. A request that may create something
(a POST, or an async write) is retried only where the server cannot have
acted on it: a failed dial, 429 or 503. A 500, a 502 or a dropped connection
after sending is returned to the caller, never replayed, so that no catalog is
created twice. The final error keeps the status, body and transaction id.
Each attempt is bounded by [RetryPolicy].AttemptTimeout (by default
[DefaultAttemptTimeout], under the gateway's ~90 s): an attempt that times
out, there or in net/http, is a transport failure retried by these rules and
returned as a [net.Error] whose Timeout reports true, never as the context's
error; a call ends early only when its own context ends.

# Testing

Package [github.com/daaskit/daas/daastest] is an in-memory Citrix DaaS for
your tests, with the service's paths, headers, statuses and error bodies,
and controls for job durations, progress, outcomes, injected faults and the
clock; daastest.Routes lists what it models. Its Server.Client method
returns a ready client. cmd/daas-sim serves the same fake on loopback for
curl, PowerShell or any other client.

# Security

Tokens, client secrets and passwords never appear in errors, logs or
%v/%+v/%#v output of the client, its options or [Token]. The bearer token
and an on-premises password are sent only to the API's origin (scheme, host and port of the base URL); the client never
follows a redirect by itself, and a 202 or 303 Location on another origin is
refused with [ErrUntrustedLocation]. Plain http is accepted only for
loopback hosts. Response bodies are read through size caps. The library logs
nothing unless given a logger with [WithLogger].
*/
package daas
