package generator_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/internal/synth"
)

// BenchmarkGenerate runs the whole in-memory pipeline (load, validate, plan, render, rules) on
// synthetic configs; it writes nothing.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range synth.Sizes {
		b.Run(fmt.Sprintf("sa=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			path, err := synth.WriteConfig(dir, n)
			if err != nil {
				b.Fatal(err)
			}
			opts := generator.Options{ConfigPath: path, OutDir: filepath.Join(dir, "out")}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := generator.Generate(opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
