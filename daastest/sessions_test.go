package daastest_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// sessionWorld seeds 4 machines, 3 of them in a delivery group, and 5
// sessions on those (a multi-session catalog).
func sessionWorld() []daastest.Option {
	return []daastest.Option{
		daastest.WithoutListener(),
		daastest.WithCatalog(daastest.Catalog{Name: "Shared", SessionSupport: "MultiSession"}),
		daastest.WithMachines("Shared", 4),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "Apps", Catalog: "Shared", Machines: 3}),
		daastest.WithSessions(5),
	}
}

// TestSeededSessionsAgreeWithMachines: the seeded sessions are on the
// group's machines, each machine's SessionCount is its number of listed
// sessions, and the list pages.
func TestSeededSessionsAgreeWithMachines(t *testing.T) {
	s := daastest.NewServer(sessionWorld()...)
	defer s.Close()
	c, ctx := s.Client(), t.Context()
	perMachine := map[string]int{}
	n := 0
	for x, err := range c.Sessions.All(ctx, daas.PageSize(2)) {
		if err != nil {
			t.Fatal(err)
		}
		perMachine[x.Machine.ID]++
		eq(t, "state", x.State, daas.SessionStateActive)
		eq(t, "group", x.Machine.DeliveryGroup.Name, "Apps")
		n++
	}
	eq(t, "sessions", n, 5)
	for _, m := range s.Machines() {
		eq(t, "SessionCount of "+m.Name, m.SessionCount, perMachine[m.ID])
	}
	eq(t, "pages", s.Count("GET /Sessions"), 3)
	eq(t, "Sessions()", len(s.Sessions()), 5)
	g, err := c.DeliveryGroups.Get(ctx, "Apps")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "group's SessionCount", g.SessionCount, 5)
	if got := len(perMachine); got != 3 {
		t.Errorf("sessions on %d machines, want the group's 3", got)
	}
}

// TestSessionActions: disconnect changes the state, a message reaches an
// active session and not a disconnected one, log off ends a session (as a
// job too) and its machine's count drops.
func TestSessionActions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(sessionWorld()...)
		defer s.Close()
		c, ctx := s.Client(), t.Context()
		ids := s.Sessions()

		x, err := c.Sessions.Disconnect(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "disconnected", x.State, daas.SessionStateDisconnected)
		_, err = c.Sessions.SendMessage(ctx, ids[0], daas.SendMessageRequest{Title: "Hi", Text: "x"})
		eq(t, "message to a disconnected session", apiStatus(err), http.StatusConflict)

		mj, err := c.Sessions.SendMessageAsync(ctx, ids[1], daas.SendMessageRequest{
			Style: daas.MessageStyleInformation, Title: "Maintenance", Text: "Log off by 18:00",
		})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "message job type", jobType(s, mj.ID()), "SendSessionMessage")
		got, err := mj.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "message job result", got.ID, ids[1])
		msgs := s.SessionMessages()
		eq(t, "messages", len(msgs), 1)
		eq(t, "message", [3]string{msgs[0].SessionID, msgs[0].Title, msgs[0].Style}, [3]string{ids[1], "Maintenance", "Information"})

		before, err := c.Sessions.Get(ctx, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		machineCount := func() int {
			for _, m := range s.Machines() {
				if m.ID == before.Machine.ID {
					return m.SessionCount
				}
			}
			return -1
		}
		count := machineCount()
		lj, err := c.Sessions.LogOffAsync(ctx, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "log off job type", jobType(s, lj.ID()), "LogoffSessions")
		if _, err := lj.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = c.Sessions.Get(ctx, ids[1])
		eq(t, "logged off session", apiStatus(err), http.StatusNotFound)
		eq(t, "machine's sessions", machineCount(), count-1)
		if err := c.Sessions.LogOff(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
		eq(t, "sessions left", s.Sessions(), ids[2:])
		err = c.Sessions.LogOff(ctx, ids[0])
		eq(t, "log off twice", apiStatus(err), http.StatusNotFound)
	})
}

