package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/daaskit/daas"
)

// doCmd runs any API call: the escape hatch for operations the command has
// no verb for.
type doCmd struct {
	Method    string `arg:"" help:"GET, POST, PUT, PATCH or DELETE."`
	Path      string `arg:"" help:"Path under the API root, query allowed: /MachineCatalogs?limit=10."`
	Data      string `help:"JSON body; @FILE reads it from a file, @- from standard input."`
	Async     bool   `help:"Run the call as a job (async=true) and wait for it; implied by async=true in the path."`
	waitFlags `embed:""`
}

// Run sends the call and prints the answer as JSON: synchronously through
// Client.Do, or with --async (or async=true in the path) as a job through
// daas.StartJob, waited for like the other async commands.
func (c *doCmd) Run(ctx context.Context, a *app) error {
	method := strings.ToUpper(strings.TrimSpace(c.Method))
	if !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, method) {
		return usagef("METHOD %s: want GET, POST, PUT, PATCH or DELETE", shorten(c.Method))
	}
	if err := c.checkDelete(method); err != nil {
		return err
	}
	var body any
	if c.Data != "" {
		data, err := c.body(a.input())
		if err != nil {
			return err
		}
		if !json.Valid(data) {
			return usagef("--data is not valid JSON")
		}
		body = json.RawMessage(data)
	}
	async, err := c.async()
	if err != nil {
		return err
	}
	client, err := a.client()
	if err != nil {
		return err
	}
	if !async {
		var out any
		if err := client.Do(ctx, method, c.Path, body, &out); err != nil {
			return asyncHint(err)
		}
		if out != nil {
			return printJSON(a.stdout, out)
		}
		return nil
	}
	// json.RawMessage reads the result as it is (every page of a paged
	// one) and takes an empty one for none: do knows nothing of the job.
	job, err := daas.StartJob[json.RawMessage](ctx, client, method, c.Path, body)
	if err != nil {
		return err
	}
	return a.await(ctx, &c.waitFlags, []pending{decoded(pendingOf(job))}, a.showOutcome(func(r any) {
		if r != nil {
			printJSON(a.stdout, r)
		}
	}))
}

// decoded is p with its result, read as json.RawMessage, decoded as the
// synchronous path decodes a body (so printed the same way, invalid UTF-8
// replaced): an empty result is none.
func decoded(p pending) pending {
	wait := p.wait
	p.wait = func(ctx context.Context, opts ...daas.WaitOption) (any, error) {
		v, err := wait(ctx, opts...)
		raw, _ := v.(json.RawMessage)
		if err != nil || len(raw) == 0 {
			return nil, err
		}
		var out any
		if err := json.Unmarshal(raw, &out); err != nil {
			return nil, fmt.Errorf("decoding the job's result: %w", err)
		}
		return out, nil
	}
	return p
}

// destroyingDeletes are the DELETE calls whose service default destroys
// virtual machines (deleteVm defaults to true in the spec's
// MachineCatalogs_DeleteMachineCatalog and Machines_RemoveMachine), by the
// first segment (lower case) of a path of two segments.
var destroyingDeletes = map[string]bool{"machinecatalogs": true, "machines": true}

// checkDelete refuses a DELETE of a catalog or a machine that does not
// say whether the VMs go too: without deleteVm the service deletes them,
// and do sends a call as it is, adding nothing.
func (c *doCmd) checkDelete(method string) error {
	if method != "DELETE" {
		return nil
	}
	path, raw, _ := strings.Cut(c.Path, "?")
	var segs []string
	for _, s := range strings.Split(path, "/") {
		if s == "" {
			continue
		}
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		segs = append(segs, strings.ToLower(s))
	}
	if len(segs) != 2 || !destroyingDeletes[segs[0]] {
		return nil
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return usagef("malformed query in %s", shorten(c.Path))
	}
	for k := range q {
		if strings.EqualFold(k, "deleteVm") {
			return nil
		}
	}
	return usagef("DELETE %s deletes the virtual machines too unless told otherwise: add deleteVm=false to the query to keep them, deleteVm=true to delete them", shorten(path))
}

// async reports whether the call runs as a job: --async, or async=true in
// the path's query.
func (c *doCmd) async() (bool, error) {
	_, raw, _ := strings.Cut(c.Path, "?")
	q, err := url.ParseQuery(raw)
	if err != nil {
		return false, usagef("malformed query in %q", c.Path)
	}
	return c.Async || strings.EqualFold(q.Get("async"), "true"), nil
}

// asyncHint rewrites the library's answer to a synchronous call that
// started a job (a *daas.AcceptedError, which points at daas.StartJob) to
// point at --async and at the job that runs.
func asyncHint(err error) error {
	var acc *daas.AcceptedError
	if !errors.As(err, &acc) {
		return err
	}
	wait := "daas jobs wait ID waits for this one"
	if acc.JobID != "" {
		wait = "daas jobs wait " + acc.JobID + " waits for this one"
	}
	return fmt.Errorf("daas: %s %s answered 202 Accepted: the service started a job; run it with daas do --async to wait for such a call (%s)",
		acc.Method, acc.URL, wait)
}

// body reads --data.
func (c *doCmd) body(stdin io.Reader) ([]byte, error) {
	name, ok := strings.CutPrefix(c.Data, "@")
	switch {
	case !ok:
		return []byte(c.Data), nil
	case name == "-":
		return io.ReadAll(stdin)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, usagef("--data: %v", err)
	}
	return b, nil
}
