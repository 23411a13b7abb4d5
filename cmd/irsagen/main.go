// Command irsagen generates IAM Roles for Service Accounts: CloudFormation and Kustomize from one
// irsa.yaml. See the README.
package main

import (
	"os"
	"runtime/debug"

	"github.com/irsagen/irsagen/generator/cli"
	"github.com/irsagen/irsagen/internal/hugepages"
)

func main() {
	// First, before any collection: the heap of a large fleet's run is touched once and dropped
	// at exit, and huge pages make that cost 80 page faults instead of 40,000 (internal/hugepages).
	hugepages.Reserve(hugepages.DefaultSize)
	// A run holds the config, the plan and the whole generated tree at once; the collector's
	// default headroom of 100% would double that peak (250 MB instead of 190 MB for 10,000
	// ServiceAccounts, docs/benchmarks.md). 40% costs a little CPU on the other core, and scales
	// with the fleet, unlike a fixed limit. Loading the config, whose live heap is half the
	// peak, can afford 150%. GOGC still overrides both.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(40)
		cli.LoadGCPercent = 150
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
