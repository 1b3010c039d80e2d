package daastest

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// This file models zones by hand: list, get, create, update and delete,
// and moving hosting connections and machine catalogs into a zone
// ($moveItems), each change also as a job of the spec's type (CreateZone,
// EditZone, DeleteZone, MoveItemsIntoZone). The zones are those catalogs
// and connections name (a catalog naming a zone that does not exist makes
// it, as the fake always has); the site's primary zone, "Initial Zone",
// is never deleted (400). Renaming a zone renames it where catalogs and
// connections name it. A zone that holds catalogs or connections cannot
// be deleted (409, ErrorCode CatalogInUse or the connection's
// ConstraintViolation). Zone names are unique in any case; a rename that
// changes only the case takes effect. Where the spec is silent: $moveItems
// models the ItemType values HypervisorConnection and MachineCatalog and
// refuses the others (400); an item is found by Id, else by Name.

// Route keys of the zones.
const (
	routeListZones  = "GET /Zones"
	routeCreateZone = "POST /Zones"
	routeGetZone    = "GET /Zones/{nameOrId}"
	routeUpdateZone = "PATCH /Zones/{nameOrId}"
	routeDeleteZone = "DELETE /Zones/{nameOrId}"
	routeMoveToZone = "POST /Zones/{nameOrId}/$moveItems"
)

// zoneInfo is what the fake keeps of a zone beside its reference.
type zoneInfo struct {
	Description string
	Metadata    []NameValue
	Changed     time.Time
}

func (r *refModel) ident() (string, int, string) { return r.ID, r.UID, r.Name }

// zoneModel is ZoneResponseModel; zoneDetailModel adds ZoneDetailResponseModel's
// Controllers.
type zoneModel struct {
	ID                       string      `json:"Id"`
	Name                     string      `json:"Name"`
	Description              *string     `json:"Description"`
	IsPrimary                bool        `json:"IsPrimary"`
	IsHealthy                bool        `json:"IsHealthy"`
	LastStateChangeTimeInUtc string      `json:"LastStateChangeTimeInUtc"`
	Metadata                 []NameValue `json:"Metadata"`
	ResourceLocation         *refModel   `json:"ResourceLocation"`
}

type zoneDetailModel struct {
	zoneModel
	Controllers []refModel `json:"Controllers"`
}

func (s *Server) zoneModel(z *refModel) zoneModel {
	info := s.zoneInfo(z)
	return zoneModel{
		ID: z.ID, Name: z.Name, Description: strPtr(info.Description), IsPrimary: strings.EqualFold(z.Name, primaryZone),
		IsHealthy: true, LastStateChangeTimeInUtc: formatTime(cmp.Or(info.Changed, s.base)), Metadata: nonNil(info.Metadata),
	}
}

// zoneInfo returns the information kept of z, made on first use. Callers
// hold s.mu.
func (s *Server) zoneInfo(z *refModel) *zoneInfo {
	h := s.hand()
	info, ok := h.zones[z]
	if !ok {
		info = &zoneInfo{}
		h.zones[z] = info
	}
	return info
}

// sortedZones returns the zones in UID order. Callers hold s.mu.
func (s *Server) sortedZones() []*refModel {
	return slices.SortedFunc(maps.Values(s.zones), func(a, b *refModel) int { return a.UID - b.UID })
}

// findZone finds a zone by name or id. Callers hold s.mu.
func (s *Server) findZone(nameOrID string) *refModel {
	if z, ok := s.zones[strings.ToLower(nameOrID)]; ok {
		return z
	}
	return findIdentified(s.sortedZones(), nameOrID)
}

func zoneRoutes() []*route {
	return []*route{
		newRoute(routeListZones, func(s *Server, c *call) *reply {
			return listOrJob(s, c, "zones", "", s.sortedZones, func(z *refModel) any { return s.zoneModel(z) })
		}),
		newRoute(routeCreateZone, (*Server).createZone),
		newRoute(routeGetZone, func(s *Server, c *call) *reply {
			z := s.findZone(c.args[0])
			if z == nil {
				return notFound("Zone", c.args[0])
			}
			return jsonReply(http.StatusOK, zoneDetailModel{zoneModel: s.zoneModel(z), Controllers: []refModel{}})
		}),
		newRoute(routeUpdateZone, (*Server).updateZone),
		newRoute(routeDeleteZone, (*Server).deleteZone),
		newRoute(routeMoveToZone, (*Server).moveIntoZone),
	}
}

// editZoneRequest is EditZoneRequestModel, which has no ResourceLocation:
// a PATCH that sends one is refused as any unknown property is.
type editZoneRequest struct {
	Name        *string      `json:"Name"`
	Description *string      `json:"Description"`
	Metadata    *[]NameValue `json:"Metadata"`
}

// createZoneRequest is CreateZoneRequestModel.
type createZoneRequest struct {
	editZoneRequest
	ResourceLocation *string `json:"ResourceLocation"`
}

func (r *editZoneRequest) applyTo(info *zoneInfo) {
	if r.Description != nil {
		info.Description = *r.Description
	}
	if r.Metadata != nil {
		info.Metadata = *r.Metadata
	}
}

func (s *Server) createZone(c *call) *reply {
	var req createZoneRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	if req.Name == nil {
		return badRequest("missing", "The Name property is required", "name", "Name")
	}
	name := strings.TrimSpace(*req.Name)
	if rp := required("Name", name); rp != nil {
		return rp
	}
	return s.perform(c, jobSpec{typ: "CreateZone", params: []NameValue{{Name: "Name", Value: name}}},
		func(at time.Time) result {
			if s.findZone(name) != nil {
				return result{failed: duplicateFailure("zone", name)}
			}
			z := s.zoneRef(name)
			info := s.zoneInfo(z)
			req.applyTo(info)
			info.Changed = at
			return result{status: http.StatusCreated, redirect: "/Zones/" + z.ID}
		})
}

