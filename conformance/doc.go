// Package conformance keeps the fake honest: its tests drive Citrix's own
// generated client (github.com/citrix/citrix-daas-rest-go, package
// citrixorchestration, configured as Citrix's client package configures it)
// against daastest in memory and against cmd/daas-sim over TCP, and check
// every JSON body the fake writes against the response schema of its
// operation in Citrix's OpenAPI spec, which ships inside that module.
//
// It is a module of its own, so neither the daas library nor its users ever
// depend on Citrix's client or on the OpenAPI validator. Run it alone with
//
//	cd conformance && go test ./...
//
// A route added to the fake gets its step in steps_test.go.
package conformance
