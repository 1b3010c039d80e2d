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

// fakeDecl declares the table's types in package daastest.
const fakeDecl = `// specOp is one operation of the API as the spec describes it, for the
// fake's routing, its checks and its generic model.
type specOp struct {
	ID       string   // the spec's operation id
	Method   string   // HTTP method
	Path     string   // path template under /cvad/manage
	Async    bool     // it takes async=true
	JobTypes []string // the job types its description names, for async=true
	// Redirect is the path template a finished job's Results answer 303s
	// to; "" when the spec names none.
	Redirect     string
	Params       []specParam // path, query and header parameters
	Body         bodyKind    // what its request body is
	BodyRequired bool        // the body must be sent
	// Props are the top-level properties an object body may have; nil
	// when the spec does not list them.
	Props    []string
	Response respKind // what its success body is
	// Answer is the type of its success body (of a page's items), in the
	// notation of specProp.Type; "" for none.
	Answer   string
	Statuses []int // every status the spec lists, ascending
	Bare     []int // the statuses it lists with no body
	ETag     bool  // a success answer has an ETag header
}

// specParam is one parameter of an operation.
type specParam struct {
	Name     string
	In       string // "path", "query" or "header"
	Required bool
}

// specProp is one property of a response model.
type specProp struct {
	Name string
	// Type is "string", "time", "integer", "number", "boolean", "map" (a
	// free-form object), "any", "enum:<name>" (a value of specEnums),
	// "model:<name>" (an object of specModels) or "[]" and an item's type.
	Type     string
	Required bool
	Min      int // a string's least length, a number's least value
}

// bodyKind is the shape of a request body.
type bodyKind uint8

const (
	bodyNone   bodyKind = iota // no body
	bodyObject                 // a JSON object
	bodyArray                  // a JSON array
	bodyAny                    // any JSON value
)

// respKind is the shape of a success body.
type respKind uint8

const (
	respNone   respKind = iota // no body
	respObject                 // one object
	respPage                   // a page: Items and ContinuationToken
	respArray                  // a JSON array
	respValue                  // another JSON value
)

`

// emitFake writes the fake's operation table.
func emitFake(ops []*op, types *typeSet) []byte {
	var b bytes.Buffer
	b.WriteString(generatedHeader + "\n\n")
	fmt.Fprintf(&b, "// Generated from %s@%s %s.\n\n", specModule, specVersion, specFile)
	b.WriteString("package daastest\n\n")
	b.WriteString(fakeDecl)
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
