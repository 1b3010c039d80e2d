package daas

import (
	"bytes"
	"unicode/utf8"
)

// The JSON grammar of the job-list scanner (jobscan.go): objects, arrays,
// strings, numbers and literals, each checked as it is read or skipped.

// object reads an object, calling field for each key with the scanner on
// its value; field must read the value.
func (s *jobScan) object(field func(key []byte)) {
	s.ws()
	if !s.eat('{') {
		return
	}
	s.ws()
	if s.peek() == '}' {
		s.i++
		return
	}
	for !s.bad {
		s.ws()
		raw, plain := s.strToken()
		if s.bad || !plain {
			s.bad = true
			return
		}
		s.ws()
		if !s.eat(':') {
			return
		}
		s.ws()
		field(raw[1 : len(raw)-1])
		s.ws()
		if s.peek() == '}' {
			s.i++
			return
		}
		s.eat(',')
	}
}

// array reads an array, calling elem with the scanner on each element;
// elem must read it.
func (s *jobScan) array(elem func()) {
	s.ws()
	if !s.eat('[') {
		return
	}
	s.ws()
	if s.peek() == ']' {
		s.i++
		return
	}
	for !s.bad {
		s.ws()
		elem()
		s.ws()
		if s.peek() == ']' {
			s.i++
			return
		}
		s.eat(',')
	}
}

// skip reads any value without keeping it.
func (s *jobScan) skip(depth int) {
	if depth > maxScanDepth {
		s.bad = true
		return
	}
	switch c := s.peek(); {
	case c == '{':
		s.object(func([]byte) { s.skip(depth + 1) })
	case c == '[':
		s.array(func() { s.skip(depth + 1) })
	case c == '"':
		s.strToken()
	case c == 't':
		s.literal("true")
	case c == 'f':
		s.literal("false")
	case c == 'n':
		s.literal("null")
	default:
		s.number()
	}
}

// strToken reads a string token, quotes included, and reports whether it
// is plain: no escapes, valid UTF-8.
func (s *jobScan) strToken() (raw []byte, plain bool) {
	start := s.i
	if !s.eat('"') {
		return nil, false
	}
	plain = true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			raw = s.b[start:s.i]
			if plain {
				plain = utf8.Valid(raw)
			}
			return raw, plain
		case c < 0x20:
			s.bad = true
			return nil, false
		case c == '\\':
			plain = false
			s.i++
			if s.i >= len(s.b) {
				s.bad = true
				return nil, false
			}
			switch s.b[s.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i++
			case 'u':
				if s.i+5 > len(s.b) {
					s.bad = true
					return nil, false
				}
				for _, h := range s.b[s.i+1 : s.i+5] {
					if !isHex(h) {
						s.bad = true
						return nil, false
					}
				}
				s.i += 5
			default:
				s.bad = true
				return nil, false
			}
		default:
			s.i++
		}
	}
	s.bad = true
	return nil, false
}

// number reads a number token, checked against the JSON grammar.
func (s *jobScan) number() []byte {
	start := s.i
	s.eat2('-')
	switch {
	case s.peek() == '0':
		s.i++
	case isDigit(s.peek()):
		s.digits()
	default:
		s.bad = true
		return nil
	}
	if s.eat2('.') && !s.digits() {
		s.bad = true
		return nil
	}
	if s.eat2('e') || s.eat2('E') {
		if !s.eat2('+') {
			s.eat2('-')
		}
		if !s.digits() {
			s.bad = true
			return nil
		}
	}
	return s.b[start:s.i]
}

// digits reads one or more digits; false for none.
func (s *jobScan) digits() bool {
	start := s.i
	for s.i < len(s.b) && isDigit(s.b[s.i]) {
		s.i++
	}
	return s.i > start
}

// literal reads the literal lit.
func (s *jobScan) literal(lit string) {
	if !bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
		s.bad = true
		return
	}
	s.i += len(lit)
}

// ws skips white space.
func (s *jobScan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte, 0 at the end or once the scan gave up.
func (s *jobScan) peek() byte {
	if s.bad || s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// eat reads c, or gives up.
func (s *jobScan) eat(c byte) bool {
	if s.peek() != c {
		s.bad = true
		return false
	}
	s.i++
	return true
}

// eat2 reads c if it comes next.
func (s *jobScan) eat2(c byte) bool {
	if s.peek() != c {
		return false
	}
	s.i++
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
