package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/temporal"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/workflow"
)

// Rollout is the input of the ImageRollout workflow.
type Rollout struct {
	Catalogs []string // the MCS catalogs to update
	Image    string   // the new master image path
	Parallel int      // catalogs updated at a time
}

// Rolled is what the workflow did.
type Rolled struct {
	Catalogs []Updated
	Groups   []string // the delivery groups whose reboot cycle ran
}

// Updated is one catalog after its image update.
type Updated struct {
	Name  string
	Image string // the master image the catalog's provisioning scheme names
}

// ImageRollout updates the master image of each catalog, Parallel at a
// time, waits for each, then runs a reboot cycle of the delivery groups
// that use them. Every job is started once and awaited to its end, across
// worker restarts.
func ImageRollout(ctx workflow.Context, in Rollout) (Rolled, error) {
	var out Rolled
	updated := make([]Updated, len(in.Catalogs))
	errs := make([]error, len(in.Catalogs))
	sem := workflow.NewSemaphore(ctx, int64(max(in.Parallel, 1)))
	wg := workflow.NewWaitGroup(ctx)
	for i, name := range in.Catalogs {
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			if errs[i] = sem.Acquire(ctx, 1); errs[i] != nil {
				return
			}
			defer sem.Release(1)
			req, err := temporal.NewStartRequest("POST", "MachineCatalogs/"+url.PathEscape(name)+"/$UpdateProvisioningScheme",
				daas.UpdateProvisioningSchemeRequest{MasterImagePath: in.Image},
				"UpdateMachineCatalogProvisioningScheme", daas.NameValue{Name: "Name", Value: name})
			if err != nil {
				errs[i] = err
				return
			}
			cat, err := temporal.Run[*daas.MachineCatalog](ctx, req, temporal.RunOptions{})
			if err != nil {
				errs[i] = fmt.Errorf("catalog %s: %w", name, err)
				return
			}
			updated[i] = Updated{Name: cat.Name, Image: masterImage(cat)}
		})
	}
	wg.Wait(ctx)
	for _, err := range errs {
		if err != nil {
			return out, err
		}
	}
	out.Catalogs = updated

	ao := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 5 * time.Minute, HeartbeatTimeout: time.Minute})
	if err := workflow.ExecuteActivity(ao, groupsUsingActivity, in.Catalogs).Get(ctx, &out.Groups); err != nil {
		return out, err
	}
	futures := make([]workflow.Future, len(out.Groups))
	for i, g := range out.Groups {
		req, err := temporal.NewStartRequest("POST", "DeliveryGroups/"+url.PathEscape(g)+"/$StartRebootCycle",
			daas.RebootCycleRequest{}, "StartDeliveryGroupRebootCycle", daas.NameValue{Name: "NameOrId", Value: g})
		if err != nil {
			return out, err
		}
		f, settle := workflow.NewFuture(ctx)
		futures[i] = f
		workflow.Go(ctx, func(ctx workflow.Context) {
			_, err := temporal.Run[struct{}](ctx, req, temporal.RunOptions{})
			settle.SetError(err)
		})
	}
	for i, f := range futures {
		if err := f.Get(ctx, nil); err != nil {
			return out, fmt.Errorf("reboot cycle of %s: %w", out.Groups[i], err)
		}
	}
	return out, nil
}

// Groups is the example's own activity, over the worker's client.
type Groups struct{ Client *daas.Client }

// GroupsUsing returns the delivery groups (sorted by name) that hold a
// machine of one of the catalogs.
func (g Groups) GroupsUsing(ctx context.Context, catalogs []string) ([]string, error) {
	var groups []string
	for _, cat := range catalogs {
		for m, err := range g.Client.MachineCatalogs.Machines(ctx, cat) {
			if err != nil {
				return nil, err
			}
			activity.RecordHeartbeat(ctx)
			if name := m.DeliveryGroup.Name; name != "" && !slices.Contains(groups, name) {
				groups = append(groups, name)
			}
		}
	}
	slices.Sort(groups)
	return groups, nil
}

// groupsUsingActivity is the name Groups.GroupsUsing is registered under.
const groupsUsingActivity = "imagerollout.GroupsUsing"

// masterImage is the path of the master image of an MCS catalog, from its
// ProvisioningScheme ("" when it names none).
func masterImage(cat *daas.MachineCatalog) string {
	var scheme struct{ MasterImage struct{ XDPath string } }
	_ = json.Unmarshal(cat.ProvisioningScheme, &scheme) // a scheme the example cannot read names no image
	return scheme.MasterImage.XDPath
}
