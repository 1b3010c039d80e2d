package daastest

import (
	"crypto/rand"
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// tokenInfo is what a bearer token stands for.
type tokenInfo struct {
	clientID string
	expires  time.Time // service time
}

// tokenError is an OAuth 2 error body from the token endpoint.
func tokenError(code, description string) *reply {
	return jsonReply(http.StatusBadRequest, struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{code, description})
}

// handleToken serves POST /cctrustoauth2/{customerId}/tokens/clients.
func (s *Server) handleToken(r *http.Request, params []string, body []byte, tooLarge bool) *reply {
	mt, mtParams, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" || len(mtParams) != 0 {
		return tokenError("invalid_request",
			"Content-Type must be application/x-www-form-urlencoded, without a charset or other parameter.")
	}
	if tooLarge {
		return tokenError("invalid_request", "The request body is too large.")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return tokenError("invalid_request", "The request body is not a valid form.")
	}
	if gt := form.Get("grant_type"); gt != "client_credentials" {
		return tokenError("unsupported_grant_type", "grant_type must be client_credentials.")
	}
	id, secret := form.Get("client_id"), form.Get("client_secret")
	if id == "" || secret == "" {
		return tokenError("invalid_request", "client_id and client_secret are required.")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advanceLocked()
	want, known := s.clients[id]
	customer := params[0]
	if !known || want != secret || !(customer == s.CustomerID || strings.EqualFold(customer, "root")) {
		return tokenError("invalid_client", "Invalid client id or client secret.")
	}
	rp := jsonReply(http.StatusOK, tokenModel{
		TokenType:   "bearer",
		AccessToken: s.mintLocked(id, now),
		ExpiresIn:   strconv.Itoa(int(s.cfg.tokenLife / time.Second)),
	})
	rp.header = http.Header{
		"Cache-Control": {"no-store"},
		"Pragma":        {"no-cache"},
		"X-Cc-Localgeo": {"US"},
	}
	return rp
}

// IssueToken mints a bearer token for the default API client, valid for the
// token lifetime from now (service time), for clients configured with a
// static token. The token is the value after "CWSAuth bearer=".
func (s *Server) IssueToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mintLocked(s.ClientID, s.advanceLocked())
}

// ExpireTokens ends the life of every token issued so far, as their expiry
// would: requests that carry one are answered 401 from now on, while
// tokens issued later live their full lifetime.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advanceLocked()
	for tok, info := range s.tokens {
		if info.expires.After(now) {
			info.expires = now
			s.tokens[tok] = info
		}
	}
}

// mintLocked creates a token for clientID. Callers hold s.mu.
func (s *Server) mintLocked(clientID string, now time.Time) string {
	if len(s.tokens) >= 1024 { // a long-running simulator: drop dead tokens
		for t, info := range s.tokens {
			if !info.expires.After(now) {
				delete(s.tokens, t)
			}
		}
	}
	expires := now.Add(s.cfg.tokenLife)
	tok := s.jwtLocked(clientID, now, expires)
	s.tokens[tok] = tokenInfo{clientID: clientID, expires: now.Add(s.cfg.tokenLife)}
	s.stats.TokensIssued++
	return tok
}

// jwtHeader is the JOSE header of the fake's tokens: unsigned, since
// nothing verifies them; clients only read their claims (Citrix's own SDK
// reads exp).
const jwtHeader = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0" // {"alg":"none","typ":"JWT"}

// jwtLocked builds a JWT-shaped access token for clientID: header, claims
// (issuer, subject, customer, issued-at, expiry in service time and a random
// jti that makes every token unique) and an empty signature. Callers hold
// s.mu.
func (s *Server) jwtLocked(clientID string, now, expires time.Time) string {
	var id [16]byte
	_, _ = rand.Read(id[:])
	claims := marshal(struct {
		Issuer   string `json:"iss"`
		Subject  string `json:"sub"`
		Customer string `json:"ctx_cust_id"`
		IssuedAt int64  `json:"iat"`
		Expiry   int64  `json:"exp"`
		ID       string `json:"jti"`
	}{"daastest", clientID, s.CustomerID, now.Unix(), expires.Unix(), base64.RawURLEncoding.EncodeToString(id[:])})
	return jwtHeader + "." + base64.RawURLEncoding.EncodeToString(claims) + "."
}

