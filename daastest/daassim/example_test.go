package daassim_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/daaskit/daas/daastest"
	"github.com/daaskit/daas/daastest/daassim"
)

// ExampleRun runs a simulator with an extra route on a free port, reads the
// base URL from what it prints, and stops it.
func ExampleRun() {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- daassim.Run(ctx, []string{"-addr", "127.0.0.1:0", "-quiet"}, pw, io.Discard,
			daastest.WithRoute("GET /Zones", func(*daastest.Call) daastest.Reply {
				return daastest.Reply{Body: map[string]any{"Items": []any{}}}
			}))
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	sc.Scan() // CITRIX_BASE_URL=...
	base := strings.TrimPrefix(sc.Text(), "CITRIX_BASE_URL=")
	go io.Copy(io.Discard, pr)

	resp, err := http.Get(base + "/Zones") // no token: 401 from the checks (an unknown path is a 404)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	cancel()
	fmt.Println(<-done)
	// Output:
	// 401 Unauthorized
	// <nil>
}
