package daastest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
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

// sessionSearchPaths are the SearchFilters properties the fake models,
// each the path of its value in the session's answer (SessionResponseModel,
// its Machine included), so that a filter matches what the session shows:
// the spec has a machine property match a session hosted on a machine
// that matches. CurrentUser is apart (see currentUsers).
var sessionSearchPaths = map[string]string{
	"AllocationType":        "Machine.AllocationType",
	"AppState":              "AppState",
	"ClientIP":              "Client.IPAddress",
	"ClientName":            "Client.Name",
	"ClientVersion":         "Client.Version",
	"ConnectionProtocol":    "Connection.Protocol",
	"DeliveryGroup":         "Machine.DeliveryGroup.Name",
	"DnsName":               "Machine.DnsName",
	"FaultState":            "Machine.FaultState",
	"FunctionalLevel":       "Machine.FunctionalLevel",
	"HostedMachineName":     "Machine.Hosting.HostedMachineName",
	"ImageOutOfDate":        "Machine.Hosting.ImageOutOfDate",
	"InMaintenanceMode":     "Machine.InMaintenanceMode",
	"IsAssigned":            "Machine.IsAssigned",
	"MachineCatalog":        "Machine.MachineCatalog.Name",
	"MachineName":           "Machine.Name",
	"MaintenanceModeReason": "Machine.MaintenanceModeReason",
	"PowerActionPending":    "Machine.PowerActionPending",
	"PowerState":            "Machine.PowerState",
	"ProvisioningType":      "Machine.ProvisioningType",
	"RegistrationState":     "Machine.RegistrationState",
	"SessionCount":          "Machine.SessionCount",
	"SessionState":          "State",
	"SessionSupport":        "Machine.SessionSupport",
	"SummaryState":          "Machine.SummaryState",
	"SupportedPowerActions": "Machine.SupportedPowerActions",
	"Tags":                  "Machine.Tags",
	"UserDisplayName":       "User.DisplayName",
	"UserName":              "User.SamName",
	"UserPrincipalName":     "User.PrincipalName",
	"ZoneName":              "Machine.Zone.Name",
	"CurrentUser":           "",
}

// numericSearchProperties are the properties whose value is a number, the
// only ones the ordering operators compare.
var numericSearchProperties = []string{"SessionCount"}

// searchOp is a SearchOperator the fake models: a property matches when
// one of its values passes test (with not, when none does).
type searchOp struct {
	test    func(have, want string) bool
	not     bool
	ordered bool // compares numbers
}

// searchOperators are the SearchOperator values the fake models; text
// compares in any case, In takes a comma-separated list.
var searchOperators = map[string]searchOp{
	"Equals":              {test: strings.EqualFold},
	"NotEquals":           {test: strings.EqualFold, not: true},
	"Contains":            {test: containsFold},
	"NotContains":         {test: containsFold, not: true},
	"StartsWith":          {test: hasPrefixFold},
	"NotStartsWith":       {test: hasPrefixFold, not: true},
	"EndsWith":            {test: hasSuffixFold},
	"NotEndsWith":         {test: hasSuffixFold, not: true},
	"In":                  {test: inList},
	"NotIn":               {test: inList, not: true},
	"LessThan":            {test: compareNumbers(func(c int) bool { return c < 0 }), ordered: true},
	"LessThanOrEquals":    {test: compareNumbers(func(c int) bool { return c <= 0 }), ordered: true},
	"GreaterThan":         {test: compareNumbers(func(c int) bool { return c > 0 }), ordered: true},
	"GreaterThanOrEquals": {test: compareNumbers(func(c int) bool { return c >= 0 }), ordered: true},
}

// containsFold, hasPrefixFold and hasSuffixFold compare in any case.
func containsFold(h, w string) bool {
	return strings.Contains(strings.ToLower(h), strings.ToLower(w))
}

func hasPrefixFold(h, w string) bool {
	return strings.HasPrefix(strings.ToLower(h), strings.ToLower(w))
}

func hasSuffixFold(h, w string) bool {
	return strings.HasSuffix(strings.ToLower(h), strings.ToLower(w))
}

func inList(h, w string) bool {
	return slices.ContainsFunc(strings.Split(w, ","), func(v string) bool { return strings.EqualFold(strings.TrimSpace(v), h) })
}

