package main

import (
	"strings"
	"unicode"
)

// words splits a spec name into words: at every character that is not a
// letter or digit (dropped), before an upper-case letter that follows a
// lower-case letter or digit, and before the last capital of a run of
// capitals followed by a lower-case letter ("VDAComponents" is "VDA",
// "Components"). Digits stay with the word they follow ("V2", "L7").
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if unicode.IsUpper(r) && len(cur) > 0 {
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

// goName is the Go name of a spec name: its words (see words), each with an
// upper-case first letter, and written as initialisms says where it is one
// ("DnsName" is "DNSName", "AzureADTenantId" "AzureADTenantID"). Words the
// spec already writes in capitals stay as they are.
func goName(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		if up, ok := initialisms[w]; ok {
			b.WriteString(up)
			continue
		}
		rs := []rune(w)
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	name := b.String()
	if name == "" || unicode.IsDigit([]rune(name)[0]) {
		name = "X" + name
	}
	return name
}

// enumConstName is the Go name of one value of an enum: the type's name then
// the value, each character of the value that cannot be in a Go identifier
// dropped and its first letter made upper-case, underscores kept
// (FunctionalLevel "L7_20" is FunctionalLevelL7_20, PowerState "On"
// PowerStateOn).
func enumConstName(typ, value string) string {
	var b strings.Builder
	for _, r := range value {
		if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	v := []rune(b.String())
	if len(v) == 0 {
		return typ + "Empty"
	}
	v[0] = unicode.ToUpper(v[0])
	return typ + string(v)
}

// Suffixes of schema names that say what role a schema has, not what it is.
const (
	responseSuffix = "ResponseModel"
	requestSuffix  = "RequestModel"
	modelSuffix    = "Model"
)

// baseTypeName is the rule's Go name of an object schema, before collisions
// are resolved: "…ResponseModel" is dropped (MachineCatalogResponseModel is
// MachineCatalog), "…RequestModel" becomes "…Request" (a request type says
// it is one: CreateMachineCatalogRequestModel is CreateMachineCatalogRequest),
// another "…Model" is dropped (NameValueStringPairModel is
// NameValueStringPair); then goName. Enums keep their name (an enum called
// LicenseModel is a license model).
func baseTypeName(schemaName string, isEnum bool) string {
	n := schemaName
	if !isEnum {
		switch {
		case strings.HasSuffix(n, responseSuffix) && len(n) > len(responseSuffix):
			n = strings.TrimSuffix(n, responseSuffix)
		case strings.HasSuffix(n, requestSuffix) && len(n) > len(requestSuffix):
			n = strings.TrimSuffix(n, modelSuffix)
		case strings.HasSuffix(n, modelSuffix) && len(n) > len(modelSuffix):
			n = strings.TrimSuffix(n, modelSuffix)
		}
	}
	return goName(n)
}

// fallbackTypeName is the name a schema gets when its rule name is taken by
// another schema that ranks first (see resolveTypeNames): its spec name with
// only "Model" dropped, or, when that is taken too, its whole spec name.
func fallbackTypeNames(schemaName string) []string {
	var out []string
	if strings.HasSuffix(schemaName, modelSuffix) {
		out = append(out, goName(strings.TrimSuffix(schemaName, modelSuffix)))
	}
	return append(out, goName(schemaName))
}

// singular is the singular of an English plural noun as spec names write
// them: "Policies" is "Policy", "Addresses" "Address", "Machines" "Machine";
// a word that is not plural is returned as it is.
func singular(w string) string {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 3:
		return strings.TrimSuffix(w, "ies") + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"):
		return strings.TrimSuffix(w, "es")
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s") && len(w) > 1:
		return strings.TrimSuffix(w, "s")
	}
	return w
}

// plural is the plural of a singular noun (the inverse of singular for the
// nouns of the spec's tags).
func plural(w string) string {
	switch {
	case strings.HasSuffix(w, "y") && !strings.HasSuffix(w, "ay") && !strings.HasSuffix(w, "ey"):
		return strings.TrimSuffix(w, "y") + "ies"
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "sh"):
		return w + "es"
	}
	return w + "s"
}

// serviceName is the Go service of a spec tag: the tag without " APIs", as
// a Go name ("MachineCatalogs APIs" is MachineCatalogs).
func serviceName(tag string) string {
	if name, ok := serviceOverrides[tag]; ok {
		return name
	}
	return goName(strings.TrimSuffix(tag, " APIs"))
}
