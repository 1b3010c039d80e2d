package daastest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"
)

// This file models admin folders by hand: list (also as a job,
// GetAdminFolders), get, create, update and delete (also as jobs:
// CreateAdminFolder, UpdateAdminFolder, DeleteAdminFolder) and the machine
// catalogs of a folder (also as a job, GetAdminFolderMachineCatalogs).
// The folders are those catalogs and delivery groups name, as the fake
// always had them. Moving a folder (PATCH Parent) or renaming it (PATCH
// Name) moves its subfolders, catalogs and delivery groups with it: their
// FullName changes; a catalog or group moves between folders with its own
// PATCH AdminFolder. A folder that holds anything cannot be deleted (409,
// ErrorCode ConstraintViolation). A create takes its parent from Path or
// from ParentId, which the spec makes exclusive: both is a 400. As the
// spec says, the folders of Path that do not exist are created with it
// (their names obey Name's rule: a / is a 400, and nothing is made), and
// Name may be left out (absent or null) when Path is given: the folder
// created is then Path's last folder. An unknown ParentId is a 404. Where
// the spec is silent: a Path that is a folder's id stands for its path; a
// create without Name whose Path exists already is a duplicate; the folder
// counts are those of its own items, not its subfolders'.

// Route keys of the admin folders.
const (
	routeListFolders    = "GET /AdminFolders"
	routeCreateFolder   = "POST /AdminFolders"
	routeGetFolder      = "GET /AdminFolders/{pathOrId}"
	routeUpdateFolder   = "PATCH /AdminFolders/{pathOrId}"
	routeDeleteFolder   = "DELETE /AdminFolders/{pathOrId}"
	routeFolderCatalogs = "GET /AdminFolders/{pathOrId}/MachineCatalogs"
)

// adminFolderModel is AdminFolderResponseModel.
type adminFolderModel struct {
	ID                     string      `json:"Id"`
	UID                    int         `json:"Uid"`
	Children               []refModel  `json:"Children"`
	Name                   string      `json:"Name"`
	Parent                 *refModel   `json:"Parent"`
	Path                   string      `json:"Path"`
	TotalApplications      int         `json:"TotalApplications"`
	TotalMachineCatalogs   int         `json:"TotalMachineCatalogs"`
	TotalApplicationGroups int         `json:"TotalApplicationGroups"`
	TotalDesktopGroups     int         `json:"TotalDesktopGroups"`
	Metadata               []NameValue `json:"Metadata"`
}

