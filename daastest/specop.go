package daastest

// The types of the operation table (zz_operations.go, written by
// internal/gen from the spec): what the fake knows of each operation of
// the API.

// specOp is one operation of the API as the spec describes it, for the
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