// TestSessionSearch finds sessions by filters and by a basic search
// string, in pages, and as a DoSessionSearch job.
func TestSessionSearch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(sessionWorld()...)
		defer s.Close()
		c, ctx := s.Client(), t.Context()
		ids := s.Sessions()
		if _, err := c.Sessions.Disconnect(ctx, ids[2]); err != nil {
			t.Fatal(err)
		}
		count := func(req daas.MachineAndSessionSearchRequest) []string {
			t.Helper()
			var found []string
			for x, err := range c.Sessions.Search(ctx, req, daas.PageSize(1)) {
				if err != nil {
					t.Fatal(err)
				}
				found = append(found, x.ID)
			}
			return found
		}
		eq(t, "disconnected", count(daas.MachineAndSessionSearchRequest{SearchFilters: []daas.MachineAndSessionSearchFilterRequest{
			{Property: daas.MachineAndSessionSearchPropertySessionState, Operator: daas.SearchOperatorEquals, Value: "Disconnected"},
		}}), []string{ids[2]})
		eq(t, "in the group, active", len(count(daas.MachineAndSessionSearchRequest{SearchFilters: []daas.MachineAndSessionSearchFilterRequest{
			{Property: daas.MachineAndSessionSearchPropertyDeliveryGroup, Operator: daas.SearchOperatorEquals, Value: "apps"},
			{Property: daas.MachineAndSessionSearchPropertySessionState, Operator: daas.SearchOperatorNotEquals, Value: "Disconnected"},
		}})), 4)
		eq(t, "basic search", len(count(daas.MachineAndSessionSearchRequest{BasicSearchString: "USER00"})), 5)
		eq(t, "user", len(count(daas.MachineAndSessionSearchRequest{SearchFilters: []daas.MachineAndSessionSearchFilterRequest{
			{Property: daas.MachineAndSessionSearchPropertyUserName, Operator: daas.SearchOperatorEndsWith, Value: `\user004`},
		}})), 1)

		job, err := c.Sessions.SearchAsync(ctx, daas.MachineAndSessionSearchRequest{BasicSearchString: "user001"})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "search job type", jobType(s, job.ID()), "DoSessionSearch")
		found, err := job.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "found by job", len(found), 1)

		_, err = c.Sessions.SearchPage(ctx, daas.MachineAndSessionSearchRequest{SearchFilters: []daas.MachineAndSessionSearchFilterRequest{
			{Property: daas.MachineAndSessionSearchPropertyAgentVersion, Operator: daas.SearchOperatorEquals, Value: "x"},
		}})
		eq(t, "unmodelled property", apiStatus(err), http.StatusBadRequest)
	})
}

// TestSessionsEndWithTheirMachine: a machine shut down (its sessions end)
// takes its sessions out of the list.
func TestSessionsEndWithTheirMachine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := daastest.NewServer(sessionWorld()...)
		defer s.Close()
		c, ctx := s.Client(), t.Context()
		x, err := c.Sessions.Get(ctx, s.Sessions()[0])
		if err != nil {
			t.Fatal(err)
		}
		job, err := c.Machines.ShutdownAsync(ctx, x.Machine.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := job.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		for _, id := range s.Sessions() {
			y, err := c.Sessions.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if y.Machine.ID == x.Machine.ID {
				t.Errorf("session %s is still on the machine that shut down", id)
			}
		}
		if n := len(s.Sessions()); n >= 5 {
			t.Errorf("%d sessions after a shutdown, want fewer than 5", n)
		}
	})
}

func TestWithSessionsNeedsRoom(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("sessions without machines to hold them: no panic")
		}
	}()
	daastest.NewServer(daastest.WithoutListener(), daastest.WithCatalog(daastest.Catalog{Name: "Solo", SessionSupport: "SingleSession"}),
		daastest.WithMachines("Solo", 2), daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: "D", Catalog: "Solo", Machines: 2}),
		daastest.WithSessions(3))
}

