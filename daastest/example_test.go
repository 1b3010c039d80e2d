package daastest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/daaskit/daas/daastest"
)

// Example talks to the fake with plain net/http: a token, then a page of
// catalogs.
func Example() {
	s := daastest.NewServer(daastest.WithCatalogs(3))
	defer s.Close()
	hc := s.HTTPClient()

	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {s.ClientID},
		"client_secret": {s.ClientSecret},
	}
	resp, err := hc.Post(s.TokenURL, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		panic(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   string `json:"expires_in"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	fmt.Println("token expires in", tok.ExpiresIn, "seconds")

	req, _ := http.NewRequest(http.MethodGet, s.URL+"/MachineCatalogs?limit=2", nil)
	req.Header.Set("Authorization", "CWSAuth bearer="+tok.AccessToken)
	req.Header.Set("Citrix-CustomerId", s.CustomerID)
	req.Header.Set("Citrix-InstanceId", s.SiteID)
	req.Header.Set("Accept", "application/json")
	resp, err = hc.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var page struct {
		Items []struct {
			Name             string
			ProvisioningType string
			SessionSupport   string
		}
		ContinuationToken *string
	}
	json.NewDecoder(resp.Body).Decode(&page)
	fmt.Println(resp.Status)
	for _, c := range page.Items {
		fmt.Println(c.Name, c.ProvisioningType, c.SessionSupport)
	}
	fmt.Println("more:", page.ContinuationToken != nil)
	// Output:
	// token expires in 3600 seconds
	// 200 OK
	// Win11-Pooled-001 MCS SingleSession
	// Win2022-Shared-002 MCS MultiSession
	// more: true
}

// ExampleServer_Advance runs an async job to completion on service time:
// with a frozen clock, only Advance moves it.
func ExampleServer_Advance() {
	frozen := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	s := daastest.NewServer(
		daastest.WithoutListener(),
		daastest.WithClock(func() time.Time { return frozen }),
		daastest.WithJobDuration(10*time.Minute),
	)
	defer s.Close()
	hc := s.HTTPClient()
	call := func(method, path, body string) *http.Response {
		req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "CWSAuth bearer="+s.IssueToken())
		req.Header.Set("Citrix-CustomerId", s.CustomerID)
		req.Header.Set("Citrix-InstanceId", s.SiteID)
		req.Header.Set("Accept", "application/json")
		if body != "" {
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
		}
		resp, err := hc.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		return resp
	}

	resp := call("POST", "/MachineCatalogs?async=true", `{"Name":"Pool","ProvisioningType":"MCS","SessionSupport":"MultiSession"}`)
	jobID := strings.TrimPrefix(resp.Header.Get("Location"), s.URL+"/Jobs/")
	fmt.Println(resp.Status)

	s.Advance(4 * time.Minute)
	job, _ := s.Job(jobID)
	fmt.Println(job.Status, job.Progress, len(s.Catalogs()))

	s.Advance(6 * time.Minute)
	job, _ = s.Job(jobID)
	fmt.Println(job.Status, job.Progress, s.Catalogs()[0].Name)

	resp = call("GET", "/Jobs/"+jobID+"/Results", "")
	fmt.Println(resp.Status, resp.Header.Get("Location") == s.URL+"/MachineCatalogs/"+job.ResourceID)
	// Output:
	// 202 Accepted
	// InProgress 40 0
	// Complete 100 Pool
	// 303 See Other true
}

// ExampleServer_InjectFault makes the next two job reads fail: a 503 with
// a retryDelay, then a dropped connection.
func ExampleServer_InjectFault() {
	s := daastest.NewServer(daastest.WithoutListener())
	defer s.Close()
	s.InjectFault(daastest.Fault{Route: "GET /Jobs/{id}", Count: 1, Status: http.StatusServiceUnavailable, RetryDelay: 4})
	s.InjectFault(daastest.Fault{Route: "GET /Jobs/{id}", Count: 1, Reset: daastest.ResetBeforeHandler})

	req, _ := http.NewRequest(http.MethodGet, s.URL+"/Jobs/any", nil)
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	_, err = s.HTTPClient().Do(req)
	fmt.Println(err)
	fmt.Println(s.Count("GET /Jobs/{id}"))
	// Output:
	// 503 Service Unavailable
	// Get "http://127.0.0.1:1/cvad/manage/Jobs/any": daastest: connection reset by peer
	// 2
}
