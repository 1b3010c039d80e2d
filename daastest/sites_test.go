package daastest_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

func TestSites(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.request("GET", "/Sites", "")
	req.Header.Del("Citrix-InstanceId") // the spec lists none on the Sites
	resp, b := f.do(req)
	eq(t, "status", resp.StatusCode, 200)
	list := items(t, object(t, b))
	eq(t, "sites", list, []map[string]any{{"Id": f.s.SiteID, "Name": "cloudxdsite"}})
	for _, key := range []string{f.s.SiteID, "CLOUDXDSITE"} {
		m := f.want(200, "GET", "/Sites/"+key, "")
		eq(t, "Id", m["Id"], any(f.s.SiteID))
		eq(t, "ProductVersion", m["ProductVersion"], any("7.47.0.14"))
	}
	errorBody(t, f.want(404, "GET", "/Sites/nosuch", ""), "notFound")
	eq(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), "nosniff")
}

func TestTokensAreJWTs(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithTokenLifetime(time.Hour))
	parts := strings.Split(f.token, ".")
	eq(t, "segments", len(parts), 3)
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Sub string `json:"sub"`
		Exp int64  `json:"exp"`
	}
	mustUnmarshal(t, raw, &claims)
	eq(t, "sub", claims.Sub, f.s.ClientID)
	eq(t, "exp", claims.Exp, epoch().Add(time.Hour).Unix())
	if other := f.s.IssueToken(); other == f.token {
		t.Error("two tokens are equal")
	}
}

func TestSkipRemaining(t *testing.T) {
	t.Parallel()
	f := newFixture(t, daastest.WithJobDuration(time.Minute))
	id := f.startJob("POST", "/MachineCatalogs?async=true", `{"Name":"S","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`)
	m := f.want(200, "POST", "/Jobs/"+id+"/$SkipRemaining", "")
	eq(t, "still running", m["EndTime"], nil)
	f.s.Advance(30 * time.Second) // the first of two sub jobs ends: so does the job
	j := f.job(id)
	eq(t, "status", j["Status"], any("Complete"))
	subs := j["SubJobs"].([]any)
	eq(t, "skipped sub job", subs[1].(map[string]any)["Status"], any("Canceled"))
	eq(t, "skipped sub job start", subs[1].(map[string]any)["StartTime"], nil)
	eq(t, "took effect", len(f.s.Catalogs()), 1)

	// Completed successfully: 303 to what the job affected, as the spec's
	// text says.
	resp, _ := f.call("POST", "/Jobs/"+id+"/$SkipRemaining", "")
	eq(t, "after completion", resp.StatusCode, 303)
	eq(t, "Location", resp.Header.Get("Location"), f.s.URL+"/MachineCatalogs/"+f.s.Catalogs()[0].ID)

	// A job without sub jobs does not support it: 501, running or not.
	list := f.startJob("GET", "/MachineCatalogs?async=true", "")
	p := errorBody(t, f.want(501, "POST", "/Jobs/"+list+"/$SkipRemaining", ""), "notImplemented")
	eq(t, "501 names the job", p["id"], list)
	f.s.Advance(time.Minute)
	errorBody(t, f.want(501, "POST", "/Jobs/"+list+"/$SkipRemaining", ""), "notImplemented")

	// Ended Failed: shown as it is.
	f.s.NextJob(daastest.Outcome{Status: "Failed"})
	failed := f.startJob("POST", "/MachineCatalogs?async=true", `{"Name":"F","ProvisioningType":"MCS","SessionSupport":"SingleSession"}`)
	f.s.Advance(time.Minute)
	eq(t, "failed job", f.want(200, "POST", "/Jobs/"+failed+"/$SkipRemaining", "")["Status"], any("Failed"))
}
