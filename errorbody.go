package daas

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// errorBody covers both error shapes the service sends: the Citrix Cloud
// common body {type, detail, parameters} and the orchestration body
// {ErrorMessage, ErrorType, ErrorDetails, ...}. Field matching in
// encoding/json is case-insensitive, which covers both spellings seen.
type errorBody struct {
	Type         string          `json:"type"`
	Detail       string          `json:"detail"`
	Parameters   json.RawMessage `json:"parameters"`
	ErrorMessage string          `json:"ErrorMessage"`
	ErrorType    string          `json:"ErrorType"`
	ErrorDetails string          `json:"ErrorDetails"`
	Message      string          `json:"message"` // gateway 500: {"message": "..."}
	Error        json.RawMessage `json:"Error"`   // legacy {"Error":{"Message","Type"}}
}

// newAPIError builds an APIError from a response, reading at most
// maxErrorBody bytes of its body. It closes the body.
func newAPIError(resp *http.Response, method, rawURL, txid string) *APIError {
	e := &APIError{
		StatusCode:    resp.StatusCode,
		Method:        method,
		URL:           rawURL,
		TransactionID: txid,
	}
	if resp.Body != nil {
		e.Body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		_ = resp.Body.Close()
	}
	if e.TransactionID == "" {
		e.TransactionID = resp.Header.Get("Citrix-TransactionId")
	}
	e.decodeBody()
	e.RetryAfter = retryAfter(resp.Header, e.Parameters)
	return e
}

func (e *APIError) decodeBody() {
	body := bytes.TrimSpace(e.Body)
	if len(body) == 0 || body[0] != '{' {
		return
	}
	var eb errorBody
	if json.Unmarshal(body, &eb) != nil {
		return
	}
	e.Type = eb.Type
	e.Detail = eb.Detail
	e.Parameters = decodeParams(eb.Parameters)
	if e.Detail == "" {
		e.Detail = eb.ErrorMessage
	}
	if e.Type == "" {
		e.Type = eb.ErrorType
	}
	if e.Detail == "" && eb.ErrorDetails != "" {
		e.Detail = eb.ErrorDetails
	} else if eb.ErrorDetails != "" {
		e.Parameters = append(e.Parameters, NameValue{Name: "ErrorDetails", Value: eb.ErrorDetails})
	}
	if e.Detail == "" {
		e.Detail = eb.Message
	}
	if len(eb.Error) > 0 && e.Detail == "" {
		var legacy struct{ Message, Type string }
		if json.Unmarshal(eb.Error, &legacy) == nil {
			e.Detail = legacy.Message
			if e.Type == "" {
				e.Type = legacy.Type
			}
		}
	}
}

// decodeParams accepts parameters as an array of {name, value} pairs (the
// documented form) or as an object (seen in the troubleshooting docs).
// Values that are not strings keep their JSON text.
func decodeParams(raw json.RawMessage) []NameValue {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case '[':
		var items []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
		}
		if json.Unmarshal(raw, &items) != nil {
			return nil
		}
		out := make([]NameValue, 0, len(items))
		for _, it := range items {
			out = append(out, NameValue{Name: it.Name, Value: rawString(it.Value)})
		}
		return out
	case '{':
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return nil
		}
		out := make([]NameValue, 0, len(m))
		for k, v := range m {
			out = append(out, NameValue{Name: k, Value: rawString(v)})
		}
		// Map order is random; keep the result stable.
		slices.SortFunc(out, func(a, b NameValue) int { return strings.Compare(a.Name, b.Name) })
		return out
	}
	return nil
}

func rawString(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	if string(v) == "null" {
		return ""
	}
	return string(v)
}

// retryAfter reads the wait the server asked for: the Retry-After header
// (seconds or an HTTP date) or the retryDelay error parameter (seconds),
// whichever is longer. Zero when neither is present or valid.
func retryAfter(h http.Header, params []NameValue) time.Duration {
	var d time.Duration
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 && secs < 1e9 {
			d = time.Duration(secs * float64(time.Second))
		} else if t, err := http.ParseTime(v); err == nil {
			d = max(time.Until(t), 0)
		}
	}
	for _, p := range params {
		if strings.EqualFold(p.Name, "retryDelay") {
			if secs, err := strconv.ParseFloat(strings.TrimSpace(p.Value), 64); err == nil && secs >= 0 && secs < 1e9 {
				d = max(d, time.Duration(secs*float64(time.Second)))
			}
		}
	}
	return d
}

// redact removes the token from what the server said, in every form it may
// take there: some gateways echo the request's headers into their error
// pages.
func (e *APIError) redact(token string) {
	if len(token) < minRedacted {
		return
	}
	e.Body = redactBytes(e.Body, token)
	e.Type, e.Detail = redact(e.Type, token), redact(e.Detail, token)
	for i := range e.Parameters {
		e.Parameters[i].Name, e.Parameters[i].Value = redact(e.Parameters[i].Name, token), redact(e.Parameters[i].Value, token)
	}
}
