// Package daastest is a fake Citrix DaaS REST API for your tests, in the
// spirit of net/http/httptest: an in-memory service with the token
// endpoint, GET /me, the Sites, MachineCatalogs and the asynchronous Jobs
// API, which answers with the paths, JSON property names, statuses, enums,
// headers and error bodies of Citrix's OpenAPI spec (openapi.yaml in
// github.com/citrix/citrix-daas-rest-go v1.0.31), and which a test can
// steer. The repository's conformance module runs Citrix's own generated
// client against it and validates every body against that spec.
//
// # Usage
//
//	s := daastest.NewServer(daastest.WithCatalogs(3))
//	t.Cleanup(s.Close)
//	client := s.Client() // a *daas.Client for s, authenticated
//	job, err := client.MachineCatalogs.ListAsync(ctx)
//
// The server's URL, TokenURL, CustomerID, SiteID, ClientID and ClientSecret
// fields are what any other client needs (curl, PowerShell, a generated SDK);
// [Server.HTTPClient] is an http.Client that reaches the server (trusting its
// certificate with [WithTLS]) and does not follow redirects, so a test sees
// the 303 of GET /Jobs/{id}/Results. [Server.IssueToken] mints a bearer token
// for clients configured with a static token.
//
// # On-premises
//
// [WithOnPremises] makes the server an on-premises Delivery Controller of
// Citrix Virtual Apps and Desktops: HTTPS, the token from POST
// /cvad/manage/Tokens with Basic authentication as [Server.Username] and
// [Server.Password] (route key "POST /Tokens"), customer id
// [OnPremisesCustomerID]. [Server.Client] then authenticates with
// daas.WithOnPremisesCredentials; cmd/daas-sim -onprem serves it.
//
// # Service time
//
// Jobs, tokens and job retention run on service time, [Server.Now]:
//
//	now = base + (clock() - start) × scale + offset
//
// The clock is time.Now unless [WithClock] replaces it; [WithTimeScale]
// makes service time run faster (60: a 30-minute job takes 30 real seconds);
// [Server.Advance] adds to the offset, to jump past a long job or the 48
// hours of job retention at once. Every duration configured on the fake is
// in service time. With a frozen clock (WithClock returning a constant),
// service time moves only with Advance, which makes job states exact.
//
// The fake runs no background goroutine or timer. A job records when it was created
// and how long it runs; its status, progress and times are computed from
// service time when read. Before answering any request, and in the methods
// that report state, the server finishes every job whose end has come, in
// order of end time, applying its effect (creating, changing or deleting
// the catalog; taking the results of a list). So a catalog created by an
// async POST exists only once its job completes, and a list job sees the
// catalogs as they were when it completed.
//
// # Tests in a testing/synctest bubble
//
// A bubble forbids real sockets, so use [WithoutListener]: the server then
// answers only in process, through [Server.Transport] (also behind
// [Server.HTTPClient] and [Server.Client]), which calls the handler
// directly. Inside the bubble time.Now is fake, so time.Sleep(10 *
// time.Minute) lets a 10-minute job progress without any real wait, and a
// client's poll interval costs nothing:
//
//	synctest.Test(t, func(t *testing.T) {
//		s := daastest.NewServer(daastest.WithoutListener(), daastest.WithJobDuration(30*time.Minute))
//		defer s.Close()
//		job, _ := s.Client().MachineCatalogs.ListAsync(t.Context())
//		catalogs, err := job.Wait(t.Context())
//		// ...
//	})
//
// The in-memory transport works with a listener too; it answers only
// requests for the server's own origin.
//
// # Steering jobs
//
// [WithJobDuration], [WithJobDurationFor] and [WithJobDurationFunc] set how
// long jobs run (2 s by default) and [WithProgress] how
// OverallProgressPercent rises. A job is NotStarted for the first 2% of its
// duration, then InProgress. [Server.NextJob] and [Server.JobsMatching] make
// jobs end Failed, CompleteWithWarning or Canceled, pass through
// NonTerminatingError mid-run, refuse cancellation, or run for another
// duration ([Outcome]); [Server.CancelJob] cancels one now. [Server.Job] and
// [Server.Jobs] show any job's state.
//
// # Faults
//
// [Server.InjectFault] makes matching requests (by route key, see [Routes])
// fail with a status (429 and 503 with the documented bodies and a
// retryDelay parameter, a Retry-After header, 500, a bare 502), drop the
// connection before or after the request took effect, or answer late; by
// probability (seeded by [WithSeed], so runs repeat) or for the next N
// requests. A reset over the network closes the TCP connection; through
// the in-memory transport RoundTrip returns an error matching
// syscall.ECONNRESET. Note that net/http's own Transport replays an
// idempotent request (GET, or one with an Idempotency-Key) when a reused
// connection fails before any answer, so one reset can show up as two
// requests in [Server.Count].
//
// # Routes the fake does not model
//
// [Server.Handle] (or the [WithRoute] option) registers a route of your
// own: a method and a path pattern under /cvad/manage with {name}
// segments, and a [RouteHandler]. The handler sees the request ([Call]:
// path values, query, body, API client) after the fake's checks and any
// [Fault] on the route, and answers a [Reply]: a status and a JSON body, an
// error body of the service's form ([ErrorReply]), or a job ([JobSpec]):
// 202 with its Location, then a job that runs like the fake's own (its
// duration, progress and [Outcome] set by the same options and methods,
// matched by its Type, which should be a value of the API's JobType enum),
// with an effect run when it completes and results served from
// GET /Jobs/{id}/Results as 200 with a body or 303 to a path:
//
//	s.Handle("POST /Zones", func(c *daastest.Call) daastest.Reply {
//		if !c.Async() {
//			return daastest.Reply{Status: http.StatusCreated, Body: zone}
//		}
//		return daastest.Reply{Job: &daastest.JobSpec{Type: "CreateZone", ResultPath: "/Zones/" + id}}
//	})
//
// A registered route is counted, logged and faulted by its key ("POST
// /Zones") like a built-in one. Registering a route that exists (a built-in
// one included) panics, as http.ServeMux does. Routes may be registered at
// any time, also while the server serves; a request sees the routes
// registered before it arrived. Handlers run without the server's lock and
// concurrently; a job's effect runs with the lock held and must not call the
// Server. Package daassim builds a simulator with such routes.
//
// # Assertions
//
// [Server.Count] and [Stats.ByRoute] count requests by route key:
//
//	POST /tokens                        (the token endpoint)
//	GET /me                             GET /Sites
//	GET /Sites/{nameOrId}
//	GET /MachineCatalogs                POST /MachineCatalogs
//	GET /MachineCatalogs/{nameOrId}     PATCH /MachineCatalogs/{nameOrId}
//	DELETE /MachineCatalogs/{nameOrId}
//	GET /Jobs                           GET /Jobs/{id}
//	DELETE /Jobs/{id}                   GET /Jobs/{id}/Results
//	POST /Jobs/{id}/$cancel             POST /Jobs/{id}/$SkipRemaining
//
// and the keys of the routes registered with [Server.Handle].
//
// [Server.Stats] also counts effects (CatalogsCreated counts catalogs
// actually created), so a test can prove a retried POST was acted on once.
// [Server.Requests] is the request log, secrets redacted; [Server.Catalogs]
// the catalogs.
//
// # Checks
//
// Every /cvad/manage request is checked as the service does, in this order:
// Authorization "CWSAuth bearer=<token>" (scheme and key in any case) with a
// live token, else 401 with reason "missing" or "invalid"; Citrix-CustomerId,
// else 500 with the gateway's activityId body, or 403 for another customer;
// Citrix-InstanceId on every route but GET /me and the Sites; an Accept
// that admits application/json (with or without charset=utf-8, application/*
// or */*), else 406; a request body with Content-Type application/json, bare
// or with charset=utf-8 (another charset is refused), else 415; a body of at
// most 1 MiB, else 413. Header names match in any case, also through
// [Server.Transport]. Every answer carries Citrix-TransactionId (the
// request's or a new UUID) and the headers the spec documents on every
// answer: X-Content-Type-Options, Content-Language, Cache-Control and Pragma
// (not Citrix-FilterScope: the fake has no scopes). Access tokens are
// JWT-shaped (alg none, claims iss, sub, ctx_cust_id, iat, exp in service
// time, jti); nothing verifies them.
//
// # What the fake models, and what it leaves out
//
// Modelled: the token endpoint, GET /me, GET /Sites, GET /Sites/{nameOrId},
// the MachineCatalogs collection and item routes (sync and async), a
// catalog's machines (list, add, remove) and its provisioning scheme
// ($UpdateProvisioningScheme, $RollbackProvisioningScheme, the MCS
// provisioning that runs after the job), the Machines routes (list, get,
// update, delete, and the power and session actions $start, $shutdown,
// $reboot, $suspend, $resume, $logoff, $disconnect), the DeliveryGroups
// routes (collection, item, machines, $StartRebootCycle), POST /$batch, and
// the Jobs routes listed above. Left out: every other operation of the spec
// (zones, hypervisors, applications, policies and the rest), scopes and
// tenants, and Citrix-FilterScope. Job types the fake emits are values of
// the spec's JobType: for catalogs GetMachineCatalogs,
// GetMachineCatalogDetails, CreateMachineCatalog (sub jobs
// CreateMachineCatalog and SetProvScheme), UpdateMachineCatalog,
// DeleteMachineCatalog; for machines, groups and batches the type the spec
// gives each route (StartMachines, ShutDownMachines, CreateDeliveryGroup,
// StartDeliveryGroupRebootCycle, Batch, ...); and for a registered route
// its [JobSpec] Type (Unknown when empty; the caller's to keep in the
// enum). Job error codes it emits, all values of JobErrorCode: Unknown (no
// error), UnknownError (also a failed MCS provisioning, for which the spec
// has no closer code), ObjectNotFound, DuplicateObject, ConstraintViolation
// (a rollback with no image kept), NoAvailableMachine (a catalog with too
// few free machines), MachineInDesktopGroup (a machine of another group),
// InvalidArgument (an edit the fake refuses inside its job), and whatever
// an [Outcome] or a registered job's effect names (the caller's to keep in
// the enum; the conformance suite checks the fake's own). Job statuses are
// those of JobStatus.
//
// # Fidelity choices
//
// The reference the fake follows leaves some behaviour unconfirmed. What the
// fake does there:
//
//   - Citrix-InstanceId missing: 400 (type missing, parameter name =
//     Citrix-InstanceId). An unknown site: 400 (type invalidString, name =
//     Citrix-InstanceId), since most site-scoped operations list no 404.
//     GET /Sites/{nameOrId} of an unknown site is a 404 notFound.
//   - A missing Accept header gets the 406 like a wrong one.
//   - Sites: named cloudxdsite, cloudxdsite2, ...; GET /Sites/{nameOrId}
//     finds one by id or name (any case) and reports the properties the spec
//     requires (ProductVersion 7.47.0.14, OrchestationApiVersion 124,
//     PrimaryZone "Initial Zone", empty EnabledFeatures and SiteServices).
//   - Statuses: the fake answers only statuses the spec lists for the
//     operation, except the 303 of GET /Jobs/{id}/Results, which the spec's
//     text documents, and the common 405 for a method a path does not have.
//   - Error "parameters" are always an array of {name, value}, also in the
//     401 and 406 bodies that one document shows as an object.
//   - Token endpoint: a Content-Type other than bare
//     application/x-www-form-urlencoded (a charset included) gets 400
//     {"error":"invalid_request"}; a grant_type other than
//     client_credentials gets unsupported_grant_type; a client of another
//     customer in the path gets invalid_client. It does not check Accept.
//     Successful answers carry X-Cws-TransactionId, not
//     Citrix-TransactionId.
//   - GET /me: ExpiryTime and RefreshExpirationTime are the token's expiry
//     in the docs' "1:00:00 PM" form (UTC); site names are cloudxdsite,
//     cloudxdsite2, ...
//   - Request bodies: a property the model does not have, or one spelled in
//     another case, is refused with 400 invalidJson naming it (the service
//     may ignore it; the fake is stricter so a client's typo shows). Known
//     properties the fake does not model are accepted and ignored. Enum
//     values match in any case. An empty body, malformed JSON or a non-object
//     gives 400 invalidJson; a value of the wrong type, 400 invalidJson
//     naming the property. A body over 1 MiB gets 413 (type tooLong).
//   - Catalog names: unique per folder, compared case-insensitively, and may
//     not contain '\' or '|'. A duplicate on a synchronous create or rename
//     is a 409 with the spec's ErrorResponse (type .../duplicateObject,
//     parameters entityType and name). With async=true it is found by the
//     job, which fails with ErrorCode DuplicateObject.
//   - Admin folders: AdminFolder.Name is the path with a trailing
//     backslash (`Europe\Paris\`), FullName is `Europe\Paris\Name`, a catalog
//     at the root has "AdminFolder": null. Folders are created on demand
//     (the service needs them to exist). {nameOrId} is an id or a full name
//     with '|' or '\' separators; a bare name finds a catalog at the root
//     only. adminFolder (on the catalog and delivery group lists) takes a
//     path or a folder id; an unknown folder is a 404.
//   - GET /MachineCatalogs/{nameOrId} and PATCH of an unknown catalog: 404
//     with the notFound body; DELETE: 404 with no body, as documented.
//   - Sync PATCH answers 200 with the detail model (the service may also
//     answer 204).
//   - fields keeps only the named top-level properties (any case; an unknown
//     name is a 400 invalidString).
//   - The list's limit must be 1 to 1000 (else 400 outOfRange);
//     continuationToken values are opaque and tied to the listing that made
//     them: a token of another listing is a 400 invalidString.
//   - Async list jobs (JobType GetMachineCatalogs) take one page when they
//     complete: every matching catalog, or limit (or [WithResultPageSize]) of
//     them. Its Results carry the list's own ContinuationToken: passed back
//     to GET /MachineCatalogs (async=true for a new job with the next page,
//     as Citrix's Terraform provider does, or sync) it continues the list.
//     The spec gives Results no continuationToken parameter; like any unknown
//     query parameter, it is ignored there. Async GET of one catalog uses
//     JobType GetMachineCatalogDetails and its Results are the detail model.
//   - Results of a job that has not finished, or that ended Failed or
//     Canceled: 400 (type invalidState, parameters id and status; the spec
//     lists no 409 there).
//     Create and update redirect (303) to the catalog, delete to
//     /MachineCatalogs, with absolute Locations on the request's host; so
//     does the job's ResultLocation, which for list and get jobs is the
//     Results URL. $cancel of a job that is not cancellable and DELETE of a
//     running job: 409 optimisticConcurrency. DELETE of an unknown job: 404
//     without a body, as the spec has it.
//   - $SkipRemaining, as the spec's text has it: a job without sub jobs
//     does not support it, 501 with an ErrorResponse (type notImplemented;
//     the spec lists no 501, its text documents it), running or not; one
//     that completed successfully, 303 to its ResultLocation. A running job
//     with sub jobs ends when the sub job now running ends (the first,
//     before any starts); the later sub jobs never run and show Canceled
//     (JobStatus has no "Skipped") with null times. The job then completes
//     and takes effect. One that ended Failed or Canceled: 200 with the job
//     as it is (the spec is silent).
//   - Batch items: an item's Authorization may be "CWSAuth bearer=<token>"
//     or "Bearer <token>" (what Citrix's Terraform provider sends); an item
//     without one acts as the batch's caller (as in Citrix's batch how-to).
//     A wrong or expired token is that item's 401. Items run one after the
//     other, each under the server's lock in turn, so other requests are
//     served between them.
//   - Bounds: the spec allows NumTotalMachines up to 2147483647; the fake
//     creates at most [MaxMachinesPerRequest] (1000) machines per request
//     and refuses more (or a negative count) with 400 outOfRange, before
//     any work. Finding a machine by id or name takes constant time, so
//     creating n machines is linear in n. On a listener,
//     [WithHTTPTimeouts] bounds slow clients (cmd/daas-sim sets it).
//   - Seeds: a catalog seeded with a TotalCount has that many machines
//     (DOMAIN\<name>-001 and on, powered on); generated catalogs have no
//     machine in a delivery group (UsedCount 0) until one is seeded. A
//     catalog created with Machines has those machines (each item needs a
//     MachineName, DOMAIN\NAME, not taken: else 400; with async=true a
//     name taken meanwhile fails the job with DuplicateObject).
//   - Jobs: CreationTime, StartTime and EndTime and their Formatted* twins use
//     the same form, 2026-03-01T12:00:00.000+00:00; a start or end not
//     reached yet is null, as the spec has it. ErrorCode is "Unknown" without an error.
//     ErrorParameters and SubJobs are [] when empty. IsCancellable is true
//     while a job runs (unless its Outcome says otherwise). Progress of a
//     failed or canceled job stays where it was (99 for a job failing at its
//     end). CreateMachineCatalog jobs have two sub jobs (types
//     CreateMachineCatalog and SetProvScheme, illustrative) sharing the
//     duration; sub jobs are not addressable. GET /Jobs lists all the
//     caller's jobs the server keeps, oldest first, with a null
//     ContinuationToken.
//   - Catalog models: every property is written, null where the fake has no
//     value (ProvisioningScheme, JobsInProgress, HypervisorConnection, ...);
//     Scopes, Metadata, Errors and DeliveryGroups are [], Tenants null;
//     Warnings is omitted when there are none (the spec says so). Uid counts
//     up from 1.
//   - Image history of an MCS catalog: each $UpdateProvisioningScheme with
//     StoreOldImage true keeps the image in use before it, the last kept on
//     top; $RollbackProvisioningScheme (job
//     RollbackMachineCatalogProvisioningScheme) returns to the top one and
//     drops it, so a second rollback returns to the image before that. An
//     update without StoreOldImage empties the history (the image it
//     replaced was not kept). A rollback with nothing kept is a 400 (type
//     .../ConstraintViolation, parameter name); a rollback job that finds
//     nothing kept when it ends (another rollback took it) fails with
//     ErrorCode ConstraintViolation. CanRollbackVMImage tells whether
//     anything is kept. A catalog's ProvisioningScheme (null until its image
//     is named, by the create request or an update) has MachineCount,
//     MasterImage and CurrentDiskImage (ImageStatus Current) with Name and
//     XDPath, and HistoricalDiskImages: the kept images, the next rollback's
//     first, ImageStatus Prepared; Date is when the catalog took the image.
//   - A 500 for a missing Citrix-CustomerId has the gateway's body
//     {activityId, message, statusCode}: the gateway answers before the API
//     whose spec says ErrorResponse.
//   - 502 and 504 faults answer an HTML page without Citrix-TransactionId,
//     as a gateway does; other statuses than 429, 500, 502, 503, 504 get a
//     common error body of type .../common/error.
//   - Paths match case-insensitively and one trailing slash is ignored; an
//     unknown path is a 404 and a known path with another method a 405 with
//     Allow, before any header check.
package daastest
