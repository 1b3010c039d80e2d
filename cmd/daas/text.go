package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// unsafeRune reports whether r must not reach a terminal as it is: a
// control character (ESC, CR, LF, TAB, BS, DEL, the C1 controls), a format
// character (the bidirectional overrides, zero-width ones) or a byte that
// is not UTF-8.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}

// clean makes text that came from the service (a name, a status, an error
// message) safe to print: every unsafe rune is replaced by its Go escape
// (\x1b, \n, \t, \u202e), so that the text can neither color, move the
// cursor, erase a line nor forge a row or a column of what is printed.
func clean(s string) string {
	if !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], string(utf8.RuneError)):
			fmt.Fprintf(&b, `\x%02x`, s[i]) // a byte that is not UTF-8
		case unsafeRune(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// jsonWriter writes encoded JSON with the unsafe runes encoding/json leaves
// as they are (DEL, the C1 controls, the format characters) escaped as
// \uXXXX. In encoded JSON they can only occur inside strings, where the
// escape is the same value.
type jsonWriter struct{ w io.Writer }

func (j jsonWriter) Write(p []byte) (int, error) {
	if !strings.ContainsFunc(string(p), unsafeRune) {
		return j.w.Write(p)
	}
	var b strings.Builder
	for _, r := range string(p) {
		if !unsafeRune(r) || r < 0x20 { // below 0x20 only JSON's own \n and \t outside strings
			b.WriteRune(r)
			continue
		}
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	if _, err := io.WriteString(j.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}
