package daastest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"
)

// This file serves the MachineCatalogs routes of /cvad/manage (GET /me and
// the Sites are in sites.go, the Jobs routes in jobs.go).

// Catalog list paging limits, as the service documents them.
const (
	defaultLimit = 250
	maxLimit     = 1000
)

// handleAPI checks and serves one /cvad/manage request.
func (s *Server) handleAPI(r *http.Request, rt *route, args []string, body []byte, tooLarge bool) *reply {
	s.mu.Lock()
	now := s.advanceLocked()
	c, rp := s.checkRequest(r, rt, now, len(body) > 0, tooLarge)
	if rp != nil || rt.unlocked {
		s.mu.Unlock()
		if rp != nil {
			return rp
		}
		return rt.serve(s, &call{r: r, args: args, query: r.URL.Query(), body: body, caller: c, now: now})
	}
	defer s.mu.Unlock()
	return rt.serve(s, &call{r: r, args: args, query: r.URL.Query(), body: body, caller: c, now: now})
}

// catalogRoutes are the MachineCatalogs routes.
func catalogRoutes() []*route {
	return []*route{
		newRoute(routeListCatalogs, func(s *Server, c *call) *reply { return s.listCatalogs(c.query, c.caller, c.now) }),
		newRoute(routeCreateCatalog, func(s *Server, c *call) *reply { return s.createCatalog(c.query, c.body, c.caller, c.now) }),
		newRoute(routeGetCatalog, func(s *Server, c *call) *reply { return s.getCatalog(c.query, c.args[0], c.caller, c.now) }),
		newRoute(routeUpdateCatalog, func(s *Server, c *call) *reply {
			return s.updateCatalog(c.query, c.args[0], c.body, c.caller, c.now)
		}),
		newRoute(routeDeleteCatalog, func(s *Server, c *call) *reply { return s.deleteCatalog(c.query, c.args[0], c.caller, c.now) }),
	}
}

// listCatalogs serves GET /MachineCatalogs, sync or async.
func (s *Server) listCatalogs(q url.Values, c caller, now time.Time) *reply {
	async, rp := queryBool(q, "async")
	if rp != nil {
		return rp
	}
	limit, after, rp := pageQuery(q, "catalogs")
	if rp != nil {
		return rp
	}
	var folder *refModel
	if v := q.Get("adminFolder"); v != "" {
		if folder = s.findFolder(v); folder == nil {
			return notFound("AdminFolder", v)
		}
	}
	fields, rp := queryFields(q, reflect.TypeFor[catalogModel]())
	if rp != nil {
		return rp
	}
	if !async {
		items, last, more := s.catalogPage(folder, after, limit, fields)
		page := collection{Items: items}
		if more {
			tok := encodeToken("catalogs", last)
			page.ContinuationToken = &tok
		}
		return jsonReply(http.StatusOK, page)
	}
	return s.startJob(c, now, jobSpec{
		typ: "GetMachineCatalogs",
		apply: s.listResults(q, limit, "catalogs", func(limit int) ([]json.RawMessage, int, bool) {
			return s.catalogPage(folder, after, limit, fields)
		}),
	})
}

// catalogPage renders up to limit catalogs (all when limit < 0) with a UID
// above after, in the folder if one is given. more reports catalogs left
// after the page; last is the UID of its last item.
func (s *Server) catalogPage(folder *refModel, after, limit int, fields []string) (items []json.RawMessage, last int, more bool) {
	items = []json.RawMessage{}
	for _, c := range s.catalogs {
		if c.UID <= after || (folder != nil && s.folderRef(c.AdminFolder) != folder) {
			continue
		}
		if limit >= 0 && len(items) == limit {
			return items, last, true
		}
		items = append(items, selectFields(marshal(s.catalogModel(c)), fields))
		last = c.UID
	}
	return items, last, false
}

// getCatalog serves GET /MachineCatalogs/{nameOrId}, sync or async.
func (s *Server) getCatalog(q url.Values, nameOrID string, c caller, now time.Time) *reply {
	async, rp := queryBool(q, "async")
	if rp != nil {
		return rp
	}
	fields, rp := queryFields(q, reflect.TypeFor[catalogDetailModel]())
	if rp != nil {
		return rp
	}
	cat := s.findCatalog(nameOrID)
	if cat == nil {
		return notFound("MachineCatalog", nameOrID)
	}
	if !async {
		return &reply{status: http.StatusOK, body: selectFields(marshal(s.catalogDetail(cat)), fields)}
	}
	return s.startJob(c, now, jobSpec{
		typ:    "GetMachineCatalogDetails",
		params: []NameValue{{Name: "NameOrId", Value: nameOrID}},
		apply: func(j *job) {
			j.resourceID = cat.ID
			if !slices.Contains(s.catalogs, cat) {
				j.fail("ObjectNotFound", fmt.Sprintf("The machine catalog '%s' no longer exists.", cat.fullName()))
				return
			}
			j.single = selectFields(marshal(s.catalogDetail(cat)), fields)
		},
	})
}

// createRequest is CreateMachineCatalogRequestModel. Properties the fake
// does not model are accepted as raw JSON and ignored.
type createRequest struct {
	Name                         *string           `json:"Name"`
	ProvisioningType             *string           `json:"ProvisioningType"`
	SessionSupport               *string           `json:"SessionSupport"`
	AdminFolder                  *string           `json:"AdminFolder"`
	AllocationType               *string           `json:"AllocationType"`
	Description                  *string           `json:"Description"`
	IsRemotePC                   *bool             `json:"IsRemotePC"`
	MachineType                  *string           `json:"MachineType"`
	MinimumFunctionalLevel       *string           `json:"MinimumFunctionalLevel"`
	PersistUserChanges           *string           `json:"PersistUserChanges"`
	Zone                         *string           `json:"Zone"`
	Metadata                     []NameValue       `json:"Metadata"`
	Machines                     []json.RawMessage `json:"Machines"`
	Scopes                       []string          `json:"Scopes"`
	Tenants                      []string          `json:"Tenants"`
	HypervisorConnection         json.RawMessage   `json:"HypervisorConnection"`
	RemotePCEnrollmentScopes     json.RawMessage   `json:"RemotePCEnrollmentScopes"`
	ProvisioningScheme           json.RawMessage   `json:"ProvisioningScheme"`
	ProvisioningSchemeImportData json.RawMessage   `json:"ProvisioningSchemeImportData"`
	PvsAddress                   json.RawMessage   `json:"PvsAddress"`
	PvsDomain                    json.RawMessage   `json:"PvsDomain"`
	PvsCollectionIds             json.RawMessage   `json:"PvsCollectionIds"`
	VdaUpgradeType               json.RawMessage   `json:"VdaUpgradeType"`
	HypervisorVMTagging          json.RawMessage   `json:"HypervisorVMTagging"`
}

