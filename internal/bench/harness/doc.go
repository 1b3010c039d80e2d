// Package harness is the benchmark harness behind go run ./internal/bench:
// it drives the daastest fake in process, with a time scale, and measures
// how soon the daas SDK sees a finished job and at what cost, side by side
// with the poll schedules of Citrix's own Go SDK, Azure, Google and a naive
// loop (RunSingle); how waits scale to many jobs on one client (RunMany);
// and the overhead of a synchronous call against hand-written net/http code
// (RunOverhead, and the Benchmark functions of its tests). Report renders
// the results, and where they stand against the targets of the detection and cost, as
// BENCHMARKS.md.
//
// Time scale: the fake's service time runs Scale times faster than the
// clock, and every interval of every policy is divided by the same factor,
// so a 30-minute job takes 30/Scale real minutes and results come back in
// service time. What does not scale is the real time the machine spends
// (timers firing late, a read's round trip, decoding): it is multiplied by
// the scale in the results. The single-job report measures that noise on
// the fixed schedules and prints it.
package harness
