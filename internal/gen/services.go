package main

import (
	"bytes"
	"fmt"
	"go/token"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// The services: one file per service (spec tag), zz_service_<service>.go,
// with one method per operation and its …Async form where the operation
// takes async. The forms, by what the operation answers:
//
//   - a page (Items, ContinuationToken): with the method List, List (one
//     page, *Page[T]), All (every page, iter.Seq2[T, error]) and ListAsync
//     (every page as a job, *Job[[]T]); a sub-collection, whose method is
//     its noun (Machines), is ranged over by that name (iter.Seq2), read a
//     page at a time by <Noun>Page and listed as a job by <Noun>Async;
//   - anything else: the method returns the answer (*T for a struct, T for
//     a slice, a map, a string or another plain value, only an error for
//     no answer) and …Async returns *Job[R] of the job result R of the
//     table (*T for a struct, []T for a list, struct{} for none).
//
// Arguments, in order: ctx, the path parameters as strings in path order,
// the required query parameters in spec order with their Go types, the
// body as req, and opts ...CallOption for every optional query parameter
// and header, which the call checks against the operation table.

// serviceFile is the file of a service's generated methods.
func serviceFile(service string) string {
	return "zz_service_" + strings.ToLower(service) + ".go"
}

// listParams are the optional parameters the hand-written list options set.
var listParams = map[string]string{
	"limit":             "PageSize",
	"adminFolder":       "InFolder",
	"fields":            "Fields",
	"continuationToken": "ContinuationToken",
}

// clientParams are the parameters the client sends itself: no argument or
// option of a method sets them (async: the …Async form does).
var clientParams = map[string]bool{
	"Citrix-CustomerId":    true,
	"Citrix-InstanceId":    true,
	"Citrix-TransactionId": true, // a fresh one per call, which the client tracks
	"User-Agent":           true,
	"Authorization":        true,
	"Accept":               true,
	"async":                true,
}

// method is one Go method of a generated service.
type method struct {
	Name string
	Op   *op
	Kind string // "page", "all", "listjob", "sync", "async"
}

// methodsOf are the Go methods of o, each with its form.
func methodsOf(o *op) []method {
	if o.Page {
		pg, al, lj := o.Method+"Page", o.Method, o.Method+"Async"
		if o.Method == "List" {
			pg, al, lj = "List", "All", "ListAsync"
		}
		ms := []method{{pg, o, "page"}, {al, o, "all"}}
		if o.Async {
			ms = append(ms, method{lj, o, "listjob"})
		}
		return ms
	}
	ms := []method{{o.Method, o, "sync"}}
	if o.Async {
		ms = append(ms, method{o.Method + "Async", o, "async"})
	}
	return ms
}

// emitServices writes every service file, zz_services.go (the service
// types, the Client fields and their wiring) and zz_params.go (an option
// per optional parameter). decls are the root's hand-written declarations.
func emitServices(ops []*op, models []*model, decls map[string]string) (map[string][]byte, error) {
	structs := map[string]bool{}
	for _, m := range models {
		if m.Enum == nil {
			structs[m.Name] = true
		}
	}
	for name := range decls {
		if !strings.Contains(name, ".") && unicode.IsUpper([]rune(name)[0]) {
			structs[name] = true // a hand-written type a table row names is a struct
		}
	}
	bySvc := map[string][]*op{}
	for i, o := range ops {
		o.index = i
		bySvc[o.Service] = append(bySvc[o.Service], o)
	}
	out := map[string][]byte{}
	var errs []string
	used := map[string]bool{}
	for _, svc := range sortedKeys(bySvc) {
		var b bytes.Buffer
		header(&b)
		var body bytes.Buffer
		imports := map[string]bool{"context": true}
		for _, o := range bySvc[svc] {
			for _, m := range methodsOf(o) {
				key := svc + "." + m.Name
				_, hand := decls[svc+"Service."+m.Name]
				_, listed := handWrittenMethods[key]
				switch {
				case hand && listed:
					used[key] = true
					continue
				case hand:
					errs = append(errs, fmt.Sprintf("%s (%s): declared by hand in %s; add it to handWrittenMethods", key, o.ID, decls[svc+"Service."+m.Name]))
					continue
				case listed:
					errs = append(errs, fmt.Sprintf("%s: in handWrittenMethods, but no root file declares it", key))
					continue
				}
				src, err := emitMethod(svc, m, structs, imports)
				if err != nil {
					errs = append(errs, err.Error())
					continue
				}
				body.WriteString(src)
			}
		}
		b.WriteString("import (\n")
		for _, imp := range sortedKeys(imports) {
			fmt.Fprintf(&b, "\t%q\n", imp)
		}
		b.WriteString(")\n\n")
		b.Write(body.Bytes())
		out[serviceFile(svc)] = b.Bytes()
	}
	for key := range handWrittenMethods {
		svc, _, _ := strings.Cut(key, ".")
		if _, inSpec := bySvc[svc]; inSpec && !used[key] {
			if _, ok := decls[strings.Replace(key, ".", "Service.", 1)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: in handWrittenMethods, but no root file declares it", key))
			}
		}
	}
	out["zz_services.go"] = emitServiceTypes(sortedKeys(bySvc), bySvc, decls)
	params, err := emitParams(ops, decls, structs)
	if err != nil {
		errs = append(errs, err.Error())
	}
	out["zz_params.go"] = params
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, fmt.Errorf("services:\n\t%s", strings.Join(errs, "\n\t"))
	}
	return out, nil
}

