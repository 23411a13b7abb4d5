// Command irsagen generates IAM Roles for Service Accounts: CloudFormation and Kustomize from one
// irsa.yaml. See the README.
package main

import (
	"os"

	"github.com/irsagen/irsagen/generator/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }
