package daas

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode"
)

// apiRootPath ends the path of every base URL.
const apiRootPath = "/cvad/manage"

// isCloudAPIHost reports whether u is the API host of a Citrix Cloud region,
// whose token hosts the regions name.
func isCloudAPIHost(u *url.URL) bool {
	if u.Scheme != "https" || (u.Port() != "" && u.Port() != "443") {
		return false
	}
	for _, r := range []Region{RegionUS, RegionEU, RegionAPS, RegionJP} {
		api, _, _ := r.hosts()
		if strings.EqualFold(u.Hostname(), api) {
			return true
		}
	}
	return false
}

// checkBaseURL checks an API root: parseEndpoint's rules and a path that
// ends in /cvad/manage. It returns the URL without a trailing slash; a
// refused URL is an *InputError that names it by scheme, host and path.
func checkBaseURL(raw string) (*url.URL, error) {
	base, err := parseEndpoint(raw)
	if err != nil {
		return nil, inputErr("WithBaseURL", "%v", err)
	}
	base.Path = strings.TrimRight(base.Path, "/")
	base.RawPath = strings.TrimRight(base.RawPath, "/")
	if !strings.HasSuffix(strings.ToLower(base.Path), apiRootPath) {
		return nil, inputErr("WithBaseURL", "base URL %q: the path must end in %s (the API root)", echoURL(base), apiRootPath)
	}
	return base, nil
}

// echoURL is a URL as an error may show it: scheme, host and path, never
// its user information, query or fragment, which may hold a secret.
func echoURL(u *url.URL) string {
	e := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	return e.String()
}

// parseEndpoint checks a configured URL: absolute, https (or http on a
// loopback host), no credentials, query or fragment.
func parseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, errors.New("malformed URL")
	}
	switch {
	case u.Scheme == "" || u.Host == "":
		// Not echoed: "user:password@host/path" parses as a relative URL.
		return nil, errors.New("URL is not absolute (want https://host/path)")
	case u.User != nil:
		return nil, fmt.Errorf("URL %q must not carry credentials", echoURL(u))
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("URL %q must not have a query or fragment", echoURL(u))
	case u.Scheme == "https":
	case u.Scheme == "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("URL %q: plain http is allowed only for loopback hosts, not %q", echoURL(u), u.Hostname())
		}
	default:
		return nil, fmt.Errorf("unsupported scheme %q", u.Scheme)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameOrigin reports whether u has the scheme, host and port of the API root.
func (c *Client) sameOrigin(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, c.base.Scheme) &&
		strings.EqualFold(u.Hostname(), c.base.Hostname()) &&
		effectivePort(u) == effectivePort(c.base)
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

// resolve turns a path relative to the API root ("MachineCatalogs/x", already
// escaped, perhaps with a query) or an absolute URL on the API origin into a
// URL. A path that [pathTrick] refuses is an [*InputError]; an absolute URL
// on another origin is refused with ErrUntrustedLocation.
func (c *Client) resolve(ref string) (*url.URL, error) {
	if strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") {
		u, err := url.Parse(ref)
		if err != nil || u.Host == "" {
			return nil, inputErr("path", "malformed URL %q", echoRef(ref))
		}
		if !c.sameOrigin(u) {
			return nil, fmt.Errorf("%w: %s://%s", ErrUntrustedLocation, u.Scheme, u.Host)
		}
		if why := pathTrick(u.EscapedPath(), false); why != "" {
			return nil, inputErr("path", "%q %s", echoRef(ref), why)
		}
		return u, nil
	}
	path, _, _ := strings.Cut(ref, "?")
	if why := pathTrick(path, false); why != "" {
		return nil, inputErr("path", "%q %s", echoRef(ref), why)
	}
	u, err := url.Parse(c.base.String() + "/" + strings.TrimLeft(ref, "/"))
	if err != nil {
		return nil, inputErr("path", "malformed %q", echoRef(ref))
	}
	return u, nil
}

