package main

import (
	"bytes"
	"fmt"
	"go/format"
	"strings"
)

// fakeFile is the operation table of the fake service, package daastest.
const fakeFile = "daastest/zz_operations.go"

// addFake adds the fake's operation table to out. It reads the spec again
// on its own, so that the root package's files do not depend on it.
func addFake(out output, doc *document, decls map[string]string) error {
	types, err := newTypeSet(doc, decls)
	if err != nil {
		return err
	}
	ops, err := buildOps(doc, types)
	if err != nil {
		return err
	}
	src, err := format.Source(emitFake(ops, types))
	if err != nil {
		return fmt.Errorf("%s: %w", fakeFile, err)
	}
	out[fakeFile] = src
	return nil
}

// emitFake writes the fake's operation table: data only, of the types
// that daastest/specop.go declares.
func emitFake(ops []*op, types *typeSet) []byte {
	var b bytes.Buffer
	b.WriteString(generatedHeader + "\n\n")
	fmt.Fprintf(&b, "// Generated from %s@%s %s.\n\n", specModule, specVersion, specFile)
	b.WriteString("package daastest\n\n")
	m := &fakeModels{types: types, models: map[string][]fakeProp{}, enums: map[string][]string{}}
	byID := map[string]*op{}
	for _, o := range ops {
		byID[o.ID] = o
	}
	b.WriteString("// specOps is every operation of the API, in the order of the root\n// package's table. It is read only.\nvar specOps = [...]specOp{\n")
	for _, o := range ops {
		fmt.Fprintf(&b, "\t{\n\t\tID: %q, Method: %q, Path: %q,\n", o.ID, o.HTTPMethod, o.Path)
		if o.Async {
			b.WriteString("\t\tAsync: true,\n")
		}
		if jt := knownJobTypes(o.JobTypes, types); len(jt) > 0 {
			fmt.Fprintf(&b, "\t\tJobTypes: []string{%s},\n", quoteList(jt))
		}
		if r, ok := byID[o.Redirect]; ok {
			fmt.Fprintf(&b, "\t\tRedirect: %q,\n", r.Path)
		}
		b.WriteString("\t\tParams: []specParam{\n")
		for _, p := range o.Params {
			fmt.Fprintf(&b, "\t\t\t{%q, %q, %t},\n", p.Name, p.In, p.Required)
		}
		b.WriteString("\t\t},\n")
		if body, props := fakeBody(o, types); body != "bodyNone" {
			fmt.Fprintf(&b, "\t\tBody: %s, BodyRequired: %t,\n", body, o.RequestReq)
			if props != nil {
				fmt.Fprintf(&b, "\t\tProps: []string{%s},\n", quoteList(props))
			}
		}
		resp := fakeResponse(o)
		if resp != "respNone" {
			fmt.Fprintf(&b, "\t\tResponse: %s,\n", resp)
		}
		if answer := answerType(o, types, m); answer != "" {
			fmt.Fprintf(&b, "\t\tAnswer: %q,\n", answer)
		}
		fmt.Fprintf(&b, "\t\tStatuses: []int{%s},\n", intList(o.Statuses))
		if len(o.Bare) > 0 {
			fmt.Fprintf(&b, "\t\tBare: []int{%s},\n", intList(o.Bare))
		}
		if o.ETag {
			b.WriteString("\t\tETag: true,\n")
		}
		b.WriteString("\t},\n")
	}
	b.WriteString("}\n")
	m.emit(&b)
	return b.Bytes()
}

// fakeBody is the kind of an operation's body and, for a model object, the
// names of its top-level properties.
func fakeBody(o *op, types *typeSet) (kind string, props []string) {
	switch {
	case o.Request == "":
		return "bodyNone", nil
	case strings.HasPrefix(o.Request, "[]"):
		return "bodyArray", nil
	case o.ReqSchema == "":
		return "bodyAny", nil
	}
	s := types.schemas[o.ReqSchema]
	if s == nil || len(s.Enum) > 0 || (s.Type != "" && s.Type != "object") {
		return "bodyAny", nil
	}
	ps, _ := types.props(s)
	if len(ps) == 0 {
		return "bodyObject", nil
	}
	for _, p := range ps {
		props = append(props, p.Key)
	}
	return "bodyObject", props
}

// fakeResponse is the kind of an operation's success body.
func fakeResponse(o *op) string {
	switch {
	case o.Page:
		return "respPage"
	case o.Response == "":
		return "respNone"
	case strings.HasPrefix(o.Response, "[]"):
		return "respArray"
	case o.RespSchema != "":
		return "respObject"
	}
	return "respValue"
}

func intList(xs []int) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprint(x)
	}
	return strings.Join(q, ", ")
}
