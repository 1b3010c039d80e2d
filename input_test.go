package daas_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// TestBadInputIsInputError checks that every argument refused before a
// request is the same error on every service: an *InputError matching
// ErrInvalidInput, with nothing sent.
func TestBadInputIsInputError(t *testing.T) {
	t.Parallel()
	srv := daastest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	ctx := t.Context()
	first := func(seq func(func(daas.Machine, error) bool)) error {
		var err error
		for _, e := range seq {
			err = e
			break
		}
		return err
	}
	cases := map[string]func() error{
		"catalog get, blank name": func() error { _, err := c.MachineCatalogs.Get(ctx, " "); return err },
		"catalog create, no name": func() error {
			_, err := c.MachineCatalogs.Create(ctx, daas.CreateMachineCatalogRequest{})
			return err
		},
		"catalog update, nothing": func() error {
			_, err := c.MachineCatalogs.Update(ctx, "x", daas.UpdateMachineCatalogRequest{})
			return err
		},
		"catalog list, page size": func() error { _, err := c.MachineCatalogs.List(ctx, daas.PageSize(0)); return err },
		"catalog machines, control character": func() error {
			return first(c.MachineCatalogs.Machines(ctx, "a\x01b"))
		},
		"catalog remove machine, empty": func() error { return c.MachineCatalogs.RemoveMachine(ctx, "x", "") },
		"machine get, empty":            func() error { _, err := c.Machines.Get(ctx, ""); return err },
		"machine update, nothing": func() error {
			_, err := c.Machines.Update(ctx, "m", daas.UpdateMachineRequest{})
			return err
		},
		"machine start, delay": func() error {
			_, err := c.Machines.StartAsync(ctx, "m", daas.Delay(1500*time.Millisecond))
			return err
		},
		"machines list, folder": func() error { _, err := c.Machines.List(ctx, daas.InFolder("f")); return err },
		"group get, blank":      func() error { _, err := c.DeliveryGroups.Get(ctx, "\t"); return err },
		"group create, no name": func() error {
			_, err := c.DeliveryGroups.Create(ctx, daas.CreateDeliveryGroupRequest{})
			return err
		},
		"group add machines, count": func() error { _, err := c.DeliveryGroups.AddMachinesAsync(ctx, "g", "cat", -1); return err },
		"resume job, dot dot":       func() error { _, err := daas.ResumeJob[struct{}](c, "..").Poll(ctx); return err },
		"start job, absolute path": func() error {
			_, err := daas.StartJob[struct{}](ctx, c, "POST", "https://elsewhere.example/x", nil)
			return err
		},
		"do, dot segment": func() error { return c.Do(ctx, "GET", "MachineCatalogs/../me", nil, nil) },
	}
	before := srv.Stats().Requests
	for name, call := range cases {
		err := call()
		require.Error(t, err, name)
		var ie *daas.InputError
		assert.ErrorAs(t, err, &ie, name)
		assert.ErrorIs(t, err, daas.ErrInvalidInput, name)
		assert.NotErrorIs(t, err, daas.ErrNotFound, name)
	}
	assert.Equal(t, before, srv.Stats().Requests, "no request for bad input")
	_, err := daas.ResumeJob[struct{}](c, "a/b").Poll(ctx)
	assert.ErrorIs(t, err, daas.ErrBadJobID, "the specific sentinel still matches")
}

// An argument the library refuses is an *InputError, returned before any
// request: nothing was sent and nothing changed.
func ExampleInputError() {
	srv := daastest.NewServer()
	defer srv.Close()
	client := srv.Client()

	_, err := client.MachineCatalogs.Create(context.Background(), daas.CreateMachineCatalogRequest{})
	var ie *daas.InputError
	fmt.Println(errors.As(err, &ie), errors.Is(err, daas.ErrInvalidInput))
	fmt.Println(err)
	fmt.Println("requests sent:", srv.Stats().Requests)
	// Output:
	// true true
	// daas: CreateMachineCatalogRequest: Name is required
	// requests sent: 0
}
