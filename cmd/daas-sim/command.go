// Command daas-sim runs the fake Citrix DaaS of package daastest as a
// standalone server, for curl, PowerShell or any other client.
//
//	go run ./cmd/daas-sim [flags]
//
// It is [daassim.Main]: the documentation of package daassim
// (go doc ./daastest/daassim) lists the flags and what the command prints,
// and shows how to build a simulator of your own with extra routes. For
// example, a site with 5 catalogs, 12 machines in the first one and 3
// delivery groups sharing 6 of them:
//
//	go run ./cmd/daas-sim -catalogs 5 -machines 12 -groups 3
package main

import "github.com/daaskit/daas/daastest/daassim"

func main() { daassim.Main() }
