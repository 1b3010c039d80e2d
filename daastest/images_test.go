package daastest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// newImageWorld makes a connection with pool Pool-A and an image
// definition Win11.
func newImageWorld(t *testing.T, ctx context.Context, c *daas.Client) *daas.ImageDefinition {
	t.Helper()
	if _, err := c.Hypervisors.Create(ctx, newConnectionRequest("vc01")); err != nil {
		t.Fatal(err)
	}
	def, err := c.ImageDefinitions.Create(ctx, daas.CreateImageDefinitionRequest{
		Name: "Win11", OSType: daas.OSTypeWindows, VDASessionSupport: daas.SessionSupportMultiSession,
		AssignedHypervisorConnection: daas.AssignHypervisorConnectionToImageDefinitionRequest{HypervisorConnection: "vc01"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return def
}

func versionRequest() daas.CreateImageVersionRequest {
	return daas.CreateImageVersionRequest{MasterImagePath: `XDHyp:\HostingUnits\Pool-A\win11-gold.vm`, ResourcePool: "Pool-A"}
}

// TestImageVersionIsALongJob: a version created as a job is listed at once
// as InProgress, its job's progress rises, and it is Success when the job
// completes; the definition's LatestVersion counts it.
func TestImageVersionIsALongJob(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(daastest.WithoutListener(), daastest.WithJobDurationFor("CreateImageVersion", 40*time.Minute))
		defer s.Close()
		c, ctx := s.Client(), t.Context()
		def := newImageWorld(t, ctx, c)
		eq(t, "definition", [2]any{def.Name, def.LatestVersion}, [2]any{"Win11", 0})
		eq(t, "definition's connection", def.HypervisorConnections[0].Name, "vc01")

		job, err := c.ImageDefinitions.CreateImageVersionAsync(ctx, "Win11", versionRequest())
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "job type", jobType(s, job.ID()), "CreateImageVersion")
		time.Sleep(20 * time.Minute) // bubble time
		var listed []daas.ImageVersion
		for v, err := range c.ImageDefinitions.ImageVersions(ctx, def.ID) {
			if err != nil {
				t.Fatal(err)
			}
			listed = append(listed, v)
		}
		eq(t, "listed while running", len(listed), 1)
		eq(t, "status while running", listed[0].ImageVersionStatus, daas.ImageVersionStatusInProgress)
		if snap, _ := s.Job(job.ID()); snap.Progress < 40 || snap.Progress > 60 {
			t.Errorf("progress half-way = %d", snap.Progress)
		}

		var seen []int
		v, err := job.Wait(ctx, daas.OnProgress(func(info daas.JobInfo) {
			seen = append(seen, info.Progress)
		}))
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "status", v.ImageVersionStatus, daas.ImageVersionStatusSuccess)
		eq(t, "number", v.Number, 1)
		eq(t, "pool", v.ImageVersionSpecs[0].ResourcePool.Name, "Pool-A")
		if len(seen) < 2 || seen[len(seen)-1] != 100 {
			t.Errorf("progress seen %v, want a rise to 100", seen)
		}
		byID, err := c.ImageVersions.Get(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "by id", byID.Number, 1)
		def, err = c.ImageDefinitions.Get(ctx, "win11")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "latest version", def.LatestVersion, 1)
	})
}

// TestFailedImageVersionStays: a version whose job fails stays listed as
// Failed with the job's error, as the service leaves it, until deleted;
// a version still being created cannot be deleted.
func TestFailedImageVersionStays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(daastest.WithoutListener())
		defer s.Close()
		c, ctx := s.Client(), t.Context()
		newImageWorld(t, ctx, c)
		eq(t, "FailImageVersions of a definition", s.FailImageVersions("win11", "the VM has no disk"), true)
		eq(t, "FailImageVersions of nothing", s.FailImageVersions("nope", "x"), false)

		job, err := c.ImageDefinitions.CreateImageVersionAsync(ctx, "Win11", versionRequest())
		if err != nil {
			t.Fatal(err)
		}
		err = c.ImageDefinitions.DeleteImageVersion(ctx, "Win11", "1")
		eq(t, "delete while in progress", apiStatus(err), http.StatusConflict)
		_, err = job.Wait(ctx)
		eq(t, "job error code", jobCode(t, err), "UnknownError")
		v, err := c.ImageDefinitions.ImageVersion(ctx, "Win11", "1")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "left failed", v.ImageVersionStatus, daas.ImageVersionStatusFailed)
		eq(t, "its error", v.ImageVersionSpecs[0].Errors, []string{"Preparing the image failed: the VM has no disk"})

		_, err = c.ImageDefinitions.CreateImageVersion(ctx, "Win11", versionRequest())
		eq(t, "sync create fails", apiStatus(err), http.StatusBadRequest)

		// An outcome the test sets fails a version the same way.
		s.FailImageVersions("win11", "")
		s.NextJob(daastest.Outcome{Status: "Canceled"})
		job, err = c.ImageDefinitions.CreateImageVersionAsync(ctx, "Win11", versionRequest())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := job.Wait(ctx); err == nil {
			t.Fatal("a canceled job waited without error")
		}
		v, err = c.ImageVersions.Get(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "still failed", v.ImageVersionStatus, daas.ImageVersionStatusFailed)
		states := map[daas.ImageVersionStatus]int{}
		for v, err := range c.ImageDefinitions.ImageVersions(ctx, "Win11") {
			if err != nil {
				t.Fatal(err)
			}
			states[v.ImageVersionStatus]++
		}
		eq(t, "versions", states, map[daas.ImageVersionStatus]int{daas.ImageVersionStatusFailed: 3})

		del, err := c.ImageVersions.DeleteAsync(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "delete job type", jobType(s, del.ID()), "DeleteImageVersion")
		if _, err := del.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = c.ImageVersions.Get(ctx, v.ID)
		eq(t, "gone", apiStatus(err), http.StatusNotFound)

		if err := c.ImageDefinitions.Delete(ctx, "Win11"); err != nil {
			t.Fatal(err)
		}
		page, err := c.ImageDefinitions.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "definitions", len(page.Items), 0)
	})
}

