package daastest_test

import (
	"net/http"
	"testing"
	"testing/synctest"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// TestZoneLifecycle creates zones (one as a job), moves a catalog and a
// connection into one, renames it where they name it, and deletes it only
// once it is empty.
func TestZoneLifecycle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(daastest.WithoutListener(), daastest.WithCatalog(daastest.Catalog{Name: "Pool"}))
		defer s.Close()
		c, ctx := s.Client(), t.Context()
		if _, err := c.Hypervisors.Create(ctx, newConnectionRequest("vc01")); err != nil {
			t.Fatal(err)
		}
		if err := c.Zones.Create(ctx, daas.CreateZoneRequest{Name: "Paris", Description: "Datacenter"}); err != nil {
			t.Fatal(err)
		}
		job, err := c.Zones.CreateAsync(ctx, daas.CreateZoneRequest{Name: "Lyon"})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "create job type", jobType(s, job.ID()), "CreateZone")
		lyon, err := job.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "created", lyon.Name, "Lyon")
		page, err := c.Zones.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, z := range page.Items {
			names = append(names, z.Name)
		}
		eq(t, "zones", names, []string{"Initial Zone", "Paris", "Lyon"})
		eq(t, "primary", page.Items[0].IsPrimary, true)
		err = c.Zones.Create(ctx, daas.CreateZoneRequest{Name: "paris"})
		eq(t, "duplicate", apiStatus(err), http.StatusConflict)

		mv, err := c.Zones.MoveItemsIntoZoneAsync(ctx, "Paris", daas.ZonedItemsRequest{Items: []daas.ZonedItemRequest{
			{ID: s.Catalogs()[0].ID, Name: "Pool", ItemType: daas.ZonableItemTypeMachineCatalog},
			{Name: "vc01", ItemType: daas.ZonableItemTypeHypervisorConnection},
		}})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "move job type", jobType(s, mv.ID()), "MoveItemsIntoZone")
		if _, err := mv.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		cat, err := c.MachineCatalogs.Get(ctx, "Pool")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "catalog's zone", cat.Zone.Name, "Paris")
		err = c.Zones.Delete(ctx, "Paris")
		eq(t, "delete a zone in use", apiStatus(err), http.StatusConflict)

		if err := c.Zones.Update(ctx, "Paris", daas.EditZoneRequest{Name: daas.Ptr("Paris-2")}); err != nil {
			t.Fatal(err)
		}
		hyp, err := c.Hypervisors.Get(ctx, "vc01")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "connection's zone renamed", hyp.Zone.Name, "Paris-2")
		detail, err := c.Zones.Get(ctx, "paris-2")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "description kept", detail.Description, "Datacenter")

		if err := c.Zones.MoveItemsIntoZone(ctx, "Initial Zone", daas.ZonedItemsRequest{Items: []daas.ZonedItemRequest{
			{Name: "Pool", ItemType: daas.ZonableItemTypeMachineCatalog}, {Name: "vc01", ItemType: daas.ZonableItemTypeHypervisorConnection},
		}}); err != nil {
			t.Fatal(err)
		}
		if err := c.Zones.Delete(ctx, "Paris-2"); err != nil {
			t.Fatal(err)
		}
		_, err = c.Zones.Get(ctx, "Paris-2")
		eq(t, "deleted", apiStatus(err), http.StatusNotFound)
		err = c.Zones.Delete(ctx, "Initial Zone")
		eq(t, "primary zone", apiStatus(err), http.StatusBadRequest)
		err = c.Zones.MoveItemsIntoZone(ctx, "Lyon", daas.ZonedItemsRequest{Items: []daas.ZonedItemRequest{
			{Name: "someone", ItemType: daas.ZonableItemTypeUser},
		}})
		eq(t, "unmodelled item type", apiStatus(err), http.StatusBadRequest)
	})
}

