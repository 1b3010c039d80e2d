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
