package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/daaskit/daas/daastest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// create is the command line of a catalog creation, with fixed polling.
func create(name string, extra ...string) []string {
	args := append([]string{}, fixedPoll...)
	args = append(args, "catalogs", "create", name, "--provisioning-type", "MCS", "--session-support", "MultiSession")
	return append(args, extra...)
}

func TestCatalogsListGolden(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t)
		r := runIn(t.Context(), srv, "catalogs", "list")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "catalogs_list", r.stdout)

		r = runIn(t.Context(), srv, "-o", "json", "catalogs", "list")
		require.Equal(t, exitOK, r.code, r.stderr)
		var cats []map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &cats))
		assert.Len(t, cats, 3)
		assert.Equal(t, "Win11-Pooled-001", cats[0]["Name"])
	})
}

func TestCatalogsGet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t)
		r := runIn(t.Context(), srv, "catalogs", "get", "Win2022-Shared-002")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "Win2022-Shared-002")
		assert.Equal(t, 2, strings.Count(r.stdout, "\n"), "header and one row:\n%s", r.stdout)

		r = runIn(t.Context(), srv, "catalogs", "get", "Nope")
		assert.Equal(t, exitError, r.code)
		assert.Contains(t, r.stderr, "daas: ")
	})
}

// TestWaitOutcomes runs a creation to each end a job can have and checks the
// lines printed and the exit code.
func TestWaitOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		outcome daastest.Outcome
		extra   []string
		code    int
	}{
		{"complete", daastest.Outcome{}, nil, exitOK},
		{"failed", daastest.Outcome{Status: "Failed", ErrorCode: "HypervisorError", ErrorString: "the hypervisor refused"}, nil, exitFailed},
		{"canceled", daastest.Outcome{Status: "Canceled"}, nil, exitCanceled},
		{"warning", daastest.Outcome{Status: "CompleteWithWarning", ErrorString: "zone is busy"}, nil, exitOK},
		{"warning_as_error", daastest.Outcome{Status: "CompleteWithWarning", ErrorString: "zone is busy"}, []string{"--warnings-as-errors"}, exitWarning},
		{"timeout", daastest.Outcome{}, []string{"--timeout", "2500ms"}, exitTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := newFake(t, daastest.WithJobDuration(4*time.Second))
				srv.NextJob(tc.outcome)
				r := runIn(t.Context(), srv, create("New-"+tc.name, tc.extra...)...)
				assert.Equal(t, tc.code, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
				golden(t, "wait_"+tc.name, r.stdout+"--- stderr\n"+r.stderr)
			})
		})
	}
}

func TestWaitJSON(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithJobDuration(4*time.Second))
		r := runIn(t.Context(), srv, append([]string{"-o", "json"}, create("New-json")...)...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "wait_json", r.stdout)
		var got jobJSON
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
		assert.Equal(t, "Complete", string(got.Status))
		assert.Equal(t, "New-json", got.Result.(map[string]any)["Name"])
		assert.Equal(t, 100, *got.OverallProgressPercent)

		srv.NextJob(daastest.Outcome{Status: "Failed", ErrorCode: "HypervisorError", ErrorString: "refused"})
		r = runIn(t.Context(), srv, append([]string{"-o", "json"}, create("New-json-2")...)...)
		assert.Equal(t, exitFailed, r.code)
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
		assert.Equal(t, "Failed", string(got.Status))
		assert.Equal(t, "HypervisorError", got.ErrorCode)
		assert.Empty(t, r.stderr, "the outcome is in the JSON only")
	})
}

func TestNoWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithJobDuration(time.Hour))
		r := runIn(t.Context(), srv, create("Later", "--no-wait")...)
		requireStartedNotWaited(t, srv, r, "CreateMachineCatalog")

		r = runIn(t.Context(), srv, "-o", "json", "catalogs", "delete", "Win11-Pooled-001", "--no-wait")
		require.Equal(t, exitOK, r.code, r.stderr)
		var got map[string]string
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
		job, ok := srv.Job(got["Id"])
		require.True(t, ok)
		assert.Equal(t, "DeleteMachineCatalog", job.Type)
	})
}

