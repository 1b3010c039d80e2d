package daastest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// This file models image versions by hand, under their definition
// (/ImageDefinitions/{nameOrId}/ImageVersions…) and by id
// (/ImageVersions/{id}): list, get, create and delete. Creating one as a
// job (type CreateImageVersion, a long job whose progress rises as jobs'
// do) lists the version at once with ImageVersionStatus InProgress; when
// the job completes it is Success, and when the job fails or is canceled
// it stays listed as Failed, with the job's error in its spec's Errors, as
// the service leaves it ([Server.FailImageVersions] makes versions fail).
// A synchronous create prepares the image at once. Deleting is a job of
// type DeleteImageVersion whose results are the version as it was; a
// version still InProgress cannot be deleted (409). Where the spec is
// silent: a version's ResourcePool is a pool's name, id or XDPath, and must
// exist (404 otherwise); numbers start at 1 and are never reused.

// Route keys of the image versions.
const (
	routeListImageVersions     = "GET /ImageDefinitions/{nameOrId}/ImageVersions"
	routeCreateImageVersion    = "POST /ImageDefinitions/{nameOrId}/ImageVersions"
	routeGetDefinitionVersion  = "GET /ImageDefinitions/{nameOrId}/ImageVersions/{versionNumberOrId}"
	routeDeleteDefinitionVer   = "DELETE /ImageDefinitions/{nameOrId}/ImageVersions/{versionNumberOrId}"
	routeGetImageVersion       = "GET /ImageVersions/{id}"
	routeDeleteImageVersion    = "DELETE /ImageVersions/{id}"
	imageVersionStatusProgress = "InProgress"
	imageVersionStatusSuccess  = "Success"
	imageVersionStatusFailed   = "Failed"
)

// imageVersion is one version of an image definition.
type imageVersion struct {
	ID          string
	UID         int
	Number      int
	def         *imageDefinition
	Description string
	MasterImage string
	pool        *resourcePool
	Created     time.Time
	catalogs    []*Catalog // the catalogs created from it
	job         *job       // the CreateImageVersion job; nil for a synchronous create
	status      string     // "" while job decides it
	errText     string
}

func (v *imageVersion) ident() (string, int, string) { return v.ID, v.UID, strconv.Itoa(v.Number) }

// state is the version's ImageVersionStatus, settled from its job once the
// job has ended.
func (v *imageVersion) state() string {
	if v.status != "" || v.job == nil {
		return v.status
	}
	switch {
	case !v.job.done:
		return imageVersionStatusProgress
	case v.job.succeeded():
		v.status = imageVersionStatusSuccess
	default:
		v.status = imageVersionStatusFailed
		v.errText = cmp.Or(v.job.errString, "The job creating the image version ended "+v.job.status+".")
	}
	return v.status
}

// imageVersionModel is ImageVersionResponseModel.
type imageVersionModel struct {
	ID                      string             `json:"Id"`
	Number                  int                `json:"Number"`
	CreationTime            string             `json:"CreationTime"`
	Description             *string            `json:"Description"`
	ImageVersionStatus      string             `json:"ImageVersionStatus"`
	ImageDefinition         refModel           `json:"ImageDefinition"`
	ImageVersionSpecs       []imageVersionSpec `json:"ImageVersionSpecs"`
	ProvisioningSchemeCount int                `json:"ProvisioningSchemeCount"`
}

// imageVersionSpec is ImageVersionSpecResponseModel, with the properties
// the fake fills.
type imageVersionSpec struct {
	ID                     string       `json:"Id"`
	CreationTime           string       `json:"CreationTime"`
	Errors                 []string     `json:"Errors"`
	ImageVersionSpecStatus string       `json:"ImageVersionSpecStatus"`
	MasterImage            *resourceRef `json:"MasterImage"`
	PreparationType        string       `json:"PreparationType"`
	ResourcePool           *poolRef     `json:"ResourcePool"`
}

// poolRef is HypervisorResourcePoolRefResponseModel.
type poolRef struct {
	ID               string   `json:"Id"`
	Name             string   `json:"Name"`
	XDPath           string   `json:"XDPath"`
	FullRelativePath string   `json:"FullRelativePath"`
	Hypervisor       refModel `json:"Hypervisor"`
}

