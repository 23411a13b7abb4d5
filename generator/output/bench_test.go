package output_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/output"
	"github.com/irsagen/irsagen/internal/synth"
)

// generated renders a synthetic config of n ServiceAccounts.
func generated(b *testing.B, n int) []output.File {
	b.Helper()
	dir := b.TempDir()
	path, err := synth.WriteConfig(dir, n)
	if err != nil {
		b.Fatal(err)
	}
	res, err := generator.Generate(generator.Options{ConfigPath: path, OutDir: filepath.Join(dir, "out")})
	if err != nil {
		b.Fatal(err)
	}
	return res.Files
}

// BenchmarkWrite writes a generated tree into an empty directory, as a first generate does.
// Earlier trees stay on disk until the end, and the page cache is flushed before each write, so
// that no write pays for another's deletion or writeback.
func BenchmarkWrite(b *testing.B) {
	for _, n := range synth.Sizes {
		b.Run(fmt.Sprintf("sa=%d", n), func(b *testing.B) {
			files := generated(b, n)
			root := b.TempDir()
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				dir := filepath.Join(root, fmt.Sprint(i))
				i++
				flushDisk()
				b.StartTimer()
				if _, err := output.Write(dir, files, output.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// upToDate returns a generated tree of n ServiceAccounts and a directory that holds it.
func upToDate(b *testing.B, n int) (files []output.File, dir string) {
	b.Helper()
	files = generated(b, n)
	dir = filepath.Join(b.TempDir(), "out")
	if _, err := output.Write(dir, files, output.Options{}); err != nil {
		b.Fatal(err)
	}
	return files, dir
}

// BenchmarkDiff compares a generated tree with an up-to-date copy on disk, as CI's diff does.
func BenchmarkDiff(b *testing.B) {
	for _, n := range synth.Sizes {
		b.Run(fmt.Sprintf("sa=%d", n), func(b *testing.B) {
			files, dir := upToDate(b, n)
			b.ReportAllocs()
			for b.Loop() {
				d, err := output.Diff(dir, files, output.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if d.Differs {
					b.Fatal("an up-to-date tree differs")
				}
			}
		})
	}
}

// BenchmarkUpdate rewrites every file of an up-to-date tree, alternating between two versions
// of it, as a change to a default that every file shows would.
func BenchmarkUpdate(b *testing.B) {
	for _, n := range synth.Sizes {
		b.Run(fmt.Sprintf("sa=%d", n), func(b *testing.B) {
			files, dir := upToDate(b, n)
			versions := [2][]output.File{files, make([]output.File, len(files))}
			for i, f := range files {
				versions[1][i] = output.File{Path: f.Path, Data: append([]byte("# v2\n"), f.Data...)}
			}
			i := 1
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				flushDisk()
				b.StartTimer()
				if _, err := output.Write(dir, versions[i%2], output.Options{}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
