package daas

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func apiErrorFrom(status int, hdr http.Header, body io.Reader) *APIError {
	if hdr == nil {
		hdr = http.Header{}
	}
	resp := &http.Response{StatusCode: status, Header: hdr, Body: io.NopCloser(body)}
	return newAPIError(resp, http.MethodGet, "https://api.cloud.com/cvad/manage/MachineCatalogs/x", "tx-1")
}

func TestAPIErrorDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		body       string
		wantType   string
		wantDetail string
		wantParams []NameValue
		wantRetry  time.Duration
	}{
		{
			name:   "citrix cloud body",
			status: 404,
			body: `{"type":"https://errors-api.cloud.com/common/notFound","detail":"Machine catalog not found",
				"parameters":[{"name":"entityType","value":"MachineCatalog"},{"name":"id","value":"x"}]}`,
			wantType:   "https://errors-api.cloud.com/common/notFound",
			wantDetail: "Machine catalog not found",
			wantParams: []NameValue{{"entityType", "MachineCatalog"}, {"id", "x"}},
		},
		{
			name:       "parameters as an object",
			status:     401,
			body:       `{"type":"https://errors-api.cloud.com/common/authentication","detail":"Missing or invalid authentication details","parameters":{"reason":"invalid","attempt":2}}`,
			wantType:   "https://errors-api.cloud.com/common/authentication",
			wantDetail: "Missing or invalid authentication details",
			wantParams: []NameValue{{"attempt", "2"}, {"reason", "invalid"}},
		},
		{
			name:       "retryDelay parameter",
			status:     429,
			body:       `{"type":"https://errors-api.cloud.com/common/rateLimitExceeded","detail":"Rate limit exceeded; try again in 4 seconds","parameters":[{"name":"retryDelay","value":"4"}]}`,
			wantType:   "https://errors-api.cloud.com/common/rateLimitExceeded",
			wantDetail: "Rate limit exceeded; try again in 4 seconds",
			wantParams: []NameValue{{"retryDelay", "4"}},
			wantRetry:  4 * time.Second,
		},
		{
			name:       "numeric and null parameter values, capitalised keys",
			status:     503,
			body:       `{"Type":"t","Detail":"d","Parameters":[{"Name":"retryDelay","Value":7},{"Name":"n","Value":null}]}`,
			wantType:   "t",
			wantDetail: "d",
			wantParams: []NameValue{{"retryDelay", "7"}, {"n", ""}},
			wantRetry:  7 * time.Second,
		},
		{
			name:       "orchestration body",
			status:     400,
			body:       `{"ErrorMessage":"Catalog name already in use","ErrorType":"DuplicateObject","ErrorDetails":"Name=x","SdkErrorId":"Sdk-1234","SupportLink":"https://support.citrix.com"}`,
			wantType:   "DuplicateObject",
			wantDetail: "Catalog name already in use",
			wantParams: []NameValue{{"ErrorDetails", "Name=x"}},
		},
		{
			name:       "orchestration body with details only",
			status:     500,
			body:       `{"ErrorDetails":"Object does not exist.","SdkErrorId":"Sdk-1"}`,
			wantDetail: "Object does not exist.",
		},
		{
			name:       "camel-case orchestration body",
			status:     400,
			body:       `{"errorMessage":"Cannot find this administrator X","detail":""}`,
			wantDetail: "Cannot find this administrator X",
		},
		{
			name:       "legacy body",
			status:     401,
			body:       `{"Error":{"Message":"Missing or invalid CWSAuth header.","Type":"CWSAuthException"}}`,
			wantType:   "CWSAuthException",
			wantDetail: "Missing or invalid CWSAuth header.",
		},
		{
			name:       "gateway body",
			status:     500,
			body:       `{"activityId":"a-1","message":"Internal server error","statusCode":500}`,
			wantDetail: "Internal server error",
		},
		{name: "html body", status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>"},
		{name: "empty body", status: 404, body: ""},
		{name: "whitespace body", status: 404, body: " \r\n "},
		{name: "truncated json", status: 400, body: `{"type":"https://errors-api.cloud.com/common/invalidJson","detail":"cut`},
		{name: "json array", status: 400, body: `[{"detail":"x"}]`},
		{name: "json string", status: 400, body: `"boom"`},
		{name: "detail of the wrong type", status: 400, body: `{"detail":{"a":1}}`},
		{name: "oauth-style error string", status: 401, body: `{"error":"invalid_token"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := apiErrorFrom(tt.status, nil, strings.NewReader(tt.body))
			assert.Equal(t, tt.status, e.StatusCode)
			assert.Equal(t, tt.wantType, e.Type)
			assert.Equal(t, tt.wantDetail, e.Detail)
			assert.Equal(t, tt.wantParams, e.Parameters)
			assert.Equal(t, tt.wantRetry, e.RetryAfter)
			assert.Equal(t, tt.body, string(e.Body))
			assert.Equal(t, "tx-1", e.TransactionID)
			assert.Equal(t, http.MethodGet, e.Method)
			msg := e.Error()
			assert.NotContains(t, msg, "\n")
			assert.Contains(t, msg, "GET https://api.cloud.com/cvad/manage/MachineCatalogs/x")
			assert.Contains(t, msg, fmt.Sprint(tt.status))
			assert.Contains(t, msg, "(transaction tx-1)")
			if tt.wantDetail != "" {
				assert.Contains(t, msg, tt.wantDetail)
			}
		})
	}
}

func TestAPIErrorParam(t *testing.T) {
	t.Parallel()
	e := apiErrorFrom(404, nil, strings.NewReader(`{"parameters":[{"name":"entityType","value":"Job"}]}`))
	v, ok := e.Param("ENTITYTYPE")
	assert.True(t, ok)
	assert.Equal(t, "Job", v)
	_, ok = e.Param("id")
	assert.False(t, ok)
}

func TestAPIErrorMessage(t *testing.T) {
	t.Parallel()
	e := &APIError{
		StatusCode: 404, Method: "DELETE", URL: "https://api.cloud.com/cvad/manage/MachineCatalogs/A%7CB",
		Detail: "Machine catalog\r\n\tnot found ", TransactionID: "6f0a8f9e-1111-4222-8333-444455556666",
	}
	assert.Equal(t, "daas: DELETE https://api.cloud.com/cvad/manage/MachineCatalogs/A%7CB: 404 Not Found: "+
		"Machine catalog not found (transaction 6f0a8f9e-1111-4222-8333-444455556666)", e.Error())
	assert.Equal(t, "daas: 599", (&APIError{StatusCode: 599}).Error())
}

func TestAPIErrorTransactionIDFromResponse(t *testing.T) {
	t.Parallel()
	resp := &http.Response{StatusCode: 502, Header: http.Header{"Citrix-Transactionid": {"srv-tx"}}, Body: http.NoBody}
	e := newAPIError(resp, "GET", "u", "")
	assert.Equal(t, "srv-tx", e.TransactionID, "the response's id when the client sent none")
	resp = &http.Response{StatusCode: 502, Header: http.Header{"Citrix-Transactionid": {"srv-tx"}}, Body: nil}
	e = newAPIError(resp, "GET", "u", "client-tx")
	assert.Equal(t, "client-tx", e.TransactionID, "the client's own id wins: gateways drop the header")
}

func TestAPIErrorSentinels(t *testing.T) {
	t.Parallel()
	sentinels := []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrRateLimited,
		ErrJobFailed, ErrJobCanceled, ErrNoCredentials, ErrUntrustedLocation}
	tests := []struct {
		status int
		want   error
	}{
		{401, ErrUnauthorized}, {403, ErrForbidden}, {404, ErrNotFound}, {409, ErrConflict}, {429, ErrRateLimited},
		{400, nil}, {500, nil}, {502, nil}, {503, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			err := fmt.Errorf("context: %w", &APIError{StatusCode: tt.status})
			for _, s := range sentinels {
				assert.Equal(t, s == tt.want, errors.Is(err, s), "errors.Is(%d, %v)", tt.status, s)
			}
		})
	}
}

// TestAPIErrorEndToEnd checks what a caller gets from a real answer: the URL
// without its query string, the client's transaction id, the sentinel.
func TestAPIErrorEndToEnd(t *testing.T) {
	t.Parallel()
	var sentTx atomic.Value
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		sentTx.Store(r.Header.Get("Citrix-TransactionId"))
		writeJSON(w, 404, `{"type":"https://errors-api.cloud.com/common/notFound","detail":"Machine catalog not found","parameters":[{"name":"id","value":"A|B"}]}`)
	})
	c := newTestClient(t, nil, WithBaseURL(srv.URL+"/cvad/manage"))
	_, err := call(t.Context(), c, http.MethodGet, "MachineCatalogs/"+url.PathEscape("A|B"),
		url.Values{"fields": {"Name"}, "continuationToken": {"q-secret-77"}}, nil, nil)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, srv.URL+"/cvad/manage/MachineCatalogs/A%7CB", ae.URL)
	assert.Equal(t, sentTx.Load(), ae.TransactionID)
	assert.Equal(t, "A|B", ae.Parameters[0].Value)
	assert.Equal(t, fmt.Sprintf("daas: GET %s/cvad/manage/MachineCatalogs/A%%7CB: 404 Not Found: Machine catalog not found (transaction %s)",
		srv.URL, ae.TransactionID), err.Error())
	assert.NotContains(t, fmt.Sprintf("%+v", *ae), "q-secret-77")
}

func TestAPIErrorLargeBody(t *testing.T) {
	t.Parallel()
	const size = 10 << 20
	tests := []struct {
		name    string
		status  int
		endless bool
	}{
		{"500 10 MB", 500, false},
		{"503 10 MB through the retry path", 503, false},
		{"500 endless", 500, true},
		{"503 endless", 503, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				chunk := []byte(`{"detail":"` + strings.Repeat("x", 1<<20))
				for i := 0; tt.endless || i < size/len(chunk); i++ {
					if _, err := w.Write(chunk); err != nil {
						return // the client stopped reading
					}
				}
			})
			c := newTestClient(t, nil, WithBaseURL(srv.URL+"/cvad/manage"), WithRetryPolicy(fastRetry(1)))
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			start := time.Now()
			_, err := call(ctx, c, http.MethodGet, "Jobs", nil, nil, nil)
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Len(t, ae.Body, 64<<10)
			assert.Empty(t, ae.Detail, "a cut body is not decoded")
			assert.Less(t, time.Since(start), 5*time.Second, "reading the error body must not wait for its end")
		})
	}
	// The cap without a network.
	e := apiErrorFrom(400, nil, strings.NewReader(strings.Repeat("y", size)))
	assert.Len(t, e.Body, 64<<10)
}

