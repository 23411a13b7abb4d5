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

// intruderFS makes a directory appear at a staged directory's final name just before it is
// published, as another process could.
type intruderFS struct {
	*fdFS
	dir string
}

func (f *intruderFS) renameNoReplace(oldname, newname string) error {
	if err := os.Mkdir(filepath.Join(f.dir, filepath.FromSlash(newname)), 0o700); err != nil {
		return err
	}
	return f.fdFS.renameNoReplace(oldname, newname)
}

// TestPublishDoesNotReplace checks that a new directory is not published over an empty one that
// appeared meanwhile: a rename would replace it silently, where mkdir would have failed.
func TestPublishDoesNotReplace(t *testing.T) {
	dir := t.TempDir()
	opts := Options{OpenFS: func(d string) (FS, error) {
		inner, err := OpenRoot(d)
		if err != nil {
			return nil, err
		}
		return &intruderFS{fdFS: inner.(*fdFS), dir: d}, nil
	}}
	_, err := Write(dir, []File{{Path: "new/a.yaml", Data: []byte("a\n")}}, opts)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Write = %v, want an error for the directory that appeared", err)
	}
	fi, err := os.Stat(filepath.Join(dir, "new"))
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("the directory that appeared is gone or changed: %v, %v", fi, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("DIR holds %d entries, want only the directory that appeared: %v", len(entries), entries)
	}
}
