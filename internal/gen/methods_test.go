package main

import "testing"

// TestMethodNameRule checks each step of the rule on operations of the spec,
// without overrides.
func TestMethodNameRule(t *testing.T) {
	for _, c := range []struct{ id, service, path, want string }{
		// Get, List, Create, Update, Delete on the resource itself.
		{"MachineCatalogs_GetMachineCatalogs", "MachineCatalogs", "/MachineCatalogs", "List"},
		{"MachineCatalogs_GetMachineCatalog", "MachineCatalogs", "/MachineCatalogs/{nameOrId}", "Get"},
		{"MachineCatalogs_CreateMachineCatalog", "MachineCatalogs", "/MachineCatalogs", "Create"},
		{"MachineCatalogs_UpdateMachineCatalog", "MachineCatalogs", "/MachineCatalogs/{nameOrId}", "Update"},
		{"MachineCatalogs_DeleteMachineCatalog", "MachineCatalogs", "/MachineCatalogs/{nameOrId}", "Delete"},
		{"MachineCatalogs_GetMachineCatalogsV2", "MachineCatalogs", "/MachineCatalogsV2", "ListV2"},
		// Verb synonyms: Patch and Edit are Update, Remove on the resource is Delete, Read is Get.
		{"DeliveryGroups_PatchDeliveryGroup", "DeliveryGroups", "/DeliveryGroups/{nameOrId}", "Update"},
		{"Zones_EditZone", "Zones", "/Zones/{nameOrId}", "Update"},
		{"Machines_RemoveMachine", "Machines", "/Machines/{nameOrId}", "Delete"},
		{"Gpo_ReadGpoPolicies", "Gpo", "/gpo/policies", "Policies"},
		// $actions by their action.
		{"Machines_StartMachine", "Machines", "/Machines/{nameOrId}/$start", "Start"},
		{"Machines_ShutdownMachine", "Machines", "/Machines/{nameOrId}/$shutdown", "Shutdown"},
		{"Jobs_CancelJob", "Jobs", "/Jobs/{id}/$cancel", "Cancel"},
		{"MachineCatalogs_UpdateMachineCatalogProvisioningScheme", "MachineCatalogs", "/MachineCatalogs/{nameOrId}/$UpdateProvisioningScheme", "UpdateProvisioningScheme"},
		{"DeliveryGroups_StartDeliveryGroupRebootCycle", "DeliveryGroups", "/DeliveryGroups/{nameOrId}/$StartRebootCycle", "StartRebootCycle"},
		// Do: the next word is the verb; DoXSearch is Search.
		{"DeliveryGroups_DoAddMachines", "DeliveryGroups", "/DeliveryGroups/{nameOrId}/Machines", "AddMachines"},
		{"Machines_DoMachineSearch", "Machines", "/Machines/$search", "Search"},
		// Sub-resources by their noun; one item of a collection is singular.
		{"Jobs_GetJobResults", "Jobs", "/Jobs/{id}/Results", "Results"},
		{"Machines_GetMachineDeliveryGroup", "Machines", "/Machines/{nameOrId}/DeliveryGroup", "DeliveryGroup"},
		{"MachineCatalogs_AddMachineCatalogMachine", "MachineCatalogs", "/MachineCatalogs/{nameOrId}/Machines", "AddMachine"},
		{"DeliveryGroups_DoRemoveMachines", "DeliveryGroups", "/DeliveryGroups/{nameOrId}/Machines/{machineNameOrId}", "RemoveMachine"},
		{"MachineCatalogs_RemoveMachineCatalogTags", "MachineCatalogs", "/MachineCatalogs/{nameOrId}/Tags/{tagNameOrId}", "RemoveTag"},
		// The last word is not the collection the parameter is taken from: it stays.
		{"Admin_CheckRoleNameExists", "Admin", "/Admin/Roles/{name}", "CheckRoleNameExists"},
		// Another verb on the plural keeps the plural.
		{"Actions_DeleteActions", "Actions", "/machineCatalogActions", "DeleteActions"},
		{"Recommendations_SetRecommendation", "Recommendations", "/recommendations/{id}", "Set"},
		{"Recommendations_SetRecommendations", "Recommendations", "/recommendations", "SetRecommendations"},
		// Words of a service whose name is not plural.
		{"AppLibPackageDiscovery_GetAppLibPackageDiscoveryProfiles", "AppLibPackageDiscovery", "/AppLibPackageDiscovery/Profiles", "Profiles"},
		{"Identity_GetSite", "Identity", "/Identity/Sites/{site}", "Site"},
	} {
		if _, ok := methodOverrides[c.id]; ok {
			t.Errorf("%s is in methodOverrides: this test is of the rule", c.id)
			continue
		}
		if got := methodName(c.id, c.service, c.path); got != c.want {
			t.Errorf("methodName(%s) = %s, want %s", c.id, got, c.want)
		}
	}
}

func TestMethodOverrideApplies(t *testing.T) {
	if got := methodName("Machines_UpdateMachineCatalogMachine", "Machines", "/Machines/{nameOrId}"); got != "Update" {
		t.Errorf("override not applied: %s", got)
	}
}

func TestCheckMethodsRefusesDuplicates(t *testing.T) {
	ops := []*op{
		{ID: "X_GetA", Service: "X", Method: "Get"},
		{ID: "X_GetB", Service: "X", Method: "Get"},
	}
	if err := checkMethods(ops); err == nil {
		t.Error("two Get on one service: no error")
	}
	ops = []*op{
		{ID: "X_Start", Service: "X", Method: "Start", Async: true},
		{ID: "X_StartAsync", Service: "X", Method: "StartAsync"},
	}
	if err := checkMethods(ops); err == nil {
		t.Error("Start (async) and StartAsync on one service: no error")
	}
	ops = []*op{
		{ID: "X_Get", Service: "X", Method: "Get"},
		{ID: "Y_Get", Service: "Y", Method: "Get"},
	}
	if err := checkMethods(ops); err != nil {
		t.Errorf("Get on two services: %v", err)
	}
}

func TestItemCollection(t *testing.T) {
	for path, want := range map[string]string{
		"/DeliveryGroups/{nameOrId}/Machines/{machine}": "Machines",
		"/DeliveryGroups/{nameOrId}/Machines":           "",
		"/Machines/{nameOrId}":                          "Machines",
		"/Jobs/{id}/$cancel":                            "",
	} {
		if got := itemCollection(path); got != want {
			t.Errorf("itemCollection(%q) = %q, want %q", path, got, want)
		}
	}
}
