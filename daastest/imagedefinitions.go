package daastest

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// This file models image definitions by hand: list, get, create (also as
// a job, type CreateImageDefinition, whose results are the definition)
// and delete (also as a job, type RemoveImageDefinition). A definition
// holds its image versions (imageversions.go). Where the spec is silent:
// deleting a definition deletes its versions; a definition's
// AssignedHypervisorConnection must name an existing hosting connection
// (404 otherwise).

// Route keys of the image definitions.
const (
	routeListImageDefinitions  = "GET /ImageDefinitions"
	routeCreateImageDefinition = "POST /ImageDefinitions"
	routeGetImageDefinition    = "GET /ImageDefinitions/{nameOrId}"
	routeDeleteImageDefinition = "DELETE /ImageDefinitions/{nameOrId}"
)

// imageDefinition is one image definition.
type imageDefinition struct {
	ID, Name       string
	UID            int
	Description    string
	OSType         string
	SessionSupport string
	Created        time.Time
	conn           *hypervisor // nil: none assigned
	versions       []*imageVersion
	lastNumber     int    // the Number of its latest version
	failVersions   string // FailImageVersions: the reason its new versions fail ("" for none)
}

func (d *imageDefinition) ident() (string, int, string) { return d.ID, d.UID, d.Name }

// imageDefinitionModel is ImageDefinitionResponseModel.
type imageDefinitionModel struct {
	ID                    string         `json:"Id"`
	Name                  string         `json:"Name"`
	CreationTime          string         `json:"CreationTime"`
	Description           *string        `json:"Description"`
	OSType                string         `json:"OsType"`
	LatestVersion         int            `json:"LatestVersion"`
	VDASessionSupport     string         `json:"VDASessionSupport"`
	HypervisorConnections []imageConnRef `json:"HypervisorConnections"`
}

// imageConnRef is ImageDefinitionHypervisorConnectionResponseModel.
type imageConnRef struct {
	ID   string `json:"Id"`
	UID  int    `json:"Uid"`
	Name string `json:"Name"`
}

func (d *imageDefinition) model() imageDefinitionModel {
	m := imageDefinitionModel{
		ID: d.ID, Name: d.Name, CreationTime: formatTime(d.Created), Description: strPtr(d.Description),
		OSType: d.OSType, LatestVersion: d.lastNumber, VDASessionSupport: d.SessionSupport,
		HypervisorConnections: []imageConnRef{},
	}
	if d.conn != nil {
		m.HypervisorConnections = append(m.HypervisorConnections, imageConnRef{ID: d.conn.ID, UID: d.conn.UID, Name: d.conn.Name})
	}
	return m
}

func imageDefinitionRoutes() []*route {
	return []*route{
		newRoute(routeListImageDefinitions, func(s *Server, c *call) *reply {
			return listOrJob(s, c, "imagedefinitions", "", func() []*imageDefinition { return s.hand().images },
				func(d *imageDefinition) any { return d.model() })
		}),
		newRoute(routeCreateImageDefinition, (*Server).createImageDefinition),
		newRoute(routeGetImageDefinition, (*Server).getImageDefinition),
		newRoute(routeDeleteImageDefinition, (*Server).deleteImageDefinition),
	}
}

// FailImageVersions makes every image version created from now on in the
// image definition named name fail: its job (CreateImageVersion) ends
// Failed with ErrorCode UnknownError and this reason, a synchronous create
// answers 400, and the version stays listed with ImageVersionStatus
// Failed until it is deleted, as on the service. [Server.NextJob] and
// [Server.JobsMatching] with a Failed or Canceled outcome leave a version
// failed the same way. An empty reason clears it. It reports whether there
// is such a definition.
func (s *Server) FailImageVersions(name, reason string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := findIdentified(s.hand().images, name)
	if d == nil {
		return false
	}
	d.failVersions = reason
	return true
}

func (s *Server) findImageDefinition(nameOrID string) *imageDefinition {
	return findIdentified(s.hand().images, nameOrID)
}

func (s *Server) getImageDefinition(c *call) *reply {
	d := s.findImageDefinition(c.args[0])
	if d == nil {
		return notFound("ImageDefinition", c.args[0])
	}
	return jsonReply(http.StatusOK, d.model())
}

// createImageDefinitionRequest is CreateImageDefinitionRequestModel.
type createImageDefinitionRequest struct {
	Name                         string `json:"Name"`
	Description                  string `json:"Description"`
	OSType                       string `json:"OsType"`
	VDASessionSupport            string `json:"VDASessionSupport"`
	AssignedHypervisorConnection *struct {
		HypervisorConnection string      `json:"HypervisorConnection"`
		CustomProperties     []NameValue `json:"CustomProperties"`
	} `json:"AssignedHypervisorConnection"`
}

func (s *Server) createImageDefinition(c *call) *reply {
	var req createImageDefinitionRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	if rp := required("Name", req.Name); rp != nil {
		return rp
	}
	osType, rp := oneOf("OsType", req.OSType, true, "Unknown", "Windows", "Linux")
	if rp != nil {
		return rp
	}
	support, rp := oneOf("VDASessionSupport", req.VDASessionSupport, true, "Unknown", "SingleSession", "MultiSession")
	if rp != nil {
		return rp
	}
	d := &imageDefinition{Name: strings.TrimSpace(req.Name), Description: req.Description, OSType: osType, SessionSupport: support}
	if a := req.AssignedHypervisorConnection; a != nil {
		if d.conn = s.findHypervisor(a.HypervisorConnection); d.conn == nil {
			return notFound("Hypervisor", a.HypervisorConnection)
		}
	}
	return s.perform(c, jobSpec{typ: "CreateImageDefinition", params: []NameValue{{Name: "Name", Value: d.Name}}},
		func(at time.Time) result {
			st := s.hand()
			if s.findImageDefinition(d.Name) != nil {
				return result{failed: duplicateFailure("image definition", d.Name)}
			}
			d.ID, d.UID, d.Created = s.newUUID(), st.uid(), at
			st.images = append(st.images, d)
			return result{status: http.StatusOK, body: d.model()}
		})
}

func (s *Server) deleteImageDefinition(c *call) *reply {
	d := s.findImageDefinition(c.args[0])
	if d == nil {
		return notFound("ImageDefinition", c.args[0])
	}
	return s.perform(c, jobSpec{typ: "RemoveImageDefinition", params: []NameValue{{Name: "Id", Value: d.ID}, {Name: "Name", Value: d.Name}}},
		func(time.Time) result {
			st := s.hand()
			if !slices.Contains(st.images, d) {
				return result{failed: notFoundFailure("ImageDefinition", d.ID)}
			}
			st.images = slices.DeleteFunc(st.images, func(x *imageDefinition) bool { return x == d })
			return result{status: http.StatusNoContent}
		})
}
