package plan_test

import (
	"fmt"
	"testing"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/internal/synth"
)

// BenchmarkBuild resolves validated synthetic configs into plans.
func BenchmarkBuild(b *testing.B) {
	for _, n := range synth.Sizes {
		b.Run(fmt.Sprintf("sa=%d", n), func(b *testing.B) {
			path, err := synth.WriteConfig(b.TempDir(), n)
			if err != nil {
				b.Fatal(err)
			}
			f, err := generator.LoadConfig(path)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := plan.Build(f, ".."); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