func (v *imageVersion) model() imageVersionModel {
	// v.catalogs is kept current by usedBy, which every reader of a
	// version calls first (findImageVersion, listImageVersions).
	status := v.state()
	spec := imageVersionSpec{
		ID: v.ID, CreationTime: formatTime(v.Created), Errors: []string{}, ImageVersionSpecStatus: status,
		PreparationType: "Mcs", MasterImage: v.pool.ref("vm", v.MasterImage),
		ResourcePool: &poolRef{ID: v.pool.ID, Name: v.pool.Name, XDPath: v.pool.xdPath(), FullRelativePath: v.pool.Name,
			Hypervisor: refModel{ID: v.pool.conn.ID, UID: v.pool.conn.UID, Name: v.pool.conn.Name}},
	}
	if status == imageVersionStatusFailed {
		spec.Errors = []string{v.errText}
	}
	return imageVersionModel{
		ID: v.ID, Number: v.Number, CreationTime: formatTime(v.Created), Description: strPtr(v.Description),
		ImageVersionStatus: status, ImageDefinition: refModel{ID: v.def.ID, UID: v.def.UID, Name: v.def.Name},
		ImageVersionSpecs: []imageVersionSpec{spec}, ProvisioningSchemeCount: len(v.catalogs),
	}
}

// usedBy drops the catalogs of v that are gone and returns the rest.
// Callers hold s.mu.
func (s *Server) usedBy(v *imageVersion) []*Catalog {
	v.catalogs = slices.DeleteFunc(v.catalogs, func(c *Catalog) bool { return !slices.Contains(s.catalogs, c) })
	return v.catalogs
}

// assignImageVersion records that cat was created from the image version
// its ProvisioningScheme's AssignImageVersionToProvisioningScheme names,
// and returns that version (nil for none). Callers hold s.mu.
func (s *Server) assignImageVersion(cat *Catalog, scheme json.RawMessage) *imageVersion {
	v, rp := s.namedImageVersion(scheme)
	if v == nil || rp != nil {
		return nil
	}
	v.catalogs = append(v.catalogs, cat)
	return v
}

// namedImageVersion is the image version a body's
// AssignImageVersionToProvisioningScheme names: nil without one, the
// service's 404 when it names none that exists. Callers hold s.mu.
func (s *Server) namedImageVersion(body json.RawMessage) (*imageVersion, *reply) {
	var ps struct {
		Assign *struct {
			ImageDefinition string `json:"ImageDefinition"`
			ImageVersion    string `json:"ImageVersion"`
		} `json:"AssignImageVersionToProvisioningScheme"`
	}
	if json.Unmarshal(body, &ps) != nil || ps.Assign == nil {
		return nil, nil
	}
	return s.findImageVersion(ps.Assign.ImageDefinition, ps.Assign.ImageVersion)
}

func imageVersionRoutes() []*route {
	return []*route{
		newRoute(routeListImageVersions, (*Server).listImageVersions),
		newRoute(routeCreateImageVersion, (*Server).createImageVersion),
		newRoute(routeGetDefinitionVersion, func(s *Server, c *call) *reply { return s.getImageVersion(c, c.args[0], c.args[1]) }),
		newRoute(routeDeleteDefinitionVer, func(s *Server, c *call) *reply { return s.deleteImageVersion(c, c.args[0], c.args[1]) }),
		newRoute(routeGetImageVersion, func(s *Server, c *call) *reply { return s.getImageVersion(c, "", c.args[0]) }),
		newRoute(routeDeleteImageVersion, func(s *Server, c *call) *reply { return s.deleteImageVersion(c, "", c.args[0]) }),
	}
}

// findImageVersion finds a version by number or id in a definition, or by
// id in any ("" definition). Callers hold s.mu.
func (s *Server) findImageVersion(definition, numberOrID string) (*imageVersion, *reply) {
	defs := s.hand().images
	if definition != "" {
		d := s.findImageDefinition(definition)
		if d == nil {
			return nil, notFound("ImageDefinition", definition)
		}
		defs = []*imageDefinition{d}
	}
	for _, d := range defs {
		if v := findIdentified(d.versions, numberOrID); v != nil {
			s.usedBy(v)
			return v, nil
		}
	}
	return nil, notFound("ImageVersion", numberOrID)
}

