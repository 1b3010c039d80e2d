package daastest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/daaskit/daas/daastest"
)

func TestHandleSyncBodyAndHeaders(t *testing.T) {
	f := newFixture(t)
	f.s.Handle("POST /cvad/manage/Zones", func(c *daastest.Call) daastest.Reply {
		var in struct{ Name string }
		if err := c.DecodeJSON(&in); err != nil || in.Name == "" {
			return daastest.ErrorReply(http.StatusBadRequest, "missing", "The Name property is required", "name", "Name")
		}
		if got := c.Header.Get("Authorization"); got != "CWSAuth bearer=REDACTED" {
			return daastest.Reply{Status: http.StatusTeapot, Body: "token not redacted: " + got}
		}
		return daastest.Reply{
			Status: http.StatusCreated,
			Body:   []byte(`{"Id":"z1","Name":"` + in.Name + `"}`),
			Header: http.Header{"x-custom": {"yes"}},
		}
	})
	resp, body := f.call("POST", "/Zones", `{"Name":"Paris"}`)
	eq(t, "status", resp.StatusCode, http.StatusCreated)
	eq(t, "body", string(body), `{"Id":"z1","Name":"Paris"}`)
	eq(t, "header", resp.Header.Get("X-Custom"), "yes")
	eq(t, "content type", resp.Header.Get("Content-Type"), "application/json; charset=utf-8")
	if resp.Header.Get("Citrix-TransactionId") == "" {
		t.Error("no Citrix-TransactionId")
	}
	errorBody(t, f.want(http.StatusBadRequest, "POST", "/Zones", `{}`), "missing")
	eq(t, "Count", f.s.Count("POST /Zones"), 2)
}

func TestHandleBadReplyIs500(t *testing.T) {
	f := newFixture(t)
	f.s.Handle("GET /Bad", func(*daastest.Call) daastest.Reply { return daastest.Reply{Status: 42} })
	f.s.Handle("GET /Chan", func(*daastest.Call) daastest.Reply { return daastest.Reply{Body: make(chan int)} })
	f.s.Handle("POST /Both", func(*daastest.Call) daastest.Reply {
		return daastest.Reply{Job: &daastest.JobSpec{Result: 1, ResultPath: "/x"}}
	})
	for _, path := range []string{"GET /Bad", "GET /Chan", "POST /Both"} {
		method, p, _ := strings.Cut(path, " ")
		m := f.want(http.StatusInternalServerError, method, p, "")
		if d, _ := m["detail"].(string); !strings.Contains(d, "handler of "+path) {
			t.Errorf("%s: detail %q does not name the handler", path, d)
		}
	}
	eq(t, "jobs started", f.s.Stats().JobsCreated, 0)
}
