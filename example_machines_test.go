package daas_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// exampleWait is a poll interval that suits the fake's short jobs.
var exampleWait = daas.PollInterval(5*time.Millisecond, 20*time.Millisecond)

func ExampleMachinesService_List() {
	srv := daastest.NewServer(daastest.WithCatalog(daastest.Catalog{Name: "Pool"}), daastest.WithMachines("Pool", 3))
	defer srv.Close()
	client := srv.Client()

	page, err := client.Machines.List(context.Background(), daas.PageSize(2))
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range page.Items {
		fmt.Println(m.Name, m.PowerState, m.RegistrationState, m.MachineCatalog.Name)
	}
	fmt.Println("more:", page.ContinuationToken != "")
	// Output:
	// CORP\Pool-001 On Registered Pool
	// CORP\Pool-002 On Registered Pool
	// more: true
}

func ExampleMachinesService_All() {
	srv := daastest.NewServer(daastest.WithCatalog(daastest.Catalog{Name: "Pool"}), daastest.WithMachines("Pool", 5))
	defer srv.Close()
	client := srv.Client()

	n := 0
	for _, err := range client.Machines.All(context.Background(), daas.PageSize(2)) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(n, "machines in", srv.Count("GET /Machines"), "pages")
	// Output:
	// 5 machines in 3 pages
}

func ExampleMachinesService_Get() {
	srv := daastest.NewServer(daastest.WithCatalog(daastest.Catalog{Name: "Pool"}),
		daastest.WithMachine(daastest.Machine{Name: `CORP\Desk-1`, Catalog: "Pool", PowerState: "On", SessionCount: 2}))
	defer srv.Close()
	client := srv.Client()

	m, err := client.Machines.Get(context.Background(), `CORP\Desk-1`)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.DNSName, m.PowerState, m.SessionCount, "sessions")
	_, err = client.Machines.Get(context.Background(), `CORP\Nope`)
	fmt.Println(errors.Is(err, daas.ErrNotFound))
	// Output:
	// desk-1.corp.local On 2 sessions
	// true
}

// Removing a machine from the site, keeping its virtual machine: say so
// with DeleteVMs(false), as without it the service deletes the VM of an MCS
// machine. (DeleteVMs(true) with MachineAccounts deletes the VM and says
// what becomes of its account.) The service refuses a machine that is not
// in maintenance mode, so put it there first.
func ExampleMachinesService_Delete() {
	srv := daastest.NewServer(daastest.WithCatalog(daastest.Catalog{Name: "Pool"}), daastest.WithMachines("Pool", 2))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	err := client.Machines.Delete(ctx, `CORP\Pool-002`, daas.DeleteVMs(false))
	var apiErr *daas.APIError
	fmt.Println("refused:", errors.As(err, &apiErr))

	if _, err := client.Machines.Update(ctx, `CORP\Pool-002`, daas.UpdateMachineRequest{InMaintenanceMode: daas.Ptr(true)}); err != nil {
		log.Fatal(err)
	}
	if err := client.Machines.Delete(ctx, `CORP\Pool-002`, daas.DeleteVMs(false)); err != nil {
		log.Fatal(err)
	}
	fmt.Println("machines left:", len(srv.Machines()))
	// Output:
	// refused: true
	// machines left: 1
}

// Power actions are jobs of the service; the machine goes through a
// transitional state (TurningOff) until the job ends.
func ExampleMachinesService_ShutdownAsync() {
	srv := daastest.NewServer(daastest.WithJobDuration(50*time.Millisecond),
		daastest.WithCatalog(daastest.Catalog{Name: "Pool"}), daastest.WithMachines("Pool", 1))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	job, err := client.Machines.ShutdownAsync(ctx, `CORP\Pool-001`, daas.Force())
	if err != nil {
		log.Fatal(err)
	}
	m, _ := client.Machines.Get(ctx, `CORP\Pool-001`)
	fmt.Println(m.PowerState, m.PowerState.Transitional())
	if _, err := job.Wait(ctx, exampleWait); err != nil {
		log.Fatal(err)
	}
	m, _ = client.Machines.Get(ctx, `CORP\Pool-001`)
	fmt.Println(job.Info().Type, m.PowerState, m.RegistrationState)
	// Output:
	// TurningOff true
	// ShutDownMachines Off Unregistered
}

func ExampleMachinesService_LogOffSessionsAsync() {
	srv := daastest.NewServer(daastest.WithJobDuration(10*time.Millisecond), daastest.WithCatalog(daastest.Catalog{Name: "Pool"}),
		daastest.WithMachine(daastest.Machine{Name: `CORP\Host-1`, Catalog: "Pool", PowerState: "On", SessionCount: 3}))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	job, err := client.Machines.LogOffSessionsAsync(ctx, `CORP\Host-1`)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := job.Wait(ctx, exampleWait); err != nil {
		log.Fatal(err)
	}
	m, _ := client.Machines.Get(ctx, `CORP\Host-1`)
	fmt.Println(job.Info().Type, m.SessionCount, "sessions")
	// Output:
	// LogoffMachineSessions 0 sessions
}

func ExampleMachineCatalogsService_Machines() {
	srv := daastest.NewServer(
		daastest.WithCatalog(daastest.Catalog{Name: "Pool"}), daastest.WithMachines("Pool", 2),
		daastest.WithCatalog(daastest.Catalog{Name: "Other"}), daastest.WithMachines("Other", 3))
	defer srv.Close()
	client := srv.Client()

	for m, err := range client.MachineCatalogs.Machines(context.Background(), "Pool") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.Name)
	}
	// Output:
	// CORP\Pool-001
	// CORP\Pool-002
}

