package daastest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// MaxBatchItems is the most items the fake takes in one POST /$batch. The
// spec (v1.0.31) documents no limit; this is the same choice as the
// library's daas.MaxBatchItems.
const MaxBatchItems = 1000

const routeBatch = "POST /$batch"

// batchState holds the controls of [Server.FailBatchItems] and
// [Server.FailBatchItemJobs], each used once.
type batchState struct {
	failItems map[string]int       // reference -> status
	failJobs  map[string]NameValue // reference -> error code (Name), message (Value)
}

// FailBatchItems makes the next batch item with each of these references
// answer status (a 4xx or 5xx) with an error body instead of running. Each
// reference is used once.
func (s *Server) FailBatchItems(status int, refs ...string) {
	if status < 400 || status > 599 {
		invalid("FailBatchItems", "status %d is not an error", status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.batch.failItems == nil {
		s.batch.failItems = map[string]int{}
	}
	for _, r := range refs {
		s.batch.failItems[r] = status
	}
}

// FailBatchItemJobs makes the job started by the next batch item with each
// of these references fail, with this error code and message. Each
// reference is used once.
func (s *Server) FailBatchItemJobs(code, message string, refs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.batch.failJobs == nil {
		s.batch.failJobs = map[string]NameValue{}
	}
	for _, r := range refs {
		s.batch.failJobs[r] = NameValue{Name: code, Value: message}
	}
}

// batchRoutes are the routes of POST /$batch.
func batchRoutes() []*route {
	rt := newRoute(routeBatch, (*Server).doBatch)
	rt.unlocked = true
	return []*route{rt}
}

// batchItem is BatchRequestItemModel.
type batchItem struct {
	Reference   string      `json:"Reference"`
	Method      *string     `json:"Method"`
	RelativeURL string      `json:"RelativeUrl"`
	Headers     []NameValue `json:"Headers"`
	Body        *string     `json:"Body"`
}

// batchRequest is BatchRequestModel.
type batchRequest struct {
	Items []batchItem `json:"Items"`
}

// batchAnswer is BatchResponseItemModel.
type batchAnswer struct {
	Reference string      `json:"Reference"`
	Code      int         `json:"Code"`
	Headers   []NameValue `json:"Headers"`
	Body      *string     `json:"Body"`
}

var referencePattern = regexp.MustCompile(`^[-_0-9a-zA-Z]{1,64}$`)

// doBatch serves POST /$batch, sync or async. The items run at once, in
// order; with async the answers are the results of a Batch job, whose sub
// jobs stand for the items. It runs without s.mu held (an unlocked route):
// the body is checked without it and each item takes it in turn, so other
// requests are served between the items of a large batch.
func (s *Server) doBatch(c *call) *reply {
	async, rp := queryBool(c.query, "async")
	if rp != nil {
		return rp
	}
	var raw struct {
		Items []json.RawMessage `json:"Items"`
	}
	if rp := decodeBody(c.body, &raw); rp != nil {
		return rp
	}
	var req batchRequest
	req.Items = make([]batchItem, len(raw.Items))
	for i, it := range raw.Items {
		if rp := decodeBody(it, &req.Items[i]); rp != nil {
			return rp
		}
	}
	switch n := len(req.Items); {
	case n == 0:
		return badRequest("missing", "The Items property must hold at least one item", "name", "Items")
	case n > MaxBatchItems:
		return badRequest("outOfRange", fmt.Sprintf("A batch holds at most %d items", MaxBatchItems), "name", "Items", "value", fmt.Sprint(n))
	}
	seen := map[string]bool{}
	for _, it := range req.Items {
		if !referencePattern.MatchString(it.Reference) {
			return badRequest("invalidString", "Reference must be 1 to 64 of [-_0-9a-zA-Z]", "name", "Reference", "value", it.Reference)
		}
		if seen[it.Reference] {
			return badRequest("invalidString", "Reference must be unique within the batch", "name", "Reference", "value", it.Reference)
		}
		seen[it.Reference] = true
	}
	answers := make([]batchAnswer, len(req.Items))
	for i, it := range req.Items {
		s.mu.Lock()
		item := *c
		item.now = s.advanceLocked()
		answers[i] = s.batchOne(&item, it)
		s.mu.Unlock()
	}
	body := marshal(struct {
		Items []batchAnswer `json:"Items"`
	}{answers})
	if !async {
		return &reply{status: http.StatusOK, body: body}
	}
	subs := make([]string, len(req.Items))
	for i := range subs {
		subs[i] = "Unknown"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.startJob(c.caller, s.advanceLocked(), jobSpec{
		typ:      "Batch",
		subTypes: subs,
		apply:    func(j *job) { j.single = body },
	})
}

// batchOne runs one item as the request it describes. Callers hold s.mu.
func (s *Server) batchOne(c *call, it batchItem) batchAnswer {
	ans := batchAnswer{Reference: it.Reference, Headers: []NameValue{}}
	rp := s.batchReply(c, it)
	ans.Code = rp.status
	if loc := rp.header.Get("Location"); loc != "" {
		ans.Headers = append(ans.Headers, NameValue{Name: "Location", Value: loc})
		if f, ok := s.batch.failJobs[it.Reference]; ok && rp.status == http.StatusAccepted {
			delete(s.batch.failJobs, it.Reference)
			if j := s.jobs[loc[strings.LastIndexByte(loc, '/')+1:]]; j != nil {
				j.outcome = Outcome{Status: statusFailed, ErrorCode: f.Name, ErrorString: f.Value}
			}
		}
	}
	if len(rp.body) > 0 {
		b := string(rp.body)
		ans.Body = &b
	}
	return ans
}

// batchReply checks an item and serves it.
func (s *Server) batchReply(c *call, it batchItem) *reply {
	if st, ok := s.batch.failItems[it.Reference]; ok {
		delete(s.batch.failItems, it.Reference)
		return errReply(st, "internal", "The batch item failed (daastest FailBatchItems)", "reference", it.Reference)
	}
	method := http.MethodGet
	if it.Method != nil && *it.Method != "" {
		method = strings.ToUpper(*it.Method)
	}
	rel, err := url.Parse(it.RelativeURL)
	if err != nil || rel.Scheme != "" || rel.Host != "" || rel.User != nil || it.RelativeURL == "" {
		return badRequest("invalidString", "RelativeUrl must be a path relative to the API root", "name", "RelativeUrl", "value", it.RelativeURL)
	}
	if it.Body != nil && (method == http.MethodGet || method == http.MethodHead || method == http.MethodDelete) {
		return badRequest("invalidString", "Body cannot be given for "+method, "name", "Body")
	}
	target, _ := url.Parse(c.caller.origin + apiRoot + "/" + strings.TrimPrefix(rel.EscapedPath(), "/"))
	target.RawQuery = rel.RawQuery
	r, err := http.NewRequestWithContext(c.r.Context(), method, target.String(), nil)
	if err != nil {
		return badRequest("invalidString", "RelativeUrl is not valid", "name", "RelativeUrl", "value", it.RelativeURL)
	}
	// An item without an Authorization header acts as the batch's caller
	// (Citrix's batch how-to sends none); one with its own is checked.
	r.Header = c.r.Header.Clone()
	r.Header.Del("Content-Type")
	for _, h := range it.Headers {
		r.Header.Set(h.Name, h.Value)
	}
	if v, ok := r.Header["Authorization"]; ok && len(v) == 1 {
		r.Header.Set("Authorization", itemAuthorization(v[0]))
	}
	var body []byte
	if it.Body != nil {
		body = []byte(*it.Body)
		r.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	key, rt, args, unmatched := matchIn(s.routes, r) // s.mu is held
	switch {
	case unmatched != nil:
		return unmatched
	case key == routeBatch || rt == nil || rt.serve == nil:
		return badRequest("invalidString", "A batch item cannot be a batch or a token request", "name", "RelativeUrl", "value", it.RelativeURL)
	}
	caller, rp := s.checkRequest(r, rt, c.now, len(body) > 0, false)
	if rp != nil {
		return rp
	}
	return rt.serve(s, &call{r: r, args: args, query: r.URL.Query(), body: body, caller: caller, now: c.now})
}

// itemAuthorization returns a batch item's Authorization in the form the
// API's checks read: "Bearer <token>" (what Citrix's Terraform provider
// sends in items) becomes "CWSAuth bearer=<token>"; any other value is
// kept and checked as it is.
func itemAuthorization(v string) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(v), " ")
	if ok && strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(tok) != "" {
		return "CWSAuth bearer=" + strings.TrimSpace(tok)
	}
	return v
}

// redactBatchBody hides the secret headers and the credentials in the
// bodies of the items of a batch body, for the request log.
func redactBatchBody(body []byte) []byte {
	var req batchRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return []byte(redacted)
	}
	h := http.Header{}
	for i := range req.Items {
		if b := req.Items[i].Body; b != nil {
			*b = string(redactCredentials([]byte(*b)))
		}
		for j, nv := range req.Items[i].Headers {
			h.Set(nv.Name, nv.Value)
			if v := redactHeader(h).Get(nv.Name); v != nv.Value {
				req.Items[i].Headers[j].Value = v
			}
			h.Del(nv.Name)
		}
	}
	return marshal(req)
}
