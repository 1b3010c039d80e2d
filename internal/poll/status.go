package poll

import "time"

// Status is what the engine needs to know of one read of a job. The root
// package describes each status it reads with one (Service.Status).
type Status struct {
	ID        string    // the job's id; ids are GUIDs, matched in any case
	Type      string    // the job's type: the key of the learnt durations
	Terminal  bool      // the job has ended
	Completed bool      // it ended Complete or CompleteWithWarning: its duration teaches
	Progress  int       // percent done; negative when the job does not say
	Started   time.Time // when the job started (else was created); zero when unknown
	Ended     time.Time // when it ended; zero while it runs
	Size      int       // the estimated bytes of the status on the wire
}
