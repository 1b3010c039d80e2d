package daastest

import (
	"fmt"
	"net/http"
	"time"
)

// ResetMode says whether and when an injected fault drops the connection.
type ResetMode int

const (
	// ResetNone answers normally.
	ResetNone ResetMode = iota
	// ResetBeforeHandler drops the connection before the request is acted
	// on: nothing happens on the server.
	ResetBeforeHandler
	// ResetAfterHandler acts on the request (a POST creates its catalog or
	// job), then drops the connection instead of answering: the client
	// cannot know the request took effect.
	ResetAfterHandler
)

// A Fault makes the server misbehave on matching requests; add it with
// [Server.InjectFault].
//
// Which requests: Route picks a route key (see [Routes]; "" matches every
// request, unknown paths included). With Rate > 0 each matching request is
// hit with that probability (from the seeded generator, see [WithSeed]);
// with Count > 0 the fault hits at most Count requests and is then removed;
// with neither, it hits every matching request until [Server.ClearFaults].
//
// What happens: Latency (real time, ended early if the client gives up)
// delays the answer; then Reset drops the connection, or Status replaces the
// answer with an error of that status. A fault may only add latency.
//
// Several faults: their latencies add up, and the first fault (in order of
// injection) with a Status or Reset that hits decides the answer; the ones
// after it are not tried and keep their Count. So faults with Count: 1 queue
// up: the first answers the next matching request, the second the one after.
type Fault struct {
	// Route is the route key to match, like "GET /Jobs/{id}"; "" matches
	// all requests.
	Route string
	// Rate is the probability, in (0, 1], that a matching request is hit.
	// Zero means every matching request.
	Rate float64
	// Count limits how many requests the fault hits; zero means no limit.
	Count int
	// Status is the status to answer with instead of handling the request:
	// 429 and 503 get the service's documented bodies (with a retryDelay
	// parameter when RetryDelay > 0), 500 the gateway's activityId body,
	// 502 and 504 a gateway HTML page without Citrix-TransactionId; other
	// statuses get a common error body. Zero: no status fault.
	Status int
	// RetryDelay, in seconds, adds the retryDelay parameter to the body.
	RetryDelay int
	// RetryAfter, when set, is sent as the Retry-After header verbatim.
	RetryAfter string
	// Reset drops the connection before or after the request is handled.
	Reset ResetMode
	// Latency delays the answer by this much real time.
	Latency time.Duration
}

// faultState is an injected fault and how many hits it has left.
type faultState struct {
	Fault
	left int // remaining hits when Count > 0
}

// faultHit is what the faults that hit one request decided.
type faultHit struct {
	fired      bool
	latency    time.Duration
	status     int
	retryDelay int
	retryAfter string
	reset      ResetMode
}

// InjectFault adds a fault. It panics if the fault is invalid: an unknown
// Route, a Rate outside [0, 1], a negative Count, Latency or RetryDelay, a
// Status outside 400..599, or nothing to do (no Status, Reset or Latency).
func (s *Server) InjectFault(f Fault) {
	switch {
	case f.Route != "" && !s.knownRoute(f.Route):
		panic(fmt.Sprintf("daastest: InjectFault: unknown route %q (known: %q)", f.Route, s.routeKeys()))
	case f.Rate < 0 || f.Rate > 1:
		panic(fmt.Sprintf("daastest: InjectFault: Rate %v outside [0, 1]", f.Rate))
	case f.Count < 0 || f.Latency < 0 || f.RetryDelay < 0:
		panic("daastest: InjectFault: negative Count, Latency or RetryDelay")
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		panic(fmt.Sprintf("daastest: InjectFault: Status %d outside 400..599", f.Status))
	case f.Reset < ResetNone || f.Reset > ResetAfterHandler:
		panic(fmt.Sprintf("daastest: InjectFault: unknown Reset %d", int(f.Reset)))
	case f.Status != 0 && f.Reset != ResetNone:
		panic("daastest: InjectFault: a fault has a Status or a Reset, not both")
	case f.Status == 0 && f.Reset == ResetNone && f.Latency == 0:
		panic("daastest: InjectFault: the fault does nothing (no Status, Reset or Latency)")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultState{Fault: f, left: f.Count})
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault decides which faults hit a request of this route and uses up
// their counts. Once a fault with a Status or Reset hits, later ones of that
// kind are not considered (nor used up), so faults with a Count queue up.
// Callers hold s.mu.
func (s *Server) takeFault(route string) faultHit {
	var hit faultHit
	kept := s.faults[:0]
	for _, f := range s.faults {
		decides := f.Status != 0 || f.Reset != ResetNone
		candidate := (f.Route == "" || f.Route == route) && !(decides && hit.decided())
		if candidate && (f.Rate == 0 || s.faultRNG.Float64() < f.Rate) {
			hit.fired = true
			hit.latency += f.Latency
			if decides {
				hit.status, hit.reset = f.Status, f.Reset
				hit.retryDelay, hit.retryAfter = f.RetryDelay, f.RetryAfter
			}
			if f.Count > 0 {
				f.left--
				if f.left == 0 {
					continue // used up: drop it
				}
			}
		}
		kept = append(kept, f)
	}
	clear(s.faults[len(kept):])
	s.faults = kept
	return hit
}

// decided reports whether a fault has chosen the answer.
func (h faultHit) decided() bool { return h.status != 0 || h.reset != ResetNone }

// faultReply is the answer of a status fault.
func faultReply(h faultHit) *reply {
	var rp *reply
	switch h.status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		rp = retryableError(h.status, h.retryDelay)
	case http.StatusInternalServerError:
		rp = internalError()
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		text := fmt.Sprintf("%d %s", h.status, http.StatusText(h.status))
		rp = &reply{
			status:          h.status,
			body:            []byte("<html><head><title>" + text + "</title></head><body><center><h1>" + text + "</h1></center></body></html>\n"),
			contentType:     "text/html",
			noTransactionID: true,
		}
	default:
		var params []string
		if h.retryDelay > 0 {
			params = []string{"retryDelay", fmt.Sprint(h.retryDelay)}
		}
		rp = errReply(h.status, "error", http.StatusText(h.status), params...)
	}
	if h.retryAfter != "" {
		if rp.header == nil {
			rp.header = http.Header{}
		}
		rp.header.Set("Retry-After", h.retryAfter)
	}
	return rp
}
