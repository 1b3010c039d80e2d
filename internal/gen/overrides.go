package main

// This file is the generator's data: every naming decision that is not the
// plain rule of names.go is here, so that a reader finds it in one place and
// changes it here. Each table says what it is for; the tests in
// overrides_test.go check that every entry is still used by the spec.

// initialisms are the words written in capitals in Go names: a word of a
// spec name (split at case changes, see words) that matches a key is written
// as its value. "Id" becomes "ID", "Ids" "IDs", "DnsName" "DNSName".
var initialisms = map[string]string{
	"Ad":    "AD",
	"Api":   "API",
	"Cpu":   "CPU",
	"Dns":   "DNS",
	"Gpo":   "GPO",
	"Gpu":   "GPU",
	"Guid":  "GUID",
	"Guids": "GUIDs",
	"Http":  "HTTP",
	"Https": "HTTPS",
	"Id":    "ID",
	"Ids":   "IDs",
	"Ip":    "IP",
	"Json":  "JSON",
	"Os":    "OS",
	"Ou":    "OU",
	"Sid":   "SID",
	"Sids":  "SIDs",
	"Uid":   "UID",
	"Uids":  "UIDs",
	"Upn":   "UPN",
	"Url":   "URL",
	"Urls":  "URLs",
	"Vm":    "VM",
	"Vms":   "VMs",
	"Xml":   "XML",
}

// serviceOverrides names the service (the Client field) of a spec tag where
// the rule's name is taken.
var serviceOverrides = map[string]string{
	// Client.Batch is the method that sends a batch (batch.go).
	"Batch APIs": "BatchRequests",
}

// handWrittenMethods are the methods of generated services that a
// hand-written root file declares because they are more than one call, or
// keep a contract signature the generated form would not have: the
// generator emits nothing for them. Key: "Service.Method".
var handWrittenMethods = map[string]string{
	// The contract's delivery-group methods: requests checked before sending,
	// a read-back after a PATCH that answers nothing, machines added by
	// catalog and count.
	"DeliveryGroups.AddMachinesAsync":      "DeliveryGroups",
	"DeliveryGroups.Create":                "DeliveryGroups",
	"DeliveryGroups.CreateAsync":           "DeliveryGroups",
	"DeliveryGroups.StartRebootCycleAsync": "DeliveryGroups",
	"DeliveryGroups.Update":                "DeliveryGroups",
	"DeliveryGroups.UpdateAsync":           "DeliveryGroups",
	// Jobs reads JobInfo with its own leniency, a list the service may answer
	// in two shapes, and the poller's reads.
	"Jobs.All":     "Jobs",
	"Jobs.Cancel":  "Jobs",
	"Jobs.Delete":  "Jobs",
	"Jobs.Get":     "Jobs",
	"Jobs.List":    "Jobs",
	"Jobs.Results": "Jobs",
	// The contract's catalog methods: requests checked before sending, a
	// read-back after a create or PATCH that answers nothing, the rollback's
	// optional reboot options.
	"MachineCatalogs.AddMachineAsync":                 "MachineCatalogs",
	"MachineCatalogs.Create":                          "MachineCatalogs",
	"MachineCatalogs.CreateAsync":                     "MachineCatalogs",
	"MachineCatalogs.RollbackProvisioningSchemeAsync": "MachineCatalogs",
	"MachineCatalogs.Update":                          "MachineCatalogs",
	"MachineCatalogs.UpdateAsync":                     "MachineCatalogs",
	"MachineCatalogs.UpdateProvisioningSchemeAsync":   "MachineCatalogs",
	// The contract's machine methods: the power and session actions, which
	// read the machine back when the answer holds none and whose jobs yield
	// nothing, and an update checked before sending and read back.
	"Machines.DisconnectSessions":      "Machines",
	"Machines.DisconnectSessionsAsync": "Machines",
	"Machines.LogOffSessions":          "Machines",
	"Machines.LogOffSessionsAsync":     "Machines",
	"Machines.Reboot":                  "Machines",
	"Machines.RebootAsync":             "Machines",
	"Machines.Resume":                  "Machines",
	"Machines.ResumeAsync":             "Machines",
	"Machines.Shutdown":                "Machines",
	"Machines.ShutdownAsync":           "Machines",
	"Machines.Start":                   "Machines",
	"Machines.StartAsync":              "Machines",
	"Machines.Suspend":                 "Machines",
	"Machines.SuspendAsync":            "Machines",
	"Machines.Update":                  "Machines",
	"Machines.UpdateAsync":             "Machines",
}

