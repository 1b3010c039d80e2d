// Command sessions warns the users of a delivery group and logs them off:
// it finds the group's sessions with $search, sends each active one a
// message, then logs them all off in one $batch request (each log off its
// own job of the service, waited for together) and counts what is left.
//
//	go run ./examples/sessions                       # against the built-in fake
//	go run ./examples/sessions -group Desktops-001 -message 'Maintenance at 18:00' -yes
//
// Against the built-in fake (no CITRIX_* variable set) it seeds what
// daas-sim seeds by default and 3 sessions in delivery group
// "Desktops-001" (the default -group), as daas-sim -sessions 3 does.
// Against a service named by CITRIX_* variables it changes nothing without
// -yes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
	"github.com/daaskit/daas/examples/internal/exampleenv"
)

func main() { exampleenv.Main("sessions", run) }

// defaultGroup is the delivery group daas-sim and the built-in fake seed.
const defaultGroup = "Desktops-001"

// Seeds returns what the built-in fake adds to its catalogs: daas-sim's
// defaults (-machines 6 -groups 1) and -sessions 3.
func Seeds() []daastest.Option {
	const catalog = "Win11-Pooled-001"
	return []daastest.Option{
		daastest.WithMachines(catalog, 6),
		daastest.WithDeliveryGroup(daastest.DeliveryGroup{Name: defaultGroup, Catalog: catalog, Machines: 3}),
		daastest.WithSessions(3),
	}
}

func run(ctx context.Context, stdout io.Writer, args []string, opts exampleenv.Options) error {
	fs := flag.NewFlagSet("sessions", flag.ContinueOnError)
	fs.SetOutput(stdout)
	group := fs.String("group", defaultGroup, "the delivery group whose sessions end")
	user := fs.String("user", "", "only sessions whose user or machine name contains this")
	title := fs.String("title", "Maintenance", "the title of the message")
	message := fs.String("message", "You will be logged off for maintenance; save your work.", "the message users see before they are logged off")
	yes := fs.Bool("yes", false, "change a real service (CITRIX_* variables set)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if opts.Fake == nil {
		// Used only if Open finds no CITRIX_* variable.
		fake := exampleenv.NewFake(Seeds()...)
		defer fake.Close()
		opts.Fake = fake
	}
	env, err := exampleenv.Open(stdout, opts)
	if err != nil {
		return err
	}
	defer env.Close()
	if env.Real() && !*yes {
		return fmt.Errorf("this would log off the sessions of %s on %s; pass -yes to go ahead", *group, env.Client.BaseURL())
	}
	c := env.Client

	search := daas.MachineAndSessionSearchRequest{
		BasicSearchString: *user,
		SearchFilters: []daas.MachineAndSessionSearchFilterRequest{
			{Property: daas.MachineAndSessionSearchPropertyDeliveryGroup, Operator: daas.SearchOperatorEquals, Value: *group},
		},
	}
	sessions, err := find(ctx, c, search)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Sessions in delivery group %s: %d\n", *group, len(sessions))
	for _, x := range sessions {
		fmt.Fprintf(stdout, "  %-16s on %-28s %s\n", x.User.SamName, x.Machine.Name, x.State)
	}
	if len(sessions) == 0 {
		return nil
	}

	sent := 0
	for _, x := range sessions {
		if x.State == daas.SessionStateDisconnected {
			continue // no one sees a message there
		}
		if _, err := c.Sessions.SendMessage(ctx, x.ID, daas.SendMessageRequest{
			Style: daas.MessageStyleInformation, Title: *title, Text: *message,
		}); err != nil {
			return err
		}
		sent++
	}
	fmt.Fprintf(stdout, "Sent %q to %d active sessions\n", *title, sent)

	if err := logoff(ctx, stdout, c, sessions); err != nil {
		return err
	}
	left, err := find(ctx, c, search)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Sessions left in %s: %d\n", *group, len(left))
	return nil
}

// find returns every session the search finds.
func find(ctx context.Context, c *daas.Client, req daas.MachineAndSessionSearchRequest) ([]daas.Session, error) {
	var out []daas.Session
	for x, err := range c.Sessions.Search(ctx, req) {
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

// logoff logs the sessions off in one batch: each item starts the log off
// of one session as a job, and the batch's result waits for them together.
func logoff(ctx context.Context, stdout io.Writer, c *daas.Client, sessions []daas.Session) error {
	items := make([]daas.BatchItem, len(sessions))
	users := map[string]string{} // item reference -> user
	for i, x := range sessions {
		// The typed call, kept as an item instead of being sent.
		item, err := c.BatchItemOf(func(ctx context.Context) error {
			_, err := c.Sessions.LogOffAsync(ctx, x.ID)
			return err
		})
		if err != nil {
			return err
		}
		items[i] = item
		items[i].Reference = "logoff-" + strconv.Itoa(i)
		users[items[i].Reference] = x.User.SamName
	}
	job, err := c.Batch(ctx, items)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Logging off %d sessions as batch job %s\n", len(items), job.ID())
	res, err := job.Wait(ctx)
	if err != nil {
		return err
	}
	err = res.Wait(ctx)
	var be *daas.BatchError
	if err != nil && !errors.As(err, &be) {
		return err
	}
	fmt.Fprintf(stdout, "  %d logged off, %d failed\n", len(res.Succeeded()), len(res.Failed()))
	for _, it := range res.Failed() {
		fmt.Fprintf(stdout, "  session of %s: %v\n", users[it.Reference], it.Err)
	}
	return nil
}