// emitServiceTypes writes the service types the root does not declare by
// hand, the services struct Client embeds and initServices.
func emitServiceTypes(svcs []string, bySvc map[string][]*op, decls map[string]string) []byte {
	var b bytes.Buffer
	header(&b)
	for _, s := range svcs {
		if _, ok := decls[s+"Service"]; ok {
			continue
		}
		b.WriteString(comment(fmt.Sprintf("%sService calls the %d operations of the API's %s tag (see docs/operations.md). Reach it as Client.%s.", s, len(bySvc[s]), bySvc[s][0].Tag, s)))
		fmt.Fprintf(&b, "type %sService service\n\n", s)
	}
	b.WriteString("// services are the Client's services, one per tag of the API. Client embeds\n// it, so that each is a field of Client: client.Hypervisors.\n")
	b.WriteString("type services struct {\n")
	for _, s := range svcs {
		fmt.Fprintf(&b, "\t// %s calls the operations of the %s tag.\n\t%s *%sService\n", s, bySvc[s][0].Tag, s, s)
	}
	b.WriteString("}\n\n// initServices points every service of c at c.\nfunc (c *Client) initServices() {\n")
	for _, s := range svcs {
		fmt.Fprintf(&b, "\tc.%s = (*%sService)(&c.common)\n", s, s)
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// arg is one positional argument of a method.
type arg struct {
	Ident string
	Type  string
	Param param
}

var pathParamRE = regexp.MustCompile(`\{([^}]+)\}`)

// argsOf are the positional arguments of o: its path parameters in path
// order, then its required query parameters.
func argsOf(o *op) ([]arg, error) {
	var out []arg
	seen := map[string]bool{"ctx": true, "req": true, "opts": true, "s": true, "o": true, "cfg": true, "err": true}
	add := func(p param, typ string) error {
		id := identOf(p.Name)
		if seen[id] {
			return fmt.Errorf("%s: two arguments named %s", o.ID, id)
		}
		seen[id] = true
		out = append(out, arg{id, typ, p})
		return nil
	}
	for _, m := range pathParamRE.FindAllStringSubmatch(o.Path, -1) {
		p, ok := findParam(o, m[1], "path")
		if !ok {
			return nil, fmt.Errorf("%s: path parameter %s not among its parameters", o.ID, m[1])
		}
		if err := add(p, "string"); err != nil {
			return nil, err
		}
	}
	for _, p := range o.Params {
		switch {
		case p.In == "query" && p.Required:
			if err := add(p, p.Type); err != nil {
				return nil, err
			}
		case p.In == "header" && p.Required && !clientParams[p.Name]:
			return nil, fmt.Errorf("%s: required header %s", o.ID, p.Name)
		}
	}
	return out, nil
}

func findParam(o *op, name, in string) (param, bool) {
	for _, p := range o.Params {
		if p.Name == name && p.In == in {
			return p, true
		}
	}
	return param{}, false
}

// identOf is the Go identifier of a parameter: its Go name with the first
// word in lower case ("nameOrId" is nameOrID, "ID" id), with "Arg" after a
// Go keyword.
func identOf(name string) string {
	ws := words(name)
	first := strings.ToLower(ws[0])
	id := first
	if len(ws) > 1 {
		id += goName(strings.Join(ws[1:], "_"))
	}
	if token.IsKeyword(id) || id == "string" || id == "int" || id == "bool" || id == "any" {
		id += "Arg"
	}
	return id
}

// resultShape is how a Go type is returned: "*T" for a struct, T as it is
// for anything else.
func pointerTo(typ string, structs map[string]bool) bool {
	return structs[typ]
}

// optionalParams are the parameters of o that an option sets, by name.
func optionalParams(o *op) []string {
	var out []string
	for _, p := range o.Params {
		if p.Required || clientParams[p.Name] || (p.In != "query" && p.In != "header") {
			continue
		}
		if opt, ok := listParams[p.Name]; ok && p.In == "query" {
			out = append(out, opt)
			continue
		}
		out = append(out, paramOption(p.Name))
	}
	return out
}

// paramOption is the name of the option for an optional parameter that no
// list option sets: its Go name and Param ("detail" is DetailParam).
func paramOption(name string) string { return goName(name) + "Param" }

// emitMethod writes one method of a service.
func emitMethod(svc string, m method, structs map[string]bool, imports map[string]bool) (string, error) {
	o := m.Op
	args, err := argsOf(o)
	if err != nil {
		return "", err
	}
	var sig, pathArgs, query []string
	sig = append(sig, "ctx context.Context")
	for _, a := range args {
		sig = append(sig, a.Ident+" "+a.Type)
		if a.Param.In == "path" {
			pathArgs = append(pathArgs, a.Ident)
		} else {
			query = append(query, fmt.Sprintf("%q: paramValues(%s)", a.Param.Name, a.Ident))
		}
	}
	body := "nil"
	if o.Request != "" {
		sig = append(sig, "req "+o.Request)
		body = "req"
	}
	sig = append(sig, "opts ...CallOption")
	argList := "nil"
	if len(pathArgs) > 0 {
		argList = "[]string{" + strings.Join(pathArgs, ", ") + "}"
	}
	qv := "nil"
	if len(query) > 0 {
		qv = "url.Values{" + strings.Join(query, ", ") + "}"
		imports["net/url"] = true
	}
	for _, t := range append([]string{o.Request, o.Response, o.JobResult}, argTypes(args)...) {
		if strings.Contains(t, "json.") {
			imports["encoding/json"] = true
		}
	}
	route := o.HTTPMethod + " " + o.Path
	call := fmt.Sprintf("operations[%d].call(%q, %s, %s, %s, opts)", o.index, svc+"."+m.Name, argList, qv, body)
	var doc, ret, code string
	switch m.Kind {
	case "page":
		doc = fmt.Sprintf("%s reads one page of %s (%s). Pass the page's ContinuationToken back with the ContinuationToken option for the next one.", m.Name, o.Response, route)
		ret = fmt.Sprintf("(*Page[%s], error)", o.Response)
		code = fmt.Sprintf("o, cfg, err := %s\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn page[%s](ctx, s.client, o, cfg)", call, o.Response)
	case "all":
		imports["iter"] = true
		doc = fmt.Sprintf("%s ranges over every %s of %s, reading a page at a time as the loop reaches it; a failed page ends the sequence with its error.", m.Name, o.Response, route)
		ret = fmt.Sprintf("iter.Seq2[%s, error]", o.Response)
		code = fmt.Sprintf("o, cfg, err := %s\n\treturn all[%s](ctx, s.client, o, cfg, err)", call, o.Response)
	case "listjob":
		doc = fmt.Sprintf("%s lists every %s of %s as a job of the service (async=true%s): the job yields the items of every page.", m.Name, o.Response, route, jobTypeText(o))
		ret = fmt.Sprintf("(*Job[[]%s], error)", o.Response)
		code = fmt.Sprintf("o, cfg, err := %s\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn listJob[%s](ctx, s.client, o, cfg)", call, o.Response)
	case "sync":
		var what string
		switch {
		case o.Response == "":
			ret = "error"
			what = "returns once the service has done it"
			code = fmt.Sprintf("o, _, err := %s\n\tif err != nil {\n\t\treturn err\n\t}\n\treturn none(ctx, s.client, o)", call)
		case pointerTo(o.Response, structs):
			ret = fmt.Sprintf("(*%s, error)", o.Response)
			what = "returns its answer, a " + o.Response
			code = fmt.Sprintf("o, _, err := %s\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn one[%s](ctx, s.client, o)", call, o.Response)
		default:
			ret = fmt.Sprintf("(%s, error)", o.Response)
			what = "returns its answer, a " + o.Response
			code = fmt.Sprintf("o, _, err := %s\n\tif err != nil {\n\t\tvar zero %s\n\t\treturn zero, err\n\t}\n\treturn value[%s](ctx, s.client, o)", call, o.Response, o.Response)
		}
		doc = fmt.Sprintf("%s sends %s and %s.", m.Name, route, what)
		if o.Async {
			doc += fmt.Sprintf(" %sAsync does it as a job.", m.Name)
		}
	case "async":
		var res, reader string
		r := o.JobResult
		switch {
		case r == "struct{}":
			res, reader = r, "noResult"
		case strings.HasPrefix(r, "[]"):
			res, reader = r, "itemsResult["+r[2:]+"]"
		case pointerTo(r, structs):
			res, reader = "*"+r, "oneResult["+r+"]"
		default:
			res, reader = r, "anyResult["+r+"]"
		}
		ret = fmt.Sprintf("(*Job[%s], error)", res)
		yields := "nothing"
		if r != "struct{}" {
			yields = "a " + res
		}
		doc = fmt.Sprintf("%s starts %s as a job of the service (async=true%s) and returns it at once; the finished job yields %s.", m.Name, route, jobTypeText(o), yields)
		code = fmt.Sprintf("o, _, err := %s\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn job(ctx, s.client, o, %s)", call, reader)
	}
	if opts := optionalParams(o); len(opts) > 0 {
		doc += " Options: " + strings.Join(opts, ", ") + "."
	} else {
		doc += " It takes no option."
	}
	doc += " Operation " + o.ID + "."
	return comment(doc) + fmt.Sprintf("func (s *%sService) %s(%s) %s {\n\t%s\n}\n\n", svc, m.Name, strings.Join(sig, ", "), ret, code), nil
}

func argTypes(args []arg) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a.Type
	}
	return out
}

