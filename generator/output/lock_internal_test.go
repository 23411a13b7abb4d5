//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package output

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWriteWaitsForTheLock checks that a write into a directory another run holds waits until
// that run ends, and writes nothing meanwhile.
func TestWriteWaitsForTheLock(t *testing.T) {
	dir := t.TempDir()
	unlock, err := lockDir(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := Write(dir, []File{{Path: "a.yaml", Data: []byte("a\n")}}, Options{})
		done <- err
	}()
	select {
	case err := <-done:
		unlock()
		t.Fatalf("Write ended while another run held the lock: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Write wrote %v while another run held the lock", entries)
	}
	unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.yaml")); err != nil {
		t.Error(err)
	}
}

// TestLockNoticesAReplacedDirectory checks that a run which waited for the lock of a directory
// that was removed meanwhile (by a failed run that had created it) does not write into the
// removed directory, but into the one at DIR's path.
func TestLockNoticesAReplacedDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	unlock, err := lockDir(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := Write(dir, []File{{Path: "a.yaml", Data: []byte("a\n")}}, Options{})
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.yaml")); err != nil {
		t.Errorf("the write did not end up at %s: %v", dir, err)
	}
}