func (s *Server) updateZone(c *call) *reply {
	var req editZoneRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	z := s.findZone(c.args[0])
	if z == nil {
		return notFound("Zone", c.args[0])
	}
	if req.Name != nil {
		if rp := required("Name", *req.Name); rp != nil {
			return rp
		}
	}
	return s.perform(c, jobSpec{typ: "EditZone", params: []NameValue{{Name: "Id", Value: z.ID}, {Name: "Name", Value: z.Name}}},
		func(at time.Time) result {
			if s.zones[strings.ToLower(z.Name)] != z {
				return result{failed: notFoundFailure("Zone", z.ID)}
			}
			if req.Name != nil {
				name := strings.TrimSpace(*req.Name)
				if other := s.findZone(name); other != nil && other != z {
					return result{failed: duplicateFailure("zone", name)}
				}
				s.renameZone(z, name)
			}
			info := s.zoneInfo(z)
			req.applyTo(info)
			info.Changed = at
			return result{status: http.StatusNoContent, redirect: "/Zones/" + z.ID}
		})
}

// renameZone renames z where the zones, catalogs and connections name it.
// Callers hold s.mu.
func (s *Server) renameZone(z *refModel, name string) {
	old := z.Name
	delete(s.zones, strings.ToLower(old))
	z.Name = name
	s.zones[strings.ToLower(name)] = z
	for _, cat := range s.catalogs {
		if strings.EqualFold(cat.Zone, old) {
			cat.Zone = name
		}
	}
	for _, h := range s.hand().hypervisors {
		if strings.EqualFold(h.Zone, old) {
			h.Zone = name
		}
	}
}

// zoneInUse returns what keeps z from being deleted. Callers hold s.mu.
func (s *Server) zoneInUse(z *refModel) *failure {
	if strings.EqualFold(z.Name, primaryZone) {
		return &failure{status: http.StatusBadRequest, kind: "invalidArgument", code: "ConstraintViolation",
			detail: "The primary zone cannot be deleted", params: []string{"id", z.ID}}
	}
	for _, cat := range s.catalogs {
		if strings.EqualFold(cat.Zone, z.Name) {
			return &failure{status: http.StatusConflict, kind: "invalidState", code: "CatalogInUse",
				detail: fmt.Sprintf("Zone '%s' holds the machine catalog '%s'", z.Name, cat.fullName()), params: []string{"id", z.ID}}
		}
	}
	for _, h := range s.hand().hypervisors {
		if strings.EqualFold(h.Zone, z.Name) {
			return &failure{status: http.StatusConflict, kind: "invalidState", code: "ConstraintViolation",
				detail: fmt.Sprintf("Zone '%s' holds the hosting connection '%s'", z.Name, h.Name), params: []string{"id", z.ID}}
		}
	}
	return nil
}

func (s *Server) deleteZone(c *call) *reply {
	z := s.findZone(c.args[0])
	if z == nil {
		return notFound("Zone", c.args[0])
	}
	if f := s.zoneInUse(z); f != nil {
		return f.reply()
	}
	return s.perform(c, jobSpec{typ: "DeleteZone", params: []NameValue{{Name: "Id", Value: z.ID}, {Name: "Name", Value: z.Name}}},
		func(time.Time) result {
			if s.zones[strings.ToLower(z.Name)] != z {
				return result{failed: notFoundFailure("Zone", z.ID)}
			}
			if f := s.zoneInUse(z); f != nil {
				return result{failed: f}
			}
			delete(s.zones, strings.ToLower(z.Name))
			delete(s.hand().zones, z)
			return result{status: http.StatusNoContent}
		})
}

// zonedItemsRequest is ZonedItemsRequestModel.
type zonedItemsRequest struct {
	Items []struct {
		ID                   string      `json:"Id"`
		Name                 string      `json:"Name"`
		ItemType             string      `json:"ItemType"`
		AdditionalProperties []NameValue `json:"AdditionalProperties"`
	} `json:"Items"`
}

func (s *Server) moveIntoZone(c *call) *reply {
	var req zonedItemsRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	z := s.findZone(c.args[0])
	if z == nil {
		return notFound("Zone", c.args[0])
	}
	var moves []func()
	for _, it := range req.Items {
		typ, rp := oneOf("ItemType", it.ItemType, true, "Unknown", "HypervisorConnection", "Controller", "MachineCatalog", "EdgeServer", "User", "Application")
		if rp != nil {
			return rp
		}
		key := cmp.Or(it.ID, it.Name)
		switch typ {
		case "HypervisorConnection":
			h := s.findHypervisor(key)
			if h == nil {
				return notFound("Hypervisor", key)
			}
			moves = append(moves, func() { h.Zone = z.Name })
		case "MachineCatalog":
			cat := s.findCatalog(key)
			if cat == nil {
				return notFound("MachineCatalog", key)
			}
			moves = append(moves, func() { cat.Zone = z.Name })
		default:
			return badRequest("invalidArgument", fmt.Sprintf("The fake does not move items of type %s", typ), "name", "ItemType", "value", typ)
		}
	}
	return s.perform(c, jobSpec{typ: "MoveItemsIntoZone", params: []NameValue{{Name: "Zone", Value: z.Name}}},
		func(time.Time) result {
			if s.zones[strings.ToLower(z.Name)] != z {
				return result{failed: notFoundFailure("Zone", z.ID)}
			}
			for _, move := range moves {
				move()
			}
			return result{status: http.StatusNoContent}
		})
}
