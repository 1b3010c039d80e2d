package daas

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
)

// resultKind is how a job's result is read: each operation that starts a
// job says it (through T, see [StartJob]), and nothing else guesses.
type resultKind uint8

const (
	// resultNone: the job has no result to read (T is struct{}).
	resultNone resultKind = iota
	// resultSingle: one value, from /Results or the 303 it answers.
	resultSingle
	// resultItems: the Items of every page, decoded into a slice T.
	resultItems
	// resultRaw: the answer as it is; a paged one as one envelope of every
	// page's items.
	resultRaw
)

// resultKindOf is the result reading for a Job[T].
func resultKindOf[T any]() resultKind {
	var zero T
	switch any(zero).(type) {
	case struct{}:
		return resultNone
	case json.RawMessage:
		return resultRaw
	}
	if reflect.TypeFor[T]().Kind() == reflect.Slice {
		return resultItems
	}
	return resultSingle
}

// result reads the job's result once and keeps it.
func (j *Job[T]) result(ctx context.Context) (T, error) {
	var out T
	jc := j.core
	jc.mu.Lock()
	if jc.hasResult {
		v, _ := jc.result.(T)
		jc.mu.Unlock()
		return v, nil
	}
	jc.mu.Unlock()
	if jc.kind == resultNone {
		return out, nil
	}
	raw, err := jc.readResult(ctx)
	if err != nil {
		return out, err
	}
	if rm, ok := any(&out).(*json.RawMessage); ok {
		*rm = raw
	} else if err := json.Unmarshal(raw, &out); err != nil {
		return out, fmt.Errorf("daas: job %s: decoding result into %T: %w", jc.id, out, err)
	}
	if b, ok := any(&out).(*BatchResult); ok {
		if err := jc.bindBatch(b); err != nil { // batch.go
			return out, err
		}
	}
	jc.mu.Lock()
	jc.result, jc.hasResult = out, true
	jc.mu.Unlock()
	return out, nil
}

// readResult reads the result as the job's kind says and returns JSON
// ready to decode into T: the value itself, or for items one JSON array of
// every page's items.
func (jc *jobCore) readResult(ctx context.Context) (json.RawMessage, error) {
	raw, err := jc.fetchResult(ctx)
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(raw)
	switch jc.kind {
	case resultRaw:
		var env struct{ ContinuationToken *string }
		if len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(trimmed, &env) != nil ||
			env.ContinuationToken == nil || *env.ContinuationToken == "" {
			return raw, nil
		}
		items, err := jc.allItems(ctx, trimmed)
		if err != nil {
			return nil, err
		}
		return append(append([]byte(`{"Items":`), items...), `,"ContinuationToken":null}`...), nil
	case resultItems:
		if len(trimmed) > 0 && trimmed[0] == '{' {
			return jc.allItems(ctx, trimmed)
		}
	}
	if len(trimmed) == 0 {
		// A job with no stored result answers 303; an empty body would
		// leave the caller a zero T (a nil *MachineCatalog) with no error.
		return nil, fmt.Errorf("daas: job %s: empty result, nothing to decode", jc.id)
	}
	return trimmed, nil
}

// allItems reads an {"Items", "ContinuationToken"} result from its first
// page to its last and returns every item as one JSON array. A repeated
// token or too many pages is an error, with no items.
func (jc *jobCore) allItems(ctx context.Context, page json.RawMessage) (json.RawMessage, error) {
	out := []byte{'['}
	seen := map[string]bool{}
	for n := 1; ; n++ {
		var env struct {
			Items             []json.RawMessage `json:"Items"`
			ContinuationToken *string           `json:"ContinuationToken"`
		}
		if err := json.Unmarshal(page, &env); err != nil {
			return nil, fmt.Errorf("daas: job %s: decoding result page %d: %w", jc.id, n, err)
		}
		for _, it := range env.Items {
			if len(out) > 1 {
				out = append(out, ',')
			}
			out = append(out, it...)
		}
		if env.ContinuationToken == nil || *env.ContinuationToken == "" {
			return append(out, ']'), nil
		}
		tok := *env.ContinuationToken
		if err := nextToken(seen, tok, n, "job "+jc.id+" result"); err != nil {
			return nil, err
		}
		next, err := jc.nextPage(ctx, tok)
		if err != nil {
			return nil, err
		}
		page = bytes.TrimSpace(next)
	}
}

// fetchResult reads GET /Jobs/{id}/Results: a 200's body, or the body of
// the resource a 303 points to (same origin only).
func (jc *jobCore) fetchResult(ctx context.Context) (json.RawMessage, error) {
	r, err := jc.c.newRequest(http.MethodGet, "Jobs/"+url.PathEscape(jc.id)+"/Results", nil, nil)
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	resp, err := jc.c.Jobs.send(ctx, r, &raw, http.StatusOK, http.StatusSeeOther)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusSeeOther {
		return raw, nil
	}
	target, err := jc.c.resultTarget(r.url, resp.Header.Get("Location"))
	if err != nil {
		return nil, fmt.Errorf("daas: job %s results: %w", jc.id, err)
	}
	tr, err := jc.c.newRequest(http.MethodGet, target.String(), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("daas: job %s results: %w", jc.id, err)
	}
	raw = nil
	resp, err = jc.c.do(ctx, tr, &raw)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusSeeOther {
		return nil, fmt.Errorf("daas: job %s results: %w: the 303 target redirected again", jc.id, ErrBadLocation)
	}
	if err := checkStatus(tr, resp, http.StatusOK); err != nil {
		return nil, err
	}
	return raw, nil
}

// resultTarget checks the Location of a 303 from a job's results, resolved
// against from.
func (c *Client) resultTarget(from *url.URL, loc string) (*url.URL, error) {
	if loc == "" {
		return nil, fmt.Errorf("%w: 303 without Location", ErrBadLocation)
	}
	target, err := from.Parse(loc)
	if err != nil || target.Host == "" || target.User != nil || (target.Scheme != "https" && target.Scheme != "http") {
		return nil, fmt.Errorf("%w: %q", ErrBadLocation, truncate(loc, 200))
	}
	if !c.sameOrigin(target) {
		return nil, fmt.Errorf("%w: %s://%s", ErrUntrustedLocation, target.Scheme, truncate(target.Host, 200))
	}
	return target, nil
}

// nextPage fetches the page after a continuation token. The token of an
// async list's results belongs to the list (the spec gives GET
// /Jobs/{id}/Results no continuationToken), so the page comes from the list
// call that started the job, run synchronously with the same filters: one
// request per page, no new job to wait for. Only a job whose list call is
// not known (resumed by id) asks its results, the one place left.
func (jc *jobCore) nextPage(ctx context.Context, token string) (json.RawMessage, error) {
	if jc.origin == nil {
		return jc.getPage(ctx, "Jobs/"+url.PathEscape(jc.id)+"/Results", url.Values{}, token)
	}
	u := *jc.origin
	q := u.Query()
	q.Del("async")
	u.RawQuery = ""
	return jc.getPage(ctx, u.String(), q, token)
}

// getPage reads one page of a paged result: ref with the continuation token.
func (jc *jobCore) getPage(ctx context.Context, ref string, q url.Values, token string) (json.RawMessage, error) {
	q.Set("continuationToken", token)
	r, err := jc.c.newRequest(http.MethodGet, ref, q, nil)
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if _, err := jc.c.Jobs.send(ctx, r, &raw, http.StatusOK); err != nil {
		return nil, err
	}
	return raw, nil
}
