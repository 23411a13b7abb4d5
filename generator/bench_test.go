package generator_test

import (
	"path/filepath"
	"testing"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/internal/synth"
)

// BenchmarkGenerate runs the whole in-memory pipeline (load, validate, plan, render, rules) on
// synthetic configs; it writes nothing.
func BenchmarkGenerate(b *testing.B) {
	synth.EachSize(b, func(b *testing.B, path string) {
		opts := generator.Options{ConfigPath: path, OutDir: filepath.Join(filepath.Dir(path), "out")}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := generator.Generate(opts); err != nil {
				b.Fatal(err)
			}
		}
	})
}
