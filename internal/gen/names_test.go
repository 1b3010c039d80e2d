package main

import (
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"MachineCatalogs", []string{"Machine", "Catalogs"}},
		{"VDAComponentsAndFeatures", []string{"VDA", "Components", "And", "Features"}},
		{"AppVPackages", []string{"App", "V", "Packages"}},
		{"GetMachineCatalogsV2", []string{"Get", "Machine", "Catalogs", "V2"}},
		{"Citrix-InstanceId", []string{"Citrix", "Instance", "Id"}},
		{"OfC__DisplayClass1_0", []string{"Of", "C", "Display", "Class1", "0"}},
	} {
		if got := words(c.in); !slices.Equal(got, c.want) {
			t.Errorf("words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"Id":                "ID",
		"Uid":               "UID",
		"DnsName":           "DNSName",
		"ControllerDnsName": "ControllerDNSName",
		"AzureADTenantId":   "AzureADTenantID",
		"AzureAdJoinedMode": "AzureADJoinedMode",
		"PvsCollectionIds":  "PvsCollectionIDs",
		"RelativeUrl":       "RelativeURL",
		"PolicySetGuid":     "PolicySetGUID",
		"PVSVDisk":          "PVSVDisk",
		"access_token":      "AccessToken",
		"nameOrId":          "NameOrID",
		"Address":           "Address", // not "AD"+"dress": initialisms match whole words
		"2FA":               "X2FA",
	} {
		if got := goName(in); got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEnumConstName(t *testing.T) {
	for _, c := range []struct{ typ, value, want string }{
		{"JobStatus", "Complete", "JobStatusComplete"},
		{"JobStatus", "Failed", "JobStatusFailed"},
		{"PowerState", "On", "PowerStateOn"},
		{"ProvisioningType", "MCS", "ProvisioningTypeMCS"},
		{"FunctionalLevel", "L7_20", "FunctionalLevelL7_20"},
		{"DiskStorageType", "Premium_LRS", "DiskStorageTypePremium_LRS"},
		{"Mode", "read-only", "ModeReadonly"},
		{"Mode", "", "ModeEmpty"},
	} {
		if got := enumConstName(c.typ, c.value); got != c.want {
			t.Errorf("enumConstName(%q, %q) = %q, want %q", c.typ, c.value, got, c.want)
		}
	}
}

func TestBaseTypeName(t *testing.T) {
	for _, c := range []struct {
		schema string
		enum   bool
		want   string
	}{
		{"MachineCatalogResponseModel", false, "MachineCatalog"},
		{"MachineCatalogDetailResponseModel", false, "MachineCatalogDetail"},
		{"CreateMachineCatalogRequestModel", false, "CreateMachineCatalogRequest"},
		{"NameValueStringPairModel", false, "NameValueStringPair"},
		{"HypervisorVmIdResponseModel", false, "HypervisorVMID"},
		{"LicenseModel", true, "LicenseModel"}, // an enum keeps its name
		{"Model", false, "Model"},
	} {
		if got := baseTypeName(c.schema, c.enum); got != c.want {
			t.Errorf("baseTypeName(%q, %t) = %q, want %q", c.schema, c.enum, got, c.want)
		}
	}
}

func TestSingularPlural(t *testing.T) {
	for sing, plur := range map[string]string{
		"Machine":   "Machines",
		"Policy":    "Policies",
		"Address":   "Addresses",
		"Discovery": "Discoveries",
		"Zone":      "Zones",
	} {
		if got := singular(plur); got != sing {
			t.Errorf("singular(%q) = %q, want %q", plur, got, sing)
		}
		if got := plural(sing); got != plur {
			t.Errorf("plural(%q) = %q, want %q", sing, got, plur)
		}
	}
	for _, w := range []string{"Status", "Analysis", "Exists"[:5]} {
		if got := singular(w); got != w {
			t.Errorf("singular(%q) = %q, want it unchanged", w, got)
		}
	}
}

func TestServiceName(t *testing.T) {
	for tag, want := range map[string]string{
		"MachineCatalogs APIs": "MachineCatalogs",
		"Gpo":                  "GPO",
		"Identity APIs":        "Identity",
		"AppVPackages APIs":    "AppVPackages",
	} {
		if got := serviceName(tag); got != want {
			t.Errorf("serviceName(%q) = %q, want %q", tag, got, want)
		}
	}
}

func TestComment(t *testing.T) {
	got := comment("Widget is the API's WidgetResponseModel: the answer of Widgets.Get, Widgets.Create, Widgets.Update and 2 more.")
	want := "// Widget is the API's WidgetResponseModel: the answer of Widgets.Get,\n// Widgets.Create, Widgets.Update and 2 more.\n"
	if got != want {
		t.Errorf("comment:\n%s\nwant:\n%s", got, want)
	}
}
