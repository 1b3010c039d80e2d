package daas

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A TokenSource supplies bearer tokens for the Authorization header. The
// client asks for a token before every request attempt, so a source should
// cache its token and return it cheaply while it is valid.
//
// Implementations must be safe for concurrent use.
type TokenSource interface {
	Token(ctx context.Context) (Token, error)
}

// Token is a bearer token and the time it stops being valid. A zero Expiry
// means the token does not expire as far as the client knows.
//
// The token's value is never printed: String, GoString and LogValue redact
// it, so a Token can be logged or formatted with %+v safely.
type Token struct {
	Value  string
	Expiry time.Time
}

// String describes the token without its value.
func (t Token) String() string {
	if t.Expiry.IsZero() {
		return "daas.Token{Value:REDACTED}"
	}
	return "daas.Token{Value:REDACTED, Expiry:" + t.Expiry.UTC().Format(time.RFC3339) + "}"
}

// GoString is the %#v form; it redacts the value too.
func (t Token) GoString() string { return t.String() }

// LogValue redacts the token when it is logged through log/slog.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("value", "REDACTED"), slog.Time("expiry", t.Expiry))
}

// AuthError is a failure of the token endpoint, such as invalid_client for a
// wrong client id or secret. It matches [ErrUnauthorized] with [errors.Is]
// when the endpoint rejected the credentials.
type AuthError struct {
	StatusCode    int    // HTTP status of the token endpoint's answer
	Code          string // OAuth error code, such as invalid_client
	Description   string // OAuth error_description
	TransactionID string // X-Cws-TransactionId of the answer, if any
}

// Error returns a one-line description; it never contains the secret.
func (e *AuthError) Error() string {
	var b strings.Builder
	b.WriteString("daas: token request failed")
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	if c := oneLine(e.Code); c != "" {
		b.WriteString(": ")
		b.WriteString(c)
	}
	if d := oneLine(e.Description); d != "" {
		b.WriteString(": ")
		b.WriteString(d)
	}
	if e.TransactionID != "" {
		fmt.Fprintf(&b, " (transaction %s)", e.TransactionID)
	}
	return b.String()
}

// Is matches [ErrUnauthorized] when the credentials were rejected.
func (e *AuthError) Is(target error) bool {
	if target != ErrUnauthorized {
		return false
	}
	switch e.Code {
	case "invalid_client", "unauthorized_client", "invalid_grant":
		return true
	}
	return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
}

// staticToken is the source behind WithBearerToken.
type staticToken struct{ tok Token }

func (s staticToken) Token(context.Context) (Token, error) { return s.tok, nil }
func (s staticToken) String() string                       { return "daas.staticToken{REDACTED}" }
func (s staticToken) GoString() string                     { return s.String() }

// secret holds a client secret; it never prints its value.
type secret string

func (secret) String() string   { return "REDACTED" }
func (secret) GoString() string { return "REDACTED" }

// maxTokenBody caps the token endpoint's answer.
const maxTokenBody = 64 << 10

// credentialsSource fetches tokens with the OAuth2 client-credentials grant
// from the Citrix Cloud token endpoint, caches them, refreshes them ahead of
// expiry with one request in flight however many goroutines ask, and drops a
// token the API refused.
type credentialsSource struct {
	clientID string
	secret   secret
	tokenURL string
	send     func(ctx context.Context, req *http.Request) (*http.Response, error)
	now      func() time.Time

	mu     sync.Mutex
	cur    Token
	ahead  time.Duration // refresh when less than this is left
	flight flight[Token]
}

func (s *credentialsSource) String() string {
	return "daas.clientCredentials{ClientID:" + s.clientID + ", Secret:REDACTED}"
}

func (s *credentialsSource) GoString() string { return s.String() }