// resultOverride is the Go result of one operation where the contract
// names another type than the spec's answer.
type resultOverride struct {
	// Response replaces the Go type of the success body ("" keeps it).
	Response string
	// JobResult replaces what the finished job yields ("" keeps it).
	JobResult string
}

// resultOverrides are the operations whose methods return what the
// contract says rather than what the spec answers. The service answers a
// catalog or a machine in its detail form; the contract's Get returns the
// common form, which decodes from it (the extra fields are dropped). A
// catalog deletion's job yields nothing the caller can use. Key: operation
// id.
var resultOverrides = map[string]resultOverride{
	"MachineCatalogs_GetMachineCatalog":    {Response: "MachineCatalog", JobResult: "MachineCatalog"},
	"MachineCatalogs_DeleteMachineCatalog": {JobResult: "struct{}"},
	"Machines_GetMachine":                  {Response: "Machine"},
}

// verbSynonyms maps the leading verb of an operation id to the verb of its Go
// method, so that one action reads one way on every service: a PATCH is an
// Update whether the spec says Patch, Edit or Modify; Read is Get.
var verbSynonyms = map[string]string{
	"Edit":   "Update",
	"Modify": "Update",
	"Patch":  "Update",
	"Read":   "Get",
}

// methodOverrides names the Go method of an operation where the rule of
// methodName reads badly or would give two operations of a service one
// name. Key: operation id; value: the method (without Async).
var methodOverrides = map[string]string{
	// The rule gives UpdateCatalogMachine: the op id names the machine's
	// catalog, but the route is PATCH /Machines/{nameOrId}, the machine itself.
	"Machines_UpdateMachineCatalogMachine": "Update",
	// The rule gives LogoffSessions and Logoff; this library writes "log
	// off", two words, as the machines' LogOffSessions always has.
	"Machines_LogoffMachineSessions": "LogOffSessions",
	"Sessions_LogoffSession":         "LogOff",
	// A typo in the op id ("Deilivery").
	"DeliveryGroups_GetDeiliveryGroupProjectedAutoscaleMachines": "ProjectedAutoscaleMachines",
	// The rule gives WithoutConnection: these read a hypervisor (or its
	// resources) described in the body, without a saved connection.
	"Hypervisors_GetHypervisorWithoutConnection":                  "GetWithoutConnection",
	"Hypervisors_DoHypervisorAllResourcesSearchWithoutConnection": "SearchAllResourcesWithoutConnection",
	// The rule reads "AndResourcePools", "SupportHypervisors",
	// "SearchAndImageVersion", "StoreFrontDeliveryGroups" (the op id repeats
	// part of the service name) and "Store" (one farm's stores).
	"Hypervisors_GetHypervisorsAndResourcePools":              "ListWithResourcePools",
	"Hypervisors_GetSupportHypervisors":                       "SupportedPlugins",
	"ImageDefinitions_DoImageDefinitionAndImageVersionSearch": "SearchWithImageVersions",
	"StoreFrontServers_GetStoreFrontDeliveryGroups":           "DeliveryGroups",
	"PvsStreaming_GetPvsStreamingStores":                      "Stores",
	// The rule drops Get and leaves a name that reads as deleting: these
	// preview what a delete would do.
	"Hypervisors_GetHypervisorDeletePreview":             "PreviewDelete",
	"Hypervisors_GetHypervisorResourcePoolDeletePreview": "PreviewDeleteResourcePool",
	"Admin_GetDeleteAdministratorConsequence":            "PreviewDeleteAdministrator",
	// Actions has two lists: every catalog's (GetActions, the rule's List)
	// and one catalog's (GetAction, which the rule would call Get).
	"Actions_GetActionById": "Get",
	"Actions_GetAction":     "ListByCatalog",
	"Actions_DeleteAction":  "DeleteByCatalog",
	// The op id spells "Exist" where its siblings say "Exists".
	"ImageDefinitions_CheckImageDefinitionExist": "CheckExists",
	// The rule gives BatchRequest; the service has this one operation.
	"Batch_DoBatchRequest": "Do",
	// The rule gives HealthCheck on the HealthCheck service.
	"HealthCheck_HealthCheck": "Get",
	// A typo in the op id ("Provisioining").
	"ProvisioningSchemes_GetProvisioiningSchemeConfigurations": "Configurations",
}

