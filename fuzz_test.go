package daas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// Fuzz targets for the parsers that read what a server sends: the job
// Location of a 202 (and the Location of a 303), job JSON, error bodies and
// the token endpoint's answer. `go test` runs their seeds (the f.Add calls
// and testdata/fuzz/FuzzXxx) as ordinary tests; `go test -run '^$' -fuzz
// FuzzXxx .` explores further.

const fzBase = "https://api.cloud.com/cvad/manage"

func fzClient(f *testing.F) *Client {
	f.Helper()
	c, err := NewClient("cust", WithBearerToken("tok"), WithSiteID("site"), WithBaseURL(fzBase))
	if err != nil {
		f.Fatal(err)
	}
	return c
}

// fzOnAPIOrigin is the reference check a Location must pass, written
// independently of the library's sameOrigin: https, host api.cloud.com,
// port 443 (explicit or implied), no userinfo.
func fzOnAPIOrigin(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, "https") &&
		strings.EqualFold(u.Hostname(), "api.cloud.com") &&
		(u.Port() == "" || u.Port() == "443") &&
		u.User == nil
}

func FuzzParseJobLocation(f *testing.F) {
	c := fzClient(f)
	for _, s := range []string{
		fzBase + "/Jobs/81c05d9f-6ba4-4a3e-9b5c-1f0e2d3c4b5a",
		fzBase + "/Jobs/a%20b/",
		"HTTPS://API.CLOUD.COM:443/cvad/manage/Jobs/x",
		"https://api.cloud.com.evil.example/cvad/manage/Jobs/x",
		"https://api.cloud.com:444/cvad/manage/Jobs/x",
		"http://api.cloud.com/cvad/manage/Jobs/x",
		"https://user:pw@api.cloud.com/cvad/manage/Jobs/x",
		"https://api.cloud.com@evil.example/cvad/manage/Jobs/x",
		"https://api.cloud.com\\@evil.example/Jobs/x",
		"//evil.example/cvad/manage/Jobs/x",
		"/cvad/manage/Jobs/x",
		fzBase + "/Jobs/..%2F..%2Fadmin",
		fzBase + "/Jobs/%2e%2e",
		fzBase + "/Jobs/../../x",
		fzBase + "/Jobs/x?y=1#z",
		"https://[::1]:443/Jobs/x",
		"https://api.cloud.com%2Eevil.example/Jobs/x",
		"javascript:alert(1)",
		"Jobs/j1/../../MachineCatalogs/x",
		"https:api.cloud.com/x",
		"",
		" ",
		"\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, loc string) {
		id, err := c.jobLocation(loc)
		if err != nil {
			if !errors.Is(err, ErrBadLocation) && !errors.Is(err, ErrUntrustedLocation) {
				t.Fatalf("jobLocation(%q): untyped error %v", loc, err)
			}
		} else {
			u, perr := url.Parse(loc)
			if perr != nil {
				t.Fatalf("jobLocation accepted %q, which url.Parse refuses: %v", loc, perr)
			}
			if !fzOnAPIOrigin(u) {
				t.Fatalf("jobLocation accepted %q on a foreign origin (scheme %q host %q user %v)", loc, u.Scheme, u.Host, u.User)
			}
			if id == "" || id == "." || id == ".." || strings.ContainsAny(id, `/\`) || strings.ContainsFunc(id, unicode.IsControl) {
				t.Fatalf("jobLocation(%q) accepted the id %q", loc, id)
			}
			if p := strings.ToLower(strings.TrimSuffix(u.EscapedPath(), "/")); !strings.HasPrefix(p, "/cvad/manage/jobs/") || strings.Contains(p[len("/cvad/manage/jobs/"):], "/") {
				t.Fatalf("jobLocation(%q) accepted a path that is not {API root}/Jobs/{id}", loc)
			}
			// The id round-trips through the location a resumed job builds.
			again, err := c.jobLocation(ResumeJob[struct{}](c, id).Location())
			if err != nil || again != id {
				t.Fatalf("id %q from %q does not round-trip: %q, %v", id, loc, again, err)
			}
		}

		// The Location of a 303 from GET /Jobs/{id}/Results: whatever it
		// says, the request it leads to stays on the API origin.
		from, _ := url.Parse(fzBase + "/Jobs/j1/Results")
		if target, err := c.checkLocation(from, loc); err == nil {
			if !fzOnAPIOrigin(target) {
				t.Fatalf("303 Location %q followed to a foreign origin %s", loc, target.Redacted())
			}
			if want, _ := from.Parse(loc); want == nil || target.String() != want.String() {
				t.Fatalf("303 Location %q followed to %s, not where it points", loc, target.Redacted())
			}
		} else if !errors.Is(err, ErrBadLocation) && !errors.Is(err, ErrUntrustedLocation) {
			t.Fatalf("303 Location %q: untyped error %v", loc, err)
		}
	})
}

func FuzzJobInfoUnmarshal(f *testing.F) {
	for _, s := range []string{
		`{"Id":"j1","Type":"CreateMachineCatalog","Status":"InProgress","OverallProgressPercent":42,"IsCancellable":true,` +
			`"Parameters":[{"Name":"Name","Value":"Cat"}],"SubJobs":[{"Id":"s1","Status":"Complete"}],` +
			`"ErrorCode":"Unknown","CreationTime":"2022-02-09T07:22:04.254+00:00","StartTime":"0001-01-01T00:00:00+00:00","EndTime":null}`,
		`{"Status":5,"OverallProgressPercent":"x","Parameters":{"a":1},"SubJobs":[1,null,"x",{}],"IsCancellable":"yes"}`,
		`{"OverallProgressPercent":1e400}`,
		`{"OverallProgressPercent":-5}`,
		`{"OverallProgressPercent":250.7}`,
		`{"status":"Complete","STATUS":"Failed"}`,
		`{"SubJobs":[{"SubJobs":[{"SubJobs":[{}]}]}]}`,
		`{"FormattedCreationTime":"garbage","CreationTime":"2022-02-09 07:22:04Z"}`,
		`{}`, `null`, `[]`, `"x"`, `1`, ``, `{`,
		`{"Parameters":[null,{"Name":"a","Value":"b"}],"ErrorParameters":[{}],"SubJobs":[null]}`,
		`{"Id":"a","StartTime":"2022-02-09T07:22:04.254","EndTime":"2022-02-09T07:22:04\u002e1Z","FormattedStartTime":""}`,
		`{"Id":"a","OverallProgressPercent":007,"Parameters":[{"Name":1,"Value":true}]}`,
	} {
		f.Add([]byte(s))
	}
	// Deep nesting: 20 levels with one wrong-typed field each (exponential
	// before the linear decoder), and 2000 levels (beyond the nesting cap).
	f.Add(fzNestedJob(20, `"OverallProgressPercent":"x","IsCancellable":"no",`))
	f.Add(fzNestedJob(2000, ""))
	f.Fuzz(func(t *testing.T, data []byte) {
		var ji JobInfo
		err := json.Unmarshal(data, &ji)
		trimmed := bytes.TrimSpace(data)
		if json.Valid(data) && len(trimmed) > 0 && trimmed[0] == '{' && err != nil {
			t.Fatalf("JobInfo refused a JSON object %q: %v", data, err)
		}
		if err == nil {
			fzCheckJobInfo(t, &ji)
		}
		// The typed pass gives what the lenient decoder gives, or defers
		// to it.
		var lenient JobInfo
		if lerr := lenient.decode(data, 0); (lerr == nil) != (decodeJob(&ji, data) == nil) {
			t.Fatalf("typed and lenient decoders disagree on %q: %v", data, lerr)
		} else if lerr == nil && !reflect.DeepEqual(ji, lenient) {
			t.Fatalf("typed and lenient decoders disagree on %q:\n%+v\n%+v", data, ji, lenient)
		}
		// The same object inside a job list: a bad item never fails the list.
		var items []json.RawMessage
		if json.Valid(data) {
			items = append(items, json.RawMessage(trimmed))
		}
		l := jobPage{budget: maxJobListBytes}
		if err := l.decodeFrom(bytes.NewReader(mustJSON(t, map[string]any{"Items": append(items, json.RawMessage(`{"Id":"ok"}`))})), -1, 1<<30); err != nil {
			t.Fatalf("job list with item %q: %v", data, err)
		}
		if len(l.Items) == 0 || l.Items[len(l.Items)-1].ID != "ok" {
			t.Fatalf("job list with item %q lost the good item: %+v", data, l.Items)
		}
	})
}

// fzNestedJob returns a job whose SubJobs nest depth levels, each level's
// object starting with extra.
func fzNestedJob(depth int, extra string) []byte {
	var b bytes.Buffer
	for i := range depth {
		fmt.Fprintf(&b, `{%s"Id":"j%d","Status":"InProgress","SubJobs":[`, extra, i)
	}
	for range depth {
		b.WriteString(`]}`)
	}
	return b.Bytes()
}

func fzCheckJobInfo(t *testing.T, ji *JobInfo) {
	t.Helper()
	if ji.Progress < -1 || ji.Progress > 100 {
		t.Fatalf("Progress %d out of [-1, 100]", ji.Progress)
	}
	for i := range ji.SubJobs {
		fzCheckJobInfo(t, &ji.SubJobs[i])
	}
	_ = ji.Status.Terminal()
	_, _ = ji.Param("x")
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fzCheckLine checks that an error message built from a server's answer is
// one plain line of at most max bytes.
func fzCheckLine(t *testing.T, what, msg string, max int) {
	t.Helper()
	if strings.ContainsFunc(msg, func(r rune) bool { return r != ' ' && (unicode.IsSpace(r) || unicode.IsControl(r)) }) {
		t.Fatalf("%s: message is not one plain line: %q", what, msg)
	}
	if len(msg) > max {
		t.Fatalf("%s: message of %d bytes exceeds %d", what, len(msg), max)
	}
}

func FuzzAPIError(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
		ra     string
	}{
		{404, `{"type":"https://errors-api.cloud.com/common/notFound","detail":"Job not found","parameters":[{"name":"id","value":"j1"}]}`, ""},
		{429, `{"type":"https://errors-api.cloud.com/common/rateLimitExceeded","detail":"Rate limit exceeded; try again in 4 seconds","parameters":[{"name":"retryDelay","value":"4"}]}`, "7"},
		{400, `{"ErrorMessage":"Cannot find this administrator X","SdkErrorId":"x","ErrorDetails":"line1\nline2"}`, ""},
		{401, `{"Error":{"Message":"Missing or invalid CWSAuth header.","Type":"CWSAuthException"}}`, ""},
		{500, `{"activityId":"a","message":"Internal server error","statusCode":500}`, ""},
		{502, `<html><body><h1>502 Bad Gateway</h1></body></html>`, "Wed, 21 Oct 2015 07:28:00 GMT"},
		{503, `{"detail":"a\u2028b\u0085c\u000bd\u001b[31me","parameters":{"retryDelay":1e300}}`, "1e308"},
		{409, `{"detail":"` + strings.Repeat("x", 5000) + `"}`, "-1"},
		{409, `{"detail":"` + strings.Repeat("x", 1023) + strings.Repeat("é", 10) + `"}`, ""},
		{-1, ``, ""},
		{999, `{"type":`, "NaN"},
	} {
		f.Add(s.status, []byte(s.body), s.ra)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, ra string) {
		resp := &http.Response{
			StatusCode: status,
			Header:     http.Header{"Retry-After": {ra}},
			Body:       io.NopCloser(bytes.NewReader(body)),
		}
		e := newAPIError(resp, http.MethodGet, fzBase+"/Jobs/j1", "6f0a8f9e-1111-4222-8333-444455556666")
		fzCheckLine(t, "APIError.Error", e.Error(), 2048) // one capped text: the detail
		if !utf8.ValidString(e.Error()) {
			t.Fatalf("APIError.Error is not valid UTF-8 (a cut inside a character?): %q", e.Error())
		}
		if len(e.Body) > maxErrorBody {
			t.Fatalf("Body kept %d bytes, cap %d", len(e.Body), maxErrorBody)
		}
		if e.RetryAfter < 0 {
			t.Fatalf("negative RetryAfter %v", e.RetryAfter)
		}
		if errors.Is(e, ErrNotFound) != (status == http.StatusNotFound) {
			t.Fatalf("ErrNotFound match wrong for status %d", status)
		}
		_, _ = e.Param("retryDelay")
		// The same fields as a job's error.
		je := &JobError{JobID: "j1", Type: e.Type, Status: JobStatusFailed, Code: e.Detail, Message: string(body), Parameters: e.Parameters}
		fzCheckLine(t, "JobError.Error", je.Error(), 3*maxMessage+256) // capped type, code, message
	})
}

func FuzzTokenResponse(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
	}{
		{200, `{"token_type":"bearer","access_token":"eyJhbGciOi.x.y","expires_in":"3600"}`},
		{200, `{"access_token":"t","expires_in":3600}`},
		{200, `{"access_token":"t","expires_in":"-5"}`},
		{200, `{"access_token":"t","expires_in":"0"}`},
		{200, `{"access_token":"t","expires_in":3600.5}`},
		{200, `{"access_token":"t","expires_in":"abc"}`},
		{200, `{"access_token":"t","expires_in":1e30}`},
		{200, `{"access_token":"t"}`},
		{200, `{"access_token":"a\r\nX-Evil: 1","expires_in":"3600"}`},
		{200, `{"access_token":"a b","expires_in":"3600"}`},
		{200, `{"error":"invalid_client","error_description":"Invalid client id or client secret.","access_token":"t","expires_in":"3600"}`},
		{400, `{"error":"invalid_client","error_description":"Invalid client id\nor client secret."}`},
		{302, ``},
		{500, `<html>oops</html>`},
		{200, `<html>login</html>`},
		{200, `null`},
	} {
		f.Add(s.status, []byte(s.body))
	}
	sent := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		tok, err := parseTokenResponse(status, body, "tx", sent)
		if err != nil {
			var ae *AuthError
			if !errors.As(err, &ae) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if tok != (Token{}) {
				t.Fatalf("a token with an error: %v", tok)
			}
			fzCheckLine(t, "AuthError.Error", err.Error(), 2*maxMessage+256) // capped code and description
			return
		}
		if status != http.StatusOK {
			t.Fatalf("token accepted from a %d answer", status)
		}
		if tok.Value == "" || !tok.Expiry.After(sent) {
			t.Fatalf("token %q with non-positive lifetime %v", tok.Value, tok.Expiry.Sub(sent))
		}
		if strings.ContainsFunc(tok.Value, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
			t.Fatalf("token %q cannot be sent in a header", tok.Value)
		}
	})
}
