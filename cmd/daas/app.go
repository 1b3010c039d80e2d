package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/alecthomas/kong"
	"github.com/daaskit/daas"
)

// cli is the command tree. A group of commands is one field here and one
// file of its own (catalogs.go, jobs.go); machines and delivery groups are
// added the same way:
//
//	Machines       machinesCmd       `cmd:"" help:"Machines: list, start, shutdown, reboot."`
//	DeliveryGroups deliveryGroupsCmd `cmd:"" name:"deliverygroups" help:"Delivery groups: list."`
type cli struct {
	Output   string        `short:"o" enum:"table,json" default:"table" help:"Output format: table or json."`
	PollMin  time.Duration `help:"Shortest interval between two reads of a job's status (default: the library's)."`
	PollMax  time.Duration `help:"Longest interval between two reads of a job's status (default: the library's)."`
	Catalogs catalogsCmd   `cmd:"" help:"Machine catalogs: list, get, create, delete."`
	Jobs     jobsCmd       `cmd:"" help:"Jobs: list, get, wait, watch, cancel, results."`
	Do       doCmd         `cmd:"" help:"Run any API call as a job: do METHOD PATH [--data JSON]."`
}

// app is what every command runs with: where output goes, whether it is a
// terminal, and how to reach the service.
type app struct {
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
		kong.Description("Operate Citrix DaaS from a terminal: catalogs and jobs, with live progress. Configuration comes from the CITRIX_* variables (see go doc ./cmd/daas)."),
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
		fmt.Fprintln(a.stderr, "daas:", err)
		return exitUsage
	}
	a.json, a.pollMin, a.pollMax = root.Output == "json", root.PollMin, root.PollMax
	if a.pollMin < 0 || a.pollMax < 0 || (a.pollMax > 0 && a.pollMax < a.pollMin) {
		return report(a.stderr, &usageError{"--poll-min and --poll-max must be positive, min not above max"})
	}
	return report(a.stderr, explain(ctx, kctx.Run()))
}

// explain replaces the error of a command whose context ended with why it
// ended: an interruption or a timeout.
func explain(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if cause := context.Cause(ctx); errors.Is(cause, errInterrupted) {
		return errInterrupted
	}
	return err
}
