package daastest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// This file models the resource pools (hosting units) of a hosting
// connection by hand: list, get, create and delete under
// /hypervisors/{nameOrId}/resourcePools, each also as a job (async=true)
// of the spec's job type (GetHypervisorResourcePools,
// GetHypervisorResourcePool, CreateHypervisorResourcePool,
// UpdateHypervisorResourcePool; an update names storage by StoragePath,
// and a storage marked Superseded is dropped). A pool's
// ConnectionType must be its connection's. Pool names are unique in any
// case (409, HostingUnitDuplicateObjectExists); a rename that changes only
// the case takes effect. Where the spec is silent: a
// pool is found by name or id; the delete job's type is
// DeleteHypervisorResourcePool (JobType lists none); its storage and
// network are echoed as references whose paths are under the pool's
// XDHyp:\HostingUnits\ path, with the properties the fake can fill.

// Route keys of the resource pools.
const (
	routeListPools  = "GET /hypervisors/{nameOrId}/resourcePools"
	routeCreatePool = "POST /hypervisors/{nameOrId}/resourcePools"
	routeGetPool    = "GET /hypervisors/{nameOrId}/resourcePools/{poolId}"
	routeUpdatePool = "PATCH /hypervisors/{nameOrId}/resourcePools/{poolId}"
	routeDeletePool = "DELETE /hypervisors/{nameOrId}/resourcePools/{poolId}"
)

// resourcePool is one resource pool of a connection.
type resourcePool struct {
	ID, Name string
	UID      int
	conn     *hypervisor
	req      poolRequest
}

func (p *resourcePool) ident() (string, int, string) { return p.ID, p.UID, p.Name }

