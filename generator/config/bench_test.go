package config_test

import (
	"testing"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/internal/synth"
)

// BenchmarkLoadValidate reads, decodes and validates synthetic configs of 100, 1,000 and 10,000
// ServiceAccounts (see internal/synth and docs/benchmarks.md).
func BenchmarkLoadValidate(b *testing.B) {
	synth.EachSize(b, func(b *testing.B, path string) {
		b.ReportAllocs()
		for b.Loop() {
			f, err := config.Load(path)
			if err != nil {
				b.Fatal(err)
			}
			if err := config.Validate(f); err != nil {
				b.Fatal(err)
			}
		}
	})
}
