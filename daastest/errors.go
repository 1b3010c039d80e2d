package daastest

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"
)

// This file builds replies: the status, headers and body a handler decided
// on, written only after the server lock is released.

// errorsAPI is the prefix of the "type" URI of Citrix Cloud common errors.
const errorsAPI = "https://errors-api.cloud.com/common/"

// reply is a complete response, built under the server lock and written
// after it is released.
type reply struct {
	status int
	header http.Header // extra headers; may be nil
	body   []byte      // nil: no body
	// contentType of body; "" means the JSON content type.
	contentType string
	// noTransactionID leaves out Citrix-TransactionId (a gateway 502 has
	// none).
	noTransactionID bool
}

// jsonContentType is the Content-Type of every JSON body the service writes.
const jsonContentType = "application/json; charset=utf-8"

// errorParam is one entry of the common error body's "parameters".
type errorParam struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// commonError is the Citrix Cloud common error body.
type commonError struct {
	Type       string       `json:"type"`
	Detail     string       `json:"detail"`
	Parameters []errorParam `json:"parameters"`
}

func jsonReply(status int, v any) *reply {
	return &reply{status: status, body: marshal(v)}
}

func emptyReply(status int) *reply {
	return &reply{status: status}
}

// errReply builds a common error body. kind is the last segment of the
// type URI ("notFound", "missing", ...); params alternate name, value.
func errReply(status int, kind, detail string, params ...string) *reply {
	ps := make([]errorParam, 0, len(params)/2)
	for i := 0; i+1 < len(params); i += 2 {
		ps = append(ps, errorParam{Name: params[i], Value: params[i+1]})
	}
	return jsonReply(status, commonError{Type: errorsAPI + kind, Detail: detail, Parameters: ps})
}

func unauthorized(reason string) *reply {
	return errReply(http.StatusUnauthorized, "authentication", "Missing or invalid authentication details", "reason", reason)
}

func forbidden() *reply {
	return errReply(http.StatusForbidden, "authorization", "Access denied")
}

func notFound(entityType, id string) *reply {
	return errReply(http.StatusNotFound, "notFound",
		fmt.Sprintf("%s '%s' was not found", entityType, id), "entityType", entityType, "id", id)
}

func badRequest(kind, detail string, params ...string) *reply {
	return errReply(http.StatusBadRequest, kind, detail, params...)
}

func conflict(detail string, params ...string) *reply {
	return errReply(http.StatusConflict, "optimisticConcurrency", detail, params...)
}

// duplicateName is the answer to a second catalog of the same name in the
// same folder: the spec's ErrorResponse, like every other error of the API.
func duplicateName(fullName string) *reply {
	return errReply(http.StatusConflict, "duplicateObject",
		fmt.Sprintf("A machine catalog named '%s' already exists.", fullName),
		"entityType", "MachineCatalog", "name", fullName)
}

// internalError is the body the gateway sends for a 500, for example when
// Citrix-CustomerId is missing.
func internalError() *reply {
	return jsonReply(http.StatusInternalServerError, struct {
		ActivityID string `json:"activityId"`
		Message    string `json:"message"`
		StatusCode int    `json:"statusCode"`
	}{newRandomUUID(), "Internal server error", http.StatusInternalServerError})
}

// retryableError builds the documented 429 and 503 bodies, with a
// retryDelay parameter when delay > 0.
func retryableError(status int, delay int) *reply {
	kind, what := "serviceUnavailable", "Service is unavailable"
	if status == http.StatusTooManyRequests {
		kind, what = "rateLimitExceeded", "Rate limit exceeded"
	}
	if delay <= 0 {
		return errReply(status, kind, what)
	}
	d := strconv.Itoa(delay)
	return errReply(status, kind, fmt.Sprintf("%s; try again in %s seconds", what, d), "retryDelay", d)
}

// newRandomUUID returns a random version 4 UUID from crypto/rand, for
// values that must not repeat across servers (transaction and activity
// ids).
func newRandomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand documents it)
	return formatUUID(b)
}

// formatUUID sets the version 4 and variant bits of b and formats it in the
// canonical lowercase 8-4-4-4-12 form.
func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
