package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"

	"github.com/daaskit/daas"
)

// doCmd runs any API call as a job: the escape hatch for operations the
// command has no verb for.
type doCmd struct {
	Method    string `arg:"" help:"GET, POST, PUT, PATCH or DELETE."`
	Path      string `arg:"" help:"Path under the API root, query allowed: /MachineCatalogs?limit=10."`
	Data      string `help:"JSON body; @FILE reads it from a file, @- from standard input."`
	waitFlags `embed:""`
}

// Run starts the call as a job (async=true), waits for it and prints its
// result as JSON.
func (c *doCmd) Run(ctx context.Context, a *app) error {
	var body any
	if c.Data != "" {
		data, err := c.body()
		if err != nil {
			return err
		}
		if !json.Valid(data) {
			return usagef("--data is not valid JSON")
		}
		body = json.RawMessage(data)
	}
	client, err := a.client()
	if err != nil {
		return err
	}
	job, err := daas.StartJob[any](ctx, client, c.Method, c.Path, body)
	if err != nil {
		return err
	}
	return a.await(ctx, &c.waitFlags, []pending{pendingOf(job)}, a.showOutcome(func(r any) {
		if r != nil {
			printJSON(a.stdout, r)
		}
	}))
}

// body reads --data.
func (c *doCmd) body() ([]byte, error) {
	name, ok := strings.CutPrefix(c.Data, "@")
	switch {
	case !ok:
		return []byte(c.Data), nil
	case name == "-":
		return io.ReadAll(os.Stdin)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, usagef("--data: %v", err)
	}
	return b, nil
}
