package daastest

import (
	"fmt"
	"time"
)

// AddFinishedJobs adds n jobs of jobType that ended Complete at the
// current service time, as if the API client clientID had run them
// earlier ("" for the default client, [Server.ClientID]). Each job lasted
// duration (0 is allowed) and has no parameters, sub jobs or effect. They
// show in that client's GET /Jobs (every job of the caller in the
// retention window) and answer GET /Jobs/{id} until the retention ends,
// like any finished job, but no request made them: seeding 10,000 of
// them takes milliseconds, where running them would take requests and
// service time. Stats counts them in JobsCreated. It returns their ids,
// oldest first. It panics when n is negative or clientID is not an API
// client of the server.
func (s *Server) AddFinishedJobs(clientID, jobType string, n int, duration time.Duration) []string {
	if n < 0 || duration < 0 {
		panic(fmt.Sprintf("daastest: AddFinishedJobs: n %d and duration %v must not be negative", n, duration))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if clientID == "" {
		clientID = s.ClientID
	}
	if _, ok := s.clients[clientID]; !ok {
		panic(fmt.Sprintf("daastest: AddFinishedJobs: %q is not an API client of the server", clientID))
	}
	now := s.advanceLocked()
	ids := make([]string, 0, n)
	for range n {
		s.jobSeq++
		j := &job{
			id:       s.newUUID(),
			typ:      jobType,
			owner:    clientID,
			seq:      s.jobSeq,
			params:   []NameValue{},
			origin:   s.origin,
			created:  now.Add(-duration),
			duration: duration,
			curve:    s.cfg.progress,
		}
		s.jobs[j.id] = j
		s.finish(j, now, false)
		s.stats.JobsCreated++
		ids = append(ids, j.id)
	}
	return ids
}
