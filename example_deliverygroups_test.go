package daas_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// exampleGroupFake is a fake with catalog Pool (8 machines) and an empty
// delivery group Desk, with short jobs and a fast poll schedule.
func exampleGroupFake() (*daastest.Server, *daas.Client) {
	srv := daastest.NewServer(
		daastest.WithJobDuration(30*time.Millisecond),
		daastest.WithCatalog(daastest.Catalog{Name: "Pool", ProvisioningType: "MCS"}),
		daastest.WithMachines("Pool", 8),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "Desk"}),
	)
	pol := daas.DefaultPollPolicy()
	pol.MinInterval, pol.MaxInterval = 5*time.Millisecond, 10*time.Millisecond
	return srv, srv.Client(daas.WithPollPolicy(pol))
}

func ExampleDeliveryGroupsService_Create() {
	srv, client := exampleGroupFake()
	defer srv.Close()

	g, err := client.DeliveryGroups.Create(context.Background(), daas.CreateDeliveryGroupRequest{
		Name:            "Call Centre",
		MachineCatalogs: []daas.DeliveryGroupMachines{{MachineCatalog: "Pool", Count: 3}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.Name, g.TotalMachines, g.Enabled)
	// Output:
	// Call Centre 3 true
}

func ExampleDeliveryGroupsService_Get() {
	srv, client := exampleGroupFake()
	defer srv.Close()
	ctx := context.Background()

	job, err := client.DeliveryGroups.AddMachinesAsync(ctx, "Desk", "Pool", 4)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := job.Wait(ctx); err != nil {
		log.Fatal(err)
	}
	// One of the group's machines goes off.
	machine := srv.Machines()[0].Name
	off, err := client.Machines.ShutdownAsync(ctx, machine)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := off.Wait(ctx); err != nil {
		log.Fatal(err)
	}

	// Get returns the detail: the list fields and the machine counts.
	g, err := client.DeliveryGroups.Get(ctx, "Desk")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.FullName, g.Delivering, g.MachineType)
	fmt.Printf("machines %d, registered %d, off %d, desktops available %d\n",
		g.TotalMachines, g.RegisteredMachines, g.OffMachines, g.DesktopsAvailable)
	for _, os := range g.MachineOperatingSystems {
		fmt.Printf("%s: %d\n", os.Name, os.Value)
	}
	// Output:
	// Desk DesktopsOnly Virtual
	// machines 4, registered 3, off 1, desktops available 3
	// Windows 11 Enterprise: 4
}

func ExampleDeliveryGroupsService_AddMachinesAsync() {
	srv, client := exampleGroupFake()
	defer srv.Close()
	ctx := context.Background()

	job, err := client.DeliveryGroups.AddMachinesAsync(ctx, "Desk", "Pool", 5)
	if err != nil {
		log.Fatal(err)
	}
	g, err := job.Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(job.Info().Type, g.TotalMachines)

	// Only 3 free machines are left: the job fails, and says why.
	job, err = client.DeliveryGroups.AddMachinesAsync(ctx, "Desk", "Pool", 5)
	if err != nil {
		log.Fatal(err)
	}
	_, err = job.Wait(ctx)
	var je *daas.JobError
	if errors.As(err, &je) {
		fmt.Println(je.Code)
	}
	// Output:
	// AddDeliveryGroupMachines 5
	// NoAvailableMachine
}

func ExampleDeliveryGroupsService_StartRebootCycleAsync() {
	srv, client := exampleGroupFake()
	defer srv.Close()
	ctx := context.Background()

	job, err := client.DeliveryGroups.StartRebootCycleAsync(ctx, "Desk", daas.RebootCycleRequest{
		RebootDurationMinutes: daas.Ptr(60),
		WarningMessage:        "Your desktop restarts in 10 minutes.",
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := job.Wait(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(job.Info().Type, job.Info().Status)
	// Output:
	// StartDeliveryGroupRebootCycle Complete
}

func ExampleClient_Batch() {
	srv, client := exampleGroupFake()
	defer srv.Close()
	ctx := context.Background()

	// Four machine adds as one request; the third is made to fail.
	var items []daas.BatchItem
	for range 4 {
		item, err := client.DeliveryGroups.AddMachinesItem("Desk", "Pool", 2)
		if err != nil {
			log.Fatal(err)
		}
		items = append(items, item)
	}
	srv.FailBatchItems(http.StatusServiceUnavailable, "2")

	job, err := client.Batch(ctx, items)
	if err != nil {
		log.Fatal(err)
	}
	res, err := job.Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	// Wait for the items' own jobs, all together on the shared poller.
	err = res.Wait(ctx)
	var be *daas.BatchError
	if errors.As(err, &be) {
		fmt.Printf("%d of %d items failed\n", len(be.Failed), be.Total)
	}
	for _, it := range res.Items {
		fmt.Println(it.Reference, it.StatusCode, it.Err != nil)
	}
	// Output:
	// 1 of 4 items failed
	// 0 202 false
	// 1 202 false
	// 2 503 true
	// 3 202 false
}

// Any typed call can be an item of a batch: here every session of a
// delivery group is logged off in one request, each as a job of its own.
func ExampleClient_BatchItemOf() {
	srv := daastest.NewServer(
		daastest.WithJobDuration(30*time.Millisecond),
		daastest.WithCatalog(daastest.Catalog{Name: "Pool", ProvisioningType: "MCS"}),
		daastest.WithMachines("Pool", 4),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "Desk", Catalog: "Pool", Machines: 3}),
		daastest.WithSessions(3),
	)
	defer srv.Close()
	client := srv.Client(daas.WithPollPolicy(daas.PollPolicy{MinInterval: 5 * time.Millisecond, MaxInterval: 10 * time.Millisecond, Multiplier: 2}))
	ctx := context.Background()

	var items []daas.BatchItem
	for s, err := range client.Sessions.All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		item, err := client.BatchItemOf(func(ctx context.Context) error {
			_, err := client.Sessions.LogOffAsync(ctx, s.ID)
			return err
		})
		if err != nil {
			log.Fatal(err)
		}
		items = append(items, item)
	}
	job, err := client.Batch(ctx, items)
	if err != nil {
		log.Fatal(err)
	}
	res, err := job.Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if err := res.Wait(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(res.Items), "sessions logged off")
	// Output: 3 sessions logged off
}
