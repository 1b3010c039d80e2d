package daastest

import (
	"net/http"
	"time"
)

// httpTimeouts are the read timeouts of the server's listener.
type httpTimeouts struct {
	readHeader, read, idle time.Duration
}

// apply sets the timeouts on the http.Server that serves the listener.
func (t httpTimeouts) apply(srv *http.Server) {
	srv.ReadHeaderTimeout = t.readHeader
	srv.ReadTimeout = t.read
	srv.IdleTimeout = t.idle
}

// WithHTTPTimeouts bounds how long the server's listener waits for a client
// (the ReadHeaderTimeout, ReadTimeout and IdleTimeout of its http.Server):
// for a request's headers, for the whole request with its body, and for
// the next request on an idle keep-alive connection. A connection that
// takes longer is closed. Zero leaves a timeout unset, as it is by default
// (as in httptest). There is no write timeout, so injected latencies of any
// length still answer. Without a listener ([WithoutListener]) it has no
// effect. It panics on a negative duration.
func WithHTTPTimeouts(readHeader, read, idle time.Duration) Option {
	return func(c *config) {
		if readHeader < 0 || read < 0 || idle < 0 {
			invalid("WithHTTPTimeouts", "negative timeout (%v, %v, %v)", readHeader, read, idle)
		}
		c.timeouts = httpTimeouts{readHeader: readHeader, read: read, idle: idle}
	}
}