// A manual catalog takes an existing machine by name; AdminCredential sends
// domain credentials on this call only.
func ExampleMachineCatalogsService_AddMachineAsync() {
	srv := daastest.NewServer(daastest.WithJobDuration(10*time.Millisecond),
		daastest.WithCatalog(daastest.Catalog{Name: "Office", ProvisioningType: "Manual"}))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	job, err := client.MachineCatalogs.AddMachineAsync(ctx, "Office", daas.AddMachineRequest{MachineName: `CORP\Desk-7`},
		daas.AdminCredential(`CORP\admin`, "example-password"))
	if err != nil {
		log.Fatal(err)
	}
	cat, err := job.Wait(ctx, exampleWait)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(job.Info().Type, cat.Name, cat.TotalCount)
	if err := client.MachineCatalogs.RemoveMachine(ctx, "Office", `CORP\Desk-7`); err != nil {
		log.Fatal(err)
	}
	fmt.Println("removed; machines left:", len(srv.Machines()))
	// Output:
	// AddMachineCatalogMachine Office 1
	// removed; machines left: 0
}

// The create job of an MCS catalog ends before its machines exist:
// WaitProvisioned waits for the provisioning jobs the catalog lists.
func ExampleMachineCatalogsService_WaitProvisioned() {
	srv := daastest.NewServer(daastest.WithJobDuration(10*time.Millisecond), daastest.WithJobDurationFor("AddMachines", 100*time.Millisecond))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	cat, err := client.MachineCatalogs.Create(ctx, daas.CreateMachineCatalogRequest{
		Name: "Win11", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportSingleSession,
		ProvisioningScheme: json.RawMessage(`{"NumTotalMachines":3,"MachineAccountCreationRules":{"NamingScheme":"W11-##"}}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created:", cat.TotalCount, "machines, provisioning", cat.ProvisioningProgress.IsRunning)

	final := ""
	cat, err = client.MachineCatalogs.WaitProvisioned(ctx, "Win11", exampleWait,
		daas.OnProgress(func(j daas.JobInfo) { final = fmt.Sprint(j.Type, " ", j.Status) }))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(final)
	fmt.Println("provisioned:", cat.TotalCount, "machines, provisioning", cat.ProvisioningProgress.IsRunning)
	// Output:
	// created: 0 machines, provisioning true
	// AddMachines Complete
	// provisioned: 3 machines, provisioning false
}

// An image update: the job ends, then MCS moves the machines to the image;
// StoreOldImage keeps the old one for a rollback.
func ExampleMachineCatalogsService_UpdateProvisioningSchemeAsync() {
	srv := daastest.NewServer(daastest.WithJobDuration(10*time.Millisecond),
		daastest.WithCatalog(daastest.Catalog{Name: "Pool"}), daastest.WithMachines("Pool", 2))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	job, err := client.MachineCatalogs.UpdateProvisioningSchemeAsync(ctx, "Pool", daas.UpdateProvisioningSchemeRequest{
		MasterImagePath: `XDHyp:\HostingUnits\Unit1\win11-v2.snapshot`,
		StoreOldImage:   true,
		RebootOptions:   &daas.RebootOptions{RebootDuration: daas.Ptr(0)},
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := job.Wait(ctx, exampleWait); err != nil {
		log.Fatal(err)
	}
	cat, err := client.MachineCatalogs.WaitProvisioned(ctx, "Pool", exampleWait)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(job.Info().Type, "can roll back:", cat.CanRollbackVMImage)

	rollback, err := client.MachineCatalogs.RollbackProvisioningSchemeAsync(ctx, "Pool", nil)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := rollback.Wait(ctx, exampleWait); err != nil {
		log.Fatal(err)
	}
	fmt.Println(rollback.Info().Type)
	// Output:
	// UpdateMachineCatalogProvisioningScheme can roll back: true
	// RollbackMachineCatalogProvisioningScheme
}

// A provisioning job where some machines failed: the error lists the
// failed sub-jobs, and the machines that were added stay.
func ExampleProvisioningError() {
	srv := daastest.NewServer(daastest.WithJobDuration(10 * time.Millisecond))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	srv.FailProvisioning("Half", 1, "no capacity in the zone")

	_, err := client.MachineCatalogs.Create(ctx, daas.CreateMachineCatalogRequest{
		Name: "Half", ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportSingleSession,
		ProvisioningScheme: json.RawMessage(`{"NumTotalMachines":2,"MachineAccountCreationRules":{"NamingScheme":"H-#"}}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	cat, err := client.MachineCatalogs.WaitProvisioned(ctx, "Half", exampleWait)
	var perr *daas.ProvisioningError
	if errors.As(err, &perr) {
		for _, je := range perr.Jobs {
			fmt.Println(je.Message)
			for _, sub := range je.SubJobs {
				fmt.Println(" ", sub.Status, sub.ErrorCode, sub.ErrorString)
			}
		}
	}
	fmt.Println("machines added:", cat.TotalCount)
	// Output:
	// 1 of 2 machines were added to the machine catalog 'Half'.
	//   Failed UnknownError CORP\H-1: no capacity in the zone
	// machines added: 1
}