// typeOverride is how one spec schema is named in Go, where the rule of
// typeName is not used.
type typeOverride struct {
	// Name is the Go name; "" keeps the rule's name.
	Name string
	// HandWritten says the root package declares this type by hand for now:
	// the generator emits nothing for it and generated code refers to the
	// hand-written type by Name. The next step replaces the hand-written
	// types by generated ones where the shapes agree, removing the entry.
	HandWritten bool
}

// typeOverrides names spec schemas whose Go name is not the rule's, or whose
// Go type is hand-written in the root package. Key: schema name.
var typeOverrides = map[string]typeOverride{
	// Hand-written models and request types of the root package.
	"RefResponseModel":                                   {HandWritten: true},
	"ProvisioningProgressResponseModel":                  {HandWritten: true},
	"MachineCatalogResponseModel":                        {HandWritten: true},
	"MachineResponseModel":                               {HandWritten: true},
	"MachineHostingResponseModel":                        {HandWritten: true},
	"IdentityUserResponseModel":                          {HandWritten: true},
	"DeliveryGroupResponseModel":                         {HandWritten: true},
	"DeliveryGroupDetailResponseModel":                   {HandWritten: true},
	"SiteResponseModel":                                  {HandWritten: true},
	"JobResponseModel":                                   {Name: "JobInfo", HandWritten: true},
	"NameValueStringPairModel":                           {Name: "NameValue", HandWritten: true},
	"NameValueIntPairModel":                              {Name: "NameCount", HandWritten: true},
	"CreateMachineCatalogRequestModel":                   {HandWritten: true},
	"UpdateMachineCatalogRequestModel":                   {HandWritten: true},
	"AddMachineToMachineCatalogDetailRequestModel":       {Name: "AddMachineRequest", HandWritten: true},
	"UpdateMachineRequestModel":                          {HandWritten: true},
	"CreateDeliveryGroupRequestModel":                    {HandWritten: true},
	"EditDeliveryGroupRequestModel":                      {Name: "UpdateDeliveryGroupRequest", HandWritten: true},
	"DeliveryGroupAddMachinesRequestModel":               {Name: "DeliveryGroupMachines", HandWritten: true},
	"RebootCycleRequestModel":                            {HandWritten: true},
	"RebootMachinesRequestModel":                         {Name: "RebootOptions", HandWritten: true},
	"UpdateMachineCatalogProvisioningSchemeRequestModel": {Name: "UpdateProvisioningSchemeRequest", HandWritten: true},
	"BatchResponseModel":                                 {Name: "BatchResult", HandWritten: true},
	"BatchResponseItemModel":                             {Name: "BatchItemResult", HandWritten: true},
	"BatchRequestItemModel":                              {Name: "BatchItem", HandWritten: true},

	// Hand-written enums of the root package.
	"AllocationType":            {HandWritten: true},
	"AppGroupCompatibility":     {HandWritten: true},
	"AppOrDesktopCompatibility": {HandWritten: true},
	"AzureAdJoinedMode":         {HandWritten: true},
	"ColorDepth":                {HandWritten: true},
	"ConnectionFailureReason":   {HandWritten: true},
	"DeliveryKind":              {HandWritten: true},
	"DeregistrationReason":      {HandWritten: true},
	"DesktopCondition":          {HandWritten: true},
	"FaultState":                {HandWritten: true},
	"FunctionalLevel":           {HandWritten: true},
	"JobStatus":                 {HandWritten: true},
	"LicenseModel":              {HandWritten: true},
	"LoadBalanceType":           {HandWritten: true},
	"MachineLogOnType":          {HandWritten: true},
	"MachineType":               {HandWritten: true},
	"MachineUnavailableReason":  {HandWritten: true},
	"MaintenanceModeReason":     {HandWritten: true},
	"PersistChanges":            {HandWritten: true},
	"PowerState":                {HandWritten: true},
	"ProtocolType":              {HandWritten: true},
	"ProvisioningType":          {HandWritten: true},
	"RegistrationState":         {HandWritten: true},
	"RequiredSleepCapability":   {HandWritten: true},
	"ScheduledReboot":           {HandWritten: true},
	"SessionState":              {HandWritten: true},
	"SessionSupport":            {HandWritten: true},
	"SharingKind":               {HandWritten: true},
	"SummaryState":              {HandWritten: true},
	"SupportedPowerAction":      {HandWritten: true},
	"VdaUpgradeState":           {HandWritten: true},
	"VdaUpgradeType":            {HandWritten: true},
	"WindowsConnectionSetting":  {HandWritten: true},

	// A typo in the schema name ("Reponse").
	"ProvisioningSchemeWarningReponseModel": {Name: "ProvisioningSchemeWarning"},
}
