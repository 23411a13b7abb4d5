package lint_test

import (
	"testing"

	"github.com/irsagen/irsagen/generator/lint"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/internal/synth"
)

// BenchmarkRun lints the policies of synthetic configs.
func BenchmarkRun(b *testing.B) {
	synth.EachSize(b, func(b *testing.B, path string) {
		f := synth.Load(b, path)
		p, err := plan.Build(f, "..")
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			lint.Run(f, p)
		}
	})
}
