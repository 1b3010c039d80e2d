package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/alecthomas/kong"
	"github.com/daaskit/daas"
)

// cli is the command tree. A group of commands is one field here and one
// file of its own (catalogs.go, machines.go, deliverygroups.go, jobs.go,
// do.go).
type cli struct {
	Output   string            `short:"o" enum:"table,json" default:"table" help:"Output format: table or json."`
	PollMin  *time.Duration    `help:"Shortest interval between two reads of a job's status, above 0 (default: the library's schedule)."`
	PollMax  *time.Duration    `help:"Longest interval between two reads of a job's status, above 0 and not below --poll-min (default: the library's schedule)."`
	Catalogs catalogsCmd       `cmd:"" help:"Machine catalogs: list, get, create, delete."`
	Machines machinesCmd       `cmd:"" help:"Machines: list, get, start, shutdown, reboot."`
	Groups   deliveryGroupsCmd `cmd:"" name:"deliverygroups" help:"Delivery groups: list, get, reboot-cycle."`
	Jobs     jobsCmd           `cmd:"" help:"Jobs: list, get, wait, watch, cancel, results."`
	Do       doCmd             `cmd:"" help:"Run any API call: do METHOD PATH [--data JSON] [--async]."`
}

// app is what every command runs with: where output goes, whether it is a
// terminal, and how to reach the service.
type app struct {
	stdin          io.Reader // nil reads as empty
	stdout, stderr io.Writer
	tty            bool          // stdout is a terminal: draw progress bars
	opts           []daas.Option // after the environment's (tests set a poll policy)

	json     bool
	pollMin  time.Duration
	pollMax  time.Duration
	clientOK *daas.Client
}

// client returns the client, building it from the environment once.
func (a *app) client() (*daas.Client, error) {
	if a.clientOK != nil {
		return a.clientOK, nil
	}
	c, err := newClient(a.opts...)
	if err != nil {
		return nil, err
	}
	a.clientOK = c
	return c, nil
}

// input is standard input, or nothing.
func (a *app) input() io.Reader {
	if a.stdin == nil {
		return strings.NewReader("")
	}
	return a.stdin
}

// stderrf prints a message to standard error.
func (a *app) stderrf(format string, args ...any) { fmt.Fprintf(a.stderr, format, args...) }

// exitRequest is how kong's exit (after --help) unwinds out of Parse.
type exitRequest struct{ code int }

// run runs the command line args and returns the exit code. ctx ends the
// command; a cause of errInterrupted makes it an interruption (Ctrl-C).
func run(ctx context.Context, args []string, a *app) (code int) {
	var root cli
	parser, err := kong.New(&root,
		kong.Name("daas"),
		kong.Description("Operate Citrix DaaS from a terminal: catalogs, machines, delivery groups and jobs, with live progress. Configuration comes from the CITRIX_* variables (see go doc ./cmd/daas)."),
		kong.Writers(a.stdout, a.stderr),
		kong.Exit(func(c int) { panic(exitRequest{c}) }),
		kong.UsageOnError(),
		kong.BindTo(ctx, (*context.Context)(nil)),
		kong.Bind(a),
	)
	if err != nil {
		fmt.Fprintln(a.stderr, "daas:", err)
		return exitError
	}
	defer func() {
		if r := recover(); r != nil {
			er, ok := r.(exitRequest)
			if !ok {
				panic(r)
			}
			code = er.code
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintln(a.stderr, "daas:", clean(err.Error()))
		return exitUsage
	}
	a.json = root.Output == "json"
	if err := a.setPoll(root.PollMin, root.PollMax); err != nil {
		return report(a.stderr, err)
	}
	return report(a.stderr, explain(ctx, kctx.Run()))
}

// setPoll checks and keeps --poll-min and --poll-max (nil when not given).
func (a *app) setPoll(lo, hi *time.Duration) error {
	for _, f := range []struct {
		name string
		d    *time.Duration
	}{{"--poll-min", lo}, {"--poll-max", hi}} {
		if f.d != nil && *f.d <= 0 {
			return usagef("%s %v: must be above 0", f.name, *f.d)
		}
	}
	if lo != nil {
		a.pollMin = *lo
	}
	if hi != nil {
		a.pollMax = *hi
	}
	if lo != nil && hi != nil && a.pollMax < a.pollMin {
		return usagef("--poll-max %v is below --poll-min %v", a.pollMax, a.pollMin)
	}
	return nil
}

// explain replaces the error of a command whose context ended with why it
// ended: an interruption. An outcome reported already is kept.
func explain(ctx context.Context, err error) error {
	var es *exitStatus
	if err == nil || errors.As(err, &es) {
		return err
	}
	if cause := context.Cause(ctx); errors.Is(cause, errInterrupted) {
		return errInterrupted
	}
	return err
}
