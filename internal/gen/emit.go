package main

import (
	"bytes"
	"fmt"
	"go/format"
	"sort"
	"strconv"
	"strings"
)

// output is every file the generator writes, by path relative to the root
// of the repository.
type output map[string][]byte

// generate builds every generated file from a decoded spec and the names the
// root package declares by hand.
func generate(doc *document, decls map[string]string) (output, error) {
	types, err := newTypeSet(doc, decls)
	if err != nil {
		return nil, err
	}
	ops, err := buildOps(doc, types)
	if err != nil {
		return nil, err
	}
	models, err := types.buildModels()
	if err != nil {
		return nil, err
	}
	describeUsage(models, ops)
	if err := checkIdentifiers(models, decls); err != nil {
		return nil, err
	}
	out := output{}
	files := map[string]func() []byte{
		"zz_models.go":     func() []byte { return emitModels(models) },
		"zz_enums.go":      func() []byte { return emitEnums(models) },
		"zz_operations.go": func() []byte { return emitOps(ops) },
	}
	svcs, err := emitServices(ops, models, decls)
	if err != nil {
		return nil, err
	}
	for name, src := range svcs {
		files[name] = func() []byte { return src }
	}
	for name, f := range files {
		src, err := format.Source(f())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = src
	}
	out["docs/operations.md"] = emitDoc(ops)
	return out, nil
}

// describeUsage writes for each model which operations answer with it, take
// it as their body or return pages of it, for its doc comment.
func describeUsage(models []*model, ops []*op) {
	answers := map[string][]string{}
	pages := map[string][]string{}
	takes := map[string][]string{}
	for _, o := range ops {
		m := o.Service + "." + o.Method
		if o.Page {
			pages[o.Response] = append(pages[o.Response], m)
		} else if o.Response != "" {
			answers[strings.TrimPrefix(o.Response, "[]")] = append(answers[strings.TrimPrefix(o.Response, "[]")], m)
		}
		if o.Request != "" {
			takes[strings.TrimPrefix(o.Request, "[]")] = append(takes[strings.TrimPrefix(o.Request, "[]")], m)
		}
	}
	list := func(ms []string) string {
		const most = 3
		if len(ms) > most {
			return strings.Join(ms[:most], ", ") + fmt.Sprintf(" and %d more", len(ms)-most)
		}
		return strings.Join(ms, ", ")
	}
	for _, m := range models {
		var parts []string
		if ms := takes[m.Name]; len(ms) > 0 {
			parts = append(parts, "the body of "+list(ms))
		}
		if ms := answers[m.Name]; len(ms) > 0 {
			parts = append(parts, "the answer of "+list(ms))
		}
		if ms := pages[m.Name]; len(ms) > 0 {
			parts = append(parts, "listed by "+list(ms))
		}
		m.Usage = strings.Join(parts, "; ")
	}
}

// checkIdentifiers fails when two generated top-level names are one, or one
// is a name the root package declares by hand.
func checkIdentifiers(models []*model, decls map[string]string) error {
	seen := map[string]string{}
	var errs []string
	add := func(name, what string) {
		if other, ok := seen[name]; ok {
			errs = append(errs, fmt.Sprintf("%s: %s and %s", name, other, what))
			return
		}
		if file, ok := decls[name]; ok {
			errs = append(errs, fmt.Sprintf("%s: %s, and declared by hand in %s", name, what, file))
			return
		}
		seen[name] = what
	}
	for _, m := range models {
		add(m.Name, "schema "+m.Schema)
		for _, v := range m.Enum {
			add(enumConstName(m.Name, v), "value "+v+" of "+m.Schema)
		}
	}
	for _, n := range []string{"opSpec", "opParam", "operations"} {
		add(n, "the operation table")
	}
	if len(errs) > 0 {
		return fmt.Errorf("generated names clash:\n\t%s", strings.Join(errs, "\n\t"))
	}
	return nil
}

// commentWidth is where comment writes a line break, at the latest.
const commentWidth = 80

