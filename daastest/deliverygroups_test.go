package daastest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

// groupListRequired are the properties the spec requires of
// DeliveryGroupResponseModel, and groupDetailRequired those it adds for
// DeliveryGroupDetailResponseModel.
var (
	groupListRequired = []string{
		"ApplicationGroupCompatibility", "Delivering", "DeliveryType", "DesktopsAvailable", "DesktopsDisconnected",
		"DesktopsFaulted", "DesktopsUnregistered", "Enabled", "HasBeenPromoted", "Id", "InMaintenanceMode", "IsBroken",
		"IsRemotePC", "MinimumFunctionalLevel", "Name", "RequireUserHomeZone", "Scopes", "SessionCount",
		"SessionSupport", "SharingKind", "TotalApplications", "TotalDesktops",
	}
	groupDetailRequired = []string{
		"DesktopsInUse", "DesktopsNeverRegistered", "DesktopsPreparing", "MachineOperatingSystems", "MachineType",
		"MachinesInMaintenanceMode", "OffMachines", "RegisteredMachines", "SecureIcaRequired",
		"TotalApplicationGroups", "TotalMachines",
	}
)

func newGroupFixture(t *testing.T) *fixture {
	return newFixture(t,
		daastest.WithCatalog(daastest.Catalog{Name: "Pool"}),
		daastest.WithMachines("Pool", 4),
		daastest.WithMachine(daastest.Machine{Name: `CORP\Spare`, Catalog: "Pool", PowerState: "Off", InMaintenanceMode: true}),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "Desk", Catalog: "Pool", Machines: 3}),
	)
}

func hasAll(t *testing.T, what string, m map[string]any, keys []string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%s lacks the required property %s", what, k)
		}
	}
}

// TestGroupListAndDetailModels: the list item and the detail answer are
// different models, each with every property the spec requires, and the
// detail's counts come from the group's machines.
func TestGroupListAndDetailModels(t *testing.T) {
	f := newGroupFixture(t)
	list := items(t, f.want(http.StatusOK, "GET", "/DeliveryGroups", ""))
	if len(list) != 1 {
		t.Fatalf("groups = %d", len(list))
	}
	hasAll(t, "list item", list[0], groupListRequired)
	for _, k := range groupDetailRequired {
		if _, ok := list[0][k]; ok {
			t.Errorf("list item has the detail property %s", k)
		}
	}
	eq(t, "list TotalDesktops", list[0]["TotalDesktops"], any(3.0))
	eq(t, "list DesktopsAvailable", list[0]["DesktopsAvailable"], any(3.0))

	// One machine of the group goes off, in maintenance mode; the spare
	// joins it.
	id := f.s.Machines()[0].ID
	f.want(http.StatusOK, "POST", "/Machines/"+id+"/$shutdown", "")
	f.want(http.StatusNoContent, "PATCH", "/Machines/"+id, `{"InMaintenanceMode":true}`)
	f.s.Advance(10 * time.Minute)
	f.want(http.StatusOK, "POST", "/DeliveryGroups/Desk/Machines", `{"MachineCatalog":"Pool","AssignMachinesToUsers":[{"Machine":"CORP|Spare"}]}`)

	d := f.want(http.StatusOK, "GET", "/DeliveryGroups/Desk", "")
	hasAll(t, "detail", d, groupListRequired)
	hasAll(t, "detail", d, groupDetailRequired)
	for k, want := range map[string]float64{
		"TotalMachines": 4, "TotalDesktops": 4, "OffMachines": 2, "MachinesInMaintenanceMode": 2,
		"RegisteredMachines": 2, "DesktopsAvailable": 2, "DesktopsUnregistered": 0, "DesktopsInUse": 0,
	} {
		eq(t, "detail "+k, d[k], any(want))
	}
	eq(t, "MachineType", d["MachineType"], any("Virtual"))
	eq(t, "MachineOperatingSystems", d["MachineOperatingSystems"], any([]any{map[string]any{"Name": "Windows 11 Enterprise", "Value": 4.0}}))
	eq(t, "ApplicationGroupCompatibility", d["ApplicationGroupCompatibility"], any("IncompatibleDeliveryType"))
	eq(t, "Delivering", d["Delivering"], any("DesktopsOnly"))

	some := f.want(http.StatusOK, "GET", "/DeliveryGroups/Desk?fields=Id,OffMachines", "")
	eq(t, "fields of the detail", sortedKeys(some), []string{"Id", "OffMachines"})
}

