package synth

import (
	"fmt"
	"testing"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/plan"
)

// EachSize runs fn as the sub-benchmark "sa=N" for every size of Sizes, with the path of that
// fleet's irsa.yaml written into a temporary directory.
func EachSize(b *testing.B, fn func(b *testing.B, path string)) {
	for _, n := range Sizes {
		b.Run(fmt.Sprintf("sa=%d", n), func(b *testing.B) {
			path, err := WriteConfig(b.TempDir(), n)
			if err != nil {
				b.Fatal(err)
			}
			fn(b, path)
		})
	}
}

// Load loads and validates a fleet written by WriteConfig, for the tests and benchmarks of later
// stages.
func Load(tb testing.TB, path string) *config.File {
	tb.Helper()
	f, err := config.Load(path)
	if err == nil {
		err = config.Validate(f)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// Plan writes a fleet of n ServiceAccounts, loads it and builds its plan.
func Plan(tb testing.TB, n int) *plan.Plan {
	tb.Helper()
	path, err := WriteConfig(tb.TempDir(), n)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := plan.Build(Load(tb, path), "..")
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
