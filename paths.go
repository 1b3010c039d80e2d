package daas

import (
	"net/url"
	"strings"
)

// pathSegment checks a name or id given for what (for its error) and
// escapes it as one path segment of the API: "/" and "\" stay inside it,
// and "." and ".." are escaped too, so that no URL resolution drops them.
// An empty or blank name, or one with a control character, is an
// [*InputError].
func pathSegment(what, name string) (string, error) {
	if err := checkID(what, name); err != nil {
		return "", err
	}
	seg := url.PathEscape(name)
	if seg == "." || seg == ".." {
		seg = strings.ReplaceAll(seg, ".", "%2E")
	}
	return seg, nil
}

// checkID refuses an empty or blank id, or one with control characters.
func checkID(what, id string) error {
	if strings.TrimSpace(id) == "" {
		return inputErr(what, "empty")
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f {
			return inputErr(what, "%q has a control character", id)
		}
	}
	return nil
}
