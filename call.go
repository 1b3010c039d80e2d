package daas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// The call layer: what every service method is made of. A method names its
// operation (an op: method, path template, positional path arguments,
// query, body) and hands it to one of the functions below, which build the
// request through [pathSegment], send it through [Client.call] and decode
// the answer with [decodeModel]:
//
//	func (s *MachinesService) Get(ctx context.Context, nameOrID string) (*Machine, error) {
//		return one[Machine](ctx, s.client, op{method: http.MethodGet, path: "Machines/{machine}", args: []string{nameOrID}})
//	}

// op is one operation of the API as a service method calls it.
type op struct {
	method string
	// path is relative to the API root; each {param} is replaced, in
	// order, by args, checked and escaped by pathSegment.
	path    string
	args    []string
	query   url.Values
	body    any
	header  http.Header // extra headers of the call (X-AdminCredential)
	secrets []string    // values of the call that must never reach an error
	// idempotent marks a POST that the service does once however often it
	// is asked (a power action, $cancel): retried as a read.
	idempotent bool
}

// request builds o's request.
func (o op) request(c *Client) (*request, error) {
	path, err := expandPath(o.path, o.args)
	if err != nil {
		return nil, err
	}
	r, err := c.newRequest(o.method, path, o.query, o.body)
	if err != nil {
		return nil, err
	}
	r.header, r.secrets = o.header, o.secrets
	if o.idempotent {
		r.mayCreate = false
	}
	return r, nil
}

// check checks o's path arguments, before anything else is.
func (o op) check() error {
	_, err := expandPath(o.path, o.args)
	return err
}

// checkFor checks o's path arguments for the method named what
// ("MachineCatalogs.UpdateAsync"): an argument it refuses is an
// [*InputError] of that method, its reason naming the argument.
func (o op) checkFor(what string) error {
	return forMethod(what, o.check())
}

// forMethod is err, an argument's [*InputError], as an error of the method
// named what, its reason naming the argument; any other err is returned as
// it is.
func forMethod(what string, err error) error {
	var ie *InputError
	if errors.As(err, &ie) && ie.Op != what {
		return &InputError{Op: what, Reason: ie.Op + ": " + ie.Reason, kind: ie.kind}
	}
	return err
}

// expandPath replaces each {param} of tmpl by the next of args, as one
// path segment (see pathSegment).
func expandPath(tmpl string, args []string) (string, error) {
	var b strings.Builder
	rest := tmpl
	for i := 0; ; i++ {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			if i != len(args) {
				return "", fmt.Errorf("daas: path %s: %d arguments for %d parameters", tmpl, len(args), i)
			}
			b.WriteString(rest)
			return b.String(), nil
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 || i >= len(args) {
			return "", fmt.Errorf("daas: path %s: too few arguments", tmpl)
		}
		seg, err := pathSegment(rest[open+1:open+end], args[i])
		if err != nil {
			return "", err
		}
		b.WriteString(rest[:open])
		b.WriteString(seg)
		rest = rest[open+end+1:]
	}
}