// createCatalog serves POST /MachineCatalogs, sync or async.
func (s *Server) createCatalog(q url.Values, body []byte, c caller, now time.Time) *reply {
	async, rp := queryBool(q, "async")
	if rp != nil {
		return rp
	}
	var req createRequest
	if rp := decodeBody(body, &req); rp != nil {
		return rp
	}
	for _, f := range []struct {
		name  string
		value *string
	}{{"Name", req.Name}, {"ProvisioningType", req.ProvisioningType}, {"SessionSupport", req.SessionSupport}} {
		if f.value == nil || strings.TrimSpace(*f.value) == "" {
			return badRequest("missing", fmt.Sprintf("The %s property is required", f.name), "name", f.name)
		}
	}
	if rp := machineCountRefused(req.ProvisioningScheme, len(req.Machines)); rp != nil {
		return rp
	}
	listed, rp := s.listedMachines(req.Machines)
	if rp != nil {
		return rp
	}
	cat := Catalog{
		Name:             *req.Name,
		ProvisioningType: *req.ProvisioningType,
		SessionSupport:   *req.SessionSupport,
		AdminFolder:      s.folderPath(deref(req.AdminFolder)),
		AllocationType:   deref(req.AllocationType),
		Description:      deref(req.Description),
		IsRemotePC:       req.IsRemotePC != nil && *req.IsRemotePC,
		MachineType:      deref(req.MachineType),
		PersistChanges:   deref(req.PersistUserChanges),
		Zone:             deref(req.Zone),
		Metadata:         req.Metadata,

		MinimumFunctionalLevel: deref(req.MinimumFunctionalLevel),
	}
	if rp := invalidCatalog(&cat, "PersistUserChanges"); rp != nil {
		return rp
	}
	if !async {
		if s.sameName(&cat, "") != nil {
			return duplicateName(cat.fullName())
		}
		s.addCatalog(&cat)
		s.addListed(&cat, listed)
		s.stats.CatalogsCreated++
		s.afterCreate(&cat, req.ProvisioningScheme, c, now)
		return jsonReply(http.StatusOK, s.catalogDetail(&cat))
	}
	return s.startJob(c, now, jobSpec{
		typ:      "CreateMachineCatalog",
		params:   []NameValue{{Name: "Name", Value: cat.Name}},
		subTypes: []string{"CreateMachineCatalog", "SetProvScheme"},
		apply: func(j *job) {
			if s.sameName(&cat, "") != nil {
				j.fail("DuplicateObject", fmt.Sprintf("A machine catalog named '%s' already exists.", cat.fullName()))
				return
			}
			if name := s.takenMachine(listed); name != "" {
				j.fail("DuplicateObject", fmt.Sprintf("The machine '%s' is already in a catalog.", name))
				return
			}
			s.addCatalog(&cat)
			s.addListed(&cat, listed)
			s.stats.CatalogsCreated++
			s.afterCreate(&cat, req.ProvisioningScheme, caller{clientID: j.owner, origin: j.origin}, j.end)
			j.resourceID, j.redirect = cat.ID, apiRoot+"/MachineCatalogs/"+cat.ID
		},
	})
}

// invalidCatalog normalizes cat and turns a problem into the service's 400.
// persistName is the request's name for PersistChanges.
func invalidCatalog(cat *Catalog, persistName string) *reply {
	prop, value, problem := cat.normalize()
	switch prop {
	case "":
		return nil
	case "Name":
		return badRequest("invalidString", "Name "+problem, "name", prop, "value", value)
	case "TotalCount":
		return badRequest("outOfRange", "TotalCount "+problem, "name", prop, "value", value)
	case "PersistChanges":
		prop = persistName
	}
	return badRequest("invalidEnum", fmt.Sprintf("%s '%s' %s", prop, value, problem), "name", prop, "value", value)
}

// updateRequest is UpdateMachineCatalogRequestModel: a property that is
// absent (or null) is not changed.
type updateRequest struct {
	namePatch
	MinimumFunctionalLevel     *string         `json:"MinimumFunctionalLevel"`
	Zone                       *string         `json:"Zone"`
	Metadata                   *[]NameValue    `json:"Metadata"`
	HypervisorConnection       json.RawMessage `json:"HypervisorConnection"`
	RemotePCEnrollmentScopes   json.RawMessage `json:"RemotePCEnrollmentScopes"`
	PvsAddress                 json.RawMessage `json:"PvsAddress"`
	PvsDomain                  json.RawMessage `json:"PvsDomain"`
	Scopes                     json.RawMessage `json:"Scopes"`
	Tenants                    json.RawMessage `json:"Tenants"`
	ShowRdsLicenseWarning      json.RawMessage `json:"ShowRdsLicenseWarning"`
	CPUCount                   json.RawMessage `json:"CpuCount"`
	MemoryMB                   json.RawMessage `json:"MemoryMB"`
	ServiceOfferingPath        json.RawMessage `json:"ServiceOfferingPath"`
	SecurityGroups             json.RawMessage `json:"SecurityGroups"`
	NetworkMapping             json.RawMessage `json:"NetworkMapping"`
	VdaUpgradeType             json.RawMessage `json:"VdaUpgradeType"`
	MachineProfilePath         json.RawMessage `json:"MachineProfilePath"`
	CustomProperties           json.RawMessage `json:"CustomProperties"`
	WriteBackCacheDiskSizeGB   json.RawMessage `json:"WriteBackCacheDiskSizeGB"`
	WriteBackCacheMemorySizeMB json.RawMessage `json:"WriteBackCacheMemorySizeMB"`
	AzureADSecurityGroupName   json.RawMessage `json:"AzureADSecurityGroupName"`
	AzureADTenantID            json.RawMessage `json:"AzureADTenantId"`
	ServiceAccountUID          json.RawMessage `json:"ServiceAccountUid"`
	HypervisorVMTagging        json.RawMessage `json:"HypervisorVMTagging"`
}

