// Package daastest is a fake Citrix DaaS REST API for your tests, in the
// spirit of net/http/httptest: an in-memory service that answers with the
// paths, properties, statuses, enums, headers and error bodies of Citrix's
// OpenAPI spec (github.com/citrix/citrix-daas-rest-go v1.0.31), and that a
// test can steer. docs/simulator.md in the repository describes it at
// length; cmd/daas-sim serves it on a port.
//
//	s := daastest.NewServer(daastest.WithCatalogs(3))
//	t.Cleanup(s.Close)
//	job, err := s.Client().MachineCatalogs.ListAsync(ctx)
//
// Time runs on [Server.Now] ([WithClock], [WithTimeScale], [Server.Advance]);
// no goroutine runs in the background, so it works in a testing/synctest
// bubble with [WithoutListener]. Jobs are steered with [WithJobDuration],
// [Server.NextJob] and [Outcome]; faults with [Server.InjectFault]; a test's
// own routes with [Server.Handle]; what happened with [Server.Count],
// [Server.Stats] and [Server.Requests].
//
// # Every operation is a route
//
// Each operation of the spec is a route, checked from the operation table
// (zz_operations.go, written by internal/gen). Where two could answer, a
// test's [Server.Handle] wins over a route modelled by hand, which wins over
// the generic model. Before any route: a bearer token (401),
// Citrix-CustomerId (500, 403), Citrix-InstanceId (400), an Accept that
// admits JSON (406), a JSON Content-Type (415), at most 1 MiB (413).
// Refused with the spec's error body: an unknown path (404), a known path
// with another method (405, with Allow), a missing required query
// parameter or header (400 missing), async=true where the operation takes
// none (400), X-AdminCredential not "Basic " and base64 of user:password on
// the 27 operations that declare it (400), a body that is not JSON of the
// request model's shape or has a property the model lacks (400 invalidJson).
//
// # Modelled by hand
//
// The token endpoint (and on-premises POST /Tokens, [WithOnPremises]),
// GET /me, the Sites, MachineCatalogs (with their machines and provisioning
// scheme: $UpdateProvisioningScheme, $RollbackProvisioningScheme, MCS
// provisioning), Machines (with power and session actions), DeliveryGroups
// (machines, $StartRebootCycle), the Hypervisors with their resource
// pools, ImageDefinitions with their versions, Sessions, Zones, Admin
// folders, POST /$batch and the Jobs routes; [Routes] lists them.
//
// # Modelled generically
//
// Every other operation. Resources live in collections keyed by their
// collection path, so sub-resources are apart. POST on a collection creates
// (a new UUID Id unless given, Name given or "name-<n>", the answer's
// required properties filled); GET lists a page (limit, continuationToken;
// as a job, its Results page as a hand-modelled list's do) or answers the
// model filled; GET, HEAD, PATCH (merge), PUT (upsert) and
// DELETE of an item find it by name or id in any case, else 404; a $action
// is accepted and answers its model filled. async=true answers 202 with a
// job of the spec's first job type ("Unknown" when it names none) whose
// effect comes when it ends and whose Results redirect (303)
// where the spec says, else to the resource, else carry the answer.
//
// # Choices where the spec is silent
//
//   - Paths match in any case, one trailing slash ignored; the 404/405 comes
//     before any header check. Error parameters are always [{name, value}].
//   - An unknown site is 400 invalidString; a missing Accept is a 406.
//   - A missing Citrix-CustomerId is 500 with the gateway's body; 502 and
//     504 faults are an HTML page without Citrix-TransactionId.
//   - Request bodies: an unknown property is refused (the service may ignore
//     it): case-sensitively on hand-modelled routes, in any case on generic
//     ones. Enum values match in any case.
//   - Names (catalogs, groups) are unique per folder in any case; a duplicate
//     is 409 when sync and a job failing with DuplicateObject when async.
//   - Admin folders are created on demand; a bare name finds a root item.
//   - Sync PATCH of a catalog answers 200 with the detail model.
//   - limit is 1 to 1000 (400 outOfRange); a continuation token is opaque and
//     bound to its listing (400 invalidString otherwise).
//   - An async list's Results are one page with the list's own token.
//   - Results of a running, failed or canceled job: 400 invalidState.
//   - $cancel of a job that cannot be and DELETE of a running job: 409.
//   - $SkipRemaining: 501 without sub jobs, 303 once complete, 200 with the
//     job once failed or canceled; skipped sub jobs show Canceled.
//   - Session search ($search) models the properties its sessions' answer
//     shows (their Machine's included) and CurrentUser, with the operators
//     Equals, NotEquals, Contains, NotContains, StartsWith, NotStartsWith,
//     EndsWith, NotEndsWith, In, NotIn, and LessThan, LessThanOrEquals,
//     GreaterThan, GreaterThanOrEquals on SessionCount. The spec gives no
//     meaning to the other operators, so they are refused (400): Like,
//     NotLike, ContainsLike, NotContainsLike, ContainsStartsWith,
//     NotContainsStartsWith, ContainsEndsWith, NotContainsEndsWith, Any,
//     None, IsWithin, IsNotWithin; so are the properties the answer does
//     not show, times, and Uid (the session's or its machine's):
//     AgentVersion, AppsInUse,
//     AzureAdJoinedMode, ConnectedViaHostName, ConnectedViaIP,
//     ControllerDnsName, DrainingUntilShutdown, HostingServerName,
//     HypervisorConnection, LastConnectionTime, LastConnectionUser,
//     LastDeregistrationReason, LastDeregistrationTime,
//     LaunchedViaHostName, LaunchedViaIP, LoadIndex,
//     MachineUnavailableReason, OSType, OSVersion, PublishedName,
//     SecureIcaActive, SessionStateChangeTime, SmartAccessFilters,
//     StartTime, Uid, VdaUpgrade, VdaUpgradeState, WindowsConnectionSetting;
//     and SearchFilterGroups. The spec says some properties are not
//     supported for sessions without naming them; the fake accepts those
//     it models.
//   - Batch items take "CWSAuth bearer=", "Bearer " or no Authorization (the
//     batch's caller); they run one after the other.
//   - At most [MaxMachinesPerRequest] machines per request (400 outOfRange).
//   - A seeded catalog has as many machines as its TotalCount.
//   - Job times have the form 2026-03-01T12:00:00.000+00:00, null until
//     reached; ErrorCode is Unknown without an error; progress of a failed
//     job stays where it was; CreateMachineCatalog has two sub jobs.
//   - Catalog models write every property, null where there is no value.
//   - Image history: StoreOldImage keeps the replaced image; a rollback
//     takes the last kept one; with none kept it is 400 ConstraintViolation.
//   - The generic model: a Uid is its creation number, other required
//     properties are the name, the id, an enum's first value, the time, or
//     zero; a job on an item gone when it ends fails with ObjectNotFound;
//     POST /tokens of the spec is the on-premises token endpoint only.
package daastest
