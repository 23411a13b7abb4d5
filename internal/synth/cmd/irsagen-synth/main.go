// Command irsagen-synth writes a synthetic irsa.yaml for benchmarks and scale tests.
//
//	go run ./internal/synth/cmd/irsagen-synth -n 10000 > irsa.yaml
//
// -n picks a preset (100, 1,000 or 10,000 ServiceAccounts, the last over 50 clusters); the other
// flags override its parts. The same flags and seed always give the same bytes.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/irsagen/irsagen/internal/synth"
)

func main() {
	n := flag.Int("n", 1000, "ServiceAccounts (entries under serviceAccounts)")
	clusters := flag.Int("clusters", 0, "clusters (default: the preset's)")
	namespaces := flag.Int("namespaces", 0, "team namespaces per cluster (default: the preset's)")
	accounts := flag.Int("accounts", 0, "accounts that run clusters (default: the preset's)")
	policies := flag.Int("policies", 0, "named policies (default: the preset's)")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("o", "-", "output file, - for stdout")
	flag.Parse()

	p := synth.Preset(*n)
	for _, o := range []struct {
		dst *int
		v   int
	}{{&p.Clusters, *clusters}, {&p.Namespaces, *namespaces}, {&p.Accounts, *accounts}, {&p.Policies, *policies}} {
		if o.v > 0 {
			*o.dst = o.v
		}
	}
	p.Seed = *seed
	data := synth.New(p).YAML()
	var err error
	if *out == "-" {
		_, err = os.Stdout.Write(data)
	} else {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "irsagen-synth:", err)
		os.Exit(1)
	}
}
