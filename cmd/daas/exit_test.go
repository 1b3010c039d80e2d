package main

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/daaskit/daas/daastest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWorst(t *testing.T) {
	for _, tc := range []struct {
		codes []int
		want  int
	}{
		{nil, exitOK},
		{[]int{exitOK, exitOK}, exitOK},
		{[]int{exitOK, exitUsage}, exitUsage},
		{[]int{exitConfig, exitOK}, exitConfig},
		{[]int{exitError, exitFailed, exitConfig}, exitConfig},
		{[]int{exitWarning, exitFailed}, exitFailed},
		{[]int{exitError, exitWarning}, exitWarning},
		{[]int{exitOK, 99}, 99},
	} {
		assert.Equal(t, tc.want, worst(tc.codes), "%v", tc.codes)
	}
}

// TestWaitingExitCodes: a waiting command keeps the exit codes of bad
// input (2) and of refused credentials (3); a token endpoint that answers
// 429 may pass (1), in a wait or not.
func TestWaitingExitCodes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t, daastest.WithJobDuration(time.Hour))
		r := runIn(t.Context(), srv, create("Later", "--no-wait")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		id := strings.TrimSpace(r.stdout)

		for _, args := range [][]string{{"jobs", "wait", "bad/id"}, {"-o", "json", "jobs", "wait", "bad/id"}, {"jobs", "wait", id, "bad/id"}} {
			r = runIn(t.Context(), srv, args...)
			assert.Equal(t, exitUsage, r.code, "%q: %s%s", args, r.stdout, r.stderr)
		}

		t.Setenv("CITRIX_CLIENT_SECRET", "wrong-secret-value")
		for _, args := range [][]string{
			{"jobs", "wait", id},
			{"-o", "json", "jobs", "wait", id},
			{"jobs", "watch"},
			create("Other"),
			{"do", "--async", "GET", "/MachineCatalogs"},
		} {
			r = runIn(t.Context(), srv, args...)
			assert.Equal(t, exitConfig, r.code, "%q: %s%s", args, r.stdout, r.stderr)
			assert.NotContains(t, r.stdout+r.stderr, "wrong-secret-value")
		}
	})
}

// TestTokenTooManyRequests: a token endpoint that keeps answering 429 is
// a failure that may pass (exit 1), not a configuration error. (A wait
// goes on through it, until --timeout.)
func TestTokenTooManyRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newFake(t)
		srv.InjectFault(daastest.Fault{Route: "POST /tokens", Status: 429})
		for _, args := range [][]string{{"catalogs", "list"}, create("New"), {"-o", "json", "jobs", "list"}} {
			r := runIn(t.Context(), srv, args...)
			assert.Equal(t, exitError, r.code, "%q: a 429 may pass: %s%s", args, r.stdout, r.stderr)
			assert.Contains(t, r.stdout+r.stderr, "429", "%q", args)
		}
	})
}