// TestSessionSearchByCatalog: the MachineCatalog filter matches the
// session's machine's catalog as the session shows it (its full name), so
// every operator works on the name; a catalog given by id still matches.
func TestSessionSearchByCatalog(t *testing.T) {
	s := daastest.NewServer(sessionWorld()...)
	defer s.Close()
	c, ctx := s.Client(), t.Context()
	count := func(op daas.SearchOperator, value string) int {
		t.Helper()
		page, err := c.Sessions.SearchPage(ctx, daas.MachineAndSessionSearchRequest{SearchFilters: []daas.MachineAndSessionSearchFilterRequest{
			{Property: daas.MachineAndSessionSearchPropertyMachineCatalog, Operator: op, Value: value},
		}})
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Items)
	}
	eq(t, "equals the name", count(daas.SearchOperatorEquals, "shared"), 5)
	eq(t, "equals the id", count(daas.SearchOperatorEquals, s.Catalogs()[0].ID), 5)
	eq(t, "contains", count(daas.SearchOperatorContains, "HAR"), 5)
	eq(t, "starts with", count(daas.SearchOperatorStartsWith, "Sh"), 5)
	eq(t, "in", count(daas.SearchOperatorIn, "Other, Shared"), 5)
	eq(t, "another catalog", count(daas.SearchOperatorStartsWith, "Other"), 0)
}

// TestSessionSearchByPrincipalName: the UserPrincipalName filter matches
// the user's principal name as the session shows it (user@domain), not
// the bare user name.
func TestSessionSearchByPrincipalName(t *testing.T) {
	s := daastest.NewServer(sessionWorld()...)
	defer s.Close()
	c, ctx := s.Client(), t.Context()
	x, err := c.Sessions.Get(ctx, s.Sessions()[3])
	if err != nil {
		t.Fatal(err)
	}
	upn := x.User.PrincipalName
	_, domain, ok := strings.Cut(upn, "@")
	if !ok {
		t.Fatalf("PrincipalName %q has no @", upn)
	}
	found := func(op daas.SearchOperator, value string) []string {
		t.Helper()
		page, err := c.Sessions.SearchPage(ctx, daas.MachineAndSessionSearchRequest{SearchFilters: []daas.MachineAndSessionSearchFilterRequest{
			{Property: daas.MachineAndSessionSearchPropertyUserPrincipalName, Operator: op, Value: value},
		}})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, y := range page.Items {
			ids = append(ids, y.ID)
		}
		return ids
	}
	eq(t, "equals the UPN", found(daas.SearchOperatorEquals, strings.ToUpper(upn)), []string{x.ID})
	eq(t, "ends with the domain", len(found(daas.SearchOperatorEndsWith, "@"+domain)), 5)
	eq(t, "the bare name", found(daas.SearchOperatorEquals, "user004"), []string(nil))
}

