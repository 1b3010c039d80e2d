package daastest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"
)

// This file models sessions by hand: [WithSessions] seeds them on the
// seeded machines of delivery groups; GET /Sessions lists them, GET
// /Sessions/{id} reads one, POST /Sessions/$search finds them, each also
// as a job (GetSessions, DoSessionSearch) where the spec has one.
// $disconnect makes a session Disconnected, $logoff ends it (it is no
// longer listed and its machine's SessionCount drops), $sendMessage
// delivers a message ([Server.SessionMessages] lists them) and is refused
// (409) for a disconnected session; each is also a job (DisconnectSessions,
// LogoffSessions, SendSessionMessage) whose result redirects to the
// session. A session whose machine is gone, off, or has no sessions left
// (a machine power action or log off ended them) is no longer listed.
// $search (sessionsearch.go) matches a filter on what the session's
// answer shows, its Machine's properties included, as the spec has a
// machine property match a session hosted on a machine that matches:
// MachineCatalog is the full name (a value that names a catalog by id
// stands for its name), UserPrincipalName is User.PrincipalName
// (user@domain), CurrentUser is the users (DOMAIN\name) of the sessions
// on the session's machine, its current users as the spec's
// AssociatedUsers has them. Where the spec is silent: text compares in any
// case; In and NotIn take a comma-separated list; a property with several
// values matches when one of them does, a negated operator (NotEquals,
// NotIn, …) when none does; the ordering operators compare numbers
// (SessionCount) only; BasicSearchString is a substring of the user's or
// machine's name. Other operators and properties, and SearchFilterGroups,
// are refused (400); doc.go lists them.

// Route keys of the sessions.
const (
	routeListSessions      = "GET /Sessions"
	routeSearchSessions    = "POST /Sessions/$search"
	routeGetSession        = "GET /Sessions/{id}"
	routeLogoffSession     = "POST /Sessions/{id}/$logoff"
	routeDisconnectSession = "POST /Sessions/{id}/$disconnect"
	routeMessageSession    = "POST /Sessions/{id}/$sendMessage"
)

// Session states, as the spec's SessionState spells them.
const (
	sessionActive       = "Active"
	sessionDisconnected = "Disconnected"
)

// session is one user session on a machine.
type session struct {
	ID          string
	UID         int
	machine     *Machine
	User        string // DOMAIN\name
	DisplayName string
	Started     time.Time
	State       string
	Changed     time.Time
	ClientName  string
}

func (x *session) ident() (string, int, string) { return x.ID, x.UID, x.ID }

