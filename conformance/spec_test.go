package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// specModule is the module that ships Citrix's OpenAPI spec.
const specModule = "github.com/citrix/citrix-daas-rest-go"

// apiPrefix is the path of the API under the origin.
const apiPrefix = "/cvad/manage"

// spec is Citrix's orchestration OpenAPI document, loaded once per test
// binary (it is 17 MB).
var spec = sync.OnceValues(func() (*openapi3.T, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", specModule).Output()
	if err != nil {
		return nil, fmt.Errorf("locating %s: %w", specModule, err)
	}
	path := filepath.Join(strings.TrimSpace(string(out)), "citrixorchestration", "api", "openapi.yaml")
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", path, err)
	}
	relaxAllOf(doc)
	relaxConnectionDetail(doc)
	return doc, nil
})

// connectionTypeProperties are the properties of a hosting connection's
// detail that belong to some connection types only (Azure's directory and
// subscription and cloud environment, Oracle Cloud's tenancy, a cloud's key and region, a
// hypervisor's user).
var connectionTypeProperties = []string{
	"ApiKey", "Region", "ApplicationId", "SubscriptionId", "ActiveDirectoryId", "Environment", "ManagementEndpoint",
	"AuthenticationAuthority", "StorageSuffix", "ServiceAccountId", "UserName", "TenancyOcid", "OciRegion", "Fingerprint",
}

// relaxConnectionDetail makes the connection-type properties of
// HypervisorDetailResponseModel optional. A defect of the spec: it
// requires every one of them non-empty on every connection, which no
// connection can be (a XenServer connection has no Azure directory and no
// Oracle tenancy). A value that is there is still checked (its minLength).
func relaxConnectionDetail(doc *openapi3.T) {
	s := schemaNamed(doc, "HypervisorDetailResponseModel")
	if s == nil {
		return
	}
	s.Required = slices.DeleteFunc(slices.Clone(s.Required), func(n string) bool {
		return slices.Contains(connectionTypeProperties, n)
	})
}

// relaxAllOf drops "additionalProperties: false" from the members of allOf
// schemas. The spec's generator puts it on the derived half of each model
// (MachineCatalogDetailResponseModel = allOf[base, {own properties,
// additionalProperties: false}]), which read literally would refuse every
// base property; the intent is "nothing beyond the union", which
// unknownProperties checks instead.
func relaxAllOf(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		for _, m := range s.AllOf {
			if m.Value != nil && m.Value.AdditionalProperties.Has != nil && !*m.Value.AdditionalProperties.Has {
				m.Value.AdditionalProperties.Has = nil
			}
			walk(m.Value)
		}
		for _, p := range s.Properties {
			if p.Ref != "" && p.Value != nil {
				// OpenAPI 3.0 cannot mark a $ref nullable; the service
				// writes null for an unset reference or enum (AdminFolder
				// of a catalog at the root), and Citrix's client decodes it.
				p.Value.Nullable = true
			}
			walk(p.Value)
		}
		if s.Items != nil {
			walk(s.Items.Value)
		}
	}
	for _, s := range doc.Components.Schemas {
		walk(s.Value)
	}
}

// operation finds the spec's operation for a method and an API path (under
// /cvad/manage), matching literal segments case-insensitively as the
// service does. It returns the spec's path template too.
func operation(doc *openapi3.T, method, path string) (*openapi3.Operation, string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, tmpl := range doc.Paths.InMatchingOrder() {
		ts := strings.Split(strings.Trim(tmpl, "/"), "/")
		if len(ts) != len(segs) {
			continue
		}
		ok := true
		for i, t := range ts {
			if !(strings.HasPrefix(t, "{") || strings.EqualFold(t, segs[i])) {
				ok = false
				break
			}
		}
		if ok {
			if op := doc.Paths.Value(tmpl).GetOperation(method); op != nil {
				return op, tmpl
			}
		}
	}
	return nil, ""
}

// schemaNamed is a component schema of the spec.
func schemaNamed(doc *openapi3.T, name string) *openapi3.Schema {
	ref := doc.Components.Schemas[name]
	if ref == nil {
		return nil
	}
	return ref.Value
}