// TestJobsWaitSeveral waits for two jobs started elsewhere, one of which
// fails: every job is reported and the exit code is the failure's.
func TestJobsWaitSeveral(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithJobDuration(3*time.Second))
		srv.NextJob(daastest.Outcome{})
		srv.NextJob(daastest.Outcome{Status: "Failed", Duration: 5 * time.Second})
		var ids []string
		for _, name := range []string{"A", "B"} {
			r := runIn(t.Context(), srv, create(name, "--no-wait")...)
			require.Equal(t, exitOK, r.code, r.stderr)
			ids = append(ids, strings.TrimSpace(r.stdout))
		}
		r := runIn(t.Context(), srv, append(append(append([]string{}, fixedPoll...), "jobs", "wait"), ids...)...)
		assert.Equal(t, exitFailed, r.code)
		golden(t, "jobs_wait_several", byJob(r.stdout, ids), ids...)

		r = runIn(t.Context(), srv, "jobs", "list")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, 3, strings.Count(r.stdout, "\n"), r.stdout)
		r = runIn(t.Context(), srv, "jobs", "get", ids[1])
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "Failed")
		r = runIn(t.Context(), srv, "jobs", "results", ids[0])
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, `"Name": "A"`)
	})
}

func TestJobsWatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithJobDuration(3*time.Second))
		r := runIn(t.Context(), srv, "jobs", "watch")
		assert.Equal(t, exitOK, r.code)
		assert.Contains(t, r.stderr, "no job is running")

		for _, name := range []string{"A", "B"} {
			require.Equal(t, exitOK, runIn(t.Context(), srv, create(name, "--no-wait")...).code)
		}
		r = runIn(t.Context(), srv, append(append([]string{}, fixedPoll...), "jobs", "watch")...)
		assert.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, 2, strings.Count(r.stdout, "CreateMachineCatalog Complete in"), r.stdout)
	})
}

func TestJobsCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithJobDuration(time.Hour))
		r := runIn(t.Context(), srv, create("C", "--no-wait")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		id := strings.TrimSpace(r.stdout)
		r = runIn(t.Context(), srv, "jobs", "cancel", id)
		require.Equal(t, exitOK, r.code, r.stderr)
		job, _ := srv.Job(id)
		assert.Equal(t, "Canceled", job.Status)
	})
}

// TestInterrupt stops a wait as Ctrl-C does: exit 130, the job goes on;
// with --cancel-on-interrupt the job is canceled too.
func TestInterrupt(t *testing.T) {
	for _, cancelJob := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			srv := newFake(t, daastest.WithJobDuration(time.Hour))
			ctx, cancel := context.WithCancelCause(t.Context())
			args := create("I")
			if cancelJob {
				args = append(args, "--cancel-on-interrupt")
			}
			done := make(chan result)
			go func() { done <- runIn(ctx, srv, args...) }()
			time.Sleep(5 * time.Second) // fake time: the job is running
			cancel(errInterrupted)
			r := <-done
			assert.Equal(t, exitInterrupted, r.code, r.stderr)
			jobs := srv.Jobs()
			require.Len(t, jobs, 1)
			if cancelJob {
				assert.Equal(t, "Canceled", jobs[0].Status)
				assert.Contains(t, r.stderr, "canceled job "+jobs[0].ID)
				assert.NotContains(t, r.stderr, "daas jobs wait", "nothing to wait for again")
			} else {
				assert.Contains(t, []string{"NotStarted", "InProgress"}, jobs[0].Status, "the job goes on")
				assert.Contains(t, r.stderr, "daas: the job goes on; wait for it again with: daas jobs wait "+jobs[0].ID+"\n")
			}
		})
	}
}

