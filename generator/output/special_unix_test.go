//go:build unix

package output_test

import (
	"errors"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"

	"github.com/irsagen/irsagen/generator/output"
)

// TestNamedPipeInTheWay puts a FIFO where a generated file goes, and another where an owned file
// was: neither is opened (which could block), written or deleted.
func TestNamedPipeInTheWay(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, dir, tree("a.yaml", "a\n", "gone.yaml", "gone\n"), output.Options{})
	for _, p := range []string{"a.yaml", "gone.yaml"} {
		path := filepath.Join(dir, p)
		if err := errors.Join(syscall.Unlink(path), syscall.Mkfifo(path, 0o644)); err != nil {
			t.Skipf("named pipes unavailable: %v", err)
		}
	}
	before := snapshot(t, dir)
	files := tree("a.yaml", "a2\n")
	c, err := output.Write(dir, files, output.Options{Force: true})
	if want := []output.Conflict{{Path: "a.yaml", Kind: output.Obstructed}}; err == nil || !reflect.DeepEqual(c.Conflicts, want) {
		t.Errorf("conflicts = %v, err = %v; want %v", c.Conflicts, err, want)
	}
	if _, err := output.Diff(dir, files, output.Options{}); err == nil {
		t.Error("Diff: no error for a FIFO where a file goes")
	}
	assertSameTree(t, before, snapshot(t, dir))
}
