// Command daas operates Citrix DaaS from a terminal: machine catalogs,
// machines, delivery groups and the service's asynchronous jobs, with a
// live progress bar per job.
//
//	go run ./cmd/daas [flags] COMMAND [args]
//
// (from the repository root, where go.work puts this nested module beside
// the library), or go build -C cmd/daas and run the binary.
//
// # Commands
//
//	catalogs list [--folder PATH]          every catalog (all pages)
//	catalogs get CATALOG                   one catalog, by name, Folder|Name or id
//	catalogs create NAME --provisioning-type MCS|PVS|Manual --session-support SingleSession|MultiSession
//	                [--allocation-type] [--description] [--zone]
//	catalogs delete CATALOG [--delete-vms] [--accounts keep|disable|delete]
//	machines list [--catalog CATALOG]      every machine of the site, or of one catalog
//	machines get MACHINE                   one machine, by DOMAIN\NAME or id
//	machines start MACHINE...              power actions, one job a machine, waited together
//	machines shutdown MACHINE... [--force] [--delay DURATION]
//	machines reboot MACHINE... [--force]
//	deliverygroups list [--folder PATH]    every delivery group (all pages)
//	deliverygroups get GROUP               one delivery group, by name, Folder|Name or id
//	deliverygroups reboot-cycle GROUP [--duration-minutes N] [--ignore-maintenance-mode] [--tag TAG]
//	                [--warning-message TEXT] [--warning-title TEXT] [--warning-minutes N]
//	jobs list                              your active and recent jobs
//	jobs get ID
//	jobs wait ID...                        wait for jobs started elsewhere (ID, {"Id":…} or - for stdin)
//	jobs watch                             wait for every job the list shows running
//	jobs cancel ID                         ask the service to cancel a job
//	jobs results ID                        the result of a finished job, as JSON
//	do METHOD PATH [--data JSON|@FILE|@-] [--async]
//	                                       any API call, printed as JSON
//
// Global flags: -o/--output table|json (tables by default), --poll-min and
// --poll-max (the bounds of the interval between status reads, each above
// 0; the library's schedule otherwise). Every command that starts or waits
// for jobs (catalogs create and delete, machines start, shutdown and
// reboot, deliverygroups reboot-cycle, jobs wait and watch, do --async)
// takes:
//
//	--no-wait              print the job id(s) and exit 0
//	--timeout DURATION     stop waiting after this long (exit 6; not negative); the job goes on
//	--warnings-as-errors   a job that ends CompleteWithWarning exits 7
//	--cancel-on-interrupt  Ctrl-C cancels the jobs too, not only the wait
//
// While waiting, a terminal shows one bar per job (id, type, status, bar,
// percent, elapsed time, estimated time left), several at once; the bars are
// removed when the wait ends and one line per job says how it ended. When
// standard output is not a terminal, one plain line is printed for each
// change of a job's status or percent instead, then the same final lines.
// Ctrl-C stops the wait (exit 130) and leaves the job running unless
// --cancel-on-interrupt is given; the command then prints how to wait for
// it again (daas jobs wait ID), as it does after --timeout. A second
// Ctrl-C kills the command.
//
// # Deleting
//
// Where the service's default for a parameter destroys something, the
// command sends the parameter, the safe way unless a flag asks otherwise:
//
//	catalogs delete            deleteVm=false (the service's default, true, deletes
//	                           the VMs of an MCS catalog); --delete-vms sends true
//	                           deleteAccount=None (the machines' AD accounts are left
//	                           as they are); --accounts disable|delete sends Disable
//	                           or Delete
//	do DELETE /MachineCatalogs/X, do DELETE /Machines/X
//	                           refused (exit 2) unless the query says deleteVm: do
//	                           sends a call as it is and adds nothing
//
// catalogs delete says what became of the machines and their accounts
// (with --no-wait, what the job will do), on standard output, or on
// standard error with -o json.
//
// # Output
//
// With -o json every object is printed with the API's own key names (Id,
// Type, Status, OverallProgressPercent, CreationTime...): a resource as the
// service returned it, a job as JobResponseModel names it, a time not yet
// set left out. --no-wait prints {"Id":"..."} per job, which jobs wait
// takes back as an argument or, with -, from standard input. A finished
// wait prints one object per job: Id, Type, Status,
// OverallProgressPercent, ErrorCode and ErrorString as last read, then
// Error (why the wait ended without a result) or Result.
//
// Text that comes from the service (names, statuses, job types, messages)
// is printed with its control and format characters escaped (\x1b, \n,
// \t, \u202e): it cannot color the terminal, move the cursor or forge a
// row. Job ids are UUIDs: any other id is refused (exit 2) before a
// request is sent.
//
// do sends the call as it is (Client.Do) and prints the answer as JSON.
// With --async, or async=true in the path, it runs the call as a job
// (daas.StartJob) and waits for it like the other commands. A call the
// service answers with a job although it was sent synchronously (202
// Accepted) exits 1 and names the job, which runs all the same: jobs wait
// ID waits for it.
//
// # Exit status
//
//	0    success; every job ended Complete (or CompleteWithWarning)
//	1    any other error: the service refused a call, the network failed,
//	     the token endpoint answered 429 or 5xx (it may pass)
//	2    usage: an unknown command or flag, a bad argument such as a job id
//	     that is not a UUID (also one the library refuses before sending
//	     anything)
//	3    configuration or credentials: none set, half set, malformed, or
//	     refused (401, invalid_client)
//	4    a job ended Failed
//	5    a job ended Canceled
//	6    --timeout passed before the job ended
//	7    a job ended CompleteWithWarning, with --warnings-as-errors
//	130  interrupted (Ctrl-C)
//
// A waiting command exits with these codes too. With several jobs the
// status is the first of 2, 3, 4, 5, 6, 130, 7, 1 that applies to one of
// them.
//
// # Configuration
//
// The variables the simulator prints (go run ./cmd/daas-sim > sim.env, then
// set -a; . ./sim.env; set +a): CITRIX_CUSTOMER_ID, CITRIX_CLIENT_ID and
// CITRIX_CLIENT_SECRET (or CITRIX_BEARER_TOKEN), and optionally
// CITRIX_SITE_ID, CITRIX_REGION (US, EU, APS or JP), CITRIX_BASE_URL,
// CITRIX_TOKEN_URL and CITRIX_CA_FILE. For an on-premises Delivery
// Controller (daas-sim -onprem): CITRIX_BASE_URL (its API root,
// https://{ddc}/cvad/manage), CITRIX_ONPREM_USERNAME and
// CITRIX_ONPREM_PASSWORD (no customer id needed), with CITRIX_CA_FILE for a
// self-signed certificate. With none set the command says so and points at
// the simulator. A setting that is missing, half set or malformed
// (CITRIX_BASE_URL=ftp://h) exits 3.
//
// # Why kong and mpb
//
// The command tree is github.com/alecthomas/kong: commands are structs and
// their flags are fields, so a group (catalogs.go, jobs.go) is one file and
// one field of the root, and kong brings no dependencies of its own; cobra
// would add pflag and a registration step per command. The bars are
// github.com/vbauerster/mpb/v8, which draws and updates several bars at
// once, removes a finished one cleanly and renders on its own goroutine, so
// the waits never block on the terminal. Both live in this nested module:
// importers of the library never see them.
package main