func TestRetryAfterParsing(t *testing.T) {
	t.Parallel()
	date := func(d time.Duration) string { return "date:" + d.String() }
	tests := []struct {
		name   string
		header string // "date:<duration>" is an HTTP date that far from now
		params []NameValue
		want   time.Duration
	}{
		{"none", "", nil, 0},
		{"seconds", "3", nil, 3 * time.Second},
		{"fractional seconds", "1.5", nil, 1500 * time.Millisecond},
		{"padded", " 4 ", nil, 4 * time.Second},
		{"zero", "0", nil, 0},
		{"negative", "-3", nil, 0},
		{"garbage", "soon", nil, 0},
		{"NaN", "NaN", nil, 0},
		{"huge", "1e12", nil, 0},
		{"http date", date(time.Minute), nil, time.Minute},
		{"http date in the past", date(-time.Minute), nil, 0},
		{"retryDelay", "", []NameValue{{"retryDelay", "4"}}, 4 * time.Second},
		{"retryDelay any case", "", []NameValue{{"RETRYDELAY", "2"}}, 2 * time.Second},
		{"retryDelay garbage", "", []NameValue{{"retryDelay", "x"}}, 0},
		{"retryDelay negative", "", []NameValue{{"retryDelay", "-1"}}, 0},
		{"other parameter", "", []NameValue{{"delay", "4"}}, 0},
		{"longer wins: header", "9", []NameValue{{"retryDelay", "4"}}, 9 * time.Second},
		{"longer wins: parameter", "2", []NameValue{{"retryDelay", "4"}}, 4 * time.Second},
		{"longer wins: date", date(30 * time.Second), []NameValue{{"retryDelay", "4"}}, 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// In a bubble the clock stands still on a whole second, so an
			// HTTP date (whole seconds) gives an exact wait.
			synctest.Test(t, func(t *testing.T) {
				h := http.Header{}
				if d, ok := strings.CutPrefix(tt.header, "date:"); ok {
					dur, err := time.ParseDuration(d)
					require.NoError(t, err)
					h.Set("Retry-After", time.Now().Add(dur).UTC().Format(http.TimeFormat))
				} else if tt.header != "" {
					h.Set("Retry-After", tt.header)
				}
				assert.Equal(t, tt.want, retryAfter(h, tt.params))
			})
		})
	}
}

