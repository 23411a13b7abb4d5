package render_test

import (
	"testing"

	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/render"
	"github.com/irsagen/irsagen/internal/synth"
)

// BenchmarkRender renders the plans of synthetic configs into files.
func BenchmarkRender(b *testing.B) {
	synth.EachSize(b, func(b *testing.B, path string) {
		p, err := plan.Build(synth.Load(b, path), "..")
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			render.Render(p)
		}
	})
}
