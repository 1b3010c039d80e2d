package daastest

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// The on-premises mode ([WithOnPremises]): a Delivery Controller of Citrix
// Virtual Apps and Desktops. Its token endpoint is POST
// /cvad/manage/Tokens with Basic authentication (the spec's
// Trust_ExchangeToken); its customer id is always CitrixOnPremises; the
// Citrix Cloud token endpoint does not exist there.

// OnPremisesCustomerID is the customer id (Citrix-CustomerId) of an
// on-premises site, the only one a server made [WithOnPremises] accepts.
const OnPremisesCustomerID = "CitrixOnPremises"

// OnPremisesUsername is the administrator a server made [WithOnPremises]
// accepts (in any case), with the random [Server.Password]. A controller
// takes DOMAIN\user or user@domain; the fake's is the latter, which a shell
// reads without quotes.
const OnPremisesUsername = "administrator@sim.local"

// routeOnPremToken is the route key of the on-premises token endpoint.
const routeOnPremToken = "POST /Tokens"

// WithOnPremises makes the server an on-premises Delivery Controller: it
// serves POST /cvad/manage/Tokens with Basic authentication as
// [OnPremisesUsername] and [Server.Password] (a wrong or missing one gets
// the spec's 401), answers with the spec's {Token, Principal, UserId,
// CustomerId, ExpiresAt}, and expects Citrix-CustomerId CitrixOnPremises on
// every call. It serves HTTPS, as a controller does ([WithTLS]);
// [Server.Client] authenticates with
// daas.WithOnPremisesCredentials. The Citrix Cloud token endpoint answers
// 404. Its route key is "POST /Tokens" (for [Server.Count] and [Fault]).
func WithOnPremises() Option {
	return func(c *config) { c.onprem = true }
}

// handleOnPremToken serves POST /cvad/manage/Tokens.
func (s *Server) handleOnPremToken(r *http.Request) *reply {
	user, pass, ok := basicAuth(r.Header.Get("Authorization"))
	if !acceptsJSON(r.Header.Values("Accept")) {
		return errReply(http.StatusNotAcceptable, "notAcceptable", "Must accept application/json media type", "contentType", "application/json")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advanceLocked()
	switch {
	case !ok:
		return unauthorized("missing")
	case !strings.EqualFold(user, s.Username) || pass != s.Password:
		return unauthorized("invalid")
	}
	tok := s.mintLocked(s.Username, now)
	rp := jsonReply(http.StatusOK, struct {
		Token      string
		Principal  string
		UserID     string `json:"UserId"`
		CustomerID string `json:"CustomerId"`
		ExpiresAt  string
	}{tok, s.Username, s.userID, s.CustomerID, now.Add(s.cfg.tokenLife).UTC().Format("2006-01-02T15:04:05.0000000Z")})
	// The controller's clock: ExpiresAt less Date is the token's lifetime,
	// in service time.
	rp.header = http.Header{"Date": {now.UTC().Format(http.TimeFormat)}}
	return rp
}

// basicAuth reads "Basic base64(user:password)".
func basicAuth(v string) (user, pass string, ok bool) {
	scheme, enc, found := strings.Cut(strings.TrimSpace(v), " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(raw), ":")
}

// matchOnPremises routes the requests that differ on-premises: the token
// endpoint under the API root, and no Citrix Cloud token endpoint.
func (s *Server) matchOnPremises(r *http.Request, key string, unmatched *reply) (string, *reply) {
	if !s.cfg.onprem {
		return key, unmatched
	}
	if key == routeToken {
		return "", notFoundPath(r)
	}
	segs, ok := splitPath(r.URL.EscapedPath())
	is := strings.EqualFold
	if !ok || len(segs) != 3 || !is(segs[0], "cvad") || !is(segs[1], "manage") || !is(segs[2], "tokens") {
		return key, unmatched
	}
	if r.Method != http.MethodPost {
		return "", methodNotAllowed(r, []string{http.MethodPost})
	}
	return routeOnPremToken, nil
}
