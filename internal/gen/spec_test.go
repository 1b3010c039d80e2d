package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The spec and the root's declarations, read once for every test below.
var pinned = sync.OnceValues(func() (*document, error) {
	p, err := specPath()
	if err != nil {
		return nil, err
	}
	return loadSpec(p)
})

const repoRoot = "../.."

func loadPinned(t *testing.T) (*document, map[string]string) {
	t.Helper()
	doc, err := pinned()
	if err != nil {
		t.Fatal(err)
	}
	decls, err := rootDecls(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	return doc, decls
}

func pinnedOps(t *testing.T) []*op {
	t.Helper()
	doc, decls := loadPinned(t)
	types, err := newTypeSet(doc, decls)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := buildOps(doc, types)
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

// TestTableCounts checks the table against figures counted in the spec.
func TestTableCounts(t *testing.T) {
	ops := pinnedOps(t)
	services := map[string]bool{}
	var async, jobTyped, redirects, redirectNamed, pages int
	headers := map[string]int{}
	required := map[string]int{}
	for _, o := range ops {
		services[o.Service] = true
		if o.Async {
			async++
		}
		if len(o.JobTypes) > 0 {
			jobTyped++
		}
		if o.Redirects {
			redirects++
		}
		if o.Redirect != "" {
			redirectNamed++
		}
		if o.Page {
			pages++
		}
		for _, p := range o.Params {
			if p.In == "header" {
				headers[p.Name]++
				if p.Required {
					required[p.Name]++
				}
			}
		}
	}
	t.Logf("%d operations, %d async, %d services, %d name a job type, %d describe the redirect (%d name its target), %d answer pages",
		len(ops), async, len(services), jobTyped, redirects, redirectNamed, pages)
	for _, c := range []struct {
		what      string
		got, want int
	}{
		{"operations", len(ops), 537},
		{"async operations", async, 297},
		{"services", len(services), 39},
		// 150: also the job types written "JobTypeX" (5) and "JobType "JobType.X"".
		{"operations naming a job type", jobTyped, 150},
		{"operations describing the 303 redirect", redirects, 111},
		{"Citrix-CustomerId headers (all required)", required["Citrix-CustomerId"], 537},
		{"Citrix-InstanceId headers (all required)", required["Citrix-InstanceId"], 515},
		{"X-AdminCredential headers", headers["X-AdminCredential"], 27},
		{"X-AccessToken headers", headers["X-AccessToken"], 8},
		{"X-TimeZone headers", headers["X-TimeZone"], 7},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
		}
	}
}

// TestContractNames checks that the methods users already call come out of
// the rule and its overrides.
func TestContractNames(t *testing.T) {
	have := map[string]bool{}
	for _, o := range pinnedOps(t) {
		have[o.Service+"."+o.Method] = true
		if o.Async {
			have[o.Service+"."+o.Method+"Async"] = true
		}
	}
	for _, name := range []string{
		"MachineCatalogs.List", "MachineCatalogs.ListAsync",
		"MachineCatalogs.Get", "MachineCatalogs.GetAsync",
		"MachineCatalogs.Create", "MachineCatalogs.CreateAsync",
		"MachineCatalogs.Update", "MachineCatalogs.UpdateAsync",
		"MachineCatalogs.Delete", "MachineCatalogs.DeleteAsync",
		"MachineCatalogs.AddMachine", "MachineCatalogs.AddMachineAsync",
		"MachineCatalogs.UpdateProvisioningScheme", "MachineCatalogs.UpdateProvisioningSchemeAsync",
		"MachineCatalogs.RollbackProvisioningScheme", "MachineCatalogs.RollbackProvisioningSchemeAsync",
		"Machines.List", "Machines.ListAsync", "Machines.Get",
		"Machines.Update", "Machines.UpdateAsync", "Machines.Delete", "Machines.DeleteAsync",
		"Machines.Start", "Machines.StartAsync", "Machines.Shutdown", "Machines.ShutdownAsync",
		"Machines.Reboot", "Machines.RebootAsync", "Machines.Suspend", "Machines.SuspendAsync",
		"Machines.Resume", "Machines.ResumeAsync",
		"DeliveryGroups.List", "DeliveryGroups.ListAsync", "DeliveryGroups.Get",
		"DeliveryGroups.Create", "DeliveryGroups.CreateAsync", "DeliveryGroups.Update", "DeliveryGroups.UpdateAsync",
		"DeliveryGroups.Delete", "DeliveryGroups.DeleteAsync",
		"DeliveryGroups.StartRebootCycle", "DeliveryGroups.StartRebootCycleAsync",
		"DeliveryGroups.AddMachines", "DeliveryGroups.AddMachinesAsync",
		"DeliveryGroups.RemoveMachine", "DeliveryGroups.RemoveMachineAsync",
		"Jobs.Get", "Jobs.List", "Jobs.Cancel", "Jobs.Delete", "Jobs.Results",
	} {
		if !have[name] {
			t.Errorf("no operation gives %s", name)
		}
	}
	// The spec has no async form of these: the table must not invent one.
	for _, name := range []string{"DeliveryGroups.GetAsync", "Machines.GetAsync", "Jobs.ListAsync"} {
		if have[name] {
			t.Errorf("%s: the spec does not take async there", name)
		}
	}
}

// TestOverridesUsed checks that every entry of the override tables still
// matters: its key is in the spec, and a method override differs from what
// the rule gives.
func TestOverridesUsed(t *testing.T) {
	doc, _ := loadPinned(t)
	ids := map[string][2]string{}
	for _, p := range doc.Paths {
		for _, m := range p.Value {
			ids[m.Value.OperationID] = [2]string{serviceName(m.Value.Tags[0]), p.Key}
		}
	}
	for id, name := range methodOverrides {
		sp, ok := ids[id]
		if !ok {
			t.Errorf("methodOverrides: no operation %s in the spec", id)
			continue
		}
		delete(methodOverrides, id)
		rule := methodName(id, sp[0], sp[1])
		methodOverrides[id] = name
		if rule == name {
			t.Errorf("methodOverrides[%s] = %s is what the rule gives: remove it", id, name)
		}
	}
	for id := range resultOverrides {
		if _, ok := ids[id]; !ok {
			t.Errorf("resultOverrides: no operation %s in the spec", id)
		}
	}
	for name := range typeOverrides {
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("typeOverrides: no schema %s in the spec", name)
		}
	}
}