// comment is text as // comment lines no wider than commentWidth (a word
// longer than that stays whole).
func comment(text string) string {
	var b strings.Builder
	line := "//"
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > commentWidth && line != "//" {
			b.WriteString(line + "\n")
			line = "//"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
	return b.String()
}

func header(b *bytes.Buffer) {
	b.WriteString(generatedHeader + "\n\n")
	fmt.Fprintf(b, "// Generated from %s@%s %s.\n\n", specModule, specVersion, specFile)
	b.WriteString("package daas\n\n")
}

func emitModels(models []*model) []byte {
	var b, body bytes.Buffer
	usesJSON := false
	for _, m := range models {
		if m.Enum != nil {
			continue
		}
		doc := fmt.Sprintf("%s is the API's %s", m.Name, m.Schema)
		if m.Usage != "" {
			doc += ": " + m.Usage
		}
		body.WriteString(comment(doc + "."))
		if len(m.Fields) == 0 {
			fmt.Fprintf(&body, "type %s struct{}\n\n", m.Name)
			continue
		}
		fmt.Fprintf(&body, "type %s struct {\n", m.Name)
		for _, f := range m.Fields {
			if f.Deprecated {
				body.WriteString("\t// Deprecated: the API marks this field deprecated.\n")
			}
			if strings.Contains(f.Type, "json.RawMessage") {
				usesJSON = true
			}
			tag := f.JSON
			switch {
			case f.OmitZero:
				tag += ",omitzero"
			case f.OmitEmpty:
				tag += ",omitempty"
			}
			fmt.Fprintf(&body, "\t%s %s `json:%s`\n", f.Name, f.Type, strconv.Quote(tag))
		}
		body.WriteString("}\n\n")
	}
	header(&b)
	if usesJSON {
		b.WriteString("import \"encoding/json\"\n\n")
	}
	b.Write(body.Bytes())
	return b.Bytes()
}

func emitEnums(models []*model) []byte {
	var b bytes.Buffer
	header(&b)
	for _, m := range models {
		if m.Enum == nil {
			continue
		}
		doc := fmt.Sprintf("%s is a value of the API's %s enumeration", m.Name, m.Schema)
		if m.Usage != "" {
			doc += " (" + m.Usage + ")"
		}
		b.WriteString(comment(doc + ". A value the service sends that is not among the constants passes through as it is."))
		fmt.Fprintf(&b, "type %s string\n\n", m.Name)
		fmt.Fprintf(&b, "// The values of %s the spec lists.\nconst (\n", m.Name)
		for _, v := range m.Enum {
			fmt.Fprintf(&b, "\t%s %s = %s\n", enumConstName(m.Name, v), m.Name, strconv.Quote(v))
		}
		b.WriteString(")\n\n")
	}
	return b.Bytes()
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

func emitOps(ops []*op) []byte {
	var b bytes.Buffer
	header(&b)
	b.WriteString(opSpecDecl)
	fmt.Fprintf(&b, "// operations is every operation of the API, sorted by service then operation\n// id. It is read only.\nvar operations = [...]opSpec{\n")
	for _, o := range ops {
		fmt.Fprintf(&b, "\t{\n\t\tID: %q, Service: %q, Method: %q,\n", o.ID, o.Service, o.Method)
		fmt.Fprintf(&b, "\t\tHTTPMethod: %q, Path: %q,\n", o.HTTPMethod, o.Path)
		if o.Async {
			b.WriteString("\t\tAsync: true,\n")
		}
		if len(o.JobTypes) > 0 {
			fmt.Fprintf(&b, "\t\tJobTypes: []string{%s},\n", quoteList(o.JobTypes))
		}
		if o.Redirects {
			b.WriteString("\t\tRedirects: true,\n")
		}
		if o.Redirect != "" {
			fmt.Fprintf(&b, "\t\tRedirect: %q,\n", o.Redirect)
		}
		if o.JobResult != "" {
			fmt.Fprintf(&b, "\t\tJobResult: %q,\n", o.JobResult)
		}
		b.WriteString("\t\tParams: []opParam{\n")
		for _, p := range o.Params {
			fmt.Fprintf(&b, "\t\t\t{%q, %s, %t, %q},\n", p.Name, inConst(p.In), p.Required, p.Type)
		}
		b.WriteString("\t\t},\n")
		if o.Request != "" {
			fmt.Fprintf(&b, "\t\tRequest: %q, RequestRequired: %t, RequestSchema: %q,\n", o.Request, o.RequestReq, o.ReqSchema)
		}
		if o.Response != "" {
			fmt.Fprintf(&b, "\t\tResponse: %q, ResponseSchema: %q,\n", o.Response, o.RespSchema)
		}
		if o.Page {
			b.WriteString("\t\tPage: true,\n")
		}
		statuses := make([]string, len(o.Statuses))
		for i, s := range o.Statuses {
			statuses[i] = strconv.Itoa(s)
		}
		fmt.Fprintf(&b, "\t\tStatuses: []int{%s},\n\t},\n", strings.Join(statuses, ", "))
	}
	b.WriteString("}\n")
	return b.Bytes()
}

func inConst(in string) string {
	switch in {
	case "path":
		return "inPath"
	case "query":
		return "inQuery"
	}
	return "inHeader"
}

// opSpecDecl declares the types of the operation table.
const opSpecDecl = `// opSpec is one operation of the API as the spec describes it: the row of
// the operation table the services, their option checks and the fake's
// routing read.
type opSpec struct {
	ID         string // the spec's operation id, "MachineCatalogs_GetMachineCatalogs"
	Service    string // the Client field that holds its method, "MachineCatalogs"
	Method     string // its Go method, "List"; with Async, Method+"Async" starts it as a job
	HTTPMethod string // "GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"
	Path       string // path template under the API root, "/MachineCatalogs/{nameOrId}"

	Async     bool     // it takes async=true and then answers 202 with a job
	JobTypes  []string // the job types its description names
	Redirects bool     // its description says the finished job answers 303 to its result
	Redirect  string   // the operation id that 303 leads to, "" when not named
	JobResult string   // with Async, the Go type the finished job yields: the answer of Redirect
	//                    (unless it is the job's stored results), else its own answer; "[]T" for a page of T

	Params []opParam // path, query and header parameters in spec order

	Request         string // Go type of the JSON body, "" for none
	RequestRequired bool   // the body must be sent
	RequestSchema   string // the spec's schema of the body (of its items for an array), "" when inline
	Response        string // Go type of a success body, "" for none; the item type when Page
	ResponseSchema  string // the spec's schema of the success body (the collection's when Page)
	Page            bool   // the success body is a page of Response (Items, ContinuationToken)
	Statuses        []int  // every status the spec says it may answer, ascending
}

// opParam is one parameter of an operation. Path and header parameters are
// plain strings on the wire; every query parameter of the spec is a form
// parameter with explode, so a slice goes as the key repeated.
type opParam struct {
	Name     string  // as on the wire: "nameOrId", "limit", "X-AdminCredential"
	In       paramIn // where it goes
	Required bool
	Type     string // Go type: "string", "int", "bool", "[]string" …
}

// paramIn is where a parameter goes on the wire.
type paramIn uint8

const (
	inPath paramIn = iota + 1
	inQuery
	inHeader
)

`

// code is s in backquotes, "" for "".
func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}

// emitDoc writes docs/operations.md: every operation and its Go methods,
// by service.
func emitDoc(ops []*op) []byte {
	var b bytes.Buffer
	b.WriteString("<!-- " + strings.TrimPrefix(generatedHeader, "// ") + " -->\n\n")
	b.WriteString("# Operations\n\n")
	fmt.Fprintf(&b, "Every operation of the Citrix DaaS / CVAD REST API (%s@%s) and the Go method\n", specModule, specVersion)
	b.WriteString("that calls it, by service (`client.<Service>.<Method>`). An operation that takes `async` has a\n")
	b.WriteString("second method, `…Async`, that starts it as a job of the type the spec names; the job yields the\n")
	b.WriteString("job result (the answer of the operation the finished job redirects to, else the operation's own).\n")
	b.WriteString("Generated by `go generate ./...` (internal/gen) from the operation table.\n\n")
	bySvc := map[string][]*op{}
	async := 0
	for _, o := range ops {
		bySvc[o.Service] = append(bySvc[o.Service], o)
		if o.Async {
			async++
		}
	}
	fmt.Fprintf(&b, "%d operations, %d of them async, in %d services.\n\n", len(ops), async, len(bySvc))
	svcs := sortedKeys(bySvc)
	for _, s := range svcs {
		fmt.Fprintf(&b, "- [%s](#%s) (%d)\n", s, strings.ToLower(s), len(bySvc[s]))
	}
	for _, s := range svcs {
		list := append([]*op(nil), bySvc[s]...)
		sort.Slice(list, func(i, j int) bool { return list[i].Method < list[j].Method })
		fmt.Fprintf(&b, "\n## %s\n\nSpec tag `%s`.\n\n", s, list[0].Tag)
		b.WriteString("| Method | Answer | Async | Job result | Job type | Route | Operation id |\n")
		b.WriteString("| --- | --- | --- | --- | --- | --- | --- |\n")
		for _, o := range list {
			answer := o.Response
			if o.Page {
				answer = "Page[" + answer + "]"
			}
			asyncName, result := "", ""
			if o.Async {
				asyncName, result = "`"+o.Method+"Async`", "`"+o.JobResult+"`"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | `%s %s` | `%s` |\n", o.Method, code(answer), asyncName, result,
				strings.Join(o.JobTypes, ", "), o.HTTPMethod, strings.ReplaceAll(o.Path, "|", `\|`), o.ID)
		}
	}
	return b.Bytes()
}
