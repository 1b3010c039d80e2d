package daas

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
)

// OnPremisesCustomerID is the customer id (Citrix-CustomerId) of an
// on-premises site. [NewClient] uses it when the customer id is empty and
// the credentials are [WithOnPremisesCredentials].
const OnPremisesCustomerID = "CitrixOnPremises"

// tokensPath is the on-premises token endpoint under the API root.
const tokensPath = "/Tokens"

// onPremCreds are the credentials WithOnPremisesCredentials gives.
type onPremCreds struct {
	username string
	password secret
}

// WithOnPremisesCredentials authenticates to an on-premises Citrix Virtual
// Apps and Desktops site as a Delivery Controller administrator (username
// in DOMAIN\user form). The client fetches a token from the controller,
// POST {base URL}/Tokens with Basic authentication, caches it until shortly
// before its ExpiresAt, fetches a new one then (one request however many
// goroutines need it), and once more when the API answers 401, replaying
// that call once.
//
// It requires [WithBaseURL], the controller's API root
// (https://{ddc}/cvad/manage); the password goes to that origin only, never
// to a token URL or a redirect. With these credentials an empty customer id
// means [OnPremisesCustomerID]. The password never appears in an error, a
// log line or the client's printed form.
func WithOnPremisesCredentials(username, password string) Option {
	return func(c *config) error {
		const op = "WithOnPremisesCredentials"
		user := strings.TrimSpace(username) // a local, as in WithBearerToken
		switch {
		case user == "":
			return inputErr(op, "empty username")
		case strings.ContainsRune(user, ':'):
			return inputErr(op, "the username must not contain a colon (Basic authentication cannot carry it)")
		case strings.ContainsFunc(user, unicode.IsControl):
			return inputErr(op, "the username contains a control character")
		case password == "":
			return inputErr(op, "empty password")
		}
		c.creds++
		c.onprem = &onPremCreds{username: user, password: secret(password)}
		return nil
	}
}

// customerFor returns the customer id NewClient uses for id under cfg, and
// checks what on-premises credentials need: a base URL, and no token URL.
func (cfg *config) customerFor(id string) (string, error) {
	id = strings.TrimSpace(id)
	if cfg.onprem != nil {
		if cfg.baseURL == "" {
			return "", inputErr("WithOnPremisesCredentials", "needs WithBaseURL, the Delivery Controller's API root (https://{ddc}/cvad/manage)")
		}
		if cfg.tokenURL != "" {
			return "", inputErr("WithOnPremisesCredentials", "takes no WithTokenURL: the token comes from the base URL's %s", tokensPath)
		}
		if id == "" {
			id = OnPremisesCustomerID
		}
	}
	if id == "" {
		return "", errors.New("daas: NewClient: empty customer id")
	}
	if strings.ContainsAny(id, "\r\n/?#") {
		return "", fmt.Errorf("daas: NewClient: malformed customer id %q", id)
	}
	return id, nil
}

// onPremSource fetches tokens from a Delivery Controller with Basic
// authentication; its tokenCache caches and refreshes them.
type onPremSource struct {
	tokenCache
	username string
	password secret
	send     func(ctx context.Context, authorization string) (*http.Response, error)
}

func newOnPremSource(cr *onPremCreds, send func(context.Context, string) (*http.Response, error)) *onPremSource {
	s := &onPremSource{username: cr.username, password: cr.password, send: send}
	s.tokenCache = newTokenCache(s.request)
	return s
}

func (s *onPremSource) String() string {
	return "daas.onPremisesCredentials{Username:" + s.username + ", Password:REDACTED}"
}

func (s *onPremSource) GoString() string { return s.String() }

// basic is the Authorization header value of the credentials.
func (s *onPremSource) basic() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(s.username+":"+string(s.password)))
}