// answer sends o and returns the body of its answer, nil for none.
func answer(ctx context.Context, c *Client, o op) (json.RawMessage, error) {
	r, err := o.request(c)
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if _, err := c.call(ctx, r, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// none sends o and discards its answer.
func none(ctx context.Context, c *Client, o op) error {
	r, err := o.request(c)
	if err != nil {
		return err
	}
	_, err = c.call(ctx, r, nil)
	return err
}

// one sends o and decodes its answer, one resource, into a T (left zero by
// an empty answer).
func one[T any](ctx context.Context, c *Client, o op) (*T, error) {
	raw, err := answer(ctx, c, o)
	if err != nil {
		return nil, err
	}
	v := new(T)
	if err := decodeModel(raw, v); err != nil {
		return nil, fmt.Errorf("daas: %s %s: decoding the answer: %w", o.method, o.path, err)
	}
	return v, nil
}

// writeThenRead sends o, a write (PATCH, POST), and returns the resource
// its answer holds; an answer that holds none (204, an empty object, no
// id) is followed by readBack, when given, to read the resource as it is
// afterwards.
func writeThenRead[T any](ctx context.Context, c *Client, o op, hasID func(*T) bool, readBack func(context.Context) (*T, error)) (*T, error) {
	v, err := one[T](ctx, c, o)
	if err != nil || hasID(v) || readBack == nil {
		return v, err
	}
	return readBack(ctx)
}

// job starts o as a job of the service (async=true, 202) whose result read
// reads.
func job[T any](ctx context.Context, c *Client, o op, read resultFunc[T]) (*Job[T], error) {
	r, err := o.request(c)
	if err != nil {
		return nil, err
	}
	return startJob(ctx, c, r, read)
}

// Page is one page of a list: its items and the token of the next page.
type Page[T any] struct {
	Items []T `json:"Items"`
	// ContinuationToken asks for the next page: pass it back with the
	// [ContinuationToken] option. Empty on the last page.
	ContinuationToken string `json:"ContinuationToken,omitempty"`
	// TotalItems is the number of items of the whole query, when the
	// service reports it (it does for searches); 0 otherwise.
	TotalItems int `json:"TotalItems,omitempty"`
}

// page reads one page of o, a GET of a collection, from cfg's token.
func page[T any](ctx context.Context, c *Client, o op, cfg *listConfig) (*Page[T], error) {
	o.query = cfg.query()
	r, err := o.request(c)
	if err != nil {
		return nil, err
	}
	var wire pageWire[T]
	if _, err := c.call(ctx, r, &wire); err != nil {
		return nil, err
	}
	p := &Page[T]{Items: wire.Items}
	if p.Items == nil {
		p.Items = []T{}
	}
	for i := range p.Items {
		dropNullRaw(reflect.ValueOf(&p.Items[i]))
	}
	if tok := bytes.TrimSpace(wire.ContinuationToken); len(tok) > 0 && string(tok) != "null" {
		if err := json.Unmarshal(tok, &p.ContinuationToken); err != nil {
			err = &json.UnmarshalTypeError{Value: jsonKind(tok[0]), Type: stringType, Field: "ContinuationToken"}
			return nil, fmt.Errorf("daas: GET %s: decoding the page: %w", o.path, err)
		}
	}
	_ = json.Unmarshal(wire.TotalItems, &p.TotalItems) // lenient, as any count
	return p, nil
}

// pageWire is a page as the service sends it. The token and the count
// are kept raw, so that a bad one is reported as such.
type pageWire[T any] struct {
	Items             []T
	ContinuationToken json.RawMessage
	TotalItems        json.RawMessage
}

// decodeFrom is how Client.call decodes a page (see bodyDecoder): in one
// pass as it streams in, each item on its own, with the leniency of
// decodeModel (a field of the wrong JSON type is left zero, whatever the
// other items hold); an item that is not an object, or Items that are not
// an array, fail the page. A model decodes through its plain form, without
// its UnmarshalJSON, so that each item is scanned once, not three times.
func (w *pageWire[T]) decodeFrom(body io.Reader, _, limit int64) error {
	dec := json.NewDecoder(io.LimitReader(body, limit))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return pageError(err, "the page is not a JSON object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch key, _ := tok.(string); {
		case strings.EqualFold(key, "Items"):
			if err := w.decodeItems(dec); err != nil {
				return err
			}
		case strings.EqualFold(key, "ContinuationToken"):
			err = dec.Decode(&w.ContinuationToken)
		case strings.EqualFold(key, "TotalItems"):
			err = dec.Decode(&w.TotalItems)
		default:
			err = dec.Decode(new(json.RawMessage))
		}
		if err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// decodeItems decodes the Items array of a page.
func (w *pageWire[T]) decodeItems(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil || tok == nil { // null: no items
		return err
	}
	if tok != json.Delim('[') {
		return pageError(nil, "Items is not an array")
	}
	var zero T
	for dec.More() {
		// Straight into the slice returned: no item is copied after its
		// decode (growing the slice moves them, amortized).
		w.Items = append(w.Items, zero)
		var v any = &w.Items[len(w.Items)-1]
		if m, ok := v.(interface{ plain() any }); ok {
			v = m.plain()
		}
		if err := dec.Decode(v); err != nil {
			if te := (*json.UnmarshalTypeError)(nil); !errors.As(err, &te) || te.Field == "" {
				return fmt.Errorf("item %d: %w", len(w.Items)-1, err)
			}
		}
	}
	_, err = dec.Token()
	return err
}

// pageError is err, or a syntax-like error saying what is wrong.
func pageError(err error, what string) error {
	if err != nil {
		return err
	}
	return errors.New(what)
}

// all ranges over every page of o from cfg's token, fetching each as the
// loop reaches it. A failed page ends the sequence with its error, yielded
// once; a continuation token the service repeats is an error.
func all[T any](ctx context.Context, c *Client, o op, cfg *listConfig, cfgErr error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if cfgErr != nil {
			yield(zero, cfgErr)
			return
		}
		cfg := *cfg // each range starts again
		seen := map[string]bool{}
		for {
			p, err := page[T](ctx, c, o, &cfg)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range p.Items {
				if !yield(it, nil) {
					return
				}
			}
			next := p.ContinuationToken
			if next == "" {
				return
			}
			if seen[next] {
				yield(zero, fmt.Errorf("daas: GET %s: the service repeated continuation token %q; stopping", o.path, truncate(next, 64)))
				return
			}
			seen[next] = true
			cfg.token = next
		}
	}
}

// listJob lists every page of o as a job of the service: the job's result
// is every item of every page.
func listJob[T any](ctx context.Context, c *Client, o op, cfg *listConfig) (*Job[[]T], error) {
	o.query = cfg.query()
	return job(ctx, c, o, itemsResult[T])
}