// TestImageRefusals: the checks of a definition and a version.
func TestImageRefusals(t *testing.T) {
	f := newFixture(t)
	c, ctx := f.s.Client(), t.Context()
	newImageWorld(t, ctx, c)
	_, err := c.ImageDefinitions.Create(ctx, daas.CreateImageDefinitionRequest{Name: "win11", OSType: daas.OSTypeWindows, VDASessionSupport: daas.SessionSupportSingleSession})
	eq(t, "duplicate", apiStatus(err), http.StatusConflict)
	_, err = c.ImageDefinitions.Create(ctx, daas.CreateImageDefinitionRequest{Name: "Mac", OSType: "MacOS", VDASessionSupport: daas.SessionSupportSingleSession})
	eq(t, "OS type", apiStatus(err), http.StatusBadRequest)
	req := versionRequest()
	req.ResourcePool = "Pool-Z"
	_, err = c.ImageDefinitions.CreateImageVersion(ctx, "Win11", req)
	eq(t, "unknown pool", apiStatus(err), http.StatusNotFound)
	_, err = c.ImageDefinitions.CreateImageVersion(ctx, "Win10", versionRequest())
	eq(t, "unknown definition", apiStatus(err), http.StatusNotFound)
	f.want(http.StatusBadRequest, "GET", "/ImageDefinitions?async=true", "")
}

// TestCatalogFromImageVersion: a catalog created from an image version
// counts in its ProvisioningSchemeCount and keeps it from being deleted
// until the catalog goes.
func TestCatalogFromImageVersion(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(daastest.WithoutListener())
		defer s.Close()
		c, ctx := s.Client(), t.Context()
		newImageWorld(t, ctx, c)
		v, err := c.ImageDefinitions.CreateImageVersion(ctx, "Win11", versionRequest())
		if err != nil {
			t.Fatal(err)
		}
		scheme, err := json.Marshal(daas.CreateMachineCatalogProvisioningSchemeRequest{
			ResourcePool:                           "Pool-A",
			AssignImageVersionToProvisioningScheme: daas.AssignImageVersionToProvisioningSchemeRequest{ImageDefinition: "Win11", ImageVersion: v.ID},
			NumTotalMachines:                       daas.Ptr(2),
			MachineAccountCreationRules:            daas.MachineAccountCreationRulesRequest{NamingScheme: "W11-##", Domain: "corp.local"},
		})
		if err != nil {
			t.Fatal(err)
		}
		job, err := c.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{
			Name: "Win11-Pool", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportMultiSession,
			ProvisioningScheme: scheme,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := job.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		cat, err := c.MachineCatalogs.WaitProvisioned(ctx, "Win11-Pool")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "machines", cat.TotalCount, 2)
		got, err := c.ImageVersions.Get(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "ProvisioningSchemeCount", got.ProvisioningSchemeCount, 1)
		eq(t, "delete while used", apiStatus(c.ImageVersions.Delete(ctx, v.ID)), http.StatusConflict)
		if err := c.MachineCatalogs.Delete(ctx, "Win11-Pool"); err != nil {
			t.Fatal(err)
		}
		if err := c.ImageVersions.Delete(ctx, v.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// TestCatalogUpdatedToImageVersion: an image update may name an image
// version instead of a path, as the spec allows; the catalog's image is
// then the version's, and a version that does not exist is a 404.
func TestCatalogUpdatedToImageVersion(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(daastest.WithoutListener(), daastest.WithCatalog(daastest.Catalog{Name: "Pool", ProvisioningType: "MCS"}))
		defer s.Close()
		c, ctx := s.Client(), t.Context()
		newImageWorld(t, ctx, c)
		v, err := c.ImageDefinitions.CreateImageVersion(ctx, "Win11", versionRequest())
		if err != nil {
			t.Fatal(err)
		}
		assign := &daas.AssignImageVersionToProvisioningSchemeRequest{ImageDefinition: "Win11", ImageVersion: v.ID}
		job, err := c.MachineCatalogs.UpdateProvisioningSchemeAsync(ctx, "Pool", daas.UpdateProvisioningSchemeRequest{AssignImageVersionToProvisioningScheme: assign})
		if err != nil {
			t.Fatal(err)
		}
		cat, err := job.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var scheme struct{ MasterImage struct{ XDPath string } }
		if err := json.Unmarshal(cat.ProvisioningScheme, &scheme); err != nil || !strings.HasSuffix(scheme.MasterImage.XDPath, `win11-gold.vm`) {
			t.Fatalf("the catalog's image after the update: %s (%v)", cat.ProvisioningScheme, err)
		}
		assign.ImageVersion = "no-such-version"
		_, err = c.MachineCatalogs.UpdateProvisioningSchemeAsync(ctx, "Pool", daas.UpdateProvisioningSchemeRequest{AssignImageVersionToProvisioningScheme: assign})
		eq(t, "an unknown version", apiStatus(err), http.StatusNotFound)
	})
}
