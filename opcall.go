package daas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
)

// A CallOption sets an optional query parameter or header of a call: the
// list options ([PageSize], [InFolder], [Fields], [ContinuationToken]) and,
// for every other optional parameter of the API, the generated
// …Param options ([DetailParam], [ForceParam], …). A generated method
// refuses, with an [*InputError] and before anything is sent, an option
// whose parameter its operation does not take: which it takes is read from
// the operation table.
type CallOption func(*listConfig)

// secretHeaders are the header parameters whose values are credentials:
// they are kept out of every error.
func secretHeaders() [2]string { return [...]string{"X-AdminCredential", "X-AccessToken"} }

// queryParam is an option for the query parameter name of the API, shown
// as option in errors.
func queryParam(option, name string, values []string) CallOption {
	return func(c *listConfig) {
		c.set(option, name)
		if c.params == nil {
			c.params = url.Values{}
		}
		c.params[name] = append(c.params[name], values...)
	}
}

// headerParam is an option for the header parameter name of the API.
func headerParam(option, name, value string) CallOption {
	return func(c *listConfig) {
		c.set(option, name)
		if c.header == nil {
			c.header = http.Header{}
		}
		c.header.Add(name, value)
	}
}

// paramValues is v as the values of a query parameter: a slice is the
// parameter repeated (the spec's form style with explode), a string-based
// enumeration its string.
func paramValues[T any](v T) []string {
	switch v := any(v).(type) {
	case string:
		return []string{v}
	case bool:
		return []string{strconv.FormatBool(v)}
	case int:
		return []string{strconv.Itoa(v)}
	case int64:
		return []string{strconv.FormatInt(v, 10)}
	case float64:
		return []string{strconv.FormatFloat(v, 'g', -1, 64)}
	case []string:
		return v
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return []string{rv.String()}
	case reflect.Slice:
		out := make([]string, rv.Len())
		for i := range out {
			out[i] = fmt.Sprint(rv.Index(i).Interface())
		}
		return out
	}
	return []string{fmt.Sprint(v)}
}

// call builds the op of operation s for the method named what (as
// "Hypervisors.GetAsync", for errors), from its path arguments, its
// required query parameters, its body and the caller's options. An option
// s does not take, or one given twice for a parameter that takes one value,
// is an [*InputError]; so is a path argument that is not one path segment.
func (s *opSpec) call(what string, args []string, query url.Values, body any, opts []CallOption) (op, *listConfig, error) {
	cfg, err := newListConfig(opts)
	if err != nil {
		return op{}, nil, err
	}
	for i, name := range cfg.wire {
		if name == "continuationToken" && s.Page {
			continue // a page's token goes back to its operation, as All does
		}
		p := s.param(name)
		if p == nil || p.Required || clientParam(name) {
			return op{}, nil, inputErr(what, "option %s does not apply", cfg.used[i])
		}
		if p.In == inQuery && p.Type[0] != '[' && len(cfg.params[name]) > 1 {
			return op{}, nil, inputErr(what, "option %s given more than once", cfg.used[i])
		}
	}
	for k, v := range query {
		if cfg.params == nil {
			cfg.params = url.Values{}
		}
		cfg.params[k] = v
	}
	machineArgs(s.Path, args)
	o := op{method: s.HTTPMethod, path: s.Path[1:], args: args, body: body, header: cfg.header}
	o.secrets = append(o.secrets, cfg.secrets...)
	for _, name := range secretHeaders() {
		o.secrets = append(o.secrets, cfg.header.Values(name)...)
	}
	if err := o.checkFor(what); err != nil {
		return op{}, nil, err
	}
	o.query = cfg.query()
	return o, cfg, nil
}

// machineArgs writes, in place, the "\" of every argument of path that
// names a machine as "|", as the service wants it in every machine path
// segment: the parameter after a Machines segment, or one whose name starts
// with "machine" (machine, machineNameOrId).
func machineArgs(path string, args []string) {
	i := 0
	for seg := range strings.SplitSeq(path, "/") {
		name, ok := strings.CutPrefix(seg, "{")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, "}")
		if i < len(args) && (strings.HasPrefix(name, "machine") || strings.EqualFold(prevSegment(path, seg), "Machines")) {
			args[i] = strings.ReplaceAll(args[i], `\`, "|")
		}
		i++
	}
}

// prevSegment is the segment of path before seg.
func prevSegment(path, seg string) string {
	before, _, _ := strings.Cut(path, "/"+seg)
	return before[strings.LastIndexByte(before, '/')+1:]
}

// operation is the row of the operation table of the method
// service.method ("Machines", "Start"): the hand-written methods read their
// operation from the table as the generated ones do. It panics on a method
// the table lacks, which TestHandWrittenOperations rules out.
func operation(service, method string) *opSpec {
	for i := range operations {
		if operations[i].Service == service && operations[i].Method == method {
			return &operations[i]
		}
	}
	panic("daas: no operation " + service + "." + method)
}

// param is s's parameter of that wire name, nil when it has none.
func (s *opSpec) param(name string) *opParam {
	for i := range s.Params {
		if http.CanonicalHeaderKey(s.Params[i].Name) == http.CanonicalHeaderKey(name) && (s.Params[i].In != inQuery || s.Params[i].Name == name) {
			return &s.Params[i]
		}
	}
	return nil
}

// value sends o and decodes its answer, a value that is not a struct (a
// slice, a map, a string, a number), into a T. As decodeModel does, a field
// of the wrong JSON type inside it is left zero; an answer of the wrong
// kind is an error.
func value[T any](ctx context.Context, c *Client, o op) (T, error) {
	var v T
	raw, err := answer(ctx, c, o)
	if err != nil {
		return v, err
	}
	if t := bytes.TrimSpace(raw); len(t) > 0 && string(t) != "null" {
		err := json.Unmarshal(t, &v)
		if te := (*json.UnmarshalTypeError)(nil); err != nil && (!errors.As(err, &te) || te.Field == "") {
			return v, fmt.Errorf("daas: %s %s: decoding the answer: %w", o.method, o.path, err)
		}
	}
	return v, nil
}
