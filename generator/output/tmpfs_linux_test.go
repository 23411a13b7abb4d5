package output_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/irsagen/irsagen/generator/output"
)

// mountTmpfs mounts a tmpfs of size bytes at a new directory, or skips the test without the
// rights to mount one.
func mountTmpfs(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0755", size)); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmounting %s: %v", dir, err)
		}
	})
	return dir
}

// bigTree is n files of size bytes each, spread over a few directories.
func bigTree(n, size int, fill byte) []output.File {
	var files []output.File
	for i := range n {
		files = append(files, output.File{
			Path: fmt.Sprintf("d%d/f%03d.yaml", i%5, i),
			Data: bytes.Repeat([]byte{fill}, size),
		})
	}
	return files
}

// TestFullDiskOnARealFilesystem writes a tree that does not fit onto a small tmpfs, first into
// an empty directory, then over a tree that fits, and checks that each write fails with the
// disk's error, says nothing was changed, and leaves everything as it was, with no staged file
// taking up the space.
func TestFullDiskOnARealFilesystem(t *testing.T) {
	mnt := mountTmpfs(t, 512<<10)
	dir := filepath.Join(mnt, "out")

	_, err := output.Write(dir, bigTree(40, 16<<10, 'x'), output.Options{})
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("writing 640 KB into 512 KB: err = %v, want ENOSPC and nothing changed", err)
	}
	if entries, _ := os.ReadDir(mnt); len(entries) != 0 {
		t.Fatalf("the failed first write left %v", snapshot(t, mnt))
	}

	small := bigTree(10, 16<<10, 'a')
	mustWrite(t, dir, small, output.Options{})
	before := snapshot(t, dir)
	// Every file changes and 20 are added: 30 files of 16 KB are staged before any is
	// published, while the 10 old ones stay, which does not fit.
	_, err = output.Write(dir, bigTree(30, 16<<10, 'b'), output.Options{})
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("err = %v, want ENOSPC and nothing changed", err)
	}
	after := snapshot(t, dir)
	assertSameTree(t, before, after)
	assertNoBookkeepingFiles(t, after)

	// The space is free again: a write that fits succeeds.
	mustWrite(t, dir, bigTree(10, 16<<10, 'c'), output.Options{})
}

// TestReadOnlyFilesystem writes a tree, makes the filesystem read-only, and checks that a
// write that would change it says that nothing was changed and why, and that diff still works.
func TestReadOnlyFilesystem(t *testing.T) {
	mnt := mountTmpfs(t, 1<<20)
	dir := filepath.Join(mnt, "out")
	mustWrite(t, dir, bigTree(5, 100, 'a'), output.Options{})
	if err := syscall.Mount("", mnt, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount read-only: %v", err)
	}
	before := snapshot(t, dir)
	_, err := output.Write(dir, bigTree(5, 100, 'b'), output.Options{})
	if !errors.Is(err, syscall.EROFS) || !strings.Contains(err.Error(), "nothing was changed") ||
		!strings.Contains(err.Error(), "read-only") || strings.Contains(err.Error(), "restore") {
		t.Errorf("err = %v, want a read-only error saying that nothing was changed", err)
	}
	assertSameTree(t, before, snapshot(t, dir))
	d, err := output.Diff(dir, bigTree(5, 100, 'b'), output.Options{})
	if err != nil || len(d.Changed) != 6 { // the files and the manifest
		t.Errorf("Diff on a read-only filesystem = %+v, %v", d, err)
	}
	// A new output directory cannot be created there either.
	_, err = output.Write(filepath.Join(mnt, "new"), bigTree(1, 1, 'a'), output.Options{})
	if !errors.Is(err, syscall.EROFS) || !strings.Contains(err.Error(), "nothing was changed") {
		t.Errorf("new directory on a read-only filesystem: err = %v", err)
	}
}