// TestAdminFolders creates nested folders, counts what they hold, moves a
// folder (its catalog's full name follows) and deletes a folder only once
// it is empty.
func TestAdminFolders(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(daastest.WithoutListener(), daastest.WithCatalog(daastest.Catalog{Name: "Pool"}))
		defer s.Close()
		c, ctx := s.Client(), t.Context()
		eu, err := c.AdminFolders.Create(ctx, daas.CreateAdminFolderRequest{Name: "Europe",
			ObjectIdentifiers: []daas.AdminFolderObjectIdentifier{daas.AdminFolderObjectIdentifierContainsMachineCatalogs}})
		if err != nil {
			t.Fatal(err)
		}
		job, err := c.AdminFolders.CreateAsync(ctx, daas.CreateAdminFolderRequest{Name: "Paris", Path: "Europe", ObjectIdentifiers: []daas.AdminFolderObjectIdentifier{}})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "create job type", jobType(s, job.ID()), "CreateAdminFolder")
		paris, err := job.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "path", paris.Path, `Europe\Paris\`)
		eq(t, "parent", paris.Parent.ID, eu.ID)
		nice, err := c.AdminFolders.Create(ctx, daas.CreateAdminFolderRequest{Name: "Nice", Path: "Asia", ObjectIdentifiers: []daas.AdminFolderObjectIdentifier{}})
		if err != nil {
			t.Fatal(err) // the spec: folders missing along Path are created
		}
		eq(t, "made along Path", nice.Path, `Asia\Nice\`)

		if _, err := c.MachineCatalogs.Update(ctx, "Pool", daas.UpdateMachineCatalogRequest{AdminFolder: daas.Ptr(paris.ID)}); err != nil {
			t.Fatal(err)
		}
		got, err := c.AdminFolders.Get(ctx, `Europe\Paris`)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "catalogs in Paris", got.TotalMachineCatalogs, 1)
		var inFolder []string
		for cat, err := range c.AdminFolders.MachineCatalogs(ctx, paris.ID) {
			if err != nil {
				t.Fatal(err)
			}
			inFolder = append(inFolder, cat.FullName)
		}
		eq(t, "folder's catalogs", inFolder, []string{`Europe\Paris\Pool`})
		eu2, err := c.AdminFolders.Get(ctx, "Europe")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "children", len(eu2.Children), 1)

		moved, err := c.AdminFolders.Update(ctx, paris.ID, daas.EditAdminFolderRequest{Parent: daas.Ptr("")})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "moved to the top", moved.Path, `Paris\`)
		cat, err := c.MachineCatalogs.Get(ctx, `Paris|Pool`)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "catalog moved with it", cat.FullName, `Paris\Pool`)
		err = c.AdminFolders.Delete(ctx, "Paris")
		eq(t, "delete a folder in use", apiStatus(err), http.StatusConflict)
		if err := c.AdminFolders.Delete(ctx, "Europe"); err != nil {
			t.Fatal(err)
		}
		page, err := c.AdminFolders.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "folders", len(page.Items), 3)
		eq(t, "left", page.Items[0].Path, `Paris\`)

		if _, err := c.AdminFolders.Create(ctx, daas.CreateAdminFolderRequest{Name: "Tmp", ObjectIdentifiers: []daas.AdminFolderObjectIdentifier{}}); err != nil {
			t.Fatal(err)
		}
		del, err := c.AdminFolders.DeleteAsync(ctx, "Tmp")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "delete job type", jobType(s, del.ID()), "DeleteAdminFolder")
		left, err := del.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "folders after the delete job", len(left), 3)
	})
}

// TestZoneCaseOnlyRename: a rename that changes only the case of a zone's
// name takes effect, where catalogs name the zone too; names stay unique
// in any case.
func TestZoneCaseOnlyRename(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(daastest.WithoutListener(), daastest.WithCatalog(daastest.Catalog{Name: "Pool"}))
		defer s.Close()
		c, ctx := s.Client(), t.Context()
		for _, name := range []string{"zone1", "zone2"} {
			if err := c.Zones.Create(ctx, daas.CreateZoneRequest{Name: name}); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Zones.MoveItemsIntoZone(ctx, "zone1", daas.ZonedItemsRequest{Items: []daas.ZonedItemRequest{
			{Name: "Pool", ItemType: daas.ZonableItemTypeMachineCatalog},
		}}); err != nil {
			t.Fatal(err)
		}
		if err := c.Zones.Update(ctx, "zone1", daas.EditZoneRequest{Name: daas.Ptr("Zone1")}); err != nil {
			t.Fatal(err)
		}
		z, err := c.Zones.Get(ctx, "zone1")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "renamed", z.Name, "Zone1")
		cat, err := c.MachineCatalogs.Get(ctx, "Pool")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "catalog's zone", cat.Zone.Name, "Zone1")
		err = c.Zones.Update(ctx, "zone2", daas.EditZoneRequest{Name: daas.Ptr(" ZONE1 ")})
		eq(t, "rename onto another zone", apiStatus(err), http.StatusConflict)
	})
}

// TestZoneEditRefusesResourceLocation: a zone's create takes a
// ResourceLocation, but the spec's edit model has none, so a PATCH that
// sends one is refused as any unknown property is, and changes nothing.
func TestZoneEditRefusesResourceLocation(t *testing.T) {
	f := newFixture(t)
	f.want(http.StatusCreated, "POST", "/Zones", `{"Name": "Paris", "ResourceLocation": "rl-1"}`)
	m := f.want(http.StatusBadRequest, "PATCH", "/Zones/Paris", `{"Description": "moved", "ResourceLocation": "rl-2"}`)
	eq(t, "refused property", errorBody(t, m, "invalidJson")["name"], "ResourceLocation")
	z := f.want(http.StatusOK, "GET", "/Zones/Paris", "")
	eq(t, "description unchanged", z["Description"], nil)
}