func jobTypeText(o *op) string {
	switch len(o.JobTypes) {
	case 0:
		return ""
	case 1:
		return ", job type " + o.JobTypes[0]
	}
	return ", job types " + strings.Join(o.JobTypes, ", ")
}

// emitParams writes zz_params.go: an option for every optional query
// parameter and header no list option sets, named by paramOption.
func emitParams(ops []*op, decls map[string]string, structs map[string]bool) ([]byte, error) {
	type use struct {
		in    string
		types map[string]bool
		by    []string
	}
	uses := map[string]*use{}
	for _, o := range ops {
		for _, p := range o.Params {
			if p.Required || clientParams[p.Name] || (p.In != "query" && p.In != "header") {
				continue
			}
			if _, ok := listParams[p.Name]; ok && p.In == "query" {
				continue
			}
			u := uses[p.Name]
			if u == nil {
				u = &use{in: p.In, types: map[string]bool{}}
				uses[p.Name] = u
			}
			if u.in != p.In {
				return nil, fmt.Errorf("parameter %s is in %s and in %s", p.Name, u.in, p.In)
			}
			u.types[p.Type] = true
			for _, m := range methodsOf(o) {
				u.by = append(u.by, o.Service+"."+m.Name)
			}
		}
	}
	var b bytes.Buffer
	header(&b)
	b.WriteString("// clientParam reports whether the client sends the parameter name itself on\n// every call (async: the …Async form of a method): no option sets it.\n")
	fmt.Fprintf(&b, "func clientParam(name string) bool {\n\tswitch name {\n\tcase %s:\n\t\treturn true\n\t}\n\treturn false\n}\n\n", quoteList(sortedKeys(clientParams)))
	seen := map[string]string{}
	var errs []string
	for _, name := range sortedKeys(uses) {
		u := uses[name]
		opt := paramOption(name)
		if other, ok := seen[opt]; ok {
			errs = append(errs, fmt.Sprintf("option %s: parameters %s and %s", opt, other, name))
		}
		seen[opt] = name
		if file, ok := decls[opt]; ok {
			errs = append(errs, fmt.Sprintf("option %s: declared by hand in %s", opt, file))
		}
		if structs[opt] {
			errs = append(errs, fmt.Sprintf("option %s: a model has that name", opt))
		}
		types := sortedKeys(u.types)
		typ := types[0]
		if len(types) > 1 {
			typ = "[]string"
			for _, t := range types {
				if !strings.HasPrefix(t, "[]") && t != "string" {
					typ = "string"
				}
			}
			if typ == "string" {
				for _, t := range types {
					if t != "string" {
						return nil, fmt.Errorf("parameter %s has the types %s", name, strings.Join(types, ", "))
					}
				}
			}
		}
		by := u.by
		const most = 3
		list := strings.Join(by, ", ")
		if len(by) > most {
			list = strings.Join(by[:most], ", ") + fmt.Sprintf(" and %d more", len(by)-most)
		}
		if u.in == "header" {
			b.WriteString(comment(fmt.Sprintf("%s sends the header %s, on the calls that take it: %s.", opt, name, list)))
			fmt.Fprintf(&b, "func %s(v string) CallOption { return headerParam(%q, %q, v) }\n\n", opt, opt, name)
			continue
		}
		b.WriteString(comment(fmt.Sprintf("%s sets the query parameter %s, on the calls that take it: %s.", opt, name, list)))
		if strings.HasPrefix(typ, "[]") {
			fmt.Fprintf(&b, "func %s(v ...%s) CallOption { return queryParam(%q, %q, paramValues(v)) }\n\n", opt, typ[2:], opt, name)
			continue
		}
		fmt.Fprintf(&b, "func %s(v %s) CallOption { return queryParam(%q, %q, paramValues(v)) }\n\n", opt, typ, opt, name)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n\t"))
	}
	return b.Bytes(), nil
}
