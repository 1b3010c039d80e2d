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
//	catalogs delete CATALOG [--delete-vms]
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
//	jobs wait ID...                        wait for jobs started elsewhere
//	jobs watch                             wait for every job the list shows running
//	jobs cancel ID                         ask the service to cancel a job
//	jobs results ID                        the result of a finished job, as JSON
//	do METHOD PATH [--data JSON|@FILE|@-] [--async]
//	                                       any API call, printed as JSON
//
// Global flags: -o/--output table|json (tables by default), --poll-min and
// --poll-max (the bounds of the interval between status reads; the
// library's schedule otherwise). Every command that starts or waits for jobs
// (catalogs create and delete, machines start, shutdown and reboot,
// deliverygroups reboot-cycle, jobs wait and watch, do --async) takes:
//
//	--no-wait              print the job id(s) and exit 0
//	--timeout DURATION     stop waiting after this long (exit 6); the job goes on
//	--warnings-as-errors   a job that ends CompleteWithWarning exits 7
//	--cancel-on-interrupt  Ctrl-C cancels the jobs too, not only the wait
//
// While waiting, a terminal shows one bar per job (id, type, status, bar,
// percent, elapsed time, estimated time left), several at once; the bars are
// removed when the wait ends and one line per job says how it ended. When
// standard output is not a terminal, one plain line is printed for each
// change of a job's status or percent instead, then the same final lines;
// with --output json there is no progress output, and one JSON object per
// job (id, type, status, progress, errorCode, errorString, error, result)
// is printed when the wait ends. Ctrl-C stops the wait (exit 130) and leaves
// the job running unless --cancel-on-interrupt is given; a second Ctrl-C
// kills the command.
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
//	1    any other error: the service refused a call, the network failed
//	2    usage: an unknown command or flag, a bad argument (also one the
//	     library refuses before sending anything)
//	3    configuration or credentials: none set, half set, or refused (401)
//	4    a job ended Failed
//	5    a job ended Canceled
//	6    --timeout passed before the job ended
//	7    a job ended CompleteWithWarning, with --warnings-as-errors
//	130  interrupted (Ctrl-C)
//
// With several jobs the status is the first of 4, 5, 6, 130, 7, 1 that
// applies to one of them.
//
// # Configuration
//
// The variables the simulator prints (go run ./cmd/daas-sim > sim.env, then
// set -a; . ./sim.env; set +a): CITRIX_CUSTOMER_ID, CITRIX_CLIENT_ID and
// CITRIX_CLIENT_SECRET (or CITRIX_BEARER_TOKEN), and optionally
// CITRIX_SITE_ID, CITRIX_REGION (US, EU, APS or JP), CITRIX_BASE_URL,
// CITRIX_TOKEN_URL and CITRIX_CA_FILE. With none set the command says so and
// points at the simulator.
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