func TestDo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithJobDuration(2*time.Second))
		r := runIn(t.Context(), srv, "do", "GET", "/MachineCatalogs")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, `"Name": "Win11-Pooled-001"`)
		assert.Empty(t, srv.Jobs(), "synchronous by default: no job")

		for _, args := range [][]string{{"do", "--async", "GET", "/MachineCatalogs"}, {"do", "GET", "/MachineCatalogs?async=true"}} {
			r = runIn(t.Context(), srv, append(append([]string{}, fixedPoll...), args...)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Contains(t, r.stdout, "GetMachineCatalogs Complete", "%q", args)
			assert.Contains(t, r.stdout, `"Name": "Win11-Pooled-001"`)
		}
		assert.Len(t, srv.Jobs(), 2)

		r = runIn(t.Context(), srv, "do", "POST", "/MachineCatalogs", "--data", "{nope")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "not valid JSON")
		assert.Len(t, srv.Jobs(), 2, "nothing sent for bad input")
	})
}

// TestDoAccepted: a synchronous call the service answers with a job (202)
// says to use --async, not the library's StartJob.
func TestDoAccepted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithJobDuration(2*time.Second))
		srv.Handle("POST /Zones/{id}/$ping", func(*daastest.Call) daastest.Reply {
			return daastest.Reply{Job: &daastest.JobSpec{}}
		})
		r := runIn(t.Context(), srv, "do", "POST", "/Zones/z1/$ping")
		assert.Equal(t, exitError, r.code)
		assert.Contains(t, r.stderr, "202 Accepted")
		assert.Contains(t, r.stderr, "daas do --async")
		assert.NotContains(t, r.stderr, "StartJob")
		jobs := srv.Jobs()
		require.Len(t, jobs, 1)
		assert.Contains(t, r.stderr, "daas jobs wait "+jobs[0].ID, "names the job that runs")
	})
}

// TestDoAsyncResults: do --async reads a job's result as it is: a stored
// one printed as JSON, every page of a paged one, and an empty one (a job
// that stores none) is no result, not an error.
func TestDoAsyncResults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithJobDuration(2*time.Second), daastest.WithResultPageSize(2))
		srv.Handle("POST /Zones/{id}/$ping", func(c *daastest.Call) daastest.Reply {
			return daastest.Reply{Job: &daastest.JobSpec{Type: "Unknown", Result: []byte{}}}
		})
		srv.Handle("POST /Zones/{id}/$stored", func(c *daastest.Call) daastest.Reply {
			return daastest.Reply{Job: &daastest.JobSpec{Type: "Unknown", Result: map[string]any{"Zone": "z1"}}}
		})
		r := runIn(t.Context(), srv, append(append([]string{}, fixedPoll...), "do", "--async", "POST", "/Zones/z1/$ping")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Empty(t, r.stderr)
		job := srv.Jobs()[0].ID
		assert.True(t, strings.HasSuffix(r.stdout, "\njob "+job+" Unknown Complete in 2s\n"), "no result printed after the job's line:\n%s", r.stdout)

		r = runIn(t.Context(), srv, "-o", "json", "do", "--async", "POST", "/Zones/z1/$ping")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.NotContains(t, r.stdout, "Result", "no Result key for a job that stores none")

		r = runIn(t.Context(), srv, append(append([]string{}, fixedPoll...), "do", "--async", "POST", "/Zones/z1/$stored")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, `"Zone": "z1"`)

		r = runIn(t.Context(), srv, append(append([]string{}, fixedPoll...), "do", "--async", "GET", "/MachineCatalogs")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		for _, name := range []string{"Win11-Pooled-001", "Win2022-Shared-002", "Win11-Dedicated-003"} {
			assert.Contains(t, r.stdout, `"Name": "`+name+`"`, "every page of the result")
		}
	})
}

