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
// from the Citrix Cloud token endpoint; its tokenCache caches and refreshes
// them.
type credentialsSource struct {
	tokenCache
	clientID string
	secret   secret
	tokenURL string
	send     func(ctx context.Context, form []byte) (*http.Response, error)
}

func newCredentialsSource(clientID string, sec secret, tokenURL string, send func(context.Context, []byte) (*http.Response, error)) *credentialsSource {
	s := &credentialsSource{clientID: clientID, secret: sec, tokenURL: tokenURL, send: send}
	s.tokenCache = newTokenCache(s.request)
	return s
}

func (s *credentialsSource) String() string {
	return "daas.clientCredentials{ClientID:" + s.clientID + ", Secret:REDACTED}"
}

func (s *credentialsSource) GoString() string { return s.String() }

// tokenResponse is the token endpoint's answer. expires_in is documented as
// a JSON string ("3600"); a number is accepted too.
type tokenResponse struct {
	AccessToken      string          `json:"access_token"`
	TokenType        string          `json:"token_type"`
	ExpiresIn        json.RawMessage `json:"expires_in"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

// request asks the token endpoint for a token.
func (s *credentialsSource) request(ctx context.Context) (Token, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {s.clientID},
		"client_secret": {string(s.secret)},
	}
	sent := s.now()
	resp, err := s.send(ctx, []byte(form.Encode()))
	if err != nil {
		return Token{}, err
	}
	body, txid, err := readTokenAnswer(resp, "X-Cws-TransactionId")
	if err != nil {
		return Token{}, err
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
	if err := checkTokenValue(status, tr.AccessToken, "access_token", txid); err != nil {
		return Token{}, err
	}
	secs, ok := parseExpiresIn(tr.ExpiresIn)
	if !ok {
		return Token{}, &AuthError{StatusCode: status, Description: "token answer has a missing or invalid expires_in", TransactionID: txid}
	}
	return Token{Value: tr.AccessToken, Expiry: sent.Add(time.Duration(secs) * time.Second)}, nil
}

// readTokenAnswer reads and closes a token endpoint's answer, of at most
// maxTokenBody bytes, and returns it with its transaction id (the header
// txidHeader).
func readTokenAnswer(resp *http.Response, txidHeader string) (body []byte, txid string, err error) {
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxTokenBody+1))
	if err != nil {
		return nil, "", fmt.Errorf("daas: token request: reading answer: %w", err)
	}
	txid = resp.Header.Get(txidHeader)
	if len(body) > maxTokenBody {
		return nil, "", &AuthError{StatusCode: resp.StatusCode, Description: "token answer larger than 64 KiB", TransactionID: txid}
	}
	return body, txid, nil
}

// checkTokenValue refuses the token of an answer (its field named field)
// when it is missing or when a header cannot carry it as it is: printable
// ASCII without spaces. It is never echoed: it may be a token.
func checkTokenValue(status int, tok, field, txid string) error {
	switch {
	case tok == "":
		return &AuthError{StatusCode: status, Description: "token answer has no " + field, TransactionID: txid}
	case strings.ContainsFunc(tok, func(r rune) bool { return r <= ' ' || r >= 0x7f }):
		return &AuthError{StatusCode: status, Description: "token answer has a malformed " + field, TransactionID: txid}
	}
	return nil
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

// transport is the stack under the client's one retry client: for every
// attempt it sets the Authorization header (a retry after a long wait
// carries a token valid then) and bounds the attempt by the retry policy's
// AttemptTimeout, body included. It does not pass CloseIdleConnections on:
// go-retryablehttp calls it after every failed call, which would empty the
// connection pool of every other call (and of the caller's own transport).
type transport struct {
	base    http.RoundTripper
	ts      TokenSource
	timeout time.Duration
}

// holder is a token source whose background work (a refresh ahead of
// expiry) may run only while attempts that need its token are in flight:
// the transport holds it from the token to the end of the answer's body.
type holder interface {
	hold(ctx context.Context) (release func())
}

// RoundTrip sends one attempt.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	parent := req.Context()
	st := attemptsOf(parent)
	out := *req // a RoundTripper must not change the request it is given
	release := func() {}
	if st.authorize {
		if h, ok := t.ts.(holder); ok {
			release = h.hold(parent)
		}
		tok, err := t.ts.Token(parent)
		if err != nil {
			release()
			if req.Body != nil {
				_ = req.Body.Close()
			}
			st.tokenErr = err
			return nil, err
		}
		st.used = tok.Value
		out.Header = req.Header.Clone()
		out.Header.Set("Authorization", "CWSAuth bearer="+tok.Value)
	}
	ctx, cancel := context.WithTimeout(parent, t.timeout)
	resp, err := t.base.RoundTrip(out.WithContext(ctx))
	if err != nil {
		timedOut := ctx.Err() != nil && parent.Err() == nil
		cancel()
		release()
		if timedOut {
			return nil, &timeoutError{limit: t.timeout}
		}
		return nil, err
	}
	resp.Body = &timedBody{rc: resp.Body, ctx: ctx, parent: parent, cancel: cancel, limit: t.timeout, release: release}
	return resp, nil
}

// timedBody is an answer's body under the attempt timeout: reading it after
// the timeout fails with a timeout error; closing it ends the timer and the
// attempt's hold on the token source.
type timedBody struct {
	rc          io.ReadCloser
	ctx, parent context.Context
	cancel      context.CancelFunc
	limit       time.Duration
	release     func()
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF && b.ctx.Err() != nil && b.parent.Err() == nil {
		err = &timeoutError{limit: b.limit}
	}
	return n, err
}

func (b *timedBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	b.release()
	return err
}
