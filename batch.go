package daas

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// MaxBatchItems is the most items [Client.Batch] sends in one batch. The
// spec (v1.0.31) documents no limit for POST /$batch; this is the library's
// choice, so that one batch stays one reasonably sized request and job.
// Split larger sets into several batches.
const MaxBatchItems = 1000

// ErrBadBatch is matched by the errors of a batch refused before any
// request: no items, too many, a bad reference or an item URL that leaves
// the API root.
var ErrBadBatch = errors.New("daas: bad batch")

// BatchItem is one request of a batch: the API's BatchRequestItemModel.
// Build one with a typed helper, such as
// [DeliveryGroupsService.AddMachinesItem], which validates and escapes as
// the typed method does, or with [NewBatchItem] for any other call.
type BatchItem struct {
	// Reference names the item in the result: 1 to 64 of [-_0-9a-zA-Z],
	// unique in the batch. Empty: the item's index ("0", "1", ...).
	Reference string
	// Method is the HTTP method (default GET).
	Method string
	// Path is the call's path relative to the API root, with an optional
	// query: "DeliveryGroups/Pool/Machines?async=true". Segments must be
	// escaped already. It must stay under the API root: no scheme, host or
	// dot segment.
	Path string
	// Body is encoded as JSON and sent as the item's body string; nil for
	// none.
	Body any

	req *request // built by a typed helper
}

// NewBatchItem returns an item for any call: method, a path relative to
// the API root and an optional body. Typed helpers are safer: they check
// their arguments and escape names.
func NewBatchItem(method, path string, body any) BatchItem {
	return BatchItem{Method: method, Path: path, Body: body}
}

// asyncItem makes a batch item of a typed operation, run as its own job
// (async=true). Errors of the typed request come back unchanged.
func asyncItem(c *Client, o op) (BatchItem, error) {
	r, err := o.request(c)
	if err != nil {
		return BatchItem{}, err
	}
	q := r.url.Query()
	q.Set("async", "true")
	r.url.RawQuery = q.Encode()
	return BatchItem{Method: r.method, req: r}, nil
}

// batchItemWire is BatchRequestItemModel on the wire.
type batchItemWire struct {
	Reference   string      `json:"Reference"`
	Method      string      `json:"Method"`
	RelativeURL string      `json:"RelativeUrl"`
	Headers     []NameValue `json:"Headers,omitempty"`
	Body        *string     `json:"Body,omitempty"`
}

// batchAnswerWire is BatchResponseItemModel on the wire.
type batchAnswerWire struct {
	Reference string      `json:"Reference"`
	Code      int         `json:"Code"`
	Headers   []NameValue `json:"Headers"`
	Body      *string     `json:"Body"`
}

// batchPlan is what a batch's result needs of its items: their order, and
// what an item's error names and must hide.
type batchPlan struct {
	refs    []string
	methods []string
	urls    []string // redacted, for errors
	secrets []string
}

var batchReference = regexp.MustCompile(`^[-_0-9a-zA-Z]{1,64}$`)

