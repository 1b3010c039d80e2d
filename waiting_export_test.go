package daas

// ApproxJSONSize is the cost model's estimate of a job's bytes on the wire.
func ApproxJSONSize(j *JobInfo) int { return approxJSONSize(j) }
