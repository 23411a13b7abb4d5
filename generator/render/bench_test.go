package render_test

import (
	"fmt"
	"testing"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/render"
	"github.com/irsagen/irsagen/internal/synth"
)

// BenchmarkRender renders the plans of synthetic configs into files.
func BenchmarkRender(b *testing.B) {
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
			p, err := plan.Build(f, "..")
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				render.Render(p)
			}
		})
	}
}