// TestGroupRequestsTakeEverySpecProperty: a create with the properties
// Citrix's client prefills (autoscale and session settings) and an edit
// with its own are accepted; a property the spec lacks is refused.
func TestGroupRequestsTakeEverySpecProperty(t *testing.T) {
	f := newGroupFixture(t)
	create := `{"Name":"Auto","Enabled":true,"InMaintenanceMode":false,"RequireUserHomeZone":true,"HdxSslEnabled":false,` +
		`"OffPeakBufferSizePercent":0,"PeakBufferSizePercent":10,"PowerOffDelayMinutes":30,"ShutdownDesktopsAfterUse":false,` +
		`"RestrictAutoscaleMinIdleUntaggedPercentDuringPeak":-1,"SessionSupport":"MultiSession","DeliveryType":"DesktopsAndApps",` +
		`"ColorDepth":"TwentyFourBit","SecureIcaRequired":true,"TimeZone":null,"MachineCatalogs":[{"MachineCatalog":"Pool","Count":1}]}`
	d := f.want(http.StatusOK, "POST", "/DeliveryGroups", create)
	eq(t, "RequireUserHomeZone", d["RequireUserHomeZone"], any(true))
	eq(t, "SessionSupport", d["SessionSupport"], any("MultiSession"))
	eq(t, "TotalMachines", d["TotalMachines"], any(1.0))
	eq(t, "ApplicationGroupCompatibility", d["ApplicationGroupCompatibility"], any("Compatible"))

	f.want(http.StatusNoContent, "PATCH", "/DeliveryGroups/Auto",
		`{"PublishedName":"Auto desktops","SecureIcaEnabled":true,"AutoScaleEnabled":true,"PeakLogOffAction":"Nothing","RequireUserHomeZone":false}`)
	d = f.want(http.StatusOK, "GET", "/DeliveryGroups/Auto", "")
	eq(t, "PublishedName", d["PublishedName"], any("Auto desktops"))
	eq(t, "RequireUserHomeZone", d["RequireUserHomeZone"], any(false))

	for _, body := range []string{`{"Name":"X","Colour":"red"}`, `{"Name":"X","SecureIcaEnabled":true}`} {
		m := f.want(http.StatusBadRequest, "POST", "/DeliveryGroups", body)
		if !strings.Contains(m["detail"].(string), "unknown property") {
			t.Errorf("create %s: %v", body, m)
		}
	}
	m := f.want(http.StatusBadRequest, "PATCH", "/DeliveryGroups/Auto", `{"SecureIcaRequired":true}`)
	errorBody(t, m, "invalidJson")
}

// TestGroupListByFolder: adminFolder keeps the groups of that folder (by
// path or id), and an unknown folder is a 404.
func TestGroupListByFolder(t *testing.T) {
	t.Parallel()
	f := newFixture(t,
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "A", AdminFolder: "Europe"}),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "B", AdminFolder: `Europe\Paris`}),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "C"}),
	)
	names := func(path string) []string {
		var out []string
		for _, it := range items(t, f.want(200, "GET", path, "")) {
			out = append(out, it["FullName"].(string))
		}
		return out
	}
	eq(t, "all", names("/DeliveryGroups"), []string{`Europe\A`, `Europe\Paris\B`, "C"})
	eq(t, "Europe", names("/DeliveryGroups?adminFolder=Europe"), []string{`Europe\A`})
	eq(t, "Europe by pipe", names("/DeliveryGroups?adminFolder="+url.QueryEscape(`Europe|Paris`)), []string{`Europe\Paris\B`})
	folderID := items(t, f.want(200, "GET", "/DeliveryGroups?limit=1", ""))[0]["AdminFolder"].(map[string]any)["Id"].(string)
	eq(t, "by folder id", names("/DeliveryGroups?adminFolder="+folderID), []string{`Europe\A`})
	m := f.want(404, "GET", "/DeliveryGroups?adminFolder=Asia", "")
	eq(t, "unknown folder", errorBody(t, m, "notFound")["entityType"], "AdminFolder")
}
