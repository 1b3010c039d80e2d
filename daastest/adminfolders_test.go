package daastest_test

import (
	"net/http"
	"testing"
)

// TestAdminFolderCreateParentIDAndPath: the spec makes a create's Path and
// ParentId exclusive, so a create that gives both is refused (400), and
// each alone places the folder under the parent it names.
func TestAdminFolderCreateParentIDAndPath(t *testing.T) {
	f := newFixture(t)
	eu := f.want(http.StatusCreated, "POST", "/AdminFolders", `{"Name": "Europe", "ObjectIdentifiers": []}`)
	id := eu["Id"].(string)
	m := f.want(http.StatusBadRequest, "POST", "/AdminFolders",
		`{"Name": "Paris", "Path": "Europe", "ParentId": "`+id+`", "ObjectIdentifiers": []}`)
	eq(t, "refused property", errorBody(t, m, "invalidArgument")["name"], "ParentId")
	f.want(http.StatusNotFound, "GET", `/AdminFolders/Europe\Paris`, "")

	byID := f.want(http.StatusCreated, "POST", "/AdminFolders", `{"Name": "Paris", "ParentId": "`+id+`", "ObjectIdentifiers": []}`)
	eq(t, "by ParentId", byID["Path"], any(`Europe\Paris\`))
	byPath := f.want(http.StatusCreated, "POST", "/AdminFolders", `{"Name": "Lyon", "Path": "Europe", "ObjectIdentifiers": []}`)
	eq(t, "by Path", byPath["Path"], any(`Europe\Lyon\`))
}

// TestAdminFolderCreateAlongPath: as the spec says, a create makes the
// folders of Path that do not exist, and Name may be left out (absent or
// null) when Path is given, the folder made being Path's last one. Without
// Path, Name is required; an unknown ParentId is still a 404.
func TestAdminFolderCreateAlongPath(t *testing.T) {
	f := newFixture(t)
	tokyo := f.want(http.StatusCreated, "POST", "/AdminFolders", `{"Name": "Tokyo", "Path": "Asia\\Japan", "ObjectIdentifiers": []}`)
	eq(t, "path", tokyo["Path"], any(`Asia\Japan\Tokyo\`))
	japan := f.want(http.StatusOK, "GET", `/AdminFolders/Asia|Japan`, "")
	eq(t, "parent made", tokyo["Parent"].(map[string]any)["Id"], japan["Id"])
	asia := f.want(http.StatusOK, "GET", "/AdminFolders/Asia", "")
	eq(t, "grandparent made", japan["Parent"].(map[string]any)["Id"], asia["Id"])
	if asia["Uid"].(float64) >= japan["Uid"].(float64) || japan["Uid"].(float64) >= tokyo["Uid"].(float64) {
		t.Errorf("Uids %v, %v, %v: want the outermost folder made first", asia["Uid"], japan["Uid"], tokyo["Uid"])
	}

	peru := f.want(http.StatusCreated, "POST", "/AdminFolders", `{"Path": "Americas\\Peru", "ObjectIdentifiers": []}`)
	eq(t, "no Name", peru["Path"], any(`Americas\Peru\`))
	eq(t, "its name", peru["Name"], any("Peru"))
	kyoto := f.want(http.StatusCreated, "POST", "/AdminFolders", `{"Name": null, "Path": "Asia\\Japan\\Kyoto", "ObjectIdentifiers": []}`)
	eq(t, "null Name", kyoto["Path"], any(`Asia\Japan\Kyoto\`))
	f.want(http.StatusConflict, "POST", "/AdminFolders", `{"Path": "Asia\\Japan", "ObjectIdentifiers": []}`)

	m := f.want(http.StatusBadRequest, "POST", "/AdminFolders", `{"ObjectIdentifiers": []}`)
	eq(t, "Name without Path", errorBody(t, m, "missing")["name"], "Name")
	m = f.want(http.StatusBadRequest, "POST", "/AdminFolders", `{"ParentId": "`+asia["Id"].(string)+`", "ObjectIdentifiers": []}`)
	eq(t, "Name with ParentId", errorBody(t, m, "missing")["name"], "Name")
	m = f.want(http.StatusNotFound, "POST", "/AdminFolders", `{"Name": "Lima", "ParentId": "00000000-0000-0000-0000-000000000000", "ObjectIdentifiers": []}`)
	eq(t, "unknown ParentId", errorBody(t, m, "notFound")["entityType"], "AdminFolder")
}

// TestAdminFolderPathNamesChecked: the folders a create makes along Path
// obey Name's rule, so a Path with a / in a folder's name is refused
// (400) and makes no folder at all.
func TestAdminFolderPathNamesChecked(t *testing.T) {
	f := newFixture(t)
	m := f.want(http.StatusBadRequest, "POST", "/AdminFolders", `{"Name": "Paris", "Path": "Europe\\Ile/France", "ObjectIdentifiers": []}`)
	eq(t, "the property", errorBody(t, m, "invalidString")["name"], "Path")
	f.want(http.StatusNotFound, "GET", "/AdminFolders/Europe", "")
}
