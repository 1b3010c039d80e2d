package daastest

import (
	"bytes"
	"encoding/json"
)

// This file holds the wire models: the JSON the fake writes, with the exact
// property names of the Citrix DaaS REST API. Null properties are written
// explicitly, as the service does.

// NameValue is one name/value pair, the API's NameValueStringPairModel. It
// appears in job Parameters and ErrorParameters and in catalog Metadata.
type NameValue struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// refModel is the API's RefResponseModel, a reference to another object.
type refModel struct {
	ID   string `json:"Id"`
	UID  int    `json:"Uid"`
	Name string `json:"Name"`
}

// catalogModel is MachineCatalogResponseModel, the shape of list items.
type catalogModel struct {
	Name                            string                `json:"Name"`
	FullName                        string                `json:"FullName"`
	ID                              string                `json:"Id"`
	UID                             int                   `json:"Uid"`
	Description                     *string               `json:"Description"`
	AllocationType                  string                `json:"AllocationType"`
	SessionSupport                  string                `json:"SessionSupport"`
	ProvisioningType                string                `json:"ProvisioningType"`
	MachineType                     string                `json:"MachineType"`
	PersistChanges                  string                `json:"PersistChanges"`
	SharingKind                     string                `json:"SharingKind"`
	TotalCount                      int                   `json:"TotalCount"`
	AssignedCount                   int                   `json:"AssignedCount"`
	UnassignedCount                 int                   `json:"UnassignedCount"`
	UsedCount                       int                   `json:"UsedCount"`
	AvailableCount                  int                   `json:"AvailableCount"`
	AvailableAssignedCount          int                   `json:"AvailableAssignedCount"`
	AvailableUnassignedCount        int                   `json:"AvailableUnassignedCount"`
	AvailableCountOfSuspend         int                   `json:"AvailableCountOfSuspend"`
	AvailableAssignedCountOfSuspend int                   `json:"AvailableAssignedCountOfSuspend"`
	IsPowerManaged                  bool                  `json:"IsPowerManaged"`
	IsRemotePC                      bool                  `json:"IsRemotePC"`
	IsBroken                        bool                  `json:"IsBroken"`
	IsMasterImageAssociated         bool                  `json:"IsMasterImageAssociated"`
	HasBeenPromoted                 bool                  `json:"HasBeenPromoted"`
	CanRollbackVMImage              bool                  `json:"CanRollbackVMImage"`
	CanRecreateCatalog              bool                  `json:"CanRecreateCatalog"`
	HypervisorVMTagging             bool                  `json:"HypervisorVMTagging"`
	MinimumFunctionalLevel          string                `json:"MinimumFunctionalLevel"`
	HasBeenPromotedFrom             string                `json:"HasBeenPromotedFrom"`
	JobsInProgress                  []refModel            `json:"JobsInProgress"`
	Zone                            *refModel             `json:"Zone"`
	AdminFolder                     *refModel             `json:"AdminFolder"`
	Scopes                          []scopeModel          `json:"Scopes"`
	Tenants                         []refModel            `json:"Tenants"`
	Metadata                        []NameValue           `json:"Metadata"`
	ProvisioningScheme              any                   `json:"ProvisioningScheme"`
	ProvisioningProgress            any                   `json:"ProvisioningProgress"`
	PvsAddress                      *string               `json:"PvsAddress"`
	PvsDomain                       *string               `json:"PvsDomain"`
	RemotePCEnrollmentScopes        any                   `json:"RemotePCEnrollmentScopes"`
	ImageUpdateStatus               *string               `json:"ImageUpdateStatus"`
	Errors                          []string              `json:"Errors"`
	Warnings                        []catalogWarningModel `json:"Warnings,omitempty"` // omitted when there are none, as the spec says
	UpgradeInfo                     any                   `json:"UpgradeInfo"`
}

