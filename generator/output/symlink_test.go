package output_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/output"
)

// outsideDir returns a directory beside DIR holding a file that no run may change.
func outsideDir(t *testing.T) string {
	t.Helper()
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "victim.yaml"), "precious\n")
	return outside
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symbolic links unavailable: %v", err)
	}
}

// assertRefused checks that a write and a diff of files into dir fail with an error naming link,
// and that neither dir nor outside changed.
func assertRefused(t *testing.T, dir, outside, link string, files []output.File) {
	t.Helper()
	beforeDir, beforeOutside := snapshot(t, dir), snapshot(t, outside)
	for _, force := range []bool{false, true} {
		_, err := output.Write(dir, files, output.Options{Force: force})
		if !errors.Is(err, output.ErrSymlink) || !strings.Contains(err.Error(), link) {
			t.Errorf("Write(force=%v): err = %v, want ErrSymlink naming %s", force, err, link)
		}
	}
	if _, err := output.Diff(dir, files, output.Options{}); !errors.Is(err, output.ErrSymlink) {
		t.Errorf("Diff: err = %v, want ErrSymlink", err)
	}
	assertSameTree(t, beforeDir, snapshot(t, dir))
	assertSameTree(t, beforeOutside, snapshot(t, outside))
}

func TestSymlinkedDirectoryIsRefused(t *testing.T) {
	dir, outside := t.TempDir(), outsideDir(t)
	link := filepath.Join(dir, "kubernetes")
	symlink(t, outside, link)
	assertRefused(t, dir, outside, link, tree(
		"kubernetes/victim.yaml", "overwritten\n",
		"kubernetes/clusters/new.yaml", "new\n",
	))
}

func TestSymlinkedFileIsRefused(t *testing.T) {
	dir, outside := t.TempDir(), outsideDir(t)
	link := filepath.Join(dir, "cloudformation", "stacks.json")
	symlink(t, filepath.Join(outside, "victim.yaml"), link)
	assertRefused(t, dir, outside, link, tree("cloudformation/stacks.json", "[]\n"))
}

func TestSymlinkInsideDirIsRefusedToo(t *testing.T) {
	// Even a link that stays inside DIR gives one file two names, which the manifest cannot track.
	dir, outside := t.TempDir(), outsideDir(t)
	writeFile(t, filepath.Join(dir, "real/a.yaml"), "a\n")
	link := filepath.Join(dir, "alias")
	symlink(t, "real", link)
	assertRefused(t, dir, outside, link, tree("alias/a.yaml", "b\n"))
}

func TestOwnedFileReplacedBySymlinkIsNotDeleted(t *testing.T) {
	dir, outside := t.TempDir(), outsideDir(t)
	mustWrite(t, dir, tree("gen/a.yaml", "a\n"), output.Options{})
	link := filepath.Join(dir, "gen", "a.yaml")
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	symlink(t, filepath.Join(outside, "victim.yaml"), link)
	// The file is no longer generated, so a write would delete it, and must not follow the link.
	assertRefused(t, dir, outside, link, nil)
}

func TestOwnedDirectoryReplacedBySymlinkIsNotFollowed(t *testing.T) {
	dir, outside := t.TempDir(), outsideDir(t)
	mustWrite(t, dir, tree("gen/victim.yaml", "precious\n"), output.Options{})
	if err := os.RemoveAll(filepath.Join(dir, "gen")); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "gen")
	symlink(t, outside, link)
	// gen/victim.yaml hashes as irsagen wrote it, but lives outside DIR: it must not be deleted.
	assertRefused(t, dir, outside, link, nil)
}

func TestSymlinkedManifestIsRefused(t *testing.T) {
	dir, outside := t.TempDir(), outsideDir(t)
	link := filepath.Join(dir, output.ManifestName)
	symlink(t, filepath.Join(outside, "victim.yaml"), link)
	assertRefused(t, dir, outside, link, tree("a.yaml", "a\n"))
}

func TestUnrelatedSymlinkIsIgnored(t *testing.T) {
	dir, outside := t.TempDir(), outsideDir(t)
	symlink(t, outside, filepath.Join(dir, "elsewhere"))
	mustWrite(t, dir, tree("a.yaml", "a\n"), output.Options{})
	mustWrite(t, dir, nil, output.Options{})
	if readFile(t, filepath.Join(outside, "victim.yaml")) != "precious\n" {
		t.Error("outside file changed")
	}
}

func TestOutputDirectoryItselfMayBeASymlink(t *testing.T) {
	// DIR is the user's choice; only links inside it are refused.
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "out")
	symlink(t, real, link)
	mustWrite(t, link, tree("a.yaml", "a\n"), output.Options{})
	if readFile(t, filepath.Join(real, "a.yaml")) != "a\n" {
		t.Error("not written through the link to DIR")
	}
}
