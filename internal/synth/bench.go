package synth

import (
	"fmt"
	"testing"

	"github.com/irsagen/irsagen/generator/config"
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

// Load loads and validates a fleet written by WriteConfig, for the benchmarks of later stages.
func Load(b *testing.B, path string) *config.File {
	f, err := config.Load(path)
	if err == nil {
		err = config.Validate(f)
	}
	if err != nil {
		b.Fatal(err)
	}
	return f
}
