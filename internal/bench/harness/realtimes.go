package harness

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// realTimes puts the job times of GET /Jobs/{id} answers on the real
// clock of a scaled run: a time t of the fake's service clock becomes
// epoch + (t − epoch)/scale. A client learns a job type's durations from
// these times and plans its reads on its own clock, which a scaled run
// runs scale times slower than the fake's: without this its plans would
// sit scale times too late. The harness measures delays from the fake's
// own records, which this leaves alone.
type realTimes struct {
	next  http.RoundTripper
	epoch time.Time
	scale float64
}

// jobTimeLayout is the fake's job time format.
const jobTimeLayout = "2006-01-02T15:04:05.000-07:00"

func (rt *realTimes) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rt.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	if route, _ := routeOf(req.Method, req.URL.Path); route != routeJob {
		return resp, nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var job map[string]json.RawMessage
	if json.Unmarshal(body, &job) == nil {
		for _, f := range []string{"CreationTime", "FormattedCreationTime", "StartTime", "FormattedStartTime", "EndTime", "FormattedEndTime"} {
			var s string
			if json.Unmarshal(job[f], &s) != nil {
				continue
			}
			t, err := time.Parse(jobTimeLayout, s)
			if err != nil {
				continue
			}
			t = rt.epoch.Add(time.Duration(float64(t.Sub(rt.epoch)) / rt.scale))
			job[f] = json.RawMessage(strconv.Quote(t.UTC().Format(jobTimeLayout)))
		}
		if b, err := json.Marshal(job); err == nil {
			body = b
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return resp, nil
}
