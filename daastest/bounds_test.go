package daastest_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

// createWithMachines is a sync MCS catalog create asking for n machines.
func createWithMachines(name, n string) string {
	return fmt.Sprintf(`{"Name":%q,"ProvisioningType":"MCS","SessionSupport":"SingleSession","ProvisioningScheme":{"NumTotalMachines":%s}}`, name, n)
}

// TestMachineCountBound: a count the fake would not create is refused with
// 400 outOfRange and the spec's ErrorResponse before any work, so that
// 2,000,000,000 machines cost neither time nor memory; the bound itself is
// accepted.
func TestMachineCountBound(t *testing.T) {
	f := newFixture(t)
	max := strconv.Itoa(daastest.MaxMachinesPerRequest)
	for _, n := range []string{"2000000000", "2147483647", "99999999999999999999", strconv.Itoa(daastest.MaxMachinesPerRequest + 1), "-1"} {
		for _, async := range []string{"", "?async=true"} {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			p := errorBody(t, f.want(http.StatusBadRequest, "POST", "/MachineCatalogs"+async, createWithMachines("Big", n)), "outOfRange")
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			eq(t, n+" parameter", p, map[string]string{"name": "NumTotalMachines", "value": n, "max": max})
			// The answer needs a few kB; anything near the count's size
			// (names, machines, sub jobs: gigabytes) means work was done.
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
				t.Errorf("NumTotalMachines %s%s: %d bytes allocated", n, async, grew)
			}
			if took > time.Second {
				t.Errorf("NumTotalMachines %s%s: answered in %v", n, async, took)
			}
			t.Logf("NumTotalMachines %s%s: 400 in %v, %d bytes allocated", n, async, took, after.TotalAlloc-before.TotalAlloc)
		}
	}
	errorBody(t, f.want(http.StatusBadRequest, "POST", "/MachineCatalogs", createWithMachines("Big", "1.5")), "invalidJson")
	eq(t, "nothing created", len(f.s.Catalogs())+len(f.s.Machines()), 0)

	f.want(http.StatusOK, "POST", "/MachineCatalogs", createWithMachines("Max", max))
	f.s.Advance(time.Hour)
	eq(t, "machines at the bound", len(f.s.Machines()), daastest.MaxMachinesPerRequest)
	eq(t, "TotalCount at the bound", f.s.Catalogs()[0].TotalCount, daastest.MaxMachinesPerRequest)
}
