package main

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/synctest"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJSONKeyStyle: every -o json output names its keys the API's way
// (Id, Status, OverallProgressPercent: upper camel case), and a time not
// yet set is left out, never printed as year 1.
func TestJSONKeyStyle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := groupFake(t)
		json1 := func(args ...string) string {
			t.Helper()
			r := runIn(t.Context(), srv, append(append([]string{"-o", "json"}, fixedPoll...), args...)...)
			require.Equal(t, exitOK, r.code, "%q: %s", args, r.stderr)
			assert.NotContains(t, r.stdout, "0001-01-01", "%q", args)
			requireAPIKeys(t, r.stdout)
			return r.stdout
		}
		out := json1(create("Later", "--no-wait")...)
		var started jobView
		require.NoError(t, json.Unmarshal([]byte(out), &started))
		id := started.ID

		// Not started yet: no StartTime nor EndTime.
		out = json1("jobs", "get", id)
		var got map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &got))
		assert.Equal(t, id, got["Id"])
		assert.Equal(t, "NotStarted", got["Status"])
		assert.Contains(t, got, "CreationTime")
		assert.NotContains(t, got, "StartTime")
		assert.NotContains(t, got, "EndTime")

		json1("jobs", "list")
		out = json1("jobs", "wait", id)
		got = nil
		require.NoError(t, json.Unmarshal([]byte(out), &got))
		assert.Equal(t, "Complete", got["Status"])
		assert.Equal(t, 100.0, got["OverallProgressPercent"])
		out = json1("jobs", "get", id)
		got = nil
		require.NoError(t, json.Unmarshal([]byte(out), &got))
		assert.Contains(t, got, "StartTime")
		assert.Contains(t, got, "EndTime")

		json1(create("Other", "--no-wait")...)
		json1("jobs", "watch")
		json1("catalogs", "list")
		json1("catalogs", "get", "Later")
		json1("machines", "list")
		json1("deliverygroups", "list")
		json1("deliverygroups", "get", "Pooled-Desktops")
	})
}

// requireAPIKeys fails when a key of the JSON values in s (one or several,
// one a line or indented) does not start with an upper-case letter.
func requireAPIKeys(t *testing.T, s string) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	for dec.More() {
		var v any
		require.NoError(t, dec.Decode(&v), s)
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, e := range v {
					r := []rune(k)
					require.True(t, len(r) > 0 && unicode.IsUpper(r[0]), "key %q is not the API's style in:\n%s", k, s)
					walk(e)
				}
			case []any:
				for _, e := range v {
					walk(e)
				}
			}
		}
		walk(v)
	}
}
