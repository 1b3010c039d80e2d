package daastest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// This file keeps the credentials of a request body (a hosting
// connection's password or secret key, an account's password, in the
// spec's properties) out of the request log: [Server.Requests] shows them
// as REDACTED, whatever the case of the property's name (the fake reads
// properties case-insensitively, as the service does).

// credentialProperties are the request properties that carry a secret,
// as the spec names them (HypervisorConnectionDetailRequestModel,
// EditHypervisorConnectionRequestModel, the Identity requests of service
// accounts, machines and users, BackupRestoreCvadSecurityInfo).
var credentialProperties = []string{"Password", "SecretKey", "ApplicationSecret", "ServiceAccountCredentials", "ServiceAccountCredential",
	"AccountSecret", "AccountPassword", "NewPassword", "OldPassword", "Secret"}

// isCredential reports whether the property name k carries a secret.
func isCredential(k string) bool {
	return slices.ContainsFunc(credentialProperties, func(p string) bool { return strings.EqualFold(p, k) })
}

// redactCredentials returns body with the value of every credential
// property, at any depth, replaced by REDACTED; a body that names none is
// returned as it is, and one that names one but is not JSON is redacted
// whole.
func redactCredentials(body []byte) []byte {
	lower := bytes.ToLower(body)
	if !slices.ContainsFunc(credentialProperties, func(p string) bool {
		return bytes.Contains(lower, []byte(`"`+strings.ToLower(p)+`"`))
	}) {
		return body
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return []byte(redacted)
	}
	return marshal(redactValue(v))
}

func redactValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if isCredential(k) {
				x[k] = redacted
			} else {
				x[k] = redactValue(e)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = redactValue(e)
		}
	}
	return v
}
