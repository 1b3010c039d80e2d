package main

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// op is one row of the operation table.
type op struct {
	ID         string // operation id, "MachineCatalogs_GetMachineCatalogs"
	Tag        string // spec tag, "MachineCatalogs APIs"
	Service    string // Go service, "MachineCatalogs"
	Method     string // Go method, "List"
	HTTPMethod string // "GET"
	Path       string // path template, "/MachineCatalogs/{nameOrId}"
	Async      bool   // takes the async query parameter
	JobTypes   []string
	Redirects  bool   // the description says a finished job answers with a 303 to its result
	Redirect   string // the operation id the 303 leads to, "" when not named
	JobResult  string // Go type a finished job of it yields (see jobResult), "" when not Async
	Params     []param
	Request    string // Go type of the body, "" for none
	RequestReq bool   // the body is required
	ReqSchema  string // spec schema of the body (of its items for an array), "" for none or inline
	Response   string // Go type of a success body ("" for none); the item type when Page
	RespSchema string // spec schema of the success body (of its items for an array)
	Page       bool   // the success body is a page of Response (Items, ContinuationToken)
	Statuses   []int
	Bare       []int // statuses the spec lists with no body
	ETag       bool  // a success answer has an ETag header
	index      int   // its index in the table, for the generated methods
}

// param is one path, query or header parameter.
type param struct {
	Name     string
	In       string // "path", "query", "header"
	Required bool
	Type     string // Go type: string, int, int64, bool, float64, []string …
}

var (
	// "JobType X", "job type X", "JobTypeX", "JobType "JobType.X""
	jobTypeRE = regexp.MustCompile(`[Jj]ob ?[Tt]ype\s*"?(?:JobType\.)?([A-Z][A-Za-z0-9]*)`)
	// "will redirect to X", X an operation name, possibly qualified or with
	// a parameter list: "GetTag(string)", "JobsControllerTP.GetJobResults(…";
	// redirectName takes the name out of the match.
	redirectRE = regexp.MustCompile(`will redirect to\s*"?([A-Za-z][A-Za-z0-9.]*)?`)
)

// buildOps reads every operation of the spec into the table, sorted by tag
// then operation id.
func buildOps(doc *document, types *typeSet) ([]*op, error) {
	var ops []*op
	byName := map[string][]string{} // op id without the tag prefix → op ids
	for _, p := range doc.Paths {
		for _, m := range p.Value {
			o := m.Value
			if len(o.Tags) != 1 {
				return nil, fmt.Errorf("%s: %d tags, want 1", o.OperationID, len(o.Tags))
			}
			row := &op{
				ID:         o.OperationID,
				Tag:        o.Tags[0],
				Service:    serviceName(o.Tags[0]),
				HTTPMethod: strings.ToUpper(m.Key),
				Path:       p.Key,
			}
			row.Method = methodName(row.ID, row.Service, row.Path)
			text := o.Description
			for _, pr := range o.Parameters {
				text += "\n" + pr.Description
				if pr.Name == "async" && pr.In == "query" {
					row.Async = true
				}
				row.Params = append(row.Params, param{
					Name:     pr.Name,
					In:       pr.In,
					Required: pr.Required || pr.In == "path",
					Type:     types.goType(pr.Schema),
				})
			}
			row.JobTypes = jobTypes(text)
			if m := redirectRE.FindStringSubmatch(text); m != nil {
				row.Redirects = true
				row.Redirect = redirectName(m[1]) // resolved below
			}
			if rb := o.RequestBody; rb != nil {
				if mt, ok := rb.Content["application/json"]; ok && mt.Schema != nil {
					row.Request = types.goType(mt.Schema)
					row.RequestReq = rb.Required
					row.ReqSchema = schemaName(mt.Schema)
					types.walkRefs(mt.Schema, types.markRequest)
					if ref := mt.Schema.refName(); ref != "" && row.HTTPMethod == "PATCH" {
						types.patch[ref] = true
					}
				}
			}
			for code, r := range o.Responses {
				n, err := strconv.Atoi(code)
				if err != nil {
					return nil, fmt.Errorf("%s: status %q", row.ID, code)
				}
				row.Statuses = append(row.Statuses, n)
				if len(r.Content) == 0 {
					row.Bare = append(row.Bare, n)
				}
				if _, ok := r.Headers["ETag"]; ok && n/100 == 2 {
					row.ETag = true
				}
				if n/100 == 2 && n != 202 {
					if mt, ok := r.Content["application/json"]; ok && mt.Schema != nil {
						row.RespSchema = schemaName(mt.Schema)
						if item, ok := types.pageItem(mt.Schema); ok {
							row.Response, row.Page = item, true
						} else {
							row.Response = types.goType(mt.Schema)
						}
					}
				}
			}
			sort.Ints(row.Statuses)
			sort.Ints(row.Bare)
			ops = append(ops, row)
			if i := strings.IndexByte(row.ID, '_'); i >= 0 {
				byName[row.ID[i+1:]] = append(byName[row.ID[i+1:]], row.ID)
			}
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Service != ops[j].Service {
			return ops[i].Service < ops[j].Service
		}
		return ops[i].ID < ops[j].ID
	})
	byID := map[string]*op{}
	for _, o := range ops {
		byID[o.ID] = o
		if o.Redirect != "" {
			o.Redirect = resolveRedirect(o, byName)
		}
	}
	for _, o := range ops {
		if o.Async {
			o.JobResult = jobResult(o, byID)
		}
	}
	if err := applyResultOverrides(byID); err != nil {
		return nil, err
	}
	return ops, checkMethods(ops)
}

