package output_test

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/output"
)

// tree builds a []output.File from path, content pairs.
func tree(pairs ...string) []output.File {
	var files []output.File
	for i := 0; i < len(pairs); i += 2 {
		files = append(files, output.File{Path: pairs[i], Data: []byte(pairs[i+1])})
	}
	return files
}

// node is one entry of a directory snapshot.
type node struct {
	mode fs.FileMode
	data string // file content, or a symbolic link's target
}

// snapshot records every path under dir with its type, permissions and content, without
// following symbolic links, so two snapshots are equal only if the trees are byte-identical.
// A missing dir gives a nil snapshot.
func snapshot(t *testing.T, dir string) map[string]node {
	t.Helper()
	if _, err := os.Lstat(dir); os.IsNotExist(err) {
		return nil
	}
	snap := map[string]node{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		n := node{mode: info.Mode()}
		switch {
		case info.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			n.data = string(b)
		case info.Mode()&fs.ModeSymlink != 0:
			n.data, err = os.Readlink(p)
			if err != nil {
				return err
			}
		}
		snap[filepath.ToSlash(rel)] = n
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func assertSameTree(t *testing.T, before, after map[string]node) {
	t.Helper()
	if maps.Equal(before, after) {
		return
	}
	for _, p := range slices.Sorted(maps.Keys(after)) {
		if b, ok := before[p]; !ok {
			t.Errorf("new path %s (%v)", p, after[p].mode)
		} else if b != after[p] {
			t.Errorf("changed path %s: %v %q -> %v %q", p, b.mode, b.data, after[p].mode, after[p].data)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(before)) {
		if _, ok := after[p]; !ok {
			t.Errorf("missing path %s", p)
		}
	}
}

func assertNoBookkeepingFiles(t *testing.T, snap map[string]node) {
	t.Helper()
	for p := range snap {
		base := filepath.Base(p)
		if strings.HasPrefix(base, ".irsagen-") && base != output.ManifestName {
			t.Errorf("left behind %s", p)
		}
	}
}

func mustWrite(t *testing.T, dir string, files []output.File, opts output.Options) output.Changes {
	t.Helper()
	c, err := output.Write(dir, files, opts)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return c
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// equalStrings compares lists, treating nil and empty as equal.
func equalStrings(a, b []string) bool { return slices.Equal(a, b) }
