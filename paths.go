package daas

import (
	"net/url"
	"strings"
)

// pathSegment is the one check and escape of a path argument: param names
// it in the operation's path template ("catalog", "machine", "group", "id",
// or any other), value is what the caller gave. The value is escaped as one
// path segment of the API: "/" and "|" stay inside it. A machine's "\"
// (a SAM name, DOMAIN\NAME) is written "|", as the service wants it in
// every machine path. An empty or blank value, one with a control
// character, or one that [pathTrick] refuses (such as "..", "a/..",
// "a%2F.." or "..\x": a dot segment once a server splits or unescapes it)
// is an [*InputError].
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
	if why := pathTrick(value, true); why != "" {
		return "", inputErr(what, "%q %s", truncate(value, 200), why)
	}
	return url.PathEscape(value), nil
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

// folderPath turns an admin folder path as the API writes it
// ("Folder1\Folder2\") into the "|" form of catalog names ("Folder1|Folder2").
func folderPath(p string) string {
	p = strings.Trim(strings.TrimSpace(p), `\|`)
	return strings.ReplaceAll(p, `\`, "|")
}

func joinFolder(folder, name string) string {
	if folder == "" {
		return name
	}
	return folder + "|" + name
}

// isGUID reports whether s has the form of a GUID,
// 8-4-4-4-12 hexadecimal digits.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
