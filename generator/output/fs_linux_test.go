package output

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestOpenRootRefusesDotDot checks the last line of defence: even a name that slipped past
// checkPath cannot reach outside DIR.
func TestOpenRootRefusesDotDot(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if err := os.MkdirAll(filepath.Join(dir, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(parent, "victim"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys, err := OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	for _, name := range []string{"../victim", "a/../../victim", "..", "a/..", "a/./b", "a/"} {
		if _, err := fsys.Lstat(name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Lstat(%q): err = %v, want fs.ErrInvalid", name, err)
		}
		if err := fsys.Remove(name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Remove(%q): err = %v, want fs.ErrInvalid", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(parent, "victim")); err != nil {
		t.Error(err)
	}
}
