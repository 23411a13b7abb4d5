package rules_test

import (
	"testing"

	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/render"
	"github.com/irsagen/irsagen/generator/rules"
	"github.com/irsagen/irsagen/internal/synth"
)

// BenchmarkCheck holds the rendered trees of synthetic configs to the quotas and trust rules.
func BenchmarkCheck(b *testing.B) {
	synth.EachSize(b, func(b *testing.B, path string) {
		f := synth.Load(b, path)
		p, err := plan.Build(f, "..")
		if err != nil {
			b.Fatal(err)
		}
		files := render.Render(p)
		b.ReportAllocs()
		for b.Loop() {
			if errs := rules.Check(f, p, files); len(errs) > 0 {
				b.Fatal(errs)
			}
		}
	})
}