// TestSessionSearchOperatorsAndProperties: the operators and properties
// of the spec's enums that the fake models. CurrentUser is a machine
// property (the users of the sessions on the session's machine), so it
// matches every session on a machine one of whose users matches; the
// negated operators match when no value matches; the ordering operators
// compare numbers. Those the fake does not model are refused (400).
func TestSessionSearchOperatorsAndProperties(t *testing.T) {
	s := daastest.NewServer(sessionWorld()...)
	defer s.Close()
	c, ctx := s.Client(), t.Context()
	ids := s.Sessions()
	first, err := c.Sessions.Get(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	domain, _, _ := strings.Cut(first.User.SamName, `\`)
	users := func(p daas.MachineAndSessionSearchProperty, op daas.SearchOperator, value string) []string {
		t.Helper()
		page, err := c.Sessions.SearchPage(ctx, daas.MachineAndSessionSearchRequest{SearchFilters: []daas.MachineAndSessionSearchFilterRequest{
			{Property: p, Operator: op, Value: value},
		}})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, x := range page.Items {
			_, name, _ := strings.Cut(x.User.SamName, `\`)
			names = append(names, name)
		}
		slices.Sort(names)
		return names
	}
	// The 5 sessions sit in turn on 3 machines: user001 and user004 on the
	// first, user002 and user005 on the second, user003 on the third.
	eq(t, "CurrentUser", users(daas.MachineAndSessionSearchPropertyCurrentUser, daas.SearchOperatorEquals, domain+`\user004`),
		[]string{"user001", "user004"})
	eq(t, "CurrentUser, not", users(daas.MachineAndSessionSearchPropertyCurrentUser, daas.SearchOperatorNotEquals, domain+`\USER004`),
		[]string{"user002", "user003", "user005"})
	eq(t, "CurrentUser in", users(daas.MachineAndSessionSearchPropertyCurrentUser, daas.SearchOperatorIn, "x, "+domain+`\user003`),
		[]string{"user003"})
	eq(t, "not starts with", users(daas.MachineAndSessionSearchPropertyUserDisplayName, daas.SearchOperatorNotStartsWith, "user 00"), []string(nil))
	eq(t, "not ends with", users(daas.MachineAndSessionSearchPropertyUserName, daas.SearchOperatorNotEndsWith, "1"),
		[]string{"user002", "user003", "user004", "user005"})
	eq(t, "not in", users(daas.MachineAndSessionSearchPropertyClientName, daas.SearchOperatorNotIn, "client-001,CLIENT-002"),
		[]string{"user003", "user004", "user005"})
	eq(t, "protocol", len(users(daas.MachineAndSessionSearchPropertyConnectionProtocol, daas.SearchOperatorEquals, "hdx")), 5)
	eq(t, "machine power", len(users(daas.MachineAndSessionSearchPropertyPowerState, daas.SearchOperatorEquals, "on")), 5)
	eq(t, "machine flag", len(users(daas.MachineAndSessionSearchPropertyInMaintenanceMode, daas.SearchOperatorEquals, "False")), 5)
	eq(t, "more than one session", users(daas.MachineAndSessionSearchPropertySessionCount, daas.SearchOperatorGreaterThan, "1"),
		[]string{"user001", "user002", "user004", "user005"})
	eq(t, "at most one session", users(daas.MachineAndSessionSearchPropertySessionCount, daas.SearchOperatorLessThanOrEquals, "1"),
		[]string{"user003"})

	refused := func(what string, p daas.MachineAndSessionSearchProperty, op daas.SearchOperator, value, param string) {
		t.Helper()
		_, err := c.Sessions.SearchPage(ctx, daas.MachineAndSessionSearchRequest{SearchFilters: []daas.MachineAndSessionSearchFilterRequest{
			{Property: p, Operator: op, Value: value},
		}})
		var ae *daas.APIError
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: error %v, want a 400", what, err)
		}
		i := slices.IndexFunc(ae.Parameters, func(p daas.NameValue) bool { return p.Name == "name" })
		if i < 0 {
			t.Fatalf("%s: error %v names no property", what, err)
		}
		eq(t, what, ae.Parameters[i].Value, param)
	}
	refused("ContainsLike", daas.MachineAndSessionSearchPropertyUserName, daas.SearchOperatorContainsLike, "user*", "Operator")
	refused("Like", daas.MachineAndSessionSearchPropertyUserName, daas.SearchOperatorLike, "user*", "Operator")
	refused("IsWithin", daas.MachineAndSessionSearchPropertyStartTime, daas.SearchOperatorIsWithin, "1", "Property")
	refused("order of text", daas.MachineAndSessionSearchPropertyUserName, daas.SearchOperatorLessThan, "m", "Operator")
	refused("order of no number", daas.MachineAndSessionSearchPropertySessionCount, daas.SearchOperatorLessThan, "two", "Value")
	refused("a property not shown", daas.MachineAndSessionSearchPropertyOSType, daas.SearchOperatorEquals, "Windows", "Property")
}
