package daas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// resultFunc reads the result of a job that has ended. The operation that
// starts a job chooses it, as it knows what the job gives: noResult,
// oneResult, itemsResult, rawResult, a batch's own; [StartJob] and
// [ResumeJob], which know only T, use anyResult.
type resultFunc[T any] func(ctx context.Context, jc *jobCore) (T, error)

// noResult is the reading of a job without a result: nothing is sent.
func noResult(context.Context, *jobCore) (struct{}, error) { return struct{}{}, nil }

// rawResult reads the result as it is; a paged one ({"Items",
// "ContinuationToken"}) is read to its last page and returned as one
// {"Items": [...]} envelope of every item. A job whose result is empty
// (one without a result, such as a batch item's removal) gives nil; a null
// result is an error, as for every T.
func rawResult(ctx context.Context, jc *jobCore) (json.RawMessage, error) {
	raw, err := jc.fetchResult(ctx)
	if err != nil {
		return nil, err
	}
	if raw = bytes.TrimSpace(raw); len(raw) == 0 {
		return nil, nil
	}
	if raw, err = jc.checkNull(raw); err != nil {
		return nil, err
	}
	var env struct{ ContinuationToken *string }
	if raw[0] != '{' || json.Unmarshal(raw, &env) != nil || env.ContinuationToken == nil || *env.ContinuationToken == "" {
		return raw, nil
	}
	items, err := jc.allItems(ctx, raw)
	if err != nil {
		return nil, err
	}
	return append(append([]byte(`{"Items":`), items...), `,"ContinuationToken":null}`...), nil
}

// oneResult reads a result that is one resource, decoded by decodeModel.
func oneResult[X any](ctx context.Context, jc *jobCore) (*X, error) {
	raw, err := jc.resultBody(ctx)
	if err != nil {
		return nil, err
	}
	v := new(X)
	if err := decodeModel(raw, v); err != nil {
		return nil, fmt.Errorf("daas: job %s: decoding result into %T: %w", jc.id, v, err)
	}
	return v, nil
}

// itemsResult reads a result that is a list: the Items of every page (or a
// bare JSON array), each decoded by decodeModel, in order; an error never
// comes with part of the items.
func itemsResult[X any](ctx context.Context, jc *jobCore) ([]X, error) {
	raw, err := jc.resultBody(ctx)
	if err != nil {
		return nil, err
	}
	if raw[0] == '{' {
		if raw, err = jc.allItems(ctx, raw); err != nil {
			return nil, err
		}
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("daas: job %s: decoding result items: %w", jc.id, err)
	}
	out := make([]X, len(items))
	for i, it := range items {
		if err := decodeModel(it, &out[i]); err != nil {
			return nil, fmt.Errorf("daas: job %s: decoding result item %d: %w", jc.id, i, err)
		}
	}
	return out, nil
}

// anyResult is the reading of a job whose operation only T describes
// ([StartJob], [ResumeJob]): struct{} reads nothing, json.RawMessage and
// BatchResult read as their operations do, and any other T is decoded from
// the result; a paged result that does not decode into T as an object (a
// slice T) is read to its last page and decoded from its items.
func anyResult[T any](ctx context.Context, jc *jobCore) (T, error) {
	var out T
	var err error
	switch p := any(&out).(type) {
	case *struct{}:
		return out, nil
	case *json.RawMessage:
		*p, err = rawResult(ctx, jc)
		return out, err
	case *BatchResult:
		*p, err = batchResult(nil)(ctx, jc)
		return out, err
	}
	raw, err := jc.resultBody(ctx)
	if err != nil {
		return out, err
	}
	err = json.Unmarshal(raw, &out)
	if te := (*json.UnmarshalTypeError)(nil); errors.As(err, &te) && te.Field == "" && te.Value == "object" {
		var items json.RawMessage
		if items, err = jc.allItems(ctx, raw); err == nil {
			err = json.Unmarshal(items, &out)
		}
	}
	if te := (*json.UnmarshalTypeError)(nil); errors.As(err, &te) && te.Field != "" {
		err = nil // a field of the wrong type is left zero, as decodeModel does
	}
	if err != nil {
		return out, fmt.Errorf("daas: job %s: decoding result into %T: %w", jc.id, out, err)
	}
	return out, nil
}

// resultBody reads the job's result (see fetchResult) and refuses an empty
// or null one: a job with no stored result answers 303, and a null would
// leave the caller a zero T (a nil *MachineCatalog) with no error.
func (jc *jobCore) resultBody(ctx context.Context) (json.RawMessage, error) {
	raw, err := jc.fetchResult(ctx)
	if err != nil {
		return nil, err
	}
	return jc.checkNull(bytes.TrimSpace(raw))
}

// checkNull refuses an empty or null result.
func (jc *jobCore) checkNull(raw json.RawMessage) (json.RawMessage, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, fmt.Errorf("daas: job %s: empty result (no body or null), nothing to decode", jc.id)
	}
	return raw, nil
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
	resp, err := jc.c.call(ctx, r, &raw, http.StatusOK, http.StatusSeeOther)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusSeeOther {
		raw = nil
		if err := jc.c.follow(ctx, r, resp, &raw); err != nil {
			return nil, fmt.Errorf("daas: job %s results: %w", jc.id, err)
		}
	}
	return raw, nil
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
	if _, err := jc.c.call(ctx, r, &raw, http.StatusOK); err != nil {
		return nil, err
	}
	return raw, nil
}