// compareNumbers tests the order of two numbers (false if one is not).
func compareNumbers(ok func(int) bool) func(have, want string) bool {
	return func(h, w string) bool {
		a, errA := strconv.ParseFloat(h, 64)
		b, errB := strconv.ParseFloat(strings.TrimSpace(w), 64)
		return errA == nil && errB == nil && ok(cmp.Compare(a, b))
	}
}

// searchFilterTest checks one filter and returns its test of a session's
// answer. Callers hold s.mu.
func (s *Server) searchFilterTest(f searchFilter) (func(x *session, answer map[string]any) bool, *reply) {
	prop, okProp := canonicalKey(sessionSearchPaths, f.Property)
	name, okOp := canonicalKey(searchOperators, f.Operator)
	op := searchOperators[name]
	switch {
	case !okProp:
		return nil, badRequest("invalidArgument", fmt.Sprintf("The fake does not search sessions by '%s'", f.Property), "name", "Property", "value", f.Property)
	case !okOp:
		return nil, badRequest("invalidArgument", fmt.Sprintf("The fake does not model the operator '%s'", f.Operator), "name", "Operator", "value", f.Operator)
	case op.ordered && !slices.Contains(numericSearchProperties, prop):
		return nil, badRequest("invalidArgument", fmt.Sprintf("The fake compares only numeric properties with '%s'", name), "name", "Operator", "value", f.Operator)
	case op.ordered && !isNumber(f.Value):
		return nil, badRequest("invalidString", fmt.Sprintf("'%s' is not a number", f.Value), "name", "Value", "value", f.Value)
	}
	want := f.Value
	if prop == "MachineCatalog" {
		if cat := s.findCatalog(want); cat != nil {
			want = cat.fullName() // a catalog given by id or by name with | for \
		}
	}
	return func(x *session, answer map[string]any) bool {
		values := answerValues(answer, sessionSearchPaths[prop])
		if prop == "CurrentUser" {
			values = s.currentUsers(x)
		}
		return slices.ContainsFunc(values, func(v string) bool { return op.test(v, want) }) != op.not
	}, nil
}

func isNumber(v string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	return err == nil
}

// answerValues reads the value at path (dotted) of a decoded answer as
// text: a list gives each of its items, null or nothing gives "".
func answerValues(answer map[string]any, path string) []string {
	var v any = answer
	for key := range strings.SplitSeq(path, ".") {
		m, _ := v.(map[string]any)
		v = m[key]
	}
	items, ok := v.([]any)
	if !ok {
		items = []any{v}
	}
	var out []string
	for _, it := range items {
		switch it := it.(type) {
		case nil:
			out = append(out, "")
		case string:
			out = append(out, it)
		default:
			out = append(out, strings.TrimSpace(string(marshal(it))))
		}
	}
	return out
}

// currentUsers are the current users of the session's machine, as
// MachineResponseModel.AssociatedUsers has them for a shared machine: the
// users (DOMAIN\name, as UserName) of its sessions. Callers hold s.mu and
// have dropped the sessions that ended (liveSessions).
func (s *Server) currentUsers(x *session) []string {
	var users []string
	for _, y := range s.hand().sessions {
		if y.machine == x.machine {
			users = append(users, y.User)
		}
	}
	return users
}

func (s *Server) searchSessions(c *call) *reply {
	var req sessionSearchRequest
	if rp := decodeBody(c.body, &req); rp != nil {
		return rp
	}
	if len(req.SearchFilterGroups) > 0 && string(req.SearchFilterGroups) != "null" {
		return badRequest("invalidArgument", "The fake does not model SearchFilterGroups", "name", "SearchFilterGroups")
	}
	var tests []func(*session, map[string]any) bool
	for _, f := range req.SearchFilters {
		t, rp := s.searchFilterTest(f)
		if rp != nil {
			return rp
		}
		tests = append(tests, t)
	}
	if q := strings.ToLower(req.BasicSearchString); q != "" {
		tests = append(tests, func(x *session, _ map[string]any) bool {
			return strings.Contains(strings.ToLower(x.User), q) || strings.Contains(strings.ToLower(x.machine.Name), q) ||
				strings.Contains(strings.ToLower(x.DisplayName), q)
		})
	}
	return s.listSessions(c, "DoSessionSearch", func(x *session) bool {
		var answer map[string]any
		if len(req.SearchFilters) > 0 {
			_ = json.Unmarshal(marshal(s.sessionModel(x, s.nowLocked())), &answer)
		}
		for _, t := range tests {
			if !t(x, answer) {
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
