package daastest

import (
	"bytes"
	"encoding/json"
	"slices"
)

// This file keeps the credentials of a request body (a hosting
// connection's password or secret key, in the spec's properties) out of
// the request log: [Server.Requests] shows them as REDACTED.

// credentialProperties are the request properties that carry a secret,
// as the spec names them (HypervisorConnectionDetailRequestModel and
// EditHypervisorConnectionRequestModel).
var credentialProperties = []string{"Password", "SecretKey", "ApplicationSecret", "ServiceAccountCredentials", "ServiceAccountCredential"}

// redactCredentials returns body with the value of every credential
// property, at any depth, replaced by REDACTED; a body that names none is
// returned as it is, and one that names one but is not JSON is redacted
// whole.
func redactCredentials(body []byte) []byte {
	if !slices.ContainsFunc(credentialProperties, func(p string) bool { return bytes.Contains(body, []byte(`"`+p+`"`)) }) {
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
			if slices.Contains(credentialProperties, k) {
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