// pathTrick is the one check of a path that could name something other
// than it seems once a server unescapes it, as often as a server may: p is
// a path relative to the API root as a caller gives it (segments escaped,
// no query), or, with segment set, one path argument of a typed method as
// the caller gave it, before escaping. It returns why p is refused, or ""
// for a plain path:
//   - a dot segment ("." or ".."), with "/" or "\" as the separator, as it
//     is or escaped once or more (%2e%2e, %252E%252E), in any case;
//   - in a path, a backslash as it is, which is no URL text.
//
// An escaped backslash that makes no dot segment is a name, not a
// separator (the spec's Admin/Administrators/{name} takes
// "domain\username"), and a "." inside a name ("v1.2", "a..b") is plain.
func pathTrick(p string, segment bool) string {
	if !segment && strings.Contains(p, `\`) {
		return "has a backslash; escape it (%5C) if it is part of a name"
	}
	for {
		for _, piece := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
			if piece == "." || piece == ".." {
				return "has a dot segment (once unescaped); it could leave the API root"
			}
		}
		u, err := url.PathUnescape(p)
		if err != nil || u == p {
			return ""
		}
		p = u
	}
}

// echoRef is a URL or path that a caller or the service gave, as an error
// may show it: its scheme, host and path (see [echoURL]), never its user
// information, query or fragment, at most 200 bytes. It works on text that
// does not parse, too.
func echoRef(s string) string {
	s, _, _ = strings.Cut(s, "?")
	s, _, _ = strings.Cut(s, "#")
	if i := strings.Index(s, "//"); i >= 0 && !strings.Contains(s[:i], "/") {
		authority, path, slash := strings.Cut(s[i+2:], "/")
		if at := strings.LastIndex(authority, "@"); at >= 0 {
			authority = authority[at+1:]
		}
		s = s[:i+2] + authority
		if slash {
			s += "/" + path
		}
	}
	return truncate(s, 200)
}

// checkLocation is the one check of a Location the service sends: the 202
// of an async call or of a batch item (through [Client.jobLocation]) and
// the 303 of a job's results or of a raw call. from, when non-nil, is the
// URL the answer came from, against which a relative Location (a 303's) is
// resolved; with from nil the Location must be absolute. The target must
// be http or https without credentials or dot segments (else
// [ErrBadLocation]) on the API's origin (else [ErrUntrustedLocation]), so
// that no credential is sent anywhere else.
func (c *Client) checkLocation(from *url.URL, loc string) (*url.URL, error) {
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return nil, fmt.Errorf("%w: no Location header", ErrBadLocation)
	}
	if strings.ContainsFunc(loc, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return nil, fmt.Errorf("%w: %q", ErrBadLocation, echoRef(loc))
	}
	u, err := url.Parse(loc)
	if err == nil && from != nil {
		u = from.ResolveReference(u)
	}
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: malformed %q", ErrBadLocation, echoRef(loc))
	case !u.IsAbs() || u.Host == "":
		return nil, fmt.Errorf("%w: %q is not an absolute URL", ErrBadLocation, echoRef(loc))
	case !strings.EqualFold(u.Scheme, "https") && !strings.EqualFold(u.Scheme, "http"):
		return nil, fmt.Errorf("%w: unsupported scheme in %q", ErrBadLocation, echoRef(loc))
	case u.User != nil:
		return nil, fmt.Errorf("%w: credentials in the Location", ErrBadLocation)
	case !c.sameOrigin(u):
		return nil, fmt.Errorf("%w: %s://%s", ErrUntrustedLocation, u.Scheme, truncate(u.Host, 200))
	}
	if why := pathTrick(u.EscapedPath(), false); why != "" {
		return nil, fmt.Errorf("%w: %q %s", ErrBadLocation, echoRef(loc), why)
	}
	return u, nil
}

// jobLocation checks the absolute Location of a job (a 202's, a batch
// item's) and returns the job's id: the URL must be {API root}/Jobs/{id} on
// the API's origin, with one plain segment for the id (a trailing slash is
// allowed). /Jobs/, /Jobs/{id}/Results or any other path is
// [ErrBadLocation].
func (c *Client) jobLocation(loc string) (string, error) {
	u, err := c.checkLocation(nil, loc)
	if err != nil {
		return "", err
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	prefix := c.base.EscapedPath() + "/Jobs/"
	if len(path) <= len(prefix) || !strings.EqualFold(path[:len(prefix)], prefix) || strings.Contains(path[len(prefix):], "/") {
		return "", fmt.Errorf("%w: %q is not a job of the API (%s/Jobs/{id})", ErrBadLocation, echoRef(loc), apiRootPath)
	}
	id, err := url.PathUnescape(path[len(prefix):])
	if err != nil || checkJobID(id) != nil {
		return "", fmt.Errorf("%w: malformed job id in %q", ErrBadLocation, echoRef(loc))
	}
	return id, nil
}