// randomSecret returns a client secret: 32 random characters, safe in a
// shell without quotes.
func randomSecret() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// parseAuthorization returns the token of "CWSAuth bearer=<token>"; the
// scheme and the key match case-insensitively.
func parseAuthorization(v string) (string, bool) {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || !strings.EqualFold(scheme, "CWSAuth") {
		return "", false
	}
	key, tok, ok := strings.Cut(strings.TrimSpace(rest), "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(key), "bearer") || tok == "" {
		return "", false
	}
	return tok, true
}

// caller is who made an API request.
type caller struct {
	clientID string
	site     string // "" on routes that are not site-scoped
	origin   string // scheme://host for absolute Location headers
}

// checkRequest runs the checks the service makes on every /cvad/manage
// request, in its order: authentication, Citrix-CustomerId,
// Citrix-InstanceId (site-scoped routes), Accept, then the body's
// Content-Type and size. Callers hold s.mu.
func (s *Server) checkRequest(r *http.Request, rt *route, now time.Time, hasBody, tooLarge bool) (caller, *reply) {
	var c caller
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return c, unauthorized("missing")
	}
	tok, ok := parseAuthorization(auth)
	info, live := s.tokens[tok]
	if !ok || !live || !info.expires.After(now) {
		return c, unauthorized("invalid")
	}
	c.clientID = info.clientID

	switch cust := r.Header.Get("Citrix-CustomerId"); {
	case cust == "":
		return c, internalError()
	case cust != s.CustomerID:
		return c, forbidden()
	}

	if !rt.siteless {
		site := r.Header.Get("Citrix-InstanceId")
		if site == "" {
			return c, badRequest("missing", "The Citrix-InstanceId header is required", "name", "Citrix-InstanceId")
		}
		known := false
		for _, id := range s.sites {
			known = known || strings.EqualFold(id, site)
		}
		if !known {
			// Not a 404: most site-scoped operations list none.
			return c, badRequest("invalidString", "The site is not known to this customer", "name", "Citrix-InstanceId", "value", site)
		}
		c.site = site
	}

	if !acceptsJSON(r.Header.Values("Accept")) {
		return c, errReply(http.StatusNotAcceptable, "notAcceptable", "Must accept application/json media type", "contentType", "application/json")
	}

	if hasBody || tooLarge {
		if !isJSONContentType(r.Header.Get("Content-Type")) {
			return c, errReply(http.StatusUnsupportedMediaType, "unsupportedMediaType", "Must use application/json media type, in utf-8")
		}
	}
	if tooLarge {
		return c, errReply(http.StatusRequestEntityTooLarge, "tooLong",
			"The request body is larger than "+strconv.Itoa(MaxBodyBytes)+" bytes", "maxBytes", strconv.Itoa(MaxBodyBytes))
	}
	c.origin = requestOrigin(r)
	return c, nil
}

// acceptsJSON reports whether an Accept header admits the JSON the service
// writes: application/json (with or without charset=utf-8), application/*
// or */*, in a list or alone. A missing header is refused.
func acceptsJSON(values []string) bool {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			cs, hasCharset := params["charset"]
			if hasCharset && !strings.EqualFold(cs, "utf-8") {
				continue
			}
			if mt == "application/json" || mt == "application/*" || mt == "*/*" {
				return true
			}
		}
	}
	return false
}

// isJSONContentType reports whether a request's Content-Type is JSON the
// service reads: application/json, bare or with charset=utf-8 (any case).
// Another charset is refused.
func isJSONContentType(v string) bool {
	mt, params, err := mime.ParseMediaType(v)
	if err != nil || mt != "application/json" {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}
