package daas_test

import (
	"context"
	"fmt"
	"log"

	"github.com/daaskit/daas"
)

// The examples of this file use generated services that the fake does not
// model by hand yet: they are compiled, not run.

// A hosting connection to a hypervisor and a resource pool on it, created
// as a job of the service, ready for image definitions and catalogs.
func ExampleHypervisorsService_CreateAsync() {
	ctx := context.Background()
	client, err := daas.NewClientFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	job, err := client.Hypervisors.CreateAsync(ctx, daas.CreateHypervisorRequest{
		ConnectionDetails: daas.HypervisorConnectionDetailRequest{
			Name:           "vcenter-paris",
			ConnectionType: daas.HypervisorConnectionTypeVCenter,
			Zone:           "Paris",
		},
	}, daas.AdminCredential(`CORP\svc-hyp`, "secret"))
	if err != nil {
		log.Fatal(err)
	}
	conn, err := job.Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	pool, err := client.Hypervisors.CreateResourcePool(ctx, conn.ID, daas.CreateHypervisorResourcePoolRequest{
		Name:           "paris-pool",
		ConnectionType: daas.HypervisorConnectionTypeVCenter,
		Networks:       []string{"VM Network"},
		Storage:        []string{"datastore1"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(conn.Name, pool.Name)
}

// An image definition and its first version, from a master image on a
// resource pool, each created as a job of the service.
func ExampleImageDefinitionsService_CreateImageVersionAsync() {
	ctx := context.Background()
	client, err := daas.NewClientFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	defJob, err := client.ImageDefinitions.CreateAsync(ctx, daas.CreateImageDefinitionRequest{
		Name:              "win11",
		OSType:            daas.OSTypeWindows,
		VDASessionSupport: daas.SessionSupportMultiSession,
	})
	if err != nil {
		log.Fatal(err)
	}
	def, err := defJob.Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	verJob, err := client.ImageDefinitions.CreateImageVersionAsync(ctx, def.ID, daas.CreateImageVersionRequest{
		Description:     "January patches",
		MasterImagePath: `XDHyp:\HostingUnits\paris-pool\win11.vm\jan.snapshot`,
		ResourcePool:    "paris-pool",
	})
	if err != nil {
		log.Fatal(err)
	}
	ver, err := verJob.Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(def.Name, ver.ID)
}

// Every disconnected session of the site gets a message, then is logged
// off; each log-off is a job of the service.
func ExampleSessionsService_All() {
	ctx := context.Background()
	client, err := daas.NewClientFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	var jobs []*daas.Job[struct{}]
	for s, err := range client.Sessions.All(ctx, daas.PageSize(500)) {
		if err != nil {
			log.Fatal(err)
		}
		if s.State != daas.SessionStateDisconnected {
			continue
		}
		if _, err := client.Sessions.SendMessage(ctx, s.ID, daas.SendMessageRequest{
			Title: "Maintenance", Text: "This session is logged off in five minutes.",
		}); err != nil {
			log.Fatal(err)
		}
		job, err := client.Sessions.LogOffAsync(ctx, s.ID)
		if err != nil {
			log.Fatal(err)
		}
		jobs = append(jobs, job)
	}
	for _, job := range jobs {
		if _, err := job.Wait(ctx); err != nil {
			log.Print(err)
		}
	}
	fmt.Println(len(jobs), "sessions logged off")
}

// The zones of the site, and a new one created as a job of the service.
func ExampleZonesService_All() {
	ctx := context.Background()
	client, err := daas.NewClientFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	for z, err := range client.Zones.All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(z.Name, z.IsPrimary, z.IsHealthy)
	}
	job, err := client.Zones.CreateAsync(ctx, daas.CreateZoneRequest{Name: "Lyon", Description: "Lyon data centre"})
	if err != nil {
		log.Fatal(err)
	}
	zone, err := job.Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created", zone.Name)
}
