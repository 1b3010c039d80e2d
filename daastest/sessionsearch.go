package daastest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// This file serves POST /Sessions/$search (see sessions.go for what it
// models of MachineAndSessionSearchRequestModel).

// sessionSearchRequest is MachineAndSessionSearchRequestModel.
type sessionSearchRequest struct {
	BasicSearchString      string          `json:"BasicSearchString"`
	SearchFilters          []searchFilter  `json:"SearchFilters"`
	SortCriteria           json.RawMessage `json:"SortCriteria"`
	SearchFilterGroups     json.RawMessage `json:"SearchFilterGroups"`
	SearchFilterGroupsType json.RawMessage `json:"SearchFilterGroupsType"`
	SortCriteriaItems      json.RawMessage `json:"SortCriteriaItems"`
}

// searchFilter is MachineAndSessionSearchFilterRequestModel.
type searchFilter struct {
	Property string `json:"Property"`
	Value    string `json:"Value"`
	Operator string `json:"Operator"`
}

// sessionSearchProperties are the SearchFilters properties the fake
// models, each read from a session. A machine property reads the
// session's machine as the session's answer shows it: MachineCatalog is
// the catalog's full name, the Name of Machine.MachineCatalog.
var sessionSearchProperties = map[string]func(*Server, *session) string{
	"SessionState":      func(_ *Server, x *session) string { return x.State },
	"UserName":          func(_ *Server, x *session) string { return x.User },
	"UserPrincipalName": func(_ *Server, x *session) string { return x.principalName() },
	"UserDisplayName":   func(_ *Server, x *session) string { return x.DisplayName },
	"MachineName":       func(_ *Server, x *session) string { return x.machine.Name },
	"DeliveryGroup":     func(_ *Server, x *session) string { return x.machine.DeliveryGroupName },
	"MachineCatalog": func(s *Server, x *session) string {
		if cat := s.findCatalog(x.machine.Catalog); cat != nil {
			return cat.fullName()
		}
		return ""
	},
}

// searchOperators are the SearchOperator values the fake models.
var searchOperators = map[string]func(have, want string) bool{
	"Equals":      strings.EqualFold,
	"NotEquals":   func(h, w string) bool { return !strings.EqualFold(h, w) },
	"Contains":    func(h, w string) bool { return strings.Contains(strings.ToLower(h), strings.ToLower(w)) },
	"NotContains": func(h, w string) bool { return !strings.Contains(strings.ToLower(h), strings.ToLower(w)) },
	"StartsWith":  func(h, w string) bool { return strings.HasPrefix(strings.ToLower(h), strings.ToLower(w)) },
	"EndsWith":    func(h, w string) bool { return strings.HasSuffix(strings.ToLower(h), strings.ToLower(w)) },
	"In": func(h, w string) bool {
		return slices.ContainsFunc(strings.Split(w, ","), func(v string) bool { return strings.EqualFold(strings.TrimSpace(v), h) })
	},
}

func (s *Server) searchSessions(c *call) *reply {
	var req sessionSearchRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	if len(req.SearchFilterGroups) > 0 && string(req.SearchFilterGroups) != "null" {
		return badRequest("invalidArgument", "The fake does not model SearchFilterGroups", "name", "SearchFilterGroups")
	}
	var tests []func(*session) bool
	for _, f := range req.SearchFilters {
		prop, okProp := canonicalKey(sessionSearchProperties, f.Property)
		op, okOp := canonicalKey(searchOperators, f.Operator)
		switch {
		case !okProp:
			return badRequest("invalidArgument", fmt.Sprintf("The fake does not search sessions by '%s'", f.Property), "name", "Property", "value", f.Property)
		case !okOp:
			return badRequest("invalidArgument", fmt.Sprintf("The fake does not model the operator '%s'", f.Operator), "name", "Operator", "value", f.Operator)
		}
		read, match, want := sessionSearchProperties[prop], searchOperators[op], f.Value
		if prop == "MachineCatalog" {
			if cat := s.findCatalog(want); cat != nil {
				want = cat.fullName() // a catalog given by id or by name with | for \
			}
		}
		tests = append(tests, func(x *session) bool { return match(read(s, x), want) })
	}
	if q := strings.ToLower(req.BasicSearchString); q != "" {
		tests = append(tests, func(x *session) bool {
			return strings.Contains(strings.ToLower(x.User), q) || strings.Contains(strings.ToLower(x.machine.Name), q) ||
				strings.Contains(strings.ToLower(x.DisplayName), q)
		})
	}
	return s.listSessions(c, "DoSessionSearch", func(x *session) bool {
		for _, t := range tests {
			if !t(x) {
				return false
			}
		}
		return true
	})
}

// canonicalKey finds the key of m equal to k ignoring case.
func canonicalKey[V any](m map[string]V, k string) (string, bool) {
	for key := range m {
		if strings.EqualFold(key, k) {
			return key, true
		}
	}
	return "", false
}
