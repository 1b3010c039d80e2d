package daastest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// ExampleServer_Handle fakes an endpoint the library has no typed method
// for, POST /Zones, as a job: the code under test starts it with
// daas.StartJob and waits; the job's results redirect to GET
// /Zones/{id}, which the test registers too.
func ExampleServer_Handle() {
	s := daastest.NewServer(daastest.WithoutListener(), daastest.WithJobDuration(0))
	defer s.Close()

	var mu sync.Mutex
	zones := map[string]string{} // id -> name: the test's own state
	s.Handle("POST /Zones", func(c *daastest.Call) daastest.Reply {
		var in struct{ Name string }
		if err := c.DecodeJSON(&in); err != nil || in.Name == "" {
			return daastest.ErrorReply(http.StatusBadRequest, "missing", "The Name property is required", "name", "Name")
		}
		id := "0f6d0d6e-3c38-4a3c-9a0b-1d6a6f1f4c11"
		return daastest.Reply{Job: &daastest.JobSpec{
			Type:       "CreateZone", // a value of the API's JobType enum
			Parameters: []daastest.NameValue{{Name: "Name", Value: in.Name}},
			ResultPath: "/Zones/" + id,
			OnComplete: func() error { // runs when the job completes
				mu.Lock()
				defer mu.Unlock()
				zones[id] = in.Name
				return nil
			},
		}}
	})
	s.Handle("GET /Zones/{nameOrId}", func(c *daastest.Call) daastest.Reply {
		mu.Lock()
		defer mu.Unlock()
		id := c.PathValue("nameOrId")
		name, ok := zones[id]
		if !ok {
			return daastest.ErrorReply(http.StatusNotFound, "notFound", "Zone '"+id+"' was not found", "entityType", "Zone", "id", id)
		}
		return daastest.Reply{Body: map[string]string{"Id": id, "Name": name}}
	})

	// The code under test.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type Zone struct {
		ID   string `json:"Id"`
		Name string
	}
	job, err := daas.StartJob[Zone](ctx, s.Client(), "POST", "Zones", map[string]string{"Name": "Paris"})
	if err != nil {
		panic(err)
	}
	zone, err := job.Wait(ctx, daas.PollInterval(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		panic(err)
	}

	// The assertions.
	fmt.Println(zone.Name, job.Info().Type, job.Info().Status)
	fmt.Println(s.Count("POST /Zones"), s.Count("GET /Zones/{nameOrId}"))
	// Output:
	// Paris CreateZone Complete
	// 1 1
}

// ExampleWithRoute registers a synchronous route when the server starts
// and reads it with plain net/http.
func ExampleWithRoute() {
	s := daastest.NewServer(daastest.WithoutListener(),
		daastest.WithRoute("GET /Zones", func(c *daastest.Call) daastest.Reply {
			return daastest.Reply{Body: map[string]any{"Items": []map[string]string{{"Name": "Initial Zone"}}}}
		}))
	defer s.Close()

	req, _ := http.NewRequest(http.MethodGet, s.URL+"/Zones", nil)
	req.Header.Set("Authorization", "CWSAuth bearer="+s.IssueToken())
	req.Header.Set("Citrix-CustomerId", s.CustomerID)
	req.Header.Set("Citrix-InstanceId", s.SiteID)
	req.Header.Set("Accept", "application/json")
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status, string(body))
	fmt.Println(s.Stats().ByRoute["GET /Zones"])
	// Output:
	// 200 OK {"Items":[{"Name":"Initial Zone"}]}
	// 1
}