// checkAnswer checks one answer of the fake against the spec: the status is
// one the operation lists (a 303 from Results or $SkipRemaining and the
// 501 of $SkipRemaining, with an ErrorResponse, are the ones the spec's
// text documents), the documented headers are there, and a JSON
// body validates against the response schema, or against resultSchema for
// GET /Jobs/{id}/Results, which the spec types as a bare string.
func checkAnswer(doc *openapi3.T, method, path string, status int, h http.Header, body []byte, result *openapi3.Schema) error {
	op, tmpl := operation(doc, method, path)
	if op == nil {
		return fmt.Errorf("%s %s: no such operation in the spec", method, path)
	}
	resp := op.Responses.Status(status)
	if resp == nil && status == http.StatusNotImplemented && tmpl == "/Jobs/{id}/$SkipRemaining" {
		// The spec's text documents this 501 without listing it; its body
		// is the ErrorResponse of every other error of the operation.
		resp = op.Responses.Status(http.StatusConflict)
	}
	if resp == nil {
		if status == http.StatusSeeOther && strings.HasPrefix(tmpl, "/Jobs/{id}/") {
			return nil
		}
		if status == http.StatusMethodNotAllowed && op.OperationID == "Trust_ExchangeToken" {
			// A defect of the spec: it lists this on-premises token endpoint
			// (POST /cvad/manage/Tokens, Basic authentication) for Citrix
			// Cloud too, where tokens come from cctrustoauth2 and the path
			// takes no POST. These tests run against the cloud; the fake's
			// own tests cover the on-premises endpoint (daastest/onprem_test.go).
			return nil
		}
		return fmt.Errorf("%s %s: status %d is not one the spec lists for %s", method, tmpl, status, op.OperationID)
	}
	for name := range resp.Value.Headers {
		if name == "Citrix-FilterScope" || (name == "Content-Type" && len(body) == 0) {
			continue // no scopes to report; no body, no type
		}
		if h.Get(name) == "" {
			return fmt.Errorf("%s %s %d: no %s header", method, tmpl, status, name)
		}
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		if len(body) > 0 {
			return fmt.Errorf("%s %s %d: a body where the spec has none: %.200s", method, tmpl, status, body)
		}
		return nil
	}
	if len(body) == 0 {
		if method == http.MethodHead {
			return nil // HTTP: an answer to HEAD has no body, whatever the spec says
		}
		return fmt.Errorf("%s %s %d: no body; the spec has one", method, tmpl, status)
	}
	schema := media.Schema.Value
	if tmpl == "/Jobs/{id}/Results" && status == http.StatusOK {
		if result == nil {
			return fmt.Errorf("%s %s: a step read Results without naming the schema of its items", method, tmpl)
		}
		schema = result
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("%s %s %d: body is not JSON: %w", method, tmpl, status, err)
	}
	if err := schema.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		return fmt.Errorf("%s %s %d: body does not match the spec's schema: %w\nbody: %.600s", method, tmpl, status, err, body)
	}
	if extra := unknownProperties(schema, v, ""); len(extra) > 0 {
		return fmt.Errorf("%s %s %d: properties the spec does not have: %v", method, tmpl, status, extra)
	}
	return nil
}

// unknownProperties lists the paths of object properties that the schema
// (with its allOf members) does not declare, through objects and arrays.
func unknownProperties(s *openapi3.Schema, v any, at string) []string {
	if s == nil {
		return nil
	}
	switch v := v.(type) {
	case map[string]any:
		props := map[string]*openapi3.Schema{}
		collectProperties(s, props)
		if len(props) == 0 {
			return nil // a free-form object
		}
		var out []string
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			ps, ok := props[k]
			if !ok {
				out = append(out, at+"."+k)
				continue
			}
			out = append(out, unknownProperties(ps, v[k], at+"."+k)...)
		}
		return out
	case []any:
		if s.Items == nil {
			return nil
		}
		var out []string
		for i, e := range v {
			out = append(out, unknownProperties(s.Items.Value, e, at+"["+strconv.Itoa(i)+"]")...)
		}
		return out
	}
	return nil
}

func collectProperties(s *openapi3.Schema, into map[string]*openapi3.Schema) {
	for k, p := range s.Properties {
		into[k] = p.Value
	}
	for _, m := range s.AllOf {
		if m.Value != nil {
			collectProperties(m.Value, into)
		}
	}
}

// TestSpecChecksCatchFaults proves the checks fail on what they guard
// against: a wrong type, a property the spec lacks, an unlisted status, a
// missing header.
func TestSpecChecksCatchFaults(t *testing.T) {
	doc, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	good := http.Header{}
	for _, k := range []string{"Citrix-TransactionId", "Content-Type", "X-Content-Type-Options", "Content-Language", "Cache-Control", "Pragma"} {
		good.Set(k, "x")
	}
	site := `{"Id":"a","Name":"s"}`
	if err := checkAnswer(doc, "GET", "/Sites", 200, good, []byte(`{"Items":[`+site+`]}`), nil); err != nil {
		t.Fatalf("a valid body fails: %v", err)
	}
	for name, tc := range map[string]struct {
		method, path string
		status       int
		h            http.Header
		body         string
	}{
		"wrong type":      {"GET", "/Sites", 200, good, `{"Items":[{"Id":1,"Name":"s"}]}`},
		"missing field":   {"GET", "/Sites", 200, good, `{"Items":[{"Id":"a"}]}`},
		"unknown field":   {"GET", "/Sites", 200, good, `{"Items":[{"Id":"a","Name":"s","Colour":"red"}]}`},
		"old error body":  {"POST", "/MachineCatalogs", 409, good, `{"ErrorMessage":"dup","SdkErrorId":"DuplicateObject"}`},
		"unlisted status": {"GET", "/Jobs/x/Results", 409, good, `{"type":"t","detail":"d"}`},
		"unlisted 405":    {"POST", "/Zones", 405, good, `{"type":"t","detail":"d"}`},
		"no header":       {"GET", "/Sites", 200, http.Header{"Content-Type": {"application/json"}}, `{"Items":[]}`},
		"bad job type":    {"GET", "/Jobs/x", 200, good, `{"Id":"x","Type":"GetMachineCatalog","Status":"Complete","Parameters":[],"CreationTime":"t","FormattedCreationTime":"t"}`},
	} {
		if err := checkAnswer(doc, tc.method, tc.path, tc.status, tc.h, []byte(tc.body), nil); err == nil {
			t.Errorf("%s: passed the checks", name)
		}
	}
}
