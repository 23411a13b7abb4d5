// Command irsagen generates IAM Roles for Service Accounts: CloudFormation and Kustomize from one
// irsa.yaml. See the README.
package main

import (
	"os"
	"runtime/debug"

	"github.com/irsagen/irsagen/generator/cli"
)

func main() {
	// A run holds the config, the plan and the whole generated tree at once; the collector's
	// default headroom of 100% would double that peak (250 MB instead of 190 MB for 10,000
	// ServiceAccounts, docs/benchmarks.md). 40% costs a little CPU on the other core, and scales
	// with the fleet, unlike a fixed limit. GOGC still overrides it. This is the process's
	// setting, so it is made here and nowhere in the library.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(40)
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