// namePatch is the Name, Description and AdminFolder of a request that
// creates or updates a catalog or a delivery group: a property that is
// absent (or null) is not changed.
type namePatch struct {
	Name        *string `json:"Name"`
	Description *string `json:"Description"`
	AdminFolder *string `json:"AdminFolder"` // a path or a folder id
}

// applyNames sets the name, description and folder path that p changes.
// Callers hold s.mu.
func (s *Server) applyNames(p namePatch, name, description, folder *string) {
	if p.Name != nil {
		*name = *p.Name
	}
	if p.Description != nil {
		*description = *p.Description
	}
	if p.AdminFolder != nil {
		*folder = s.folderPath(*p.AdminFolder)
	}
}

// patched returns a copy of cat with the request's changes, normalized.
func (s *Server) patched(u *updateRequest, cat *Catalog) (Catalog, *reply) {
	next := *cat
	next.Metadata = slices.Clone(cat.Metadata)
	s.applyNames(u.namePatch, &next.Name, &next.Description, &next.AdminFolder)
	if u.MinimumFunctionalLevel != nil {
		next.MinimumFunctionalLevel = *u.MinimumFunctionalLevel
	}
	if u.Zone != nil {
		next.Zone = *u.Zone
	}
	if u.Metadata != nil {
		next.Metadata = *u.Metadata
	}
	return next, invalidCatalog(&next, "PersistChanges")
}

// updateCatalog serves PATCH /MachineCatalogs/{nameOrId}, sync or async.
func (s *Server) updateCatalog(q url.Values, nameOrID string, body []byte, c caller, now time.Time) *reply {
	async, rp := queryBool(q, "async")
	if rp != nil {
		return rp
	}
	var req updateRequest
	if rp := decodeBody(body, &req); rp != nil {
		return rp
	}
	cat := s.findCatalog(nameOrID)
	if cat == nil {
		return notFound("MachineCatalog", nameOrID)
	}
	next, rp := s.patched(&req, cat)
	if rp != nil {
		return rp
	}
	if !async {
		if s.sameName(&next, cat.ID) != nil {
			return duplicateName(next.fullName())
		}
		s.replaceCatalog(cat, next)
		return jsonReply(http.StatusOK, s.catalogDetail(cat))
	}
	return s.startJob(c, now, jobSpec{
		typ:    "UpdateMachineCatalog",
		params: []NameValue{{Name: "Id", Value: cat.ID}, {Name: "Name", Value: cat.Name}},
		apply: func(j *job) {
			j.resourceID = cat.ID
			if !slices.Contains(s.catalogs, cat) {
				j.fail("ObjectNotFound", fmt.Sprintf("The machine catalog '%s' no longer exists.", cat.fullName()))
				return
			}
			next, _ := s.patched(&req, cat) // on the catalog as it is now
			if s.sameName(&next, cat.ID) != nil {
				j.fail("DuplicateObject", fmt.Sprintf("A machine catalog named '%s' already exists.", next.fullName()))
				return
			}
			s.replaceCatalog(cat, next)
			j.redirect = apiRoot + "/MachineCatalogs/" + cat.ID
		},
	})
}

// replaceCatalog stores an update of cat in place. Callers hold s.mu.
func (s *Server) replaceCatalog(cat *Catalog, next Catalog) {
	*cat = next
	s.folderRef(cat.AdminFolder)
	s.zoneRef(cat.Zone)
	s.stats.CatalogsUpdated++
}