// Batch sends items as one batch (POST /$batch?async=true, job type Batch)
// and returns its job. The job's result gives every item's outcome in item
// order; items that started jobs of their own carry a [Job] each, and
// [BatchResult.Wait] waits for them all together. Bad input — no items,
// more than [MaxBatchItems], a bad or repeated reference, an item path that
// leaves the API root, a body on GET or DELETE — gives an [*InputError]
// matching [ErrBadBatch] (and [ErrInvalidInput]) before any request.
//
// Each item carries the credentials the service wants inside it: the
// client's bearer token in its Authorization header, and the
// X-AdminCredential of a typed item that takes one. They are set here and
// kept out of errors and logs.
func (c *Client) Batch(ctx context.Context, items []BatchItem) (*Job[BatchResult], error) {
	switch {
	case len(items) == 0:
		return nil, badBatch("no items")
	case len(items) > MaxBatchItems:
		return nil, badBatch("%d items, more than the %d of one batch", len(items), MaxBatchItems)
	}
	plan := &batchPlan{}
	wire := make([]batchItemWire, len(items))
	var headers []http.Header
	seen := map[string]bool{}
	for i, it := range items {
		w, r, err := c.batchItem(i, it)
		if err != nil {
			return nil, err
		}
		if seen[w.Reference] {
			return nil, badBatch("item %d: reference %q is used twice", i, w.Reference)
		}
		seen[w.Reference] = true
		wire[i] = w
		headers = append(headers, r.header)
		plan.refs = append(plan.refs, w.Reference)
		plan.methods = append(plan.methods, r.method)
		plan.urls = append(plan.urls, r.redacted())
		plan.secrets = append(plan.secrets, r.secrets...)
	}
	r, err := c.newRequest(http.MethodPost, "$batch", nil, nil)
	if err != nil {
		return nil, err
	}
	itemSecrets := plan.secrets
	// The items carry the token inside the body: the body is made for each
	// send with the token of that moment, so that a replay after a 401
	// carries the fresh token in every item, not the refused one.
	r.rebuild = func(ctx context.Context) ([]byte, error) {
		tok, err := c.ts.Token(ctx)
		if err != nil {
			return nil, err
		}
		plan.secrets = append(plan.secrets, tok.Value)
		r.secrets = plan.secrets
		items := make([]batchItemWire, len(wire))
		for i, w := range wire {
			w.Headers = []NameValue{{Name: "Authorization", Value: "CWSAuth bearer=" + tok.Value}}
			for k, vs := range headers[i] {
				for _, v := range vs {
					w.Headers = append(w.Headers, NameValue{Name: k, Value: v})
				}
			}
			items[i] = w
		}
		return encodeBody(struct {
			Items []batchItemWire `json:"Items"`
		}{items})
	}
	r.secrets = itemSecrets
	return startJob(ctx, c, r, batchResult(plan))
}

// badBatch returns the [*InputError] of a batch refused before any
// request; it matches [ErrBadBatch] and [ErrInvalidInput].
func badBatch(format string, args ...any) error {
	return &InputError{Op: "Batch", Reason: fmt.Sprintf(format, args...), kind: ErrBadBatch}
}

// batchItem checks one item and returns its wire form (without the
// credential headers) and the request it stands for.
func (c *Client) batchItem(i int, it BatchItem) (batchItemWire, *request, error) {
	ref := it.Reference
	if ref == "" {
		ref = strconv.Itoa(i)
	}
	if !batchReference.MatchString(ref) {
		return batchItemWire{}, nil, badBatch("item %d: reference %q is not 1 to 64 of [-_0-9a-zA-Z]", i, truncate(ref, 80))
	}
	r := it.req
	if r == nil {
		method := strings.ToUpper(cmpOr(it.Method, http.MethodGet))
		if it.Body != nil && (method == http.MethodGet || method == http.MethodHead || method == http.MethodDelete) {
			return batchItemWire{}, nil, badBatch("item %s: a %s item takes no body", ref, method)
		}
		if err := checkItemPath(it.Path); err != nil {
			return batchItemWire{}, nil, badBatch("item %s: %s", ref, strings.TrimPrefix(err.Error(), "daas: "))
		}
		var err error
		if r, err = c.newRequest(method, it.Path, nil, it.Body); err != nil {
			return batchItemWire{}, nil, badBatch("item %s: %s", ref, strings.TrimPrefix(err.Error(), "daas: "))
		}
	}
	root := strings.TrimSuffix(c.base.EscapedPath(), "/")
	rel, ok := strings.CutPrefix(r.url.EscapedPath(), root+"/")
	if !ok || !c.sameOrigin(r.url) {
		return batchItemWire{}, nil, badBatch("item %s: %s is not under the API root", ref, r.redacted())
	}
	w := batchItemWire{Reference: ref, Method: r.method, RelativeURL: "/" + rel}
	if r.url.RawQuery != "" {
		w.RelativeURL += "?" + r.url.RawQuery
	}
	if r.body != nil {
		b := string(r.body)
		w.Body = &b
	}
	return w, r, nil
}

// checkItemPath refuses an item path that is not relative to the API
// root: empty, or an absolute URL, a scheme or a host. The rest of the
// path policy is [Client.resolve]'s, as for every path a caller gives.
func checkItemPath(p string) error {
	switch path, _, _ := strings.Cut(p, "?"); {
	case strings.TrimSpace(path) == "":
		return errors.New("empty path")
	case strings.Contains(p, "://") || strings.HasPrefix(p, "//"):
		return fmt.Errorf("path %q is not relative to the API root", echoRef(p))
	}
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
