// Package poll is the waiting engine of daas: it decides when each wait
// reads its job, and whether a read is the job's own (GET /Jobs/{id}) or one
// list read shared by every wait of a client (GET /Jobs).
//
// It knows nothing of HTTP or of the service's JSON. The root package
// adapts its job handles and its job service to the small interfaces here
// ([Service], [Job]) and describes each status it reads with a [Status];
// the engine is tested against fakes of those interfaces, on a fake clock
// (testing/synctest).
//
// The parts, one file each:
//   - the [Coordinator]: the waits of one client, the list's state (ready,
//     being read, broken for a while, held by a 429/503) and the choice
//     between the list and a job's own read (coordinator.go, wait.go);
//   - the parked waits: one heap of wake times served by one timer
//     (wake.go), and one watch of a context that several waits share
//     (ctxwatch.go);
//   - the [Schedule]: one wait's intervals, exponential, aimed at the
//     finish that progress predicts, or on the plan of the durations
//     learnt for the job's type (schedule.go);
//   - the plan: where reads see most of a type's durations within the
//     read budget, by readplan's dynamic program (plan.go);
//   - the cost model that weighs a list read against the single reads it
//     replaces (cost.go);
//   - the learnt durations, per job type ([Stats], stats.go).
package poll