// scopeModel is ScopeResponseModel, with the properties the spec requires.
type scopeModel struct {
	ID            string  `json:"Id"`
	Name          string  `json:"Name"`
	Description   *string `json:"Description"`
	IsBuiltIn     bool    `json:"IsBuiltIn"`
	IsAllScope    bool    `json:"IsAllScope"`
	IsTenantScope bool    `json:"IsTenantScope"`
}

// catalogWarningModel is MachineCatalogWarningResponseModel.
type catalogWarningModel struct {
	Type    string  `json:"Type"`
	Subtype *string `json:"Subtype,omitempty"`
	Message *string `json:"Message"`
}

// deliveryGroupRefModel is MachineCatalogDeliveryGroupRefResponseModel:
// a reference with the machine counts.
type deliveryGroupRefModel struct {
	refModel
	NumAssigned int `json:"NumAssigned"`
	Total       int `json:"Total"`
}

// catalogDetailModel is MachineCatalogDetailResponseModel: the list shape
// plus the detail-only properties. It is what GET one, create and update
// return.
type catalogDetailModel struct {
	catalogModel
	AgentVersion         *string                 `json:"AgentVersion"`
	HypervisorConnection *refModel               `json:"HypervisorConnection"`
	OSType               *string                 `json:"OSType"`
	OSVersion            *string                 `json:"OSVersion"`
	DeliveryGroups       []deliveryGroupRefModel `json:"DeliveryGroups"`
	UpgradeDetail        any                     `json:"UpgradeDetail"`
}

// jobModel is JobResponseModel.
type jobModel struct {
	ID                     string      `json:"Id"`
	Type                   string      `json:"Type"`
	Parameters             []NameValue `json:"Parameters"`
	Status                 string      `json:"Status"`
	OverallProgressPercent *int        `json:"OverallProgressPercent"`
	IsCancellable          bool        `json:"IsCancellable"`
	SubJobs                []jobModel  `json:"SubJobs"`
	ResultLocation         *string     `json:"ResultLocation"`
	ErrorString            *string     `json:"ErrorString"`
	ErrorCode              string      `json:"ErrorCode"`
	ErrorParameters        []NameValue `json:"ErrorParameters"`
	CreationTime           string      `json:"CreationTime"`
	FormattedCreationTime  string      `json:"FormattedCreationTime"`
	StartTime              *string     `json:"StartTime"`
	FormattedStartTime     *string     `json:"FormattedStartTime"`
	EndTime                *string     `json:"EndTime"`
	FormattedEndTime       *string     `json:"FormattedEndTime"`
}

// collection is the envelope of every list the API returns
// (MachineCatalogResponseModelCollection, JobResponseModelCollection).
type collection struct {
	Items             []json.RawMessage `json:"Items"`
	ContinuationToken *string           `json:"ContinuationToken"`
	TotalItems        *int              `json:"TotalItems"`
}

// meModel is MeResponseModel, the answer of GET /me.
type meModel struct {
	UserID                string          `json:"UserId"`
	DisplayName           *string         `json:"DisplayName"`
	ExpiryTime            string          `json:"ExpiryTime"`
	RefreshExpirationTime string          `json:"RefreshExpirationTime"`
	VerifiedEmail         *string         `json:"VerifiedEmail"`
	IsCspCustomer         bool            `json:"IsCspCustomer"`
	Customers             []customerModel `json:"Customers"`
}

type customerModel struct {
	ID    string      `json:"Id"`
	Name  *string     `json:"Name"`
	Sites []siteModel `json:"Sites"`
}

type siteModel struct {
	ID   string `json:"Id"`
	Name string `json:"Name"`
}

// tokenModel is the token endpoint's success body. expires_in is a JSON
// string, as the service sends it.
type tokenModel struct {
	TokenType   string `json:"token_type"`
	AccessToken string `json:"access_token"`
	ExpiresIn   string `json:"expires_in"`
}

// marshal encodes v as compact JSON without HTML escaping (URLs keep their
// '&'), with no trailing newline.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Every value encoded here is built by this package from plain
		// types; failing to encode one is a bug in the fake.
		panic("daastest: encoding a response: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// strPtr returns nil for "" (written as JSON null) and &s otherwise.
func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
