package daas

import (
	"net/url"
	"strings"
)

// pathSegment is the one check and escape of a path argument: param names
// it in the operation's path template ("catalog", "machine", "group", "id",
// or any other), value is what the caller gave. The value is escaped as one
// path segment of the API: "/" and "|" stay inside it, and "." and ".."
// are escaped too, so that no URL resolution drops them. A machine's "\"
// (a SAM name, DOMAIN\NAME) is written "|", as the service wants it in
// every machine path. An empty or blank value, or one with a control
// character, is an [*InputError].
func pathSegment(param, value string) (string, error) {
	what := param
	switch param {
	case "catalog":
		what = "machine catalog name or id"
	case "machine":
		what = "machine name or id"
		value = strings.ReplaceAll(value, `\`, "|")
	case "group":
		what = "delivery group name or id"
	}
	if err := checkID(what, value); err != nil {
		return "", err
	}
	seg := url.PathEscape(value)
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