func TestJobError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e            JobError
		wantMsg      string
		wantFailed   bool
		wantCanceled bool
	}{
		{JobError{JobID: "j1", Type: "CreateMachineCatalog", Status: JobStatusFailed, Code: "DuplicateObject", Message: "Name\nin use"},
			"daas: job j1 (CreateMachineCatalog) ended Failed: DuplicateObject: Name in use", true, false},
		{JobError{JobID: "j2", Status: JobStatusCanceled, Code: "Unknown"}, "daas: job j2 ended Canceled", false, true},
		{JobError{JobID: "j3", Status: JobStatusCompleteWithWarning, Message: "disk slow"},
			"daas: job j3 ended CompleteWithWarning: disk slow", true, false},
	}
	for _, tt := range tests {
		e := tt.e
		err := fmt.Errorf("wait: %w", &e)
		assert.Equal(t, tt.wantMsg, e.Error())
		assert.Equal(t, tt.wantFailed, errors.Is(err, ErrJobFailed))
		assert.Equal(t, tt.wantCanceled, errors.Is(err, ErrJobCanceled))
		assert.NotErrorIs(t, err, ErrNotFound)
	}
	e := &JobError{Parameters: []NameValue{{"ErrorDetails", "x"}}}
	v, ok := e.Param("errordetails")
	assert.True(t, ok)
	assert.Equal(t, "x", v)
}