// principalName is the user's principal name as the session shows it
// (User.PrincipalName): name@domain.local, in lower case.
func (x *session) principalName() string {
	domain, name, _ := strings.Cut(x.User, `\`)
	return strings.ToLower(name + "@" + domain + ".local")
}

// SessionMessage is a message sent to a session with $sendMessage.
type SessionMessage struct {
	// SessionID is the id of the session it was sent to.
	SessionID string
	// User is the session's user, DOMAIN\name.
	User string
	// Machine is the name of the session's machine.
	Machine string
	// Title, Text and Style are those of the request.
	Title, Text, Style string
	// Time is when it was sent, in service time.
	Time time.Time
}

// WithSessions seeds n active sessions on the machines of the seeded
// delivery groups, in turn, one user each (DOMAIN\user001, …): a machine
// with a session is on and registered, and its SessionCount is its number
// of sessions. A single-session machine holds one. NewServer panics if the
// delivery groups' machines cannot hold n.
func WithSessions(n int) Option {
	return func(c *config) {
		if n < 0 {
			invalid("WithSessions", "negative count %d", n)
		}
		c.hand.sessionSeed = n
	}
}

// seedSessions places the sessions of WithSessions. Callers hold s.mu or
// own s.
func (s *Server) seedSessions(h *handState) {
	var hosts []*Machine
	for _, m := range s.machines {
		if m.DeliveryGroup != "" {
			hosts = append(hosts, m)
		}
	}
	for i := range h.sessionSeed {
		var host *Machine
		for k := range hosts {
			m := hosts[(i+k)%len(hosts)]
			if cat := s.findCatalog(m.Catalog); m.SessionCount == 0 || cat == nil || cat.SessionSupport == "MultiSession" {
				host = m
				break
			}
		}
		if host == nil {
			invalid("WithSessions", "the delivery groups' machines cannot hold %d sessions", h.sessionSeed)
		}
		host.PowerState, host.RegistrationState = "On", "Registered"
		host.SessionCount++
		domain, _, _ := strings.Cut(host.Name, `\`)
		user := fmt.Sprintf("user%03d", i+1)
		started := s.base.Add(-time.Duration(i+1) * 7 * time.Minute)
		h.sessions = append(h.sessions, &session{
			ID: uuidFrom(h.rng), UID: h.uid(), machine: host, User: domain + `\` + user,
			DisplayName: fmt.Sprintf("User %03d", i+1), Started: started, State: sessionActive, Changed: started,
			ClientName: fmt.Sprintf("CLIENT-%03d", i+1),
		})
	}
}

// liveSessions drops the sessions whose machine is gone, off or without
// sessions, and returns the rest. Callers hold s.mu.
func (s *Server) liveSessions(now time.Time) []*session {
	h := s.hand()
	h.sessions = slices.DeleteFunc(h.sessions, func(x *session) bool {
		m := x.machine
		return !s.hasMachine(m) || s.powerStateAt(m, now) != "On" || m.SessionCount == 0
	})
	return h.sessions
}

// endSession logs x off. Callers hold s.mu.
func (s *Server) endSession(x *session) {
	h := s.hand()
	h.sessions = slices.DeleteFunc(h.sessions, func(y *session) bool { return y == x })
	x.machine.SessionCount = max(x.machine.SessionCount-1, 0)
}

// Sessions returns the ids of the sessions, in order of creation.
func (s *Server) Sessions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, x := range s.liveSessions(s.advanceLocked()) {
		ids = append(ids, x.ID)
	}
	return ids
}

// SessionMessages returns the messages sent to sessions, oldest first.
func (s *Server) SessionMessages() []SessionMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.hand().messages)
}

// sessionModel is SessionResponseModel.
type sessionModel struct {
	ID                                string       `json:"Id"`
	UID                               int          `json:"Uid"`
	ApplicationsInUse                 []refModel   `json:"ApplicationsInUse"`
	AppState                          string       `json:"AppState"`
	AppStateLastChangeTime            string       `json:"AppStateLastChangeTime"`
	FormattedAppStateLastChangeTime   string       `json:"FormattedAppStateLastChangeTime"`
	Brokering                         brokering    `json:"Brokering"`
	Client                            clientModel  `json:"Client"`
	Connection                        connection   `json:"Connection"`
	ContainerScopes                   []refModel   `json:"ContainerScopes"`
	EstablishmentDurationMilliseconds int          `json:"EstablishmentDurationMilliseconds"`
	EstablishmentTime                 string       `json:"EstablishmentTime"`
	FormattedEstablishmentTime        string       `json:"FormattedEstablishmentTime"`
	IsAnonymousUser                   bool         `json:"IsAnonymousUser"`
	IsHidden                          bool         `json:"IsHidden"`
	LogoffInProgress                  bool         `json:"LogoffInProgress"`
	LogonInProgress                   bool         `json:"LogonInProgress"`
	Machine                           machineModel `json:"Machine"`
	SessionType                       string       `json:"SessionType"`
	StartTime                         string       `json:"StartTime"`
	FormattedStartTime                string       `json:"FormattedStartTime"`
	State                             string       `json:"State"`
	StateChangeTime                   string       `json:"StateChangeTime"`
	FormattedStateChangeTime          string       `json:"FormattedStateChangeTime"`
	UntrustedUserName                 string       `json:"UntrustedUserName"`
	User                              sessionUser  `json:"User"`
}

// brokering is SessionBrokeringResponseModel.
type brokering struct {
	AutonomouslyBrokered bool   `json:"AutonomouslyBrokered"`
	DurationMilliseconds int    `json:"DurationMilliseconds"`
	Time                 string `json:"Time"`
	FormattedTime        string `json:"FormattedTime"`
	UserName             string `json:"UserName"`
}

// clientModel is SessionClientResponseModel.
type clientModel struct {
	Name      string `json:"Name"`
	IPAddress string `json:"IPAddress"`
	Platform  string `json:"Platform"`
	Version   string `json:"Version"`
}

// connection is SessionConnectionResponseModel.
type connection struct {
	ConnectionMode string `json:"ConnectionMode"`
	Protocol       string `json:"Protocol"`
}

// sessionUser is IdentityUserResponseModel, with what the fake knows of a
// user.
type sessionUser struct {
	DisplayName       string `json:"DisplayName"`
	PropertiesFetched int    `json:"PropertiesFetched"`
	Domain            string `json:"Domain"`
	SamName           string `json:"SamName"`
	Name              string `json:"Name"`
	PrincipalName     string `json:"PrincipalName"`
}

func (s *Server) sessionModel(x *session, now time.Time) sessionModel {
	domain, name, _ := strings.Cut(x.User, `\`)
	start, changed := formatTime(x.Started), formatTime(x.Changed)
	return sessionModel{
		ID: x.ID, UID: x.UID, ApplicationsInUse: []refModel{}, AppState: "Desktop",
		AppStateLastChangeTime: start, FormattedAppStateLastChangeTime: start,
		Brokering:  brokering{DurationMilliseconds: 850, Time: start, FormattedTime: start, UserName: x.User},
		Client:     clientModel{Name: x.ClientName, IPAddress: fmt.Sprintf("10.1.0.%d", x.UID%250+1), Platform: "Windows", Version: "24.2.0.65"},
		Connection: connection{ConnectionMode: "Brokered", Protocol: "Hdx"}, ContainerScopes: []refModel{},
		EstablishmentDurationMilliseconds: 4200, EstablishmentTime: start, FormattedEstablishmentTime: start,
		Machine: s.machineModel(x.machine, now), SessionType: "Desktop", StartTime: start, FormattedStartTime: start,
		State: x.State, StateChangeTime: changed, FormattedStateChangeTime: changed, UntrustedUserName: x.User,
		User: sessionUser{DisplayName: x.DisplayName, PropertiesFetched: 1, Domain: domain, SamName: x.User, Name: name,
			PrincipalName: x.principalName()},
	}
}

func sessionRoutes() []*route {
	return []*route{
		newRoute(routeListSessions, func(s *Server, c *call) *reply { return s.listSessions(c, "GetSessions", nil) }),
		newRoute(routeSearchSessions, (*Server).searchSessions),
		newRoute(routeGetSession, (*Server).getSession),
		newRoute(routeLogoffSession, (*Server).logoffSession),
		newRoute(routeDisconnectSession, (*Server).disconnectSession),
		newRoute(routeMessageSession, (*Server).messageSession),
	}
}

// listSessions answers a list of the live sessions that keep accepts (all
// when nil), with fields.
func (s *Server) listSessions(c *call, jobType string, keep func(*session) bool) *reply {
	fields, rp := queryFields(c.query, reflect.TypeFor[sessionModel]())
	if rp != nil {
		return rp
	}
	return listOrJob(s, c, "sessions", jobType,
		func() []*session {
			live := s.liveSessions(s.nowLocked())
			if keep == nil {
				return live
			}
			return slices.DeleteFunc(slices.Clone(live), func(x *session) bool { return !keep(x) })
		},
		func(x *session) any {
			return json.RawMessage(selectFields(marshal(s.sessionModel(x, s.nowLocked())), fields))
		})
}

// findSession finds a live session by id. Callers hold s.mu.
func (s *Server) findSession(c *call) (*session, *reply) {
	for _, x := range s.liveSessions(c.now) {
		if strings.EqualFold(x.ID, c.args[0]) {
			return x, nil
		}
	}
	return nil, notFound("Session", c.args[0])
}

func (s *Server) getSession(c *call) *reply {
	fields, rp := queryFields(c.query, reflect.TypeFor[sessionModel]())
	if rp != nil {
		return rp
	}
	x, rp := s.findSession(c)
	if rp != nil {
		return rp
	}
	return &reply{status: http.StatusOK, body: selectFields(marshal(s.sessionModel(x, c.now)), fields)}
}

// sessionAction runs a change of one session, at once or as a job of typ
// whose result redirects to the session (none when it ended).
func (s *Server) sessionAction(c *call, typ string, change func(x *session, at time.Time) result) *reply {
	x, rp := s.findSession(c)
	if rp != nil {
		return rp
	}
	return s.perform(c, jobSpec{typ: typ, params: []NameValue{{Name: "SessionId", Value: x.ID}, {Name: "UserName", Value: x.User}}},
		func(at time.Time) result {
			if !slices.Contains(s.liveSessions(at), x) {
				return result{failed: &failure{status: http.StatusNotFound, kind: "notFound", code: "UnknownSession",
					detail: fmt.Sprintf("Session '%s' was not found", x.ID), params: []string{"entityType", "Session", "id", x.ID}}}
			}
			return change(x, at)
		})
}

func (s *Server) logoffSession(c *call) *reply {
	return s.sessionAction(c, "LogoffSessions", func(x *session, _ time.Time) result {
		s.endSession(x)
		return result{status: http.StatusNoContent}
	})
}

func (s *Server) disconnectSession(c *call) *reply {
	return s.sessionAction(c, "DisconnectSessions", func(x *session, at time.Time) result {
		if x.State != sessionDisconnected {
			x.State, x.Changed = sessionDisconnected, at
		}
		return result{status: http.StatusOK, body: s.sessionModel(x, at), redirect: "/Sessions/" + x.ID}
	})
}

// sendMessageRequest is SendMessageRequestModel.
type sendMessageRequest struct {
	Style string `json:"Style"`
	Title string `json:"Title"`
	Text  string `json:"Text"`
}

func (s *Server) messageSession(c *call) *reply {
	var req sendMessageRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	style, rp := oneOf("Style", req.Style, false, "Unknown", "Critical", "Question", "Exclamation", "Information")
	if rp != nil {
		return rp
	}
	return s.sessionAction(c, "SendSessionMessage", func(x *session, at time.Time) result {
		if x.State == sessionDisconnected {
			return result{failed: &failure{status: http.StatusConflict, kind: "invalidState", code: "InvalidArgument",
				detail: fmt.Sprintf("Session '%s' is disconnected; it cannot show a message", x.ID), params: []string{"id", x.ID}}}
		}
		h := s.hand()
		h.messages = append(h.messages, SessionMessage{SessionID: x.ID, User: x.User, Machine: x.machine.Name,
			Title: req.Title, Text: req.Text, Style: style, Time: at})
		return result{status: http.StatusOK, body: s.sessionModel(x, at), redirect: "/Sessions/" + x.ID}
	})
}
