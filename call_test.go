package daas_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daaskit/daas"
	"github.com/daaskit/daas/daastest"
)

// typeErrTokens is a token source whose error wraps a
// *json.UnmarshalTypeError, as a source that decodes its own JSON may.
type typeErrTokens struct{}

func (typeErrTokens) Token(context.Context) (daas.Token, error) {
	return daas.Token{}, fmt.Errorf("reading the token file: %w", &json.UnmarshalTypeError{Value: "number", Field: "token"})
}

// A failure of the call (here the token source's) is never taken for a
// field of the wrong type: every list of machines reports it.
func TestListsReportTokenErrorsOfAnyType(t *testing.T) {
	t.Parallel()
	srv := daastest.NewServer(daastest.WithoutListener(), daastest.WithMachines("Pool", 2),
		daastest.WithCatalog(daastest.Catalog{Name: "Pool", ProvisioningType: "MCS"}))
	t.Cleanup(srv.Close)
	c, err := daas.NewClient(srv.CustomerID, daas.WithBaseURL(srv.URL+"/cvad/manage"), daas.WithSiteID(srv.SiteID),
		daas.WithHTTPClient(&http.Client{Transport: srv.Transport()}), daas.WithTokenSource(typeErrTokens{}))
	require.NoError(t, err)
	ctx := t.Context()
	var typeErr *json.UnmarshalTypeError

	page, err := c.Machines.List(ctx)
	require.ErrorAs(t, err, &typeErr, "Machines.List")
	assert.Nil(t, page)
	for name, seq := range map[string]func(func(daas.Machine, error) bool){
		"Machines.All":             c.Machines.All(ctx),
		"MachineCatalogs.Machines": c.MachineCatalogs.Machines(ctx, "Pool"),
	} {
		var errs []error
		for _, err := range seq {
			errs = append(errs, err)
		}
		require.Len(t, errs, 1, name)
		assert.ErrorAs(t, errs[0], &typeErr, name)
	}
	_, err = c.MachineCatalogs.List(ctx)
	assert.ErrorAs(t, err, &typeErr, "MachineCatalogs.List")
	_, err = c.DeliveryGroups.List(ctx)
	assert.ErrorAs(t, err, &typeErr, "DeliveryGroups.List")
}

// A ContinuationToken of the wrong JSON type fails the page on every list
// (rather than ending a range after page 1 without a word).
func TestContinuationTokenOfWrongTypeOnEveryList(t *testing.T) {
	t.Parallel()
	c := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"Items":[{"Id":"1","Name":"a","SessionCount":"many"}],"ContinuationToken":{"next":"p2"}}`)
	})
	ctx := t.Context()
	for name, list := range map[string]func() error{
		"Machines.List":        func() error { _, err := c.Machines.List(ctx); return err },
		"DeliveryGroups.List":  func() error { _, err := c.DeliveryGroups.List(ctx); return err },
		"MachineCatalogs.List": func() error { _, err := c.MachineCatalogs.List(ctx); return err },
	} {
		err := list()
		var typeErr *json.UnmarshalTypeError
		require.ErrorAs(t, err, &typeErr, name)
		assert.Equal(t, "ContinuationToken", typeErr.Field, name)
	}
	for name, seq := range map[string]func(func(daas.Machine, error) bool){
		"Machines.All":             c.Machines.All(ctx),
		"MachineCatalogs.Machines": c.MachineCatalogs.Machines(ctx, "Pool"),
		"DeliveryGroups.Machines":  c.DeliveryGroups.Machines(ctx, "Desk"),
	} {
		var errs []error
		for _, err := range seq {
			if err != nil {
				errs = append(errs, err)
			}
		}
		require.Len(t, errs, 1, name)
		assert.ErrorContains(t, errs[0], "ContinuationToken", name)
	}
}

// A machine named by its SAM name goes on the wire with "|" for "\" in
// every machine path segment, as the spec asks.
func TestMachineSAMNamesInEveryMachinePath(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var paths []string
	c := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.EscapedPath())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("async") == "true" {
			w.Header().Set("Location", "http://"+r.Host+"/cvad/manage/Jobs/j1")
			w.WriteHeader(http.StatusAccepted)
			return
		}
		_, _ = io.WriteString(w, `{"Id":"m1","Name":"CORP\\VDI-0002"}`)
	})
	ctx := t.Context()
	const sam = `CORP\VDI-0002`
	_, err := c.Machines.Get(ctx, sam)
	require.NoError(t, err)
	_, err = c.Machines.Update(ctx, sam, daas.UpdateMachineRequest{InMaintenanceMode: daas.Ptr(true)})
	require.NoError(t, err)
	require.NoError(t, c.Machines.Delete(ctx, sam))
	_, err = c.Machines.Start(ctx, sam)
	require.NoError(t, err)
	_, err = c.Machines.ShutdownAsync(ctx, sam)
	require.NoError(t, err)
	require.NoError(t, c.MachineCatalogs.RemoveMachine(ctx, "Pool", sam))
	_, err = c.DeliveryGroups.RemoveMachineAsync(ctx, "Desk", sam)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, paths)
	for _, p := range paths {
		assert.NotContains(t, p, "%5C", p)
		assert.Contains(t, p, "CORP%7CVDI-0002", p)
	}
}

// A job whose result is JSON null is an error, as an empty one is, for any
// T but struct{}: never a nil resource with a nil error.
func TestNullJobResultIsAnError(t *testing.T) {
	t.Parallel()
	c := newScriptedClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Query().Get("async") == "true":
			w.Header().Set("Location", "http://"+r.Host+"/cvad/manage/Jobs/j1")
			w.WriteHeader(http.StatusAccepted)
		case strings.HasSuffix(r.URL.Path, "/Results"):
			_, _ = io.WriteString(w, `null`)
		default:
			_, _ = io.WriteString(w, `{"Id":"j1","Status":"Complete","OverallProgressPercent":100}`)
		}
	})
	ctx := t.Context()
	job, err := c.MachineCatalogs.CreateAsync(ctx, daas.CreateMachineCatalogRequest{Name: "c", ProvisioningType: "MCS", SessionSupport: "MultiSession"})
	require.NoError(t, err)
	cat, err := job.Wait(ctx, fastPoll)
	require.ErrorContains(t, err, "null")
	assert.Nil(t, cat)
	list, err := c.MachineCatalogs.ListAsync(ctx)
	require.NoError(t, err)
	_, err = list.Wait(ctx, fastPoll)
	assert.ErrorContains(t, err, "null")
	_, err = daas.ResumeJob[map[string]any](c, "j1").Result(ctx)
	assert.ErrorContains(t, err, "null")
	_, err = daas.ResumeJob[json.RawMessage](c, "j1").Result(ctx)
	assert.ErrorContains(t, err, "null")
	_, err = daas.ResumeJob[struct{}](c, "j1").Result(ctx)
	assert.NoError(t, err, "struct{} reads no result")
}
