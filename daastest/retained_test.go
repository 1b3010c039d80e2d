package daastest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

// Seeded finished jobs show in their client's GET /Jobs and answer GET
// /Jobs/{id} as Complete, in the JobResponseModel shape, until the
// retention ends; another client does not see them.
func TestAddFinishedJobs(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithJobDuration(time.Minute), daastest.WithJobRetention(time.Hour), daastest.WithTokenLifetime(100*time.Hour),
		daastest.WithAPIClient("other-client", "other-secret"))
	running := f.startJob("GET", "/MachineCatalogs?async=true", "")
	ids := f.s.AddFinishedJobs("", "UpdateMachineCatalog", 3, 5*time.Minute)
	eq(t, "ids", len(ids), 3)
	eq(t, "JobsCreated", f.s.Stats().JobsCreated, 4)

	list := items(t, f.want(http.StatusOK, "GET", "/Jobs", ""))
	eq(t, "listed", len(list), 4)
	seen := map[any]any{}
	for _, j := range list {
		seen[j["Id"]] = j["Status"]
	}
	eq(t, "running job listed", seen[running], any("NotStarted"))
	for _, id := range ids {
		eq(t, "seeded job "+id+" listed", seen[id], any("Complete"))
		j := f.job(id)
		eq(t, "type", j["Type"], any("UpdateMachineCatalog"))
		eq(t, "status", j["Status"], any("Complete"))
		eq(t, "keys", sortedKeys(j), jobKeys())
		created, _ := time.Parse(time.RFC3339, j["CreationTime"].(string))
		ended, _ := time.Parse(time.RFC3339, j["EndTime"].(string))
		eq(t, "lasted", ended.Sub(created), 5*time.Minute)
	}

	req := f.request("GET", "/Jobs", "")
	req.Header.Set("Authorization", "CWSAuth bearer="+f.fetchToken("other-client", "other-secret"))
	_, body := f.do(req)
	eq(t, "other client's list", len(items(t, object(t, body))), 0)

	f.s.Advance(time.Hour)
	f.want(http.StatusNotFound, "GET", "/Jobs/"+ids[0], "")
}

// AddFinishedJobs panics on a negative count or duration and on a client
// the server does not know.
func TestAddFinishedJobsPanics(t *testing.T) {
	t.Parallel()
	s := daastest.NewServer(daastest.WithoutListener())
	defer s.Close()
	for name, f := range map[string]func(){
		"negative n":        func() { s.AddFinishedJobs("", "X", -1, 0) },
		"negative duration": func() { s.AddFinishedJobs("", "X", 1, -time.Second) },
		"unknown client":    func() { s.AddFinishedJobs("nobody", "X", 1, 0) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
	eq(t, "nothing added", len(s.Jobs()), 0)
}