// request asks the controller for a token.
func (s *onPremSource) request(ctx context.Context) (Token, error) {
	auth := s.basic()
	sent := s.now()
	resp, err := s.send(ctx, auth)
	if err != nil {
		return Token{}, err
	}
	body, txid, err := readTokenAnswer(resp, "Citrix-TransactionId")
	if err != nil {
		return Token{}, err
	}
	tok, err := parseOnPremToken(resp.StatusCode, body, txid, resp.Header.Get("Date"), sent)
	if ae := (*AuthError)(nil); errors.As(err, &ae) {
		// A controller may echo the request's Authorization.
		secrets := []string{string(s.password), auth, strings.TrimPrefix(auth, "Basic ")}
		ae.Code, ae.Description = redact(ae.Code, secrets...), redact(ae.Description, secrets...)
		ae.TransactionID = redact(ae.TransactionID, secrets...)
	}
	return tok, err
}

// onPremTokenAnswer is the controller's token answer (the spec's
// AuthTokenResponseModel; Principal, UserId and CustomerId are not used).
type onPremTokenAnswer struct {
	Token     string `json:"Token"`
	ExpiresAt string `json:"ExpiresAt"`
	// An error answer is the API's common error body.
	Type   string `json:"type"`
	Detail string `json:"detail"`
}

// parseOnPremToken turns the controller's answer into a Token. The token's
// lifetime is ExpiresAt less the answer's Date (the controller's clock), so
// that a controller whose clock differs from ours gives a token that lives
// as long here; without a Date, ExpiresAt less the time the request went.
func parseOnPremToken(status int, body []byte, txid, date string, sent time.Time) (Token, error) {
	var a onPremTokenAnswer
	jerr := json.Unmarshal(body, &a)
	if status != http.StatusOK {
		e := &AuthError{StatusCode: status, TransactionID: txid}
		if jerr == nil {
			if a.Type != "" {
				e.Code = path.Base(a.Type) // ".../common/authentication"
			}
			e.Description = a.Detail
		}
		return Token{}, e
	}
	if jerr != nil {
		return Token{}, &AuthError{StatusCode: status, Description: "token answer is not valid JSON", TransactionID: txid}
	}
	if err := checkTokenValue(status, a.Token, "Token", txid); err != nil {
		return Token{}, err
	}
	expires, ok := parseExpiresAt(a.ExpiresAt)
	if !ok {
		return Token{}, &AuthError{StatusCode: status, Description: "token answer has a missing or invalid ExpiresAt", TransactionID: txid}
	}
	from := sent
	if d, err := http.ParseTime(date); err == nil {
		from = d
	}
	life := expires.Sub(from)
	if life <= 0 || life > 366*24*time.Hour {
		return Token{}, &AuthError{StatusCode: status, Description: "token answer has an ExpiresAt in the past or more than a year ahead", TransactionID: txid}
	}
	return Token{Value: a.Token, Expiry: sent.Add(life)}, nil
}

// parseExpiresAt reads ExpiresAt, a UTC time: RFC 3339 (with or without a
// zone, with any fraction of a second) or .NET's en-US general form.
func parseExpiresAt(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "1/2/2006 3:04:05 PM"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// sendOnPremToken posts to the controller's token endpoint, {API
// root}/Tokens, with the Basic authorization: under the retry policy (a
// token request changes nothing, so it is retried as a read), through the
// transport without a bearer token. The URL comes from the base URL, so the
// password goes to the API's origin only; redirects are never followed.
func (c *Client) sendOnPremToken(ctx context.Context, authorization string) (*http.Response, error) {
	target := c.base.JoinPath(tokensPath)
	hdr := make(http.Header, 5)
	hdr.Set("Accept", "application/json")
	hdr.Set("Authorization", authorization)
	hdr.Set("Citrix-CustomerId", c.customerID)
	hdr.Set("Citrix-TransactionId", newUUID())
	hdr.Set("User-Agent", c.userAgent)
	st := &attempts{method: http.MethodPost, path: target.Path}
	resp, err := c.send(ctx, http.MethodPost, target.String(), hdr, nil, st)
	if err != nil {
		return nil, fmt.Errorf("daas: token request: %w", redactURLError(err))
	}
	return resp, nil
}