func (s *Server) listImageVersions(c *call) *reply {
	d := s.findImageDefinition(c.args[0])
	if d == nil {
		return notFound("ImageDefinition", c.args[0])
	}
	return listOrJob(s, c, "imageversions", "", func() []*imageVersion { return d.versions },
		func(v *imageVersion) any { s.usedBy(v); return v.model() })
}

func (s *Server) getImageVersion(c *call, definition, numberOrID string) *reply {
	v, rp := s.findImageVersion(definition, numberOrID)
	if rp != nil {
		return rp
	}
	return jsonReply(http.StatusOK, v.model())
}

// createImageVersionRequest is CreateImageVersionRequestModel; its
// ImageScheme is accepted and not modelled.
type createImageVersionRequest struct {
	Description     string `json:"Description"`
	MasterImagePath string `json:"MasterImagePath"`
	ResourcePool    string `json:"ResourcePool"`
}

func (s *Server) createImageVersion(c *call) *reply {
	async, rp := queryBool(c.query, "async")
	if rp != nil {
		return rp
	}
	d := s.findImageDefinition(c.args[0])
	if d == nil {
		return notFound("ImageDefinition", c.args[0])
	}
	var req createImageVersionRequest
	if rp := decodeIgnoring(c.body, &req, "ImageScheme"); rp != nil {
		return rp
	}
	for _, p := range [][2]string{{"MasterImagePath", req.MasterImagePath}, {"ResourcePool", req.ResourcePool}} {
		if rp := required(p[0], p[1]); rp != nil {
			return rp
		}
	}
	pool := s.findResourcePool(req.ResourcePool)
	if pool == nil {
		return notFound("HypervisorResourcePool", req.ResourcePool)
	}
	st := s.hand()
	d.lastNumber++
	v := &imageVersion{ID: s.newUUID(), UID: st.uid(), Number: d.lastNumber, def: d, Description: req.Description,
		MasterImage: req.MasterImagePath, pool: pool, Created: c.now}
	fail := d.failVersions
	d.versions = append(d.versions, v)
	if !async {
		if fail != "" {
			v.status, v.errText = imageVersionStatusFailed, fail
			return errReply(http.StatusBadRequest, "imagePreparationFailed", "Preparing the image failed: "+fail, "id", v.ID)
		}
		v.status = imageVersionStatusSuccess
		return jsonReply(http.StatusOK, v.model())
	}
	v.job = s.newJob(c.caller, c.now, jobSpec{
		typ:    "CreateImageVersion",
		params: []NameValue{{Name: "ImageDefinition", Value: d.Name}, {Name: "ImageVersion", Value: v.ID}},
		apply: func(j *job) {
			j.resourceID = v.ID
			if fail != "" {
				j.fail("UnknownError", "Preparing the image failed: "+fail)
				return
			}
			j.redirect = apiRoot + "/ImageDefinitions/" + d.ID + "/ImageVersions/" + v.ID
		},
	})
	return accepted(c.caller, v.job)
}

func (s *Server) deleteImageVersion(c *call, definition, numberOrID string) *reply {
	if _, rp := queryBool(c.query, "purgeDBOnly"); rp != nil {
		return rp
	}
	v, rp := s.findImageVersion(definition, numberOrID)
	if rp != nil {
		return rp
	}
	if v.state() == imageVersionStatusProgress {
		return conflict(fmt.Sprintf("Image version %d of '%s' is still being created", v.Number, v.def.Name), "id", v.ID)
	}
	if used := s.usedBy(v); len(used) > 0 {
		return conflict(fmt.Sprintf("Image version %d of '%s' is used by the machine catalog '%s'", v.Number, v.def.Name, used[0].fullName()), "id", v.ID)
	}
	return s.perform(c, jobSpec{typ: "DeleteImageVersion", params: []NameValue{{Name: "ImageVersion", Value: v.ID}}},
		func(time.Time) result {
			d := v.def
			if !slices.Contains(d.versions, v) {
				return result{failed: notFoundFailure("ImageVersion", v.ID)}
			}
			d.versions = slices.DeleteFunc(d.versions, func(x *imageVersion) bool { return x == v })
			return result{status: http.StatusNoContent, body: v.model()}
		})
}
