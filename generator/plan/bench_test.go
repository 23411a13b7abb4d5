package plan_test

import (
	"testing"

	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/internal/synth"
)

// BenchmarkBuild resolves validated synthetic configs into plans.
func BenchmarkBuild(b *testing.B) {
	synth.EachSize(b, func(b *testing.B, path string) {
		f := synth.Load(b, path)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := plan.Build(f, ".."); err != nil {
				b.Fatal(err)
			}
		}
	})
}
