package daas

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
)

// Models and enums that several services share, and the one decoder of
// the API's models.

// NameValue is the service's name/value pair, used in job parameters,
// error parameters and catalog metadata.
type NameValue struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// AllocationType is how machines of a catalog are given to users. Values
// the library does not know pass through unchanged.
type AllocationType string

// The allocation types of the API.
const (
	AllocationTypeUnknown AllocationType = "Unknown"
	AllocationTypeStatic  AllocationType = "Static" // a user keeps the machine
	AllocationTypeRandom  AllocationType = "Random" // a free machine at each logon
)

// SessionSupport is how many sessions a machine of a catalog hosts. Values
// the library does not know pass through unchanged.
type SessionSupport string

// The session support values of the API.
const (
	SessionSupportUnknown       SessionSupport = "Unknown"
	SessionSupportSingleSession SessionSupport = "SingleSession" // desktop OS, one user per machine
	SessionSupportMultiSession  SessionSupport = "MultiSession"  // server OS, many sessions per machine
)

// ProvisioningType is how the machines of a catalog are created. Values the
// library does not know pass through unchanged.
type ProvisioningType string

// The provisioning types of the API.
const (
	ProvisioningTypeUnknown      ProvisioningType = "Unknown"
	ProvisioningTypeManual       ProvisioningType = "Manual"    // existing machines, added by hand
	ProvisioningTypeMCS          ProvisioningType = "MCS"       // Machine Creation Services
	ProvisioningTypeMCSImport    ProvisioningType = "MCSImport" // machines imported into MCS
	ProvisioningTypePVS          ProvisioningType = "PVS"       // Provisioning Services
	ProvisioningTypePVSStreaming ProvisioningType = "PVSStreaming"
)

// MachineType is the kind of machines a catalog holds. Values the library
// does not know pass through unchanged.
type MachineType string

// The machine types of the API.
const (
	MachineTypeUnknown  MachineType = "Unknown"
	MachineTypeVirtual  MachineType = "Virtual"
	MachineTypePhysical MachineType = "Physical"
)

// PersistChanges is what becomes of the changes users make to a machine.
// Values the library does not know pass through unchanged.
type PersistChanges string

// The persistence values of the API.
const (
	PersistChangesUnknown PersistChanges = "Unknown"
	PersistChangesDiscard PersistChanges = "Discard" // dropped when the machine restarts
	PersistChangesOnLocal PersistChanges = "OnLocal" // kept on the machine's own disk
)

// SharingKind is whether the machines of a catalog are shared between
// users. Values the library does not know pass through unchanged.
type SharingKind string

// The sharing kinds of the API.
const (
	SharingKindUnknown SharingKind = "Unknown"
	SharingKindPrivate SharingKind = "Private"
	SharingKindShared  SharingKind = "Shared"
)

// FunctionalLevel is a VDA functional level: the oldest Virtual Delivery
// Agent version a catalog accepts. Values the library does not know pass
// through unchanged.
type FunctionalLevel string

// The functional levels of the API, oldest first. LMIN and LMAX stand for
// the oldest and newest levels the site supports.
const (
	FunctionalLevelUnknown FunctionalLevel = "Unknown"
	FunctionalLevelL5      FunctionalLevel = "L5"
	FunctionalLevelLMIN    FunctionalLevel = "LMIN"
	FunctionalLevelL7      FunctionalLevel = "L7"
	FunctionalLevelL7_6    FunctionalLevel = "L7_6"
	FunctionalLevelL7_7    FunctionalLevel = "L7_7"
	FunctionalLevelL7_8    FunctionalLevel = "L7_8"
	FunctionalLevelL7_9    FunctionalLevel = "L7_9"
	FunctionalLevelL7_20   FunctionalLevel = "L7_20"
	FunctionalLevelL7_25   FunctionalLevel = "L7_25"
	FunctionalLevelL7_30   FunctionalLevel = "L7_30"
	FunctionalLevelL7_34   FunctionalLevel = "L7_34"
	FunctionalLevelLMAX    FunctionalLevel = "LMAX"
)

// AccountAction is what deleting a catalog or a machine does to the Active
// Directory accounts of the machines deleted (the deleteAccount parameter,
// see [MachineAccounts]). Values the library does not know are sent as they
// are.
type AccountAction string

// The account actions of the API. The service's default is
// AccountActionNone when deleting a catalog, AccountActionLeave when
// deleting a machine (which matters only when its VM is deleted too).
const (
	AccountActionUnknown AccountAction = "Unknown"
	AccountActionLeave   AccountAction = "Leave"   // leave the accounts as they are
	AccountActionNone    AccountAction = "None"    // do nothing with the accounts
	AccountActionDisable AccountAction = "Disable" // disable the accounts
	AccountActionDelete  AccountAction = "Delete"  // delete the accounts
)

// Ref is a reference to another object of the site, the API's
// RefResponseModel: a zone, an admin folder, a job, a delivery group, a
// scope or a tenant.
type Ref struct {
	ID   string `json:"Id"`
	UID  int    `json:"Uid"` // deprecated by the service in favour of ID
	Name string `json:"Name"`
}

// decodeModel is the one decoder of the API's models: raw (one JSON
// object) is decoded into v, a pointer, leniently. A field of an unexpected
// JSON type is left zero rather than failing the call, so that a change on
// the service side does not break a whole list; unknown fields pass; raw
// JSON parts that are null become nil. A value that is not an object at
// all (an array, a string) is an error, not an empty model; null or
// nothing leaves v as it is.
func decodeModel(raw []byte, v any) error {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return nil
	}
	if t[0] != '{' {
		return &json.UnmarshalTypeError{Value: jsonKind(t[0]), Type: reflect.TypeOf(v).Elem()}
	}
	// encoding/json decodes every other field before it reports a type
	// mismatch; keep them.
	if err := json.Unmarshal(t, v); err != nil && !errors.As(err, new(*json.UnmarshalTypeError)) {
		return err
	}
	dropNullRaw(reflect.ValueOf(v))
	return nil
}

// dropNullRaw makes the json.RawMessage fields of the struct v points to
// (and of its embedded structs) that hold null nil.
func dropNullRaw(v reflect.Value) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case !f.CanSet():
		case f.Type() == rawMessageType:
			if string(f.Bytes()) == "null" {
				f.SetBytes(nil)
			}
		case v.Type().Field(i).Anonymous:
			dropNullRaw(f.Addr())
		}
	}
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// stringType is the type a ContinuationToken must have.
var stringType = reflect.TypeFor[string]()

// jsonKind names the kind of JSON value that starts with b.
func jsonKind(b byte) string {
	switch b {
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	}
	return "number"
}