// folderPathOf is the canonical path (A\B) of a folder.
func folderPathOf(f *refModel) string { return strings.TrimSuffix(f.Name, `\`) }

// parentPath is the path of the folder that holds path, "" at the top.
func parentPath(path string) string {
	i := strings.LastIndex(path, `\`)
	if i < 0 {
		return ""
	}
	return path[:i]
}

func (s *Server) adminFolderModel(f *refModel) adminFolderModel {
	path := folderPathOf(f)
	m := adminFolderModel{
		ID: f.ID, UID: f.UID, Children: []refModel{}, Name: path[strings.LastIndex(path, `\`)+1:], Path: f.Name,
		Metadata: nonNil(s.hand().folderMeta[f]),
	}
	if p, ok := s.folders[strings.ToLower(parentPath(path))]; ok {
		m.Parent = &refModel{ID: p.ID, UID: p.UID, Name: p.Name}
	}
	for _, g := range s.sortedFolders() {
		if strings.EqualFold(parentPath(folderPathOf(g)), path) {
			m.Children = append(m.Children, refModel{ID: g.ID, UID: g.UID, Name: g.Name})
		}
	}
	for _, c := range s.catalogs {
		if strings.EqualFold(c.AdminFolder, path) {
			m.TotalMachineCatalogs++
		}
	}
	for _, g := range s.groups {
		if strings.EqualFold(g.AdminFolder, path) {
			m.TotalDesktopGroups++
		}
	}
	return m
}

// sortedFolders returns the folders in UID order. Callers hold s.mu.
func (s *Server) sortedFolders() []*refModel {
	return slices.SortedFunc(maps.Values(s.folders), func(a, b *refModel) int { return a.UID - b.UID })
}

func adminFolderRoutes() []*route {
	return []*route{
		newRoute(routeListFolders, func(s *Server, c *call) *reply {
			return listOrJob(s, c, "folders", "GetAdminFolders", s.sortedFolders, func(f *refModel) any { return s.adminFolderModel(f) })
		}),
		newRoute(routeCreateFolder, (*Server).createFolder),
		newRoute(routeGetFolder, func(s *Server, c *call) *reply {
			f := s.findFolder(c.args[0])
			if f == nil {
				return notFound("AdminFolder", c.args[0])
			}
			return jsonReply(http.StatusOK, s.adminFolderModel(f))
		}),
		newRoute(routeUpdateFolder, (*Server).updateFolder),
		newRoute(routeDeleteFolder, (*Server).deleteFolder),
		newRoute(routeFolderCatalogs, (*Server).folderCatalogs),
	}
}

// createFolderRequest is CreateAdminFolderRequestModel.
type createFolderRequest struct {
	Name              *string  `json:"Name"`
	Path              string   `json:"Path"`
	ParentID          string   `json:"ParentId"`
	ObjectIdentifiers []string `json:"ObjectIdentifiers"`
}

// folderNameProblem refuses a folder name with a separator in it.
func folderNameProblem(name string) *reply {
	if rp := required("Name", name); rp != nil {
		return rp
	}
	if strings.ContainsAny(name, `\|/`) {
		return badRequest("invalidString", "Name must not contain \\, | or /", "name", "Name", "value", name)
	}
	return nil
}

// folderUnder resolves a parent folder given by path or id ("" for the
// top). Callers hold s.mu.
func (s *Server) folderUnder(pathOrID string) (string, *reply) {
	if normalizeFolder(pathOrID) == "" {
		return "", nil
	}
	p := s.findFolder(pathOrID)
	if p == nil {
		return "", notFound("AdminFolder", pathOrID)
	}
	return folderPathOf(p), nil
}

func (s *Server) createFolder(c *call) *reply {
	var req createFolderRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	if req.ParentID != "" && req.Path != "" {
		return badRequest("invalidArgument", "Path and ParentId are exclusive: give one or the other, not both",
			"name", "ParentId", "value", req.ParentID)
	}
	var name string
	if req.Name != nil || normalizeFolder(req.Path) == "" { // Name may be left out only with Path
		name = strings.TrimSpace(deref(req.Name))
		if rp := folderNameProblem(name); rp != nil {
			return rp
		}
	}
	parent, rp := s.folderUnder(req.ParentID)
	if rp != nil {
		return rp
	}
	if req.Path != "" {
		parent = normalizeFolder(s.folderPath(req.Path))
		// Path's folders are made with it: their names obey Name's rule
		// (\ and | are Path's separators).
		if strings.Contains(parent, "/") {
			return badRequest("invalidString", "a folder name in Path must not contain /", "name", "Path", "value", req.Path)
		}
	}
	path := normalizeFolder(parent + `\` + name)
	return s.perform(c, jobSpec{typ: "CreateAdminFolder", params: []NameValue{{Name: "Path", Value: path}}},
		func(time.Time) result {
			if s.findFolder(path) != nil {
				return result{failed: duplicateFailure("folder", path)}
			}
			if req.ParentID != "" && s.findFolder(parent) == nil {
				return result{failed: notFoundFailure("AdminFolder", req.ParentID)}
			}
			f := s.makeFolders(path)
			return result{status: http.StatusCreated, body: s.adminFolderModel(f), redirect: "/AdminFolders/" + f.ID}
		})
}

// makeFolders returns the folder at path, creating it and each folder
// above it that does not exist, outermost first. Callers hold s.mu.
func (s *Server) makeFolders(path string) *refModel {
	parts := strings.Split(path, `\`)
	var f *refModel
	for i := range parts {
		f = s.folderRef(strings.Join(parts[:i+1], `\`))
	}
	return f
}

// editFolderRequest is EditAdminFolderRequestModel.
type editFolderRequest struct {
	Name     *string      `json:"Name"`
	Parent   *string      `json:"Parent"`
	Metadata *[]NameValue `json:"Metadata"`
}

func (s *Server) updateFolder(c *call) *reply {
	var req editFolderRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	f := s.findFolder(c.args[0])
	if f == nil {
		return notFound("AdminFolder", c.args[0])
	}
	old := folderPathOf(f)
	parent, name := parentPath(old), old[strings.LastIndex(old, `\`)+1:]
	if req.Name != nil {
		if name = strings.TrimSpace(*req.Name); folderNameProblem(name) != nil {
			return folderNameProblem(name)
		}
	}
	if req.Parent != nil {
		var rp *reply
		if parent, rp = s.folderUnder(*req.Parent); rp != nil {
			return rp
		}
	}
	path := strings.TrimPrefix(parent+`\`+name, `\`)
	if !strings.EqualFold(path, old) && hasFolderPrefix(path, old) {
		return badRequest("invalidArgument", fmt.Sprintf("Folder '%s' cannot move into itself", old), "name", "Parent", "value", parent)
	}
	return s.perform(c, jobSpec{typ: "UpdateAdminFolder", params: []NameValue{{Name: "Id", Value: f.ID}, {Name: "Path", Value: f.Name}}},
		func(time.Time) result {
			if s.folders[strings.ToLower(folderPathOf(f))] != f {
				return result{failed: notFoundFailure("AdminFolder", f.ID)}
			}
			if other := s.findFolder(path); other != nil && other != f {
				return result{failed: duplicateFailure("folder", path)}
			}
			s.moveFolder(folderPathOf(f), path)
			if req.Metadata != nil {
				s.hand().folderMeta[f] = *req.Metadata
			}
			return result{status: http.StatusOK, body: s.adminFolderModel(f), redirect: "/AdminFolders/" + f.ID}
		})
}

// hasFolderPrefix reports whether path is folder or inside it.
func hasFolderPrefix(path, folder string) bool {
	return strings.EqualFold(path, folder) || strings.HasPrefix(strings.ToLower(path), strings.ToLower(folder)+`\`)
}

// moveFolder moves the folder at path from (and its subfolders, catalogs
// and delivery groups) to path to. Callers hold s.mu.
func (s *Server) moveFolder(from, to string) {
	if from == to {
		return
	}
	moved := func(p string) string { return to + p[len(from):] }
	for key, f := range maps.Clone(s.folders) {
		if p := folderPathOf(f); hasFolderPrefix(p, from) {
			delete(s.folders, key)
			f.Name = moved(p) + `\`
			s.folders[strings.ToLower(moved(p))] = f
		}
	}
	for _, c := range s.catalogs {
		if hasFolderPrefix(c.AdminFolder, from) {
			c.AdminFolder = moved(c.AdminFolder)
		}
	}
	for _, g := range s.groups {
		if hasFolderPrefix(g.AdminFolder, from) {
			g.AdminFolder = moved(g.AdminFolder)
		}
	}
	if parent := parentPath(to); parent != "" {
		s.folderRef(parent)
	}
}

// folderInUse returns what keeps f from being deleted. Callers hold s.mu.
func (s *Server) folderInUse(f *refModel) *failure {
	m := s.adminFolderModel(f)
	if len(m.Children) == 0 && m.TotalMachineCatalogs == 0 && m.TotalDesktopGroups == 0 {
		return nil
	}
	return &failure{status: http.StatusConflict, kind: "invalidState", code: "ConstraintViolation",
		detail: fmt.Sprintf("Folder '%s' holds %d folders, %d machine catalogs and %d delivery groups", f.Name,
			len(m.Children), m.TotalMachineCatalogs, m.TotalDesktopGroups), params: []string{"id", f.ID}}
}

func (s *Server) deleteFolder(c *call) *reply {
	f := s.findFolder(c.args[0])
	if f == nil {
		return notFound("AdminFolder", c.args[0])
	}
	if fl := s.folderInUse(f); fl != nil {
		return fl.reply()
	}
	return s.perform(c, jobSpec{typ: "DeleteAdminFolder", params: []NameValue{{Name: "Id", Value: f.ID}, {Name: "Path", Value: f.Name}}},
		func(time.Time) result {
			key := strings.ToLower(folderPathOf(f))
			if s.folders[key] != f {
				return result{failed: notFoundFailure("AdminFolder", f.ID)}
			}
			if fl := s.folderInUse(f); fl != nil {
				return result{failed: fl}
			}
			delete(s.folders, key)
			delete(s.hand().folderMeta, f)
			return result{status: http.StatusNoContent, redirect: "/AdminFolders"}
		})
}

// folderCatalogs serves GET /AdminFolders/{pathOrId}/MachineCatalogs: the
// catalogs in the folder, as GET /MachineCatalogs?adminFolder= lists them.
func (s *Server) folderCatalogs(c *call) *reply {
	async, rp := queryBool(c.query, "async")
	if rp != nil {
		return rp
	}
	f := s.findFolder(c.args[0])
	if f == nil {
		return notFound("AdminFolder", c.args[0])
	}
	limit, after, rp := pageQuery(c.query, "catalogs")
	if rp != nil {
		return rp
	}
	fields, rp := queryFields(c.query, reflect.TypeFor[catalogModel]())
	if rp != nil {
		return rp
	}
	page := func(limit int) ([]json.RawMessage, int, bool) { return s.catalogPage(f, after, limit, fields) }
	if !async {
		return pagedReply("catalogs", page, limit)
	}
	return s.startJob(c.caller, c.now, jobSpec{typ: "GetAdminFolderMachineCatalogs", params: []NameValue{{Name: "PathOrId", Value: c.args[0]}},
		apply: s.listResults(c.query, limit, "catalogs", page)})
}