// TestGeneratedFilesUpToDate regenerates into memory and compares with the
// files in the repository, and checks that generating twice gives the same
// bytes.
func TestGeneratedFilesUpToDate(t *testing.T) {
	doc, decls := loadPinned(t)
	first, err := generate(doc, decls)
	if err != nil {
		t.Fatal(err)
	}
	second, err := generate(doc, decls)
	if err != nil {
		t.Fatal(err)
	}
	onDisk, err := filepath.Glob(filepath.Join(repoRoot, "zz_*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range onDisk {
		if _, ok := first[filepath.Base(path)]; !ok {
			t.Errorf("%s: not written by the generator any more; run go generate ./... at the root", filepath.Base(path))
		}
	}
	if _, ok := first["zz_service_hypervisors.go"]; !ok || len(first) < 6 {
		t.Errorf("%d files, want the models, enums, table, doc, services, params and a file per service", len(first))
	}
	for name, src := range first {
		if !bytes.Equal(src, second[name]) {
			t.Errorf("%s: two runs differ", name)
		}
		if strings.HasSuffix(name, ".go") && !isGenerated(src) {
			t.Errorf("%s: no generated-code header", name)
		}
		if !generatedRE.Match(src) && !strings.Contains(string(src), strings.TrimPrefix(generatedHeader, "// ")) {
			t.Errorf("%s: no generated-code mark", name)
		}
		on, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(name)))
		if err != nil {
			t.Errorf("%s: %v (run go generate ./... at the root)", name, err)
			continue
		}
		if !bytes.Equal(on, src) {
			t.Errorf("%s is not what the generator writes: run go generate ./... at the root", name)
		}
	}
}
