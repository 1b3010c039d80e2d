package daas_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// WaitProvisioned follows a catalog whose provisioning job another API
// client started (Studio, another pipeline): the job answers 404 to this
// client, and the catalog's own ProvisioningProgress and JobsInProgress
// tell when provisioning ends.
func TestWaitProvisionedJobOfAnotherClient(t *testing.T) {
	t.Parallel()
	var reads, jobReads atomic.Int32
	c := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasPrefix(r.URL.Path, "/cvad/manage/Jobs/"):
			jobReads.Add(1)
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"type":"NotFound","detail":"Job not found"}`)
		case reads.Add(1) < 4:
			_, _ = io.WriteString(w, `{"Id":"c1","Name":"Pool","ProvisioningProgress":{"IsRunning":true,"Progress":50},"JobsInProgress":[{"Id":"studio-job"}]}`)
		default:
			_, _ = io.WriteString(w, `{"Id":"c1","Name":"Pool","TotalCount":4,"ProvisioningProgress":{"IsRunning":false},"JobsInProgress":[]}`)
		}
	})
	cat, err := c.MachineCatalogs.WaitProvisioned(t.Context(), "Pool", fastPoll)
	require.NoError(t, err)
	assert.Equal(t, 4, cat.TotalCount)
	assert.False(t, cat.ProvisioningProgress.IsRunning)
	assert.GreaterOrEqual(t, reads.Load(), int32(4), "the catalog is read until it is done")
	assert.Equal(t, int32(1), jobReads.Load(), "the job that is not visible is asked once")
}

// WaitProvisioned applies every WaitOption and the observer's wait hooks,
// as Job.Wait does: CancelOnContextDone cancels the running jobs.
func TestWaitProvisionedAppliesEveryWaitOption(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var starts, ends int
		obs := daas.JobObserver{
			WaitStart: func(ctx context.Context, _ daas.WaitStartInfo) context.Context {
				mu.Lock()
				starts++
				mu.Unlock()
				return ctx
			},
			WaitEnd: func(context.Context, daas.WaitEndInfo) { mu.Lock(); ends++; mu.Unlock() },
		}
		srv, _ := newFake(t, daastest.WithJobDurationFor("AddMachines", time.Hour))
		c := srv.Client(daas.WithObserver(obs))
		ctx := t.Context()
		job, err := c.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{
			Name: "Scale", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportMultiSession,
			ProvisioningScheme: json.RawMessage(`{"NumTotalMachines":2,"MasterImagePath":"XDHyp:\\img.snapshot","MachineAccountCreationRules":{"NamingScheme":"SC-##"}}`),
		})
		require.NoError(t, err)
		_, err = job.Wait(ctx)
		require.NoError(t, err)
		mu.Lock()
		starts, ends = 0, 0
		mu.Unlock()
		short, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		_, err = c.MachineCatalogs.WaitProvisioned(short, "Scale", daas.CancelOnContextDone())
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 1, srv.Count("POST /Jobs/{id}/$cancel"), "the provisioning job is canceled")
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, 1, starts, "WaitStart for the job's wait")
		assert.Equal(t, 1, ends, "WaitEnd for the job's wait")
	})
}

// A provisioning job that ended before WaitProvisioned first read the
// catalog is no longer among its JobsInProgress: WaitProvisioned still
// counts it (OnProgress reports it ended) and reports its failure, for
// every way of starting one. A second WaitProvisioned does not report it
// again.
func TestWaitProvisionedCountsJobsThatEndedBeforeIt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv, c := newFake(t, machineWorld(daastest.WithJobDurationFor("AddMachineCatalogMachine", time.Minute))...)
		srv.FailProvisioning("Pool", 1, "no capacity on the host")
		ctx := t.Context()
		var ids []string
		for range 2 {
			job, err := c.MachineCatalogs.AddMachineAsync(ctx, "pool", daas.AddMachineRequest{})
			require.NoError(t, err)
			ids = append(ids, job.ID())
		}
		raw, err := daas.StartJob[json.RawMessage](ctx, c, http.MethodPost, "MachineCatalogs/Pool/Machines", daas.AddMachineRequest{})
		require.NoError(t, err)
		ids = append(ids, raw.ID())
		srv.Advance(time.Hour) // every job ends before WaitProvisioned looks
		var mu sync.Mutex
		ended := map[string]daas.JobStatus{}
		cat, err := c.MachineCatalogs.WaitProvisioned(ctx, "Pool", daas.OnProgress(func(j daas.JobInfo) {
			mu.Lock()
			defer mu.Unlock()
			if j.Status.Terminal() {
				ended[j.ID] = j.Status
			}
		}))
		require.NotNil(t, cat)
		var pe *daas.ProvisioningError
		require.ErrorAs(t, err, &pe, "the failed job is reported")
		require.Len(t, pe.Jobs, 1)
		assert.Equal(t, ids[0], pe.Jobs[0].JobID)
		assert.ErrorIs(t, err, daas.ErrJobFailed)
		assert.Equal(t, map[string]daas.JobStatus{ids[0]: daas.JobStatusFailed, ids[1]: daas.JobStatusComplete, ids[2]: daas.JobStatusComplete}, ended,
			"every job is counted")

		cat, err = c.MachineCatalogs.WaitProvisioned(ctx, "Pool")
		require.NoError(t, err, "jobs accounted for are not reported again")
		assert.False(t, cat.ProvisioningProgress.IsRunning)
	})
}
