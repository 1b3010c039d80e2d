package daastest

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Request is one request the server received, as [Server.Requests] reports
// it. Secrets are redacted: the token or Basic credentials in
// Authorization, X-AdminCredential, X-AccessToken and Cookie headers,
// client_secret in token request bodies and credential properties
// (Password, SecretKey, …) in other bodies.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the unescaped path, from the origin ("/cvad/manage/Jobs/…").
	Path string
	// Route is the route key (see [Routes]); "" for a path the fake does
	// not know.
	Route string
	// Query is the parsed query string.
	Query url.Values
	// Header is a copy of the request headers, redacted.
	Header http.Header
	// Body is the request body (redacted; nil when it was larger than
	// [MaxBodyBytes]).
	Body []byte
	// Status is the status the client received, 0 when it received none
	// (the connection was reset, or the client gave up during latency).
	Status int
	// Faulted reports that an injected [Fault] hit the request.
	Faulted bool
	// Time is the service time at which the request arrived.
	Time time.Time
}

// Stats are the server's counters since it started or since
// [Server.ResetStats].
type Stats struct {
	// Requests counts every request, answered or not.
	Requests int
	// ByRoute counts requests by route key (see [Routes]); requests to
	// unknown paths are counted only in Requests.
	ByRoute map[string]int
	// ByStatus counts requests by the status the client received (0 for
	// none).
	ByStatus map[int]int
	// Faults counts requests an injected fault hit.
	Faults int
	// TokensIssued counts bearer tokens minted, by the token endpoint and
	// by [Server.IssueToken].
	TokensIssued int
	// JobsCreated counts async jobs started.
	JobsCreated int
	// JobsCanceled counts jobs that ended Canceled.
	JobsCanceled int
	// CatalogsCreated counts catalogs actually created (sync or when a job
	// completes), so a test can prove a request was not acted on twice.
	CatalogsCreated int
	// CatalogsUpdated counts catalogs actually updated.
	CatalogsUpdated int
	// CatalogsDeleted counts catalogs actually deleted.
	CatalogsDeleted int
	// MachinesAdded counts machines actually added to catalogs (by hand or
	// by MCS provisioning).
	MachinesAdded int
	// MachinesUpdated counts machine updates actually applied.
	MachinesUpdated int
	// MachinesDeleted counts machines actually removed.
	MachinesDeleted int
	// PowerActions counts power and session actions actually carried out.
	PowerActions int
}

// record adds a finished request to the log and the counters.
func (s *Server) record(rec *Request, status int, faulted bool) {
	rec.Status, rec.Faulted = status, faulted
	s.mu.Lock()
	s.stats.Requests++
	if rec.Route != "" {
		s.stats.ByRoute[rec.Route]++
	}
	s.stats.ByStatus[status]++
	if faulted {
		s.stats.Faults++
	}
	if limit := s.cfg.logLimit; limit > 0 {
		if len(s.log) < limit {
			s.log = append(s.log, *rec)
		} else {
			s.log[s.logAt] = *rec
			s.logAt = (s.logAt + 1) % limit
		}
	}
	s.mu.Unlock()
	if l := s.cfg.logger; l != nil {
		l.Info("request", "method", rec.Method, "path", rec.Path, "route", rec.Route, "status", status, "faulted", faulted)
	}
}

// Requests returns the most recent requests (at most the
// [WithRequestLogLimit]), oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, 0, len(s.log))
	out = append(out, s.log[s.logAt:]...)
	return append(out, s.log[:s.logAt]...)
}

// Count returns how many requests a route received, by route key, for
// example "GET /Jobs/{id}" (see [Routes]). It panics on an unknown key, so a
// typo cannot pass as a zero.
func (s *Server) Count(route string) int {
	if !s.knownRoute(route) {
		panic(fmt.Sprintf("daastest: Count: unknown route %q (known: %q)", route, s.routeKeys()))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.ByRoute[route]
}

// Stats returns a copy of the counters, after finishing every job whose end
// has come.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked()
	st := s.stats
	st.ByRoute = maps.Clone(s.stats.ByRoute)
	st.ByStatus = maps.Clone(s.stats.ByStatus)
	return st
}

// ResetStats zeroes the counters and empties the request log. Catalogs,
// jobs and tokens are kept.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked() // effects due before the reset are not counted after it
	s.stats = Stats{ByRoute: map[string]int{}, ByStatus: map[int]int{}}
	s.log, s.logAt = nil, 0
}

// redacted replaces secrets in logged requests.
const redacted = "REDACTED"

// redactHeader copies h, hiding credentials. The Authorization scheme stays
// visible ("CWSAuth bearer=REDACTED", "Basic REDACTED") so tests can check
// its form.
func redactHeader(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		return http.Header{}
	}
	for i, v := range out.Values("Authorization") {
		scheme, _, _ := strings.Cut(strings.TrimSpace(v), " ")
		if strings.EqualFold(scheme, "Basic") {
			// base64 ends in '=': nothing of it may stay.
			out["Authorization"][i] = scheme + " " + redacted
		} else if eq := strings.IndexByte(v, '='); eq >= 0 {
			out["Authorization"][i] = v[:eq+1] + redacted
		} else {
			out["Authorization"][i] = redacted
		}
	}
	for _, k := range []string{"X-Admincredential", "X-Accesstoken", "Cookie"} {
		if _, ok := out[k]; ok {
			out[k] = []string{redacted}
		}
	}
	return out
}

// redactBody hides client_secret in token request bodies and the secret
// headers of batch items.
func redactBody(route string, body []byte) []byte {
	if route == routeBatch && len(body) > 0 {
		return redactBatchBody(body)
	}
	if route != routeToken || len(body) == 0 {
		return redactCredentials(body)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return []byte(redacted)
	}
	if form.Has("client_secret") {
		form.Set("client_secret", redacted)
	}
	return []byte(form.Encode())
}
