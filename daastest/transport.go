package daastest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
)

// Transport returns an http.RoundTripper that serves requests in process,
// by calling the server's handler directly: no socket, no goroutine. It
// works with or without a listener and inside a testing/synctest bubble. It
// answers only requests for the server's own origin (scheme and host of
// [Server.URL]); others fail, as a request to an unknown host would. A fault
// that resets the connection makes RoundTrip return an error that matches
// syscall.ECONNRESET with errors.Is.
func (s *Server) Transport() http.RoundTripper {
	return memTransport{s}
}

type memTransport struct{ s *Server }

// RoundTrip implements http.RoundTripper.
func (t memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	s := t.s
	if origin := req.URL.Scheme + "://" + req.URL.Host; !strings.EqualFold(origin, s.origin) {
		return nil, fmt.Errorf("daastest: in-memory transport serves only %s, not %s", s.origin, origin)
	}
	select {
	case <-s.done:
		return nil, errors.New("daastest: server closed")
	default:
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}

	// The server side of the request, as net/http's server would make it.
	in := req.Clone(req.Context())
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "127.0.0.1:1"
	if in.Host == "" {
		in.Host = req.URL.Host
	}
	in.Proto, in.ProtoMajor, in.ProtoMinor = "HTTP/1.1", 1, 1
	if req.URL.Scheme == "https" {
		in.TLS = &tls.ConnectionState{HandshakeComplete: true, Version: tls.VersionTLS13}
	}
	// net/http's server canonicalizes header keys; a client that sets
	// req.Header["Citrix-CustomerId"] directly (as generated clients do)
	// must be read the same way in memory.
	in.Header = canonicalHeader(req.Header)
	in.Body = req.Body
	if in.Body == nil {
		in.Body = http.NoBody
	}

	rec := httptest.NewRecorder()
	reset := s.serve(rec, in)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	if reset {
		return nil, fmt.Errorf("daastest: %w", syscall.ECONNRESET)
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// canonicalHeader copies h with every key in canonical form, merging keys
// that differ only in case, as a server reading the wire would.
func canonicalHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		out[ck] = append(out[ck], vs...)
	}
	return out
}
