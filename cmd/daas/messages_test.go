package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/daaskit/daas"
	"github.com/stretchr/testify/assert"
)

// TestErrorsInUserTerms: a refused setting is named as the user set it
// (the variable, the flag, the argument), once, without the library's
// function names or nested "daas: " prefixes.
func TestErrorsInUserTerms(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string // the whole of stderr
	}{
		{"region", map[string]string{"CITRIX_REGION": "MARS"}, []string{"jobs", "list"}, exitConfig,
			"daas: CITRIX_REGION: unknown region \"MARS\" (want US, EU, APS or JP)\n"},
		{"two credentials", map[string]string{"CITRIX_BEARER_TOKEN": "tok"}, []string{"jobs", "list"}, exitConfig,
			"daas: set CITRIX_BEARER_TOKEN or CITRIX_CLIENT_ID and CITRIX_CLIENT_SECRET, not both\n"},
		{"half credentials", map[string]string{"CITRIX_CLIENT_SECRET": ""}, []string{"jobs", "list"}, exitConfig,
			"daas: CITRIX_CLIENT_ID is set but CITRIX_CLIENT_SECRET is not\n"},
		{"no customer", map[string]string{"CITRIX_CUSTOMER_ID": ""}, []string{"jobs", "list"}, exitConfig,
			"daas: CITRIX_CUSTOMER_ID is not set\n"},
		{"base URL", map[string]string{"CITRIX_BASE_URL": "ftp://h"}, []string{"jobs", "list"}, exitConfig,
			"daas: CITRIX_BASE_URL: unsupported scheme \"ftp\"\n"},
		{"delay", nil, []string{"machines", "shutdown", "--delay", "500ms", `CORP\m1`}, exitUsage,
			"daas: --delay 500ms: want a whole number of seconds, at least 1s\n"},
		{"delay zero", nil, []string{"machines", "shutdown", "--delay", "0s", `CORP\m1`}, exitUsage,
			"daas: --delay 0s: want a whole number of seconds, at least 1s\n"},
		{"method", nil, []string{"do", "FETCH", "/Zones"}, exitUsage,
			"daas: METHOD \"FETCH\": want GET, POST, PUT, PATCH or DELETE\n"},
		{"poll-min zero", nil, []string{"--poll-min=0s", "jobs", "list"}, exitUsage,
			"daas: --poll-min 0s: must be above 0\n"},
		{"poll-max below min", nil, []string{"--poll-min=2s", "--poll-max=1s", "jobs", "list"}, exitUsage,
			"daas: --poll-max 1s is below --poll-min 2s\n"},
		{"request type", map[string]string{"CITRIX_BEARER_TOKEN": "tok", "CITRIX_CLIENT_ID": "", "CITRIX_CLIENT_SECRET": "", "CITRIX_SITE_ID": "s1"},
			[]string{"catalogs", "create", "", "--provisioning-type", "MCS", "--session-support", "MultiSession"}, exitUsage,
			"daas: Name is required\n"},
		{"timeout negative", nil, []string{"catalogs", "create", "x", "--provisioning-type", "MCS", "--session-support", "MultiSession", "--timeout=-1s"}, exitUsage,
			"daas: catalogs create: --timeout -1s: must not be negative (0, the default, waits as long as the job runs)\n"},
		{"reboot minutes", nil, []string{"deliverygroups", "reboot-cycle", "G", "--duration-minutes=-1"}, exitUsage,
			"daas: --duration-minutes -1: must be 0 or more\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range map[string]string{
				"CITRIX_CUSTOMER_ID": "acme", "CITRIX_CLIENT_ID": "id", "CITRIX_CLIENT_SECRET": "secret", "CITRIX_BEARER_TOKEN": "",
				"CITRIX_REGION": "", "CITRIX_BASE_URL": "", "CITRIX_TOKEN_URL": "", "CITRIX_SITE_ID": "", "CITRIX_CA_FILE": "",
				"CITRIX_ONPREM_USERNAME": "", "CITRIX_ONPREM_PASSWORD": "",
			} {
				t.Setenv(k, v)
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var out, errOut syncBuffer
			code := run(t.Context(), tc.args, &app{stdout: &out, stderr: &errOut})
			assert.Equal(t, tc.code, code)
			assert.Equal(t, tc.want, errOut.String())
			assert.Empty(t, out.String())
		})
	}
}

// TestMessage: the library's Go names go, the service's words stay.
func TestMessage(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&daas.InputError{Op: "Delay(500ms)", Reason: "want a whole number of seconds"}, "want a whole number of seconds"},
		{fmt.Errorf("CITRIX_SITE_ID: %w", &daas.InputError{Op: "WithSiteID", Reason: "empty"}), "CITRIX_SITE_ID: empty"},
		{&daas.InputError{Op: "machine name or id", Reason: "empty"}, "machine name or id: empty"},
		{errors.New("daas: GET http://h/x: 400 Bad Request: System.ArgumentException: bad\x1b[2K"), `GET http://h/x: 400 Bad Request: System.ArgumentException: bad\x1b[2K`},
		{errors.New("daas: discovering the site id: daas: token request: EOF"), "discovering the site id: token request: EOF"},
	} {
		assert.Equal(t, tc.want, message(tc.err))
	}
}
