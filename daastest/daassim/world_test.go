package daassim

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

// TestDefaultWorldAgrees: the simulator's default world agrees with
// itself: every catalog's TotalCount and UsedCount are those of the
// machines it lists, a delivery group is seeded, and each group's
// TotalDesktops is the number of machines that name it.
func TestDefaultWorldAgrees(t *testing.T) {
	t.Parallel()
	env, _, _ := start(t, "-addr", "127.0.0.1:0", "-quiet")
	get := getter(t, env)
	type machine struct {
		DeliveryGroup *struct{ Name string }
	}
	var catalogs struct {
		Items []struct {
			ID                    string `json:"Id"`
			Name                  string
			TotalCount, UsedCount int
		}
	}
	get("/MachineCatalogs", &catalogs)
	if len(catalogs.Items) != 5 {
		t.Fatalf("%d catalogs, want 5", len(catalogs.Items))
	}
	inGroup := map[string]int{}
	for _, c := range catalogs.Items {
		var ms struct{ Items []machine }
		get("/MachineCatalogs/"+c.ID+"/Machines?limit=1000", &ms)
		used := 0
		for _, m := range ms.Items {
			if m.DeliveryGroup != nil {
				used++
				inGroup[m.DeliveryGroup.Name]++
			}
		}
		if c.TotalCount != len(ms.Items) || c.UsedCount != used || c.TotalCount == 0 {
			t.Errorf("catalog %s: TotalCount %d, UsedCount %d; it lists %d machines, %d in a group", c.Name, c.TotalCount, c.UsedCount, len(ms.Items), used)
		}
	}
	var groups struct {
		Items []struct {
			Name          string
			TotalDesktops int
		}
	}
	get("/DeliveryGroups", &groups)
	if len(groups.Items) != 1 || groups.Items[0].Name != "Desktops-001" || groups.Items[0].TotalDesktops == 0 {
		t.Fatalf("groups = %+v, want Desktops-001 with machines", groups.Items)
	}
	for _, g := range groups.Items {
		if g.TotalDesktops != inGroup[g.Name] {
			t.Errorf("group %s: TotalDesktops %d, %d machines name it", g.Name, g.TotalDesktops, inGroup[g.Name])
		}
	}
	// examples/sessions finds sessions in the default world.
	var sessions struct {
		Items []struct {
			ID string `json:"Id"`
		}
	}
	get("/Sessions", &sessions)
	if len(sessions.Items) != defaultSessions {
		t.Errorf("%d sessions, want %d", len(sessions.Items), defaultSessions)
	}
}

// TestDefaultSessionsFitTheGroups: without -sessions, a world whose groups
// hold fewer sessions than the default starts with what they hold.
func TestDefaultSessionsFitTheGroups(t *testing.T) {
	t.Parallel()
	env, _, _ := start(t, "-addr", "127.0.0.1:0", "-quiet", "-groups", "0")
	var sessions struct {
		Items []struct {
			ID string `json:"Id"`
		}
	}
	getter(t, env)("/Sessions", &sessions)
	if len(sessions.Items) != 0 {
		t.Errorf("%d sessions without delivery groups", len(sessions.Items))
	}
}

// TestSlowHeaderClosed: a client that sends half of its headers and then
// nothing is disconnected after the header timeout (ReadHeaderTimeout,
// shortened here through run), not held forever.
func TestSlowHeaderClosed(t *testing.T) {
	t.Parallel()
	const timeout = 50 * time.Millisecond
	shortened := func(ctx context.Context, args []string, stdout, stderr io.Writer, opts ...daastest.Option) error {
		return run(ctx, args, stdout, stderr, timeout, opts...)
	}
	env, _, _ := startRun(t, shortened, nil, "-addr", "127.0.0.1:0", "-quiet")
	u, err := url.Parse(env["CITRIX_BASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	// The server's header deadline starts when it begins to read the
	// connection, after the dial: time from before it, so that a close at
	// the deadline never measures short.
	start := time.Now()
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /cvad/manage/me HTTP/1.1\r\nHost: "+u.Host+"\r\nAccept: appl"); err != nil {
		t.Fatal(err)
	}
	// Fail rather than hang if the server never closes, or closes only
	// after a timeout other than the one run was given (ReadHeaderTimeout).
	if err := conn.SetReadDeadline(time.Now().Add(timeout + 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(conn)
	took := time.Since(start)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		t.Fatalf("connection still open after %v", took)
	case took < timeout:
		t.Errorf("closed after %v, before the header timeout %v (%v, %q)", took, timeout, err, rest)
	case len(rest) > 0 && !strings.HasPrefix(string(rest), "HTTP/1.1 408"):
		t.Errorf("answered %q", rest)
	}
	t.Logf("closed after %v", took)
}
