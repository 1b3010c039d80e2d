package daas

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Small helpers of the wire format: transaction ids, the text that error
// messages repeat, and the removal of credentials from it.

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// truncate cuts s to at most n bytes (plus "..."), between characters.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n-- // cut between characters, not inside one
	}
	return s[:n] + "..."
}

// maxMessage caps the server-provided text an error message repeats.
const maxMessage = 1024

// oneLine folds white space and drops control characters (line and
// paragraph separators, escape sequences) so that an error message stays on
// one plain line, and caps it at maxMessage bytes.
func oneLine(s string) string {
	s = truncate(s, maxMessage)
	if !strings.ContainsFunc(s, func(r rune) bool { return r != ' ' && (unicode.IsSpace(r) || unicode.IsControl(r)) }) {
		return strings.TrimSpace(s)
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}

// minRedacted is the shortest credential that is redacted. Real tokens and
// secrets are long; replacing a short value would garble the message.
const minRedacted = 8

// credentialForms returns the ways a server may repeat a credential the
// client sent: as it is, URL-encoded as in a form body or a query (both
// spellings of the percent escapes), and JSON-escaped (with and without
// HTML escaping, with "/" escaped or not). Longest first, so that a longer
// form is replaced before a shorter one inside it.
func credentialForms(credential string) []string {
	if len(credential) < minRedacted {
		return nil
	}
	forms := []string{credential, url.QueryEscape(credential), url.PathEscape(credential)}
	for _, f := range forms[1:3] {
		forms = append(forms, lowerEscapes(f))
	}
	for _, html := range []bool{false, true} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(html)
		_ = enc.Encode(credential)
		s := strings.TrimSuffix(strings.TrimSpace(buf.String()), `"`)
		s = strings.TrimPrefix(s, `"`)
		forms = append(forms, s, strings.ReplaceAll(s, "/", `\/`))
	}
	slices.SortFunc(forms, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b))
	})
	return slices.Compact(forms)
}

// lowerEscapes writes the hex digits of percent escapes in lower case.
func lowerEscapes(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lowerHex(b[i+1]), lowerHex(b[i+2])
		}
	}
	return string(b)
}

func lowerHex(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// redact replaces every form of each credential in text with REDACTED.
func redact(text string, credentials ...string) string {
	for _, c := range credentials {
		for _, f := range credentialForms(c) {
			text = strings.ReplaceAll(text, f, "REDACTED")
		}
	}
	return text
}

// redactBytes is redact for a body.
func redactBytes(body []byte, credentials ...string) []byte {
	for _, c := range credentials {
		for _, f := range credentialForms(c) {
			if bytes.Contains(body, []byte(f)) {
				body = bytes.ReplaceAll(body, []byte(f), []byte("REDACTED"))
			}
		}
	}
	return body
}