// deleteCatalog serves DELETE /MachineCatalogs/{nameOrId}, sync or async.
func (s *Server) deleteCatalog(q url.Values, nameOrID string, c caller, now time.Time) *reply {
	async, rp := queryBool(q, "async")
	if rp != nil {
		return rp
	}
	for _, name := range []string{"deleteVm", "purgeDBOnly"} {
		if _, rp := queryBool(q, name); rp != nil {
			return rp
		}
	}
	if q.Has("deleteAccount") {
		if _, ok := canonicalEnum("deleteAccount", q.Get("deleteAccount")); !ok {
			return badRequest("invalidEnum", "deleteAccount is not one of "+strings.Join(enumValues("deleteAccount"), ", "),
				"name", "deleteAccount", "value", q.Get("deleteAccount"))
		}
	}
	cat := s.findCatalog(nameOrID)
	if cat == nil {
		return emptyReply(http.StatusNotFound) // the service documents no body here
	}
	if !async {
		s.removeCatalog(cat)
		s.stats.CatalogsDeleted++
		return emptyReply(http.StatusNoContent)
	}
	return s.startJob(c, now, jobSpec{
		typ:    "DeleteMachineCatalog",
		params: []NameValue{{Name: "Id", Value: cat.ID}, {Name: "Name", Value: cat.Name}},
		apply: func(j *job) {
			j.resourceID = cat.ID
			if !slices.Contains(s.catalogs, cat) {
				j.fail("ObjectNotFound", fmt.Sprintf("The machine catalog '%s' no longer exists.", cat.fullName()))
				return
			}
			s.removeCatalog(cat)
			s.stats.CatalogsDeleted++
			j.redirect = apiRoot + "/MachineCatalogs"
		},
	})
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// queryBool parses an optional boolean query parameter ("true" or "false",
// any case).
func queryBool(q url.Values, name string) (bool, *reply) {
	if !q.Has(name) {
		return false, nil
	}
	switch v := q.Get(name); {
	case strings.EqualFold(v, "true"):
		return true, nil
	case strings.EqualFold(v, "false"):
		return false, nil
	default:
		return false, badRequest("invalidString", fmt.Sprintf("%s must be true or false", name), "name", name, "value", v)
	}
}

// queryFields parses the fields parameter: a comma-separated list of the
// model's property names (any case). nil means every property.
func queryFields(q url.Values, model reflect.Type) ([]string, *reply) {
	raw := q.Get("fields")
	if raw == "" {
		return nil, nil
	}
	names := jsonNames(model)
	var fields []string
	for _, f := range strings.Split(raw, ",") {
		f = strings.TrimSpace(f)
		i := slices.IndexFunc(names, func(n string) bool { return strings.EqualFold(n, f) })
		if i < 0 {
			return nil, badRequest("invalidString", fmt.Sprintf("'%s' is not a property of the model", f), "name", "fields", "value", f)
		}
		fields = append(fields, names[i])
	}
	return fields, nil
}

// selectFields keeps only these top-level properties of a JSON object (all
// when fields is nil).
func selectFields(obj []byte, fields []string) []byte {
	if fields == nil {
		return obj
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(obj, &all); err != nil {
		panic("daastest: selecting fields of a model: " + err.Error())
	}
	kept := make(map[string]json.RawMessage, len(fields))
	for _, f := range fields {
		kept[f] = all[f]
	}
	return marshal(kept)
}

// jsonNames lists the JSON property names of a struct type, including those
// of embedded structs.
func jsonNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			names = append(names, jsonNames(f.Type)...)
			continue
		}
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

// decodeBody decodes a JSON object into v, a pointer to a request model.
// It rejects what the service rejects (an empty or malformed body, a value
// of the wrong type) and, stricter than the service, a property the model
// does not have (matched case-sensitively).
func decodeBody(body []byte, v any) *reply {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("invalidJson", "A request body is required")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		var typeErr *json.UnmarshalTypeError
		if obj == nil && (err == nil || errors.As(err, &typeErr)) {
			return badRequest("invalidJson", "The request body must be a JSON object")
		}
		return badRequest("invalidJson", "The request body is not valid JSON: "+err.Error())
	}
	known := jsonNames(reflect.TypeOf(v).Elem())
	props := make([]string, 0, len(obj))
	for k := range obj {
		props = append(props, k)
	}
	slices.Sort(props)
	for _, k := range props {
		if !slices.Contains(known, k) {
			return badRequest("invalidJson", fmt.Sprintf("The request has an unknown property '%s'", k), "name", k)
		}
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return badRequest("invalidJson", fmt.Sprintf("Property '%s' must be of type %s", typeErr.Field, typeErr.Type),
				"name", typeErr.Field)
		}
		return badRequest("invalidJson", "The request body is not valid JSON: "+err.Error())
	}
	return nil
}