// Token returns the cached token, or fetches a new one when none is cached or
// the cached one is close to expiry. When a refresh ahead of expiry fails, the
// still-valid cached token is returned.
func (s *credentialsSource) Token(ctx context.Context) (Token, error) {
	s.mu.Lock()
	cur, ahead := s.cur, s.ahead
	s.mu.Unlock()
	if cur.Value != "" && s.now().Before(cur.Expiry.Add(-ahead)) {
		return cur, nil
	}
	tok, err := s.flight.do(ctx, func(ctx context.Context) (Token, error) {
		now := s.now()
		tok, err := s.fetch(ctx)
		if err == nil {
			s.mu.Lock()
			s.cur, s.ahead = tok, min(time.Minute, tok.Expiry.Sub(now)/10)
			s.mu.Unlock()
		}
		return tok, err
	})
	if err == nil {
		return tok, nil
	}
	// The fetch failed: a token still valid (a refresh ahead of expiry
	// failed) serves until it expires.
	s.mu.Lock()
	cur = s.cur
	s.mu.Unlock()
	if cur.Value != "" && s.now().Before(cur.Expiry) {
		return cur, nil
	}
	return Token{}, err
}

// invalidate drops the cached token if it is still the one the API refused,
// so that the next Token call fetches a new one.
func (s *credentialsSource) invalidate(value string) {
	s.mu.Lock()
	if s.cur.Value == value {
		s.cur = Token{}
	}
	s.mu.Unlock()
}

// tokenResponse is the token endpoint's answer. expires_in is documented as
// a JSON string ("3600"); a number is accepted too.
type tokenResponse struct {
	AccessToken      string          `json:"access_token"`
	TokenType        string          `json:"token_type"`
	ExpiresIn        json.RawMessage `json:"expires_in"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

func (s *credentialsSource) fetch(ctx context.Context) (Token, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {s.clientID},
		"client_secret": {string(s.secret)},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return Token{}, fmt.Errorf("daas: token request: %w", redactURLError(err))
	}
	// The endpoint refuses a charset parameter on the form content type.
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	sent := s.now()
	resp, err := s.send(ctx, req)
	if err != nil {
		return Token{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody+1))
	if err != nil {
		return Token{}, fmt.Errorf("daas: token request: reading answer: %w", err)
	}
	txid := resp.Header.Get("X-Cws-TransactionId")
	if len(body) > maxTokenBody {
		return Token{}, &AuthError{StatusCode: resp.StatusCode, Description: "token answer larger than 64 KiB", TransactionID: txid}
	}
	tok, err := parseTokenResponse(resp.StatusCode, body, txid, sent)
	if ae := (*AuthError)(nil); errors.As(err, &ae) {
		// A token endpoint may echo the form back in its description.
		ae.Code, ae.Description = redact(ae.Code, string(s.secret)), redact(ae.Description, string(s.secret))
	}
	return tok, err
}

// parseTokenResponse turns the token endpoint's answer into a Token.
func parseTokenResponse(status int, body []byte, txid string, sent time.Time) (Token, error) {
	var tr tokenResponse
	jerr := json.Unmarshal(body, &tr)
	if status != http.StatusOK || tr.Error != "" {
		e := &AuthError{StatusCode: status, TransactionID: txid}
		if jerr == nil {
			e.Code, e.Description = tr.Error, tr.ErrorDescription
		}
		return Token{}, e
	}
	if jerr != nil {
		return Token{}, &AuthError{StatusCode: status, Description: "token answer is not valid JSON", TransactionID: txid}
	}
	if tr.AccessToken == "" {
		return Token{}, &AuthError{StatusCode: status, Description: "token answer has no access_token", TransactionID: txid}
	}
	if strings.ContainsFunc(tr.AccessToken, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		// Not a token a header can carry (and never echoed: it may be one).
		return Token{}, &AuthError{StatusCode: status, Description: "token answer has a malformed access_token", TransactionID: txid}
	}
	secs, ok := parseExpiresIn(tr.ExpiresIn)
	if !ok {
		return Token{}, &AuthError{StatusCode: status, Description: "token answer has a missing or invalid expires_in", TransactionID: txid}
	}
	return Token{Value: tr.AccessToken, Expiry: sent.Add(time.Duration(secs) * time.Second)}, nil
}

// parseExpiresIn accepts "3600" or 3600; it must be a positive whole number
// of seconds no larger than a year.
func parseExpiresIn(raw json.RawMessage) (int64, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return 0, false
		}
		s = n.String()
	}
	secs, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || secs <= 0 || secs > 366*24*3600 {
		return 0, false
	}
	return secs, true
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
