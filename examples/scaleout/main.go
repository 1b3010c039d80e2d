// Command scaleout grows an MCS machine catalog and takes one machine out
// again, the lifecycle a site's automation runs: it adds N machines (one
// job each), waits for MCS to finish provisioning them with one live
// progress line, then puts one new machine in maintenance mode, logs off its
// sessions and deletes it with its VM.
//
//	go run ./examples/scaleout                  # 3 machines in Win11-Pooled-001
//	go run ./examples/scaleout -n 5 -catalog Win2022-Shared-002
//
// Against the built-in fake the seeded MCS catalogs start without machines;
// provisioning fails for none of them unless the test asks the fake to. A
// provisioning job that fails is printed from its sub-jobs: the machines
// that were added stay. Against a real service (CITRIX_* variables set) it
// changes the catalog only with -yes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func main() { exampleenv.Main("scaleout", run) }

func run(ctx context.Context, stdout io.Writer, args []string, opts exampleenv.Options) error {
	fs := flag.NewFlagSet("scaleout", flag.ContinueOnError)
	fs.SetOutput(stdout)
	catalog := fs.String("catalog", "Win11-Pooled-001", "name or id of the MCS catalog to grow")
	n := fs.Int("n", 3, "how many machines to add")
	yes := fs.Bool("yes", false, "change the catalog on a real service (CITRIX_* variables set)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 {
		return fmt.Errorf("-n %d: add at least one machine", *n)
	}

	env, err := exampleenv.Open(stdout, opts)
	if err != nil {
		return err
	}
	defer env.Close()
	if env.Real() && !*yes {
		return fmt.Errorf("this would add %d machines to catalog %q on %s and delete one; pass -yes to go ahead", *n, *catalog, env.Client.BaseURL())
	}
	client := env.Client

	before := map[string]bool{}
	for m, err := range client.MachineCatalogs.Machines(ctx, *catalog) {
		if err != nil {
			return err
		}
		before[m.ID] = true
	}

	// One job per machine; MCS names each by the catalog's naming scheme.
	for i := range *n {
		job, err := client.MachineCatalogs.AddMachineAsync(ctx, *catalog, daas.AddMachineRequest{})
		if err != nil {
			return fmt.Errorf("adding machine %d of %d: %w", i+1, *n, err)
		}
		fmt.Fprintf(stdout, "Adding machine %d of %d to %s as job %s.\n", i+1, *n, *catalog, job.ID())
	}

	// The jobs are the catalog's JobsInProgress: WaitProvisioned waits for
	// them all on the client's shared poller and reports each job's
	// progress; the line shows them together.
	line := newProgressLine(stdout)
	cat, provisioned := client.MachineCatalogs.WaitProvisioned(ctx, *catalog, daas.OnProgress(line.update))
	line.end()
	var provErr *daas.ProvisioningError
	switch {
	case errors.As(provisioned, &provErr):
		fmt.Fprintf(stdout, "Provisioning of %s ended with %d failed job(s):\n", *catalog, len(provErr.Jobs))
		for _, je := range provErr.Jobs {
			fmt.Fprintf(stdout, "  job %s %s: %s\n", je.JobID, je.Status, je.Message)
			for _, sub := range je.SubJobs {
				fmt.Fprintf(stdout, "    sub-job %s %s %s %s\n", sub.ID, sub.Status, sub.ErrorCode, sub.ErrorString)
			}
		}
		if cat == nil {
			return provisioned
		}
	case provisioned != nil:
		return provisioned
	}

	var added []daas.Machine
	for m, err := range client.MachineCatalogs.Machines(ctx, *catalog) {
		if err != nil {
			return err
		}
		if !before[m.ID] {
			added = append(added, m)
		}
	}
	fmt.Fprintf(stdout, "Catalog %s has %d machines; %d new:\n", cat.FullName, cat.TotalCount, len(added))
	for _, m := range added {
		fmt.Fprintf(stdout, "  %s  %s  %s\n", m.Name, m.PowerState, m.RegistrationState)
	}
	if len(added) == 0 {
		return errors.Join(errors.New("no machine was added"), provisioned)
	}

	// Take the last new machine out: maintenance mode first (the service
	// removes no machine that could take a session), then its sessions,
	// then the machine, its VM and its account, each said explicitly (the
	// service's defaults would delete the VM and leave the account).
	victim := slices.MaxFunc(added, func(a, b daas.Machine) int { return strings.Compare(a.Name, b.Name) })
	if _, err := client.Machines.Update(ctx, victim.ID, daas.UpdateMachineRequest{InMaintenanceMode: daas.Ptr(true)}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Put %s in maintenance mode.\n", victim.Name)
	logoff, err := client.Machines.LogOffSessionsAsync(ctx, victim.ID)
	if err != nil {
		return err
	}
	if _, err := logoff.Wait(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Logged off the sessions of %s (job %s).\n", victim.Name, logoff.ID())
	del, err := client.Machines.DeleteAsync(ctx, victim.ID, daas.DeleteVMs(true), daas.MachineAccounts(daas.AccountActionDelete))
	if err != nil {
		return err
	}
	if _, err := del.Wait(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Deleted %s, its VM and its Active Directory account (job %s).\n", victim.Name, del.ID())
	return provisioned // a partial provisioning failure, if any
}

// progressLine shows the provisioning jobs' progress as one line: rewritten
// in place on a terminal, a line per change elsewhere (a pipe, a test).
type progressLine struct {
	mu   sync.Mutex
	w    io.Writer
	live bool
	jobs map[string]daas.JobInfo
	last string
}

func newProgressLine(w io.Writer) *progressLine {
	return &progressLine{w: w, live: isTerminal(w), jobs: map[string]daas.JobInfo{}}
}

func (p *progressLine) update(j daas.JobInfo) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.jobs[j.ID] = j
	done, sum := 0, 0
	for _, j := range p.jobs {
		if j.Status.Terminal() {
			done++
		}
		sum += max(j.Progress, 0)
	}
	line := fmt.Sprintf("  provisioning: %d/%d jobs done, %3d%%", done, len(p.jobs), sum/len(p.jobs))
	if line == p.last {
		return
	}
	p.last = line
	if p.live {
		fmt.Fprintf(p.w, "\r%-50s", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

func (p *progressLine) end() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live && p.last != "" {
		fmt.Fprintln(p.w)
	}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
