package main

import (
	"regexp"
	"strings"
)

var versionWord = regexp.MustCompile(`^V[0-9]+$`)

// methodName is the Go method of an operation on its service, by one rule
// over the operation id (methodOverrides replaces it where it reads badly):
//
//  1. The tag prefix goes ("MachineCatalogs_UpdateMachineCatalog" is
//     "UpdateMachineCatalog"), and a trailing version word ("V2") is kept
//     aside to end the name.
//  2. The first word is the verb, the rest the noun. "Do" is no verb: in
//     "DoXSearch" the verb is Search, otherwise the next word is the verb
//     ("DoAddMachines" is Add Machines). verbSynonyms applies (Patch, Edit,
//     Modify are Update; Read is Get).
//  3. The service's resource noun goes from the start of the noun, plural or
//     singular ("UpdateMachineCatalogProvisioningScheme" is Update
//     ProvisioningScheme on MachineCatalogs).
//  4. With nothing left, the operation is on the resource itself: Get on the
//     plural is List, Get on the singular is Get, Remove is Delete, another
//     verb on the plural keeps the plural noun (Actions: DeleteActions beside
//     Delete), any other verb stands alone (Create, Update, Start, Cancel).
//  5. With a sub-resource left, a route that ends in a parameter after the
//     noun's last word names one item of that collection, so the word becomes
//     singular (DELETE /DeliveryGroups/{nameOrId}/Machines/{machine} is
//     RemoveMachine, not RemoveMachines); Get is
//     dropped, so a sub-resource is read by its noun (Jobs.Results,
//     Machines.DeliveryGroup), and any other verb stays (AddMachine,
//     StartRebootCycle, UpdateProvisioningScheme).
func methodName(opID, service, path string) string {
	if name, ok := methodOverrides[opID]; ok {
		return name
	}
	rest := opID
	if i := strings.IndexByte(opID, '_'); i >= 0 {
		rest = opID[i+1:]
	}
	ws := words(rest)
	if len(ws) == 0 {
		return goName(opID)
	}
	version := ""
	if len(ws) > 1 && versionWord.MatchString(ws[len(ws)-1]) {
		version, ws = ws[len(ws)-1], ws[:len(ws)-1]
	}
	verb, noun := ws[0], ws[1:]
	if verb == "Do" && len(noun) > 0 {
		if noun[len(noun)-1] == "Search" {
			verb, noun = "Search", noun[:len(noun)-1]
		} else {
			verb, noun = noun[0], noun[1:]
		}
	}
	if v, ok := verbSynonyms[verb]; ok {
		verb = v
	}
	noun, pluralRes, matched := trimResource(noun, service)
	if len(noun) == 0 && matched {
		switch {
		case verb == "Get" && pluralRes != "":
			return "List" + version
		case verb == "Get":
			return "Get" + version
		case pluralRes != "":
			return verb + pluralRes + version
		case verb == "Remove":
			return "Delete" + version
		}
		return verb + version
	}
	if last := len(noun) - 1; last >= 0 && strings.EqualFold(noun[last], itemCollection(path)) {
		noun = append(noun[:last:last], singular(noun[last]))
	}
	if verb == "Get" && len(noun) > 0 {
		verb = ""
	}
	return goName(verb+strings.Join(noun, "")) + version
}

// trimResource removes the service's resource noun from the start of noun:
// its plural (the service name, "MachineCatalogs") or its singular
// ("MachineCatalog"). It reports the plural it removed ("" for the
// singular) and whether it removed anything.
func trimResource(noun []string, service string) (rest []string, pluralRes string, matched bool) {
	res := words(service)
	if len(res) == 0 {
		return noun, "", false
	}
	last := len(res) - 1
	sing := append(append([]string(nil), res[:last]...), singular(res[last]))
	plur := append(append([]string(nil), res[:last]...), plural(sing[last]))
	if hasPrefixWords(noun, plur) {
		return noun[len(plur):], strings.Join(plur, ""), true
	}
	if hasPrefixWords(noun, sing) {
		return noun[len(sing):], "", true
	}
	return noun, "", false
}

func hasPrefixWords(ws, prefix []string) bool {
	if len(prefix) > len(ws) {
		return false
	}
	for i, p := range prefix {
		if !strings.EqualFold(ws[i], p) {
			return false
		}
	}
	return true
}

// itemCollection is the segment before a route's last segment when that
// last one is a parameter ("Machines" in /DeliveryGroups/{id}/Machines/{m}),
// else "".
func itemCollection(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if n := len(segs); n >= 2 && strings.HasPrefix(segs[n-1], "{") && !strings.HasPrefix(segs[n-2], "{") {
		return segs[n-2]
	}
	return ""
}