// applyResultOverrides sets the result types resultOverrides names, on
// the operations of the spec that has them (a test's small spec has none).
func applyResultOverrides(byID map[string]*op) error {
	for _, id := range sortedKeys(resultOverrides) {
		r := resultOverrides[id]
		o, ok := byID[id]
		if !ok {
			continue
		}
		if r.Response != "" {
			if o.Response == "" || o.Page {
				return fmt.Errorf("resultOverrides: %s answers no single resource", id)
			}
			o.Response = r.Response
		}
		if r.JobResult != "" {
			if !o.Async {
				return fmt.Errorf("resultOverrides: %s does not take async", id)
			}
			o.JobResult = r.JobResult
		}
	}
	return nil
}

// schemaName is the component a body schema refers to, or its items for an
// array; "" for an inline schema.
func schemaName(s *schema) string {
	if s.Type == "array" && s.Items != nil {
		return s.Items.refName()
	}
	return s.refName()
}

// jobTypes are the job types a description names, in order, once each.
func jobTypes(text string) []string {
	var out []string
	for _, m := range jobTypeRE.FindAllStringSubmatch(text, -1) {
		if !contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// redirectName is the operation name in what follows "redirect to": the
// last dotted part, without a sentence's full stop ("GetMachine." is
// GetMachine, "JobsControllerTP.GetJobResults" GetJobResults).
func redirectName(s string) string {
	s = strings.TrimRight(s, ".")
	return s[strings.LastIndexByte(s, '.')+1:]
}

// jobResultsOp is the operation that reads a job's stored results.
const jobResultsOp = "Jobs_GetJobResults"

// jobResult is the Go type a finished job of an async operation yields: the
// answer of the operation its 303 leads to, or, when it leads nowhere named
// or to the job's stored results, the operation's own answer; a page is a
// slice of every item; struct{} when there is no answer.
func jobResult(o *op, byID map[string]*op) string {
	src := o
	if r, ok := byID[o.Redirect]; ok && r.ID != jobResultsOp {
		src = r
	}
	switch {
	case src.Page:
		return "[]" + src.Response
	case src.Response != "":
		return src.Response
	}
	return "struct{}"
}

// resolveRedirect finds the operation a description's redirect names: the
// one of the same tag with that name, else the only one of any tag; "" when
// there is none.
func resolveRedirect(o *op, byName map[string][]string) string {
	ids := byName[o.Redirect]
	prefix := o.ID[:strings.IndexByte(o.ID, '_')+1]
	for _, id := range ids {
		if strings.HasPrefix(id, prefix) {
			return id
		}
	}
	if len(ids) == 1 {
		return ids[0]
	}
	return ""
}

// checkMethods fails when two operations of a service would have one Go
// method (with or without Async): methodOverrides must name one of them.
func checkMethods(ops []*op) error {
	seen := map[string]string{}
	var errs []string
	for _, o := range ops {
		names := []string{o.Method}
		if o.Async {
			names = append(names, o.Method+"Async")
		}
		for _, n := range names {
			key := o.Service + "." + n
			if other, ok := seen[key]; ok {
				errs = append(errs, fmt.Sprintf("%s: %s and %s (add one to methodOverrides)", key, other, o.ID))
				continue
			}
			seen[key] = o.ID
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("method names used twice:\n\t%s", strings.Join(errs, "\n\t"))
	}
	return nil
}
