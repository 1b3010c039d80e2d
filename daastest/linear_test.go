//go:build unix

package daastest_test

import (
	"fmt"
	"net/http"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// createMachines creates catalogs of per machines each until there are n
// machines, provisioned, and returns the CPU time it took.
func createMachines(t *testing.T, n, per int) time.Duration {
	f := newFixture(t, daastest.WithRequestLogLimit(1))
	start := cpuTime(t)
	for i := range n / per {
		f.want(http.StatusOK, "POST", "/MachineCatalogs", createWithMachines(fmt.Sprintf("C%03d", i), strconv.Itoa(per)))
	}
	f.s.Advance(time.Hour)
	took := cpuTime(t) - start
	machines := f.s.Machines()
	if len(machines) != n {
		t.Fatalf("%d machines, want %d", len(machines), n)
	}
	total := 0
	for _, c := range f.s.Catalogs() {
		total += c.TotalCount
	}
	if total != n {
		t.Fatalf("catalogs count %d machines, %d exist", total, n)
	}
	return took
}

// TestMachinesLinear: creating 4× the machines takes about 4× the time,
// not 16× (every new machine once compared itself with all others). Both
// sizes are measured in this run as the process's CPU time (not wall
// time, which other processes on a loaded machine stretch; the test is not
// parallel, so no other test runs in the process meanwhile), the best of
// three each, and the ratio must stay under 8, halfway (geometrically)
// between linear and quadratic.
func TestMachinesLinear(t *testing.T) {
	const per = 750
	best := func(n int) time.Duration {
		b := time.Duration(1<<63 - 1)
		for range 3 {
			b = min(b, createMachines(t, n, per))
		}
		return b
	}
	small, large := best(7_500), best(30_000)
	ratio := float64(large) / float64(small)
	t.Logf("7,500 machines: %v; 30,000: %v; ratio %.1f", small, large, ratio)
	if ratio > 8 {
		t.Errorf("30,000 machines took %.1f× the time of 7,500 (%v vs %v): not linear", ratio, large, small)
	}
}
