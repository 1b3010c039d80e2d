// Command imagepipeline builds an MCS catalog from a prepared image, the
// way a pipeline does it: it creates (or reuses) a hosting connection and
// its resource pool, tests the connection, creates an image definition and
// a new image version from a master VM (a long job, whose progress it
// prints), then creates a catalog from that image version and waits for
// its machines.
//
//	go run ./examples/imagepipeline                  # against the built-in fake
//	go run ./examples/imagepipeline -connection vc01 -pool Pool-A -master 'XDHyp:\HostingUnits\Pool-A\gold.vm\gold.snapshot' -yes
//
// Against the built-in fake (no CITRIX_* variable set) everything it needs
// is created by the run. Against a service named by CITRIX_* variables (the
// simulator, daas-sim, included) it changes nothing without -yes; an
// existing connection, pool or definition of the given name is reused.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func main() { exampleenv.Main("imagepipeline", run) }

// settings are the names the pipeline works with.
type settings struct {
	connection, address, user, password string
	pool, network, storage              string
	definition, master                  string
	catalog                             string
	machines                            int
}

func run(ctx context.Context, stdout io.Writer, args []string, opts exampleenv.Options) error {
	fs := flag.NewFlagSet("imagepipeline", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var st settings
	fs.StringVar(&st.connection, "connection", "vc-demo", "the hosting connection (created when missing)")
	fs.StringVar(&st.address, "address", "https://vcenter.example.com", "the vCenter address of a new connection")
	fs.StringVar(&st.user, "user", `EXAMPLE\svc-citrix`, "the vCenter user of a new connection")
	fs.StringVar(&st.password, "password", "", "the vCenter password of a new connection")
	fs.StringVar(&st.pool, "pool", "Pool-Demo", "the resource pool of the connection (created when missing)")
	fs.StringVar(&st.network, "network", "VM Network.network", "the network of a new pool")
	fs.StringVar(&st.storage, "storage", "datastore1.storage", "the storage of a new pool")
	fs.StringVar(&st.definition, "definition", "Win11-Demo", "the image definition (created when missing)")
	fs.StringVar(&st.master, "master", `XDHyp:\HostingUnits\Pool-Demo\win11-gold.vm\base.snapshot`, "the master VM snapshot of the new image version")
	fs.StringVar(&st.catalog, "catalog", "Win11-Image-Demo", "the catalog to create from the image version")
	fs.IntVar(&st.machines, "machines", 2, "how many machines the catalog gets")
	yes := fs.Bool("yes", false, "change a real service (CITRIX_* variables set)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	env, err := exampleenv.Open(stdout, opts)
	if err != nil {
		return err
	}
	defer env.Close()
	if env.Real() && !*yes {
		return fmt.Errorf("this would create an image version and catalog %s on %s; pass -yes to go ahead", st.catalog, env.Client.BaseURL())
	}
	c := env.Client

	hyp, err := connection(ctx, stdout, c, st)
	if err != nil {
		return err
	}
	pool, err := resourcePool(ctx, stdout, c, hyp, st)
	if err != nil {
		return err
	}
	rep, err := c.Hypervisors.Test(ctx, hyp.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Connection test: %d passed, %d warnings, %d failed\n", rep.NumPassed, rep.NumWarnings, rep.NumFailures)
	if rep.NumFailures > 0 {
		return fmt.Errorf("the connection test of %s failed; fix the connection before building images", hyp.Name)
	}

	def, err := imageDefinition(ctx, stdout, c, hyp, st)
	if err != nil {
		return err
	}
	job, err := c.ImageDefinitions.CreateImageVersionAsync(ctx, def.ID, daas.CreateImageVersionRequest{
		Description: "Built by the imagepipeline example", MasterImagePath: st.master, ResourcePool: pool.ID,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Preparing image version of %s as job %s\n", def.Name, job.ID())
	version, err := job.Wait(ctx, progress(stdout, "image"))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Image version %d of %s: %s\n", version.Number, def.Name, version.ImageVersionStatus)

	cat, err := catalogFrom(ctx, stdout, c, def, version, pool, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Catalog %s: %d machines from image version %d of %s\n", cat.FullName, cat.TotalCount, version.Number, def.Name)
	return nil
}

// connection returns the hosting connection, created (as a job) when
// missing.
func connection(ctx context.Context, stdout io.Writer, c *daas.Client, st settings) (*daas.HypervisorDetail, error) {
	hyp, err := c.Hypervisors.Get(ctx, st.connection)
	if err == nil || !notFound(err) {
		if err == nil {
			fmt.Fprintf(stdout, "Using hosting connection %s\n", hyp.Name)
		}
		return hyp, err
	}
	job, err := c.Hypervisors.CreateAsync(ctx, daas.CreateHypervisorRequest{ConnectionDetails: daas.HypervisorConnectionDetailRequest{
		Name: st.connection, ConnectionType: daas.HypervisorConnectionTypeVCenter,
		Addresses: []string{st.address}, UserName: st.user, Password: st.password,
	}})
	if err != nil {
		return nil, err
	}
	if hyp, err = job.Wait(ctx); err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "Created hosting connection %s (%s)\n", hyp.Name, hyp.ConnectionType)
	return hyp, nil
}

// resourcePool returns the connection's pool, created when missing.
func resourcePool(ctx context.Context, stdout io.Writer, c *daas.Client, hyp *daas.HypervisorDetail, st settings) (*daas.HypervisorResourcePoolDetail, error) {
	pool, err := c.Hypervisors.ResourcePool(ctx, hyp.ID, st.pool)
	if err == nil || !notFound(err) {
		if err == nil {
			fmt.Fprintf(stdout, "Using resource pool %s\n", pool.Name)
		}
		return pool, err
	}
	job, err := c.Hypervisors.CreateResourcePoolAsync(ctx, hyp.ID, daas.CreateHypervisorResourcePoolRequest{
		Name: st.pool, ConnectionType: hyp.ConnectionType, Networks: []string{st.network}, Storage: []string{st.storage},
	})
	if err != nil {
		return nil, err
	}
	if pool, err = job.Wait(ctx); err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "Created resource pool %s on %s\n", pool.Name, hyp.Name)
	return pool, nil
}

// imageDefinition returns the image definition, created when missing.
func imageDefinition(ctx context.Context, stdout io.Writer, c *daas.Client, hyp *daas.HypervisorDetail, st settings) (*daas.ImageDefinition, error) {
	def, err := c.ImageDefinitions.Get(ctx, st.definition)
	if err == nil || !notFound(err) {
		if err == nil {
			fmt.Fprintf(stdout, "Using image definition %s (latest version %d)\n", def.Name, def.LatestVersion)
		}
		return def, err
	}
	def, err = c.ImageDefinitions.Create(ctx, daas.CreateImageDefinitionRequest{
		Name: st.definition, OSType: daas.OSTypeWindows, VDASessionSupport: daas.SessionSupportMultiSession,
		AssignedHypervisorConnection: daas.AssignHypervisorConnectionToImageDefinitionRequest{HypervisorConnection: hyp.ID},
	})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "Created image definition %s\n", def.Name)
	return def, nil
}

// catalogFrom creates an MCS catalog whose machines are made from the image
// version, and waits until they are.
func catalogFrom(ctx context.Context, stdout io.Writer, c *daas.Client, def *daas.ImageDefinition, v *daas.ImageVersion,
	pool *daas.HypervisorResourcePoolDetail, st settings) (*daas.MachineCatalog, error) {
	// CreateMachineCatalogRequest takes its ProvisioningScheme as JSON:
	// the typed scheme is marshalled here.
	scheme, err := json.Marshal(daas.CreateMachineCatalogProvisioningSchemeRequest{
		ResourcePool:                           pool.ID,
		AssignImageVersionToProvisioningScheme: daas.AssignImageVersionToProvisioningSchemeRequest{ImageDefinition: def.ID, ImageVersion: v.ID},
		NumTotalMachines:                       daas.Ptr(st.machines),
		MachineAccountCreationRules:            daas.MachineAccountCreationRulesRequest{NamingScheme: "W11IMG-##", Domain: "example.com"},
	})
	if err != nil {
		return nil, err
	}
	job, err := c.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{
		Name: st.catalog, ProvisioningType: daas.ProvisioningTypeMCS, SessionSupport: daas.SessionSupportMultiSession,
		AllocationType: daas.AllocationTypeRandom, ProvisioningScheme: scheme,
	})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "Creating catalog %s as job %s\n", st.catalog, job.ID())
	cat, err := job.Wait(ctx, progress(stdout, "catalog"))
	if err != nil {
		return nil, err
	}
	return c.MachineCatalogs.WaitProvisioned(ctx, cat.ID, progress(stdout, "machines"))
}

// notFound reports whether err is the service's 404.
func notFound(err error) bool {
	var ae *daas.APIError
	return errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound
}

// progress prints each change of a job's status or progress.
func progress(stdout io.Writer, what string) daas.WaitOption {
	last := ""
	return daas.OnProgress(func(j daas.JobInfo) {
		line := fmt.Sprintf("  %-8s %-12s", what, j.Status)
		if j.Progress >= 0 {
			line += fmt.Sprintf(" %3d%%", j.Progress)
		}
		if line != last {
			fmt.Fprintln(stdout, line)
			last = line
		}
	})
}
