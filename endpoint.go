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
// escaped) or an absolute URL on the API origin into a URL. An absolute URL on
// another origin is refused with ErrUntrustedLocation.
func (c *Client) resolve(ref string) (*url.URL, error) {
	if strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") {
		u, err := url.Parse(ref)
		if err != nil || u.Host == "" {
			return nil, inputErr("path", "malformed URL %q", truncate(ref, 200))
		}
		if !c.sameOrigin(u) {
			return nil, fmt.Errorf("%w: %s://%s", ErrUntrustedLocation, u.Scheme, u.Host)
		}
		return u, nil
	}
	for _, seg := range strings.Split(ref, "/") {
		if seg == ".." || seg == "." {
			return nil, inputErr("path", "%q has a dot segment", truncate(ref, 200))
		}
	}
	u, err := url.Parse(c.base.String() + "/" + strings.TrimLeft(ref, "/"))
	if err != nil {
		return nil, inputErr("path", "malformed %q", truncate(ref, 200))
	}
	return u, nil
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
		return nil, fmt.Errorf("%w: %q", ErrBadLocation, truncate(loc, 200))
	}
	u, err := url.Parse(loc)
	if err == nil && from != nil {
		u = from.ResolveReference(u)
	}
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: malformed %q", ErrBadLocation, truncate(loc, 200))
	case !u.IsAbs() || u.Host == "":
		return nil, fmt.Errorf("%w: %q is not an absolute URL", ErrBadLocation, truncate(loc, 200))
	case !strings.EqualFold(u.Scheme, "https") && !strings.EqualFold(u.Scheme, "http"):
		return nil, fmt.Errorf("%w: unsupported scheme in %q", ErrBadLocation, truncate(loc, 200))
	case u.User != nil:
		return nil, fmt.Errorf("%w: credentials in the Location", ErrBadLocation)
	case !c.sameOrigin(u):
		return nil, fmt.Errorf("%w: %s://%s", ErrUntrustedLocation, u.Scheme, truncate(u.Host, 200))
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			return nil, fmt.Errorf("%w: dot segment in %q", ErrBadLocation, truncate(loc, 200))
		}
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
		return "", fmt.Errorf("%w: %q is not a job of the API (%s/Jobs/{id})", ErrBadLocation, truncate(loc, 200), apiRootPath)
	}
	id, err := url.PathUnescape(path[len(prefix):])
	if err != nil || checkJobID(id) != nil {
		return "", fmt.Errorf("%w: malformed job id in %q", ErrBadLocation, truncate(loc, 200))
	}
	return id, nil
}
