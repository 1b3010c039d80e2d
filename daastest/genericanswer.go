package daastest

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// This file builds the generic model's answers strictly from the spec's
// response models (specModels): a property is written only when the model
// declares it, a kept value only when it is of the property's type, and a
// required property the resource lacks is filled with a value of its type.

// maxSampleDepth bounds the nesting of filled models.
const maxSampleDepth = 6

// answer is the success body of op about the resource it, at time now; nil
// when op answers with no body.
func (s *Server) answer(op *specOp, it *genericItem, now time.Time) json.RawMessage {
	if op.Response == respNone || op.Answer == "" {
		return nil
	}
	typ := op.Answer
	switch op.Response {
	case respPage:
		return marshal(collection{Items: []json.RawMessage{}}) // a list an action makes is empty
	case respArray:
		return json.RawMessage("[]")
	}
	if model, ok := strings.CutPrefix(typ, "model:"); ok {
		return renderModel(model, it.props, it, now, 0)
	}
	return sampleValue(specProp{Name: "Value", Type: typ}, it, now, 0)
}

// listItem is one resource as an item of op's list answer.
func listItem(op *specOp, it *genericItem, now time.Time) json.RawMessage {
	typ := strings.TrimPrefix(op.Answer, "[]")
	if model, ok := strings.CutPrefix(typ, "model:"); ok {
		return renderModel(model, it.props, it, now, 0)
	}
	return sampleValue(specProp{Name: "Value", Type: typ}, it, now, 0)
}

// renderModel is the object of model name for the resource it: each
// declared property from src when its value fits, the identity properties
// from the resource, and every other required property filled.
func renderModel(name string, src map[string]json.RawMessage, it *genericItem, now time.Time, depth int) json.RawMessage {
	out := map[string]json.RawMessage{}
	for _, p := range specModels[name] {
		if v, ok := identityValue(p, it); ok && depth == 0 {
			out[p.Name] = v
			continue
		}
		if v, ok := lookupFold(src, p.Name); ok && fits(p, v, 0) {
			out[p.Name] = v
			continue
		}
		if p.Required {
			out[p.Name] = sampleValue(p, it, now, depth+1)
		}
	}
	return marshal(out)
}

// identityValue is the resource's own id, name or creation number for a
// property that names or finds it.
func identityValue(p specProp, it *genericItem) (json.RawMessage, bool) {
	switch {
	case strings.EqualFold(p.Name, "Id") && p.Type == "string":
		return marshal(it.id), true
	case (strings.EqualFold(p.Name, "Name") || strings.EqualFold(p.Name, "FullName")) && p.Type == "string":
		return marshal(it.name), true
	case strings.EqualFold(p.Name, "Uid") && (p.Type == "integer" || p.Type == "number"):
		return marshal(it.uid), true
	}
	return nil, false
}

// lookupFold finds a property by name, in any case, as the service's JSON
// reader matches a request's properties.
func lookupFold(src map[string]json.RawMessage, name string) (json.RawMessage, bool) {
	if v, ok := src[name]; ok {
		return v, true
	}
	for k, v := range src {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// sampleValue is a sensible value of p's type: the resource's name for
// names, its id for ids, an enum's first value, the time for a date, the
// least allowed number, false, [] or a model with its required properties.
func sampleValue(p specProp, it *genericItem, now time.Time, depth int) json.RawMessage {
	typ := p.Type
	switch {
	case strings.HasPrefix(typ, "[]"):
		return json.RawMessage("[]")
	case strings.HasPrefix(typ, "enum:"):
		if vs := specEnums[strings.TrimPrefix(typ, "enum:")]; len(vs) > 0 {
			return marshal(vs[0])
		}
		return marshal("")
	case strings.HasPrefix(typ, "model:"):
		if depth > maxSampleDepth {
			return json.RawMessage("{}")
		}
		return renderModel(strings.TrimPrefix(typ, "model:"), nil, it, now, depth)
	}
	switch typ {
	case "time":
		return marshal(formatTime(now))
	case "string":
		v := ""
		switch {
		case strings.HasSuffix(p.Name, "Name"):
			v = it.name
		case strings.HasSuffix(p.Name, "Id") || strings.HasSuffix(p.Name, "Uid"):
			v = it.id
		}
		if len(v) < p.Min {
			v += strings.Repeat("x", p.Min-len(v))
		}
		return marshal(v)
	case "integer", "number":
		return marshal(p.Min)
	case "boolean":
		return json.RawMessage("false")
	}
	return json.RawMessage("{}")
}

// fits reports whether raw is a value of p's type, as the spec's schema
// would accept it.
func fits(p specProp, raw json.RawMessage, depth int) bool {
	var v any
	if json.Unmarshal(raw, &v) != nil || depth > maxSampleDepth {
		return false
	}
	typ := p.Type
	switch {
	case strings.HasPrefix(typ, "[]"):
		arr, ok := v.([]any)
		if !ok {
			return false
		}
		var raws []json.RawMessage
		_ = json.Unmarshal(raw, &raws)
		for _, e := range raws {
			if !fits(specProp{Name: p.Name, Type: typ[2:]}, e, depth+1) {
				return false
			}
		}
		return arr != nil
	case strings.HasPrefix(typ, "enum:"):
		str, ok := v.(string)
		for _, e := range specEnums[strings.TrimPrefix(typ, "enum:")] {
			if ok && e == str {
				return true
			}
		}
		return false
	case strings.HasPrefix(typ, "model:"):
		return fitsModel(strings.TrimPrefix(typ, "model:"), raw, depth)
	}
	switch typ {
	case "string":
		str, ok := v.(string)
		return ok && len(str) >= p.Min
	case "time":
		str, ok := v.(string)
		_, err := time.Parse(time.RFC3339, str)
		return ok && err == nil
	case "integer":
		n, ok := v.(float64)
		return ok && n == math.Trunc(n) && n >= float64(p.Min)
	case "number":
		n, ok := v.(float64)
		return ok && n >= float64(p.Min)
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "map":
		_, ok := v.(map[string]any)
		return ok
	}
	return v != nil // any
}

// fitsModel reports whether raw is an object of model name: every
// property declared and of its type, every required one there.
func fitsModel(name string, raw json.RawMessage, depth int) bool {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return false
	}
	props := specModels[name]
	for k, v := range obj {
		i := -1
		for j := range props {
			if props[j].Name == k {
				i = j
			}
		}
		if i < 0 || !fits(props[i], v, depth+1) {
			return false
		}
	}
	for _, p := range props {
		if _, ok := obj[p.Name]; p.Required && !ok {
			return false
		}
	}
	return true
}