func (p *resourcePool) xdPath() string { return `XDHyp:\HostingUnits\` + p.Name }

// poolRequest is CreateHypervisorResourcePoolRequestModel.
type poolRequest struct {
	Name                   string      `json:"Name"`
	ConnectionType         string      `json:"ConnectionType"`
	VMTagging              *bool       `json:"VmTagging"`
	GPUTypes               []string    `json:"GpuTypes"`
	Metadata               []NameValue `json:"Metadata"`
	VirtualPrivateCloud    string      `json:"VirtualPrivateCloud"`
	AvailabilityZone       string      `json:"AvailabilityZone"`
	Networks               []string    `json:"Networks"`
	Region                 string      `json:"Region"`
	VirtualNetwork         string      `json:"VirtualNetwork"`
	Subnets                []string    `json:"Subnets"`
	RootPath               string      `json:"RootPath"`
	UseLocalStorageCaching *bool       `json:"UseLocalStorageCaching"`
	Storage                []string    `json:"Storage"`
	PersonalvDiskStorage   []string    `json:"PersonalvDiskStorage"`
	TemporaryStorage       []string    `json:"TemporaryStorage"`
	CustomProperties       string      `json:"CustomProperties"`
	StorageBalanceType     string      `json:"StorageBalanceType"`
}

// check refuses a request without its required properties, and trims the
// name as it is stored.
func (r *poolRequest) check() *reply {
	r.Name = strings.TrimSpace(r.Name)
	if rp := required("Name", r.Name); rp != nil {
		return rp
	}
	typ, rp := oneOf("ConnectionType", r.ConnectionType, true, connectionTypes...)
	r.ConnectionType = typ
	return rp
}

// resourceRef is HypervisorResourceRefResponseModel.
type resourceRef struct {
	ID               string  `json:"Id"`
	Name             string  `json:"Name"`
	XDPath           string  `json:"XDPath"`
	RelativePath     string  `json:"RelativePath"`
	FullRelativePath string  `json:"FullRelativePath"`
	ResourceType     *string `json:"ResourceType"`
}

// storageRef is HypervisorStorageResourceResponseModel, with the
// properties of a storage the fake can fill.
type storageRef struct {
	resourceRef
	FullName       string `json:"FullName"`
	IsContainer    bool   `json:"IsContainer"`
	IsMachine      bool   `json:"IsMachine"`
	IsSnapshotable bool   `json:"IsSnapshotable"`
	IsSymLink      bool   `json:"IsSymLink"`
	Enabled        bool   `json:"Enabled"`
	Superseded     bool   `json:"Superseded"`
	IsUsedInSite   bool   `json:"IsUsedInSite"`
}

// poolModel is HypervisorResourcePoolDetailResponseModel.
type poolModel struct {
	ID                   string        `json:"Id"`
	Name                 string        `json:"Name"`
	XDPath               string        `json:"XDPath"`
	HypervisorConnection refModel      `json:"HypervisorConnection"`
	ConnectionType       string        `json:"ConnectionType"`
	DefaultNetwork       *resourceRef  `json:"DefaultNetwork"`
	VMTaggingEnabled     bool          `json:"VMTaggingEnabled"`
	ResourcePoolRootPath *string       `json:"ResourcePoolRootPath"`
	Metadata             []NameValue   `json:"Metadata"`
	VirtualPrivateCloud  *resourceRef  `json:"VirtualPrivateCloud"`
	AvailabilityZone     *resourceRef  `json:"AvailabilityZone"`
	Networks             []resourceRef `json:"Networks"`
	Region               *resourceRef  `json:"Region"`
	VirtualNetwork       *resourceRef  `json:"VirtualNetwork"`
	Subnets              []resourceRef `json:"Subnets"`
	Project              *resourceRef  `json:"Project"`
	Storage              []storageRef  `json:"Storage"`
	TemporaryStorage     []storageRef  `json:"TemporaryStorage"`
	UseLocalStorageCache *bool         `json:"UseLocalStorageCaching"`
	CustomProperties     *string       `json:"CustomProperties"`
}

// ref renders a resource the request named by path or name.
func (p *resourcePool) ref(kind, name string) *resourceRef {
	if name == "" {
		return nil
	}
	rel := strings.TrimPrefix(name, `XDHyp:\`)
	short := rel[strings.LastIndexAny(rel, `\/`)+1:]
	k := kind
	return &resourceRef{ID: short, Name: strings.TrimSuffix(short, "."+kind), XDPath: p.xdPath() + `\` + short,
		RelativePath: short, FullRelativePath: short, ResourceType: &k}
}

func (p *resourcePool) refs(kind string, names []string) []resourceRef {
	out := []resourceRef{}
	for _, n := range names {
		out = append(out, *p.ref(kind, n))
	}
	return out
}

func (p *resourcePool) storage(names []string) []storageRef {
	out := []storageRef{}
	for _, r := range p.refs("storage", names) {
		out = append(out, storageRef{resourceRef: r, FullName: r.Name, Enabled: true, IsUsedInSite: true})
	}
	return out
}

func (p *resourcePool) model() poolModel {
	r := p.req
	m := poolModel{
		ID: p.ID, Name: p.Name, XDPath: p.xdPath(),
		HypervisorConnection: refModel{ID: p.conn.ID, UID: p.conn.UID, Name: p.conn.Name},
		ConnectionType:       p.conn.ConnectionType,
		VMTaggingEnabled:     r.VMTagging != nil && *r.VMTagging,
		ResourcePoolRootPath: strPtr(r.RootPath),
		Metadata:             nonNil(r.Metadata),
		VirtualPrivateCloud:  p.ref("vpc", r.VirtualPrivateCloud),
		AvailabilityZone:     p.ref("availabilityzone", r.AvailabilityZone),
		Networks:             p.refs("network", r.Networks),
		Region:               p.ref("region", r.Region),
		VirtualNetwork:       p.ref("virtualnetwork", r.VirtualNetwork),
		Subnets:              p.refs("network", r.Subnets),
		Storage:              p.storage(r.Storage),
		TemporaryStorage:     p.storage(r.TemporaryStorage),
		UseLocalStorageCache: r.UseLocalStorageCaching,
		CustomProperties:     strPtr(r.CustomProperties),
	}
	switch {
	case len(m.Networks) > 0:
		m.DefaultNetwork = &m.Networks[0]
	case len(m.Subnets) > 0:
		m.DefaultNetwork = &m.Subnets[0]
	}
	return m
}

func resourcePoolRoutes() []*route {
	return []*route{
		newRoute(routeListPools, (*Server).listPools),
		newRoute(routeCreatePool, (*Server).createPool),
		newRoute(routeGetPool, (*Server).getPool),
		newRoute(routeUpdatePool, (*Server).updatePool),
		newRoute(routeDeletePool, (*Server).deletePool),
	}
}

// addPool adds a pool to a connection. Callers hold s.mu.
func (s *Server) addPool(h *hypervisor, r *poolRequest) *resourcePool {
	p := &resourcePool{ID: s.newUUID(), UID: s.hand().uid(), Name: strings.TrimSpace(r.Name), conn: h, req: *r}
	h.pools = append(h.pools, p)
	return p
}

// findPool finds a connection's pool, and answers 404 for either. Callers
// hold s.mu.
func (s *Server) findPool(c *call) (*hypervisor, *resourcePool, *reply) {
	h := s.findHypervisor(c.args[0])
	if h == nil {
		return nil, nil, notFound("Hypervisor", c.args[0])
	}
	p := findIdentified(h.pools, c.args[1])
	if p == nil {
		return nil, nil, notFound("HypervisorResourcePool", c.args[1])
	}
	return h, p, nil
}

// findResourcePool finds a pool of any connection by name, id or XDPath.
// Callers hold s.mu.
func (s *Server) findResourcePool(nameOrID string) *resourcePool {
	for _, h := range s.hand().hypervisors {
		for _, p := range h.pools {
			if strings.EqualFold(p.xdPath(), nameOrID) {
				return p
			}
		}
		if p := findIdentified(h.pools, nameOrID); p != nil {
			return p
		}
	}
	return nil
}

// livePool reports whether p and its connection still exist. Callers hold
// s.mu.
func (s *Server) livePool(p *resourcePool) bool {
	return slices.Contains(s.hand().hypervisors, p.conn) && slices.Contains(p.conn.pools, p)
}

func (s *Server) listPools(c *call) *reply {
	h := s.findHypervisor(c.args[0])
	if h == nil {
		return notFound("Hypervisor", c.args[0])
	}
	return listOrJob(s, c, "pools", "GetHypervisorResourcePools", func() []*resourcePool { return h.pools },
		func(p *resourcePool) any { return p.model() })
}

func (s *Server) getPool(c *call) *reply {
	_, p, rp := s.findPool(c)
	if rp != nil {
		return rp
	}
	return s.perform(c, jobSpec{typ: "GetHypervisorResourcePool", params: []NameValue{{Name: "Id", Value: p.ID}}},
		func(time.Time) result {
			if !s.livePool(p) {
				return result{failed: notFoundFailure("HypervisorResourcePool", p.ID)}
			}
			return result{status: http.StatusOK, body: p.model()}
		})
}

func (s *Server) createPool(c *call) *reply {
	h := s.findHypervisor(c.args[0])
	if h == nil {
		return notFound("Hypervisor", c.args[0])
	}
	var req poolRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	if rp := req.check(); rp != nil {
		return rp
	}
	if req.ConnectionType != h.ConnectionType {
		return badRequest("invalidArgument", fmt.Sprintf("ConnectionType '%s' is not the connection's type, %s", req.ConnectionType, h.ConnectionType),
			"name", "ConnectionType", "value", req.ConnectionType)
	}
	return s.perform(c, jobSpec{typ: "CreateHypervisorResourcePool", params: []NameValue{{Name: "Name", Value: req.Name}, {Name: "HypervisorConnection", Value: h.Name}}},
		func(time.Time) result {
			if !slices.Contains(s.hand().hypervisors, h) {
				return result{failed: notFoundFailure("Hypervisor", h.ID)}
			}
			if f := s.poolNameTaken(req.Name, nil); f != nil {
				return result{failed: f}
			}
			p := s.addPool(h, &req)
			return result{status: http.StatusCreated, body: p.model(), redirect: "/hypervisors/" + h.ID + "/resourcePools/" + p.ID}
		})
}

func (s *Server) deletePool(c *call) *reply {
	h, p, rp := s.findPool(c)
	if rp != nil {
		return rp
	}
	return s.perform(c, jobSpec{typ: "DeleteHypervisorResourcePool", params: []NameValue{{Name: "Id", Value: p.ID}, {Name: "Name", Value: p.Name}}},
		func(time.Time) result {
			if !s.livePool(p) {
				return result{failed: notFoundFailure("HypervisorResourcePool", p.ID)}
			}
			h.pools = slices.DeleteFunc(h.pools, func(x *resourcePool) bool { return x == p })
			return result{status: http.StatusNoContent}
		})
}

// poolNameTaken refuses name (trimmed, as stored) when a pool of any
// connection other than self has it. Callers hold s.mu.
func (s *Server) poolNameTaken(name string, self *resourcePool) *failure {
	if other := s.findResourcePool(name); other != nil && other != self {
		return duplicatePool(name)
	}
	return nil
}

// duplicatePool is a second pool of the same name.
func duplicatePool(name string) *failure {
	f := duplicateFailure("resource pool", name)
	f.code = "HostingUnitDuplicateObjectExists"
	return f
}

// storagePatch is HypervisorResourcePoolStorageRequestModel.
type storagePatch struct {
	StoragePath string `json:"StoragePath"`
	Superseded  *bool  `json:"Superseded"`
}

// storagePaths are the paths of the storage a patch keeps.
func storagePaths(patch []storagePatch) []string {
	out := []string{}
	for _, st := range patch {
		if st.Superseded == nil || !*st.Superseded {
			out = append(out, st.StoragePath)
		}
	}
	return out
}

// editPoolRequest is EditHypervisorResourcePoolRequestModel: a property
// that is absent is not changed.
type editPoolRequest struct {
	Name                   *string        `json:"Name"`
	ConnectionType         string         `json:"ConnectionType"`
	VMTagging              *bool          `json:"VmTagging"`
	Metadata               *[]NameValue   `json:"Metadata"`
	Storage                []storagePatch `json:"Storage"`
	TemporaryStorage       []storagePatch `json:"TemporaryStorage"`
	PersonalvDiskStorage   []storagePatch `json:"PersonalvDiskStorage"`
	CustomProperties       *string        `json:"CustomProperties"`
	UseLocalStorageCaching *bool          `json:"UseLocalStorageCaching"`
	Networks               []string       `json:"Networks"`
	StorageBalanceType     *string        `json:"StorageBalanceType"`
	Subnets                []string       `json:"Subnets"`
}

// applyTo changes r as the patch says, except the name.
func (e *editPoolRequest) applyTo(r *poolRequest) {
	if e.VMTagging != nil {
		r.VMTagging = e.VMTagging
	}
	if e.Metadata != nil {
		r.Metadata = *e.Metadata
	}
	if e.Storage != nil {
		r.Storage = storagePaths(e.Storage)
	}
	if e.TemporaryStorage != nil {
		r.TemporaryStorage = storagePaths(e.TemporaryStorage)
	}
	if e.PersonalvDiskStorage != nil {
		r.PersonalvDiskStorage = storagePaths(e.PersonalvDiskStorage)
	}
	if e.CustomProperties != nil {
		r.CustomProperties = *e.CustomProperties
	}
	if e.UseLocalStorageCaching != nil {
		r.UseLocalStorageCaching = e.UseLocalStorageCaching
	}
	if e.Networks != nil {
		r.Networks = e.Networks
	}
	if e.StorageBalanceType != nil {
		r.StorageBalanceType = *e.StorageBalanceType
	}
	if e.Subnets != nil {
		r.Subnets = e.Subnets
	}
}

func (s *Server) updatePool(c *call) *reply {
	var req editPoolRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	h, p, rp := s.findPool(c)
	if rp != nil {
		return rp
	}
	if rp := editRefused(h, req.ConnectionType, req.Name); rp != nil {
		return rp
	}
	return s.perform(c, jobSpec{typ: "UpdateHypervisorResourcePool", params: []NameValue{{Name: "Id", Value: p.ID}, {Name: "Name", Value: p.Name}}},
		func(time.Time) result {
			if !s.livePool(p) {
				return result{failed: notFoundFailure("HypervisorResourcePool", p.ID)}
			}
			if req.Name != nil {
				name := strings.TrimSpace(*req.Name)
				if f := s.poolNameTaken(name, p); f != nil {
					return result{failed: f}
				}
				p.Name = name
			}
			req.applyTo(&p.req)
			return result{status: http.StatusNoContent, redirect: "/hypervisors/" + h.ID + "/resourcePools/" + p.ID}
		})
}