func TestNoConfig(t *testing.T) {
	for _, k := range []string{"CITRIX_CUSTOMER_ID", "CITRIX_CLIENT_ID", "CITRIX_CLIENT_SECRET", "CITRIX_BEARER_TOKEN", "CITRIX_ONPREM_USERNAME", "CITRIX_ONPREM_PASSWORD"} {
		t.Setenv(k, "")
	}
	var out, errOut syncBuffer
	code := run(t.Context(), []string{"catalogs", "list"}, &app{stdout: &out, stderr: &errOut})
	assert.Equal(t, exitConfig, code)
	assert.Contains(t, errOut.String(), "no configuration")
	assert.Contains(t, errOut.String(), "go run ./cmd/daas-sim")
	assert.Empty(t, out.String())

	t.Setenv("CITRIX_CUSTOMER_ID", "abc")
	t.Setenv("CITRIX_CLIENT_ID", "id")
	errOut = syncBuffer{}
	code = run(t.Context(), []string{"jobs", "list"}, &app{stdout: &out, stderr: &errOut})
	assert.Equal(t, exitConfig, code)
	assert.Contains(t, errOut.String(), "CITRIX_CLIENT_ID is set but CITRIX_CLIENT_SECRET is not")
}

func TestBadCredentials(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t)
		t.Setenv("CITRIX_CLIENT_SECRET", "wrong-secret-value")
		r := runIn(t.Context(), srv, "catalogs", "list")
		assert.Equal(t, exitConfig, r.code, r.stderr)
		assert.NotContains(t, r.stderr, "wrong-secret-value")
	})
}

func TestUsage(t *testing.T) {
	var out, errOut syncBuffer
	for _, args := range [][]string{{"bogus"}, {"catalogs", "get"}, {"-o", "yaml", "jobs", "list"}, {"--poll-min", "-1s", "jobs", "list"}} {
		assert.Equal(t, exitUsage, run(t.Context(), args, &app{stdout: &out, stderr: &errOut}), "%q", args)
	}
	out = syncBuffer{}
	assert.Equal(t, exitOK, run(t.Context(), []string{"--help"}, &app{stdout: &out, stderr: &errOut}))
	assert.Contains(t, out.String(), "catalogs")
}

// TestOnPremisesConfig: the on-premises variables alone (with
// CITRIX_BASE_URL) are a configuration: the command runs against a
// Delivery Controller, and names them when none is set.
func TestOnPremisesConfig(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithSeed(17), daastest.WithOnPremises(), daastest.WithCatalogs(1))
		t.Cleanup(srv.Close)
		for k, v := range map[string]string{
			"CITRIX_BASE_URL": srv.URL, "CITRIX_ONPREM_USERNAME": srv.Username, "CITRIX_ONPREM_PASSWORD": srv.Password,
			"CITRIX_CUSTOMER_ID": "", "CITRIX_CLIENT_ID": "", "CITRIX_CLIENT_SECRET": "", "CITRIX_BEARER_TOKEN": "",
			"CITRIX_TOKEN_URL": "", "CITRIX_SITE_ID": "", "CITRIX_REGION": "", "CITRIX_CA_FILE": "",
		} {
			t.Setenv(k, v)
		}
		r := runIn(t.Context(), srv, "catalogs", "list")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "Win11-Pooled-001")
		assert.Equal(t, 1, srv.Count("POST /Tokens"), "the token from the controller")

		t.Setenv("CITRIX_ONPREM_PASSWORD", "")
		r = runIn(t.Context(), srv, "catalogs", "list")
		assert.Equal(t, exitConfig, r.code)
		assert.Equal(t, "daas: CITRIX_ONPREM_USERNAME is set but CITRIX_ONPREM_PASSWORD is not\n", r.stderr)

		t.Setenv("CITRIX_ONPREM_USERNAME", "")
		r = runIn(t.Context(), srv, "catalogs", "list")
		assert.Equal(t, exitConfig, r.code)
		assert.Contains(t, r.stderr, "no configuration")
		assert.Contains(t, r.stderr, "CITRIX_ONPREM_USERNAME", "names the on-premises variables too")
	})
}
