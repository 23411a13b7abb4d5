package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFullAndReadOnlyDisk runs generate onto a tmpfs too small for the tree, then onto one that
// is read-only: each exits 3, says what happened and that nothing was changed, and leaves the
// filesystem as it was. It skips itself without the rights to mount a tmpfs.
func TestFullAndReadOnlyDisk(t *testing.T) {
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=16k"); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(mnt, 0) })
	cfg := filepath.Join("..", "..", "examples", "quickstart", "irsa.yaml")

	var stdout, stderr bytes.Buffer
	code := Main([]string{"generate", "-c", cfg, "-o", filepath.Join(mnt, "out")}, &stdout, &stderr)
	if code != ExitFailure || !strings.Contains(stderr.String(), "no space left on device") ||
		!strings.Contains(stderr.String(), "nothing was changed") {
		t.Errorf("full disk: exit %d, stderr %q; want 3, the disk's error and that nothing was changed", code, stderr.String())
	}
	if entries, _ := os.ReadDir(mnt); len(entries) != 0 {
		t.Errorf("full disk: left %v", entries)
	}

	if err := syscall.Mount("", mnt, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount read-only: %v", err)
	}
	stderr.Reset()
	code = Main([]string{"generate", "-c", cfg, "-o", filepath.Join(mnt, "out")}, &stdout, &stderr)
	if code != ExitFailure || !strings.Contains(stderr.String(), "read-only file system") ||
		!strings.Contains(stderr.String(), "nothing was changed") || strings.Contains(stderr.String(), "restore") {
		t.Errorf("read-only: exit %d, stderr %q; want 3, the cause and that nothing was changed", code, stderr.String())
	}
}
