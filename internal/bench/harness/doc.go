// Package harness is the benchmark harness behind go run ./internal/bench.
//
// Schedules are measured exactly (RunExact): every policy's schedule, the
// library's own code (internal/poll) and the poll loops of Citrix's Go
// SDK, Azure, Google and a naive loop, run on a virtual clock over
// thousands of jobs (bands of log-normal durations, a log-uniform mix of
// 2 s – 30 min, job types with a history of their own), beside the
// theoretical limit under the same read budget (internal/bench/limit).
//
// The end-to-end runs over HTTP are kept for what only they show: how
// waits scale to many jobs on one client, list against single reads and
// their bytes (RunMany, RunRetained, RunConcurrency), and the overhead of
// a synchronous call against hand-written net/http code (RunOverhead, and
// the Benchmark functions of its tests). They drive the daastest fake in
// process with a time scale: its service time runs Scale times faster
// than the clock and every interval of the policy is divided by the same
// factor, so results come back in service time.
//
// Report renders the results, and where they stand against the targets
// of targets.json, as BENCHMARKS.md.
package harness
