package output_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/output"
)

// wideScenario is scenarioBefore and scenarioAfter over many directories, so that several
// goroutines have work at once: in each of 6 directories a file is updated (one with
// permissions to keep), one kept, one created; 6 new directories get two files each; 6
// directories lose their only file.
func wideScenario() (before, after []output.File) {
	for d := range 6 {
		dir := fmt.Sprintf("d%02d", d)
		before = append(before,
			output.File{Path: dir + "/update.yaml", Data: []byte("v1 " + dir + "\n")},
			output.File{Path: dir + "/same.yaml", Data: []byte("same\n")},
			output.File{Path: fmt.Sprintf("old/o%02d/deep/gone.yaml", d), Data: []byte("gone\n")},
		)
		after = append(after,
			output.File{Path: dir + "/update.yaml", Data: []byte("v2 " + dir + "\n")},
			output.File{Path: dir + "/same.yaml", Data: []byte("same\n")},
			output.File{Path: dir + "/added.yaml", Data: []byte("added\n")},
			output.File{Path: fmt.Sprintf("new/n%02d/a.yaml", d), Data: []byte("a\n")},
			output.File{Path: fmt.Sprintf("new/n%02d/b.yaml", d), Data: []byte("b\n")},
		)
	}
	return before, after
}

func setUpWideScenario(t *testing.T) (dir string, after []output.File) {
	t.Helper()
	dir = t.TempDir()
	before, after := wideScenario()
	mustWrite(t, dir, before, output.Options{})
	if err := os.Chmod(filepath.Join(dir, "d03/update.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "old/o05/notes.txt"), "not generated\n")
	return dir, after
}

// TestConcurrentWriteFailureAtEveryStep is TestFailureAtEveryStep with the changes made by
// several goroutines: whichever change fails, and whatever the others were doing then, the
// rollback leaves DIR as it was.
func TestConcurrentWriteFailureAtEveryStep(t *testing.T) {
	failedOps := map[string]bool{}
	for n := 1; ; n++ {
		if n > 1000 {
			t.Fatal("the write never completed")
		}
		dir, after := setUpWideScenario(t)
		before := snapshot(t, dir)
		f := &faultFS{fail: func(call int, _, _ string) bool { return call == n }, concurrent: true}
		_, err := output.Write(dir, after, f.options())
		if len(f.failed) == 0 {
			if err != nil {
				t.Fatalf("no failure injected, but Write failed: %v", err)
			}
			d, err := output.Diff(dir, after, output.Options{})
			if err != nil || d.Differs {
				t.Fatalf("after a successful write, Diff = %+v, %v", d, err)
			}
			snap := snapshot(t, dir)
			assertNoBookkeepingFiles(t, snap)
			if snap["d03/update.yaml"].mode.Perm() != 0o600 {
				t.Errorf("d03/update.yaml mode = %v, want 0600", snap["d03/update.yaml"].mode)
			}
			if _, ok := snap["old/o04"]; ok {
				t.Error("old/o04 was not pruned")
			}
			if _, ok := snap["old/o05/notes.txt"]; !ok {
				t.Error("old/o05/notes.txt was deleted")
			}
			t.Logf("made each of %d changes fail in turn", n-1)
			break
		}
		if !errors.Is(err, errInjected) {
			t.Fatalf("change %d (%s) failed, but Write returned %v", n, f.failed[0], err)
		}
		assertFailedCleanly(t, n, f, err, dir, before, after)
		failedOps[strings.Fields(f.failed[0])[0]] = true
	}
	assertEveryChangeKindFailed(t, failedOps)
}

// TestConcurrentWriteFailureInOneDirectory fails the first change in one directory, whichever
// goroutine makes it and whenever, while the others carry on with theirs.
func TestConcurrentWriteFailureInOneDirectory(t *testing.T) {
	for _, prefix := range []string{"d04/", "/n04", "old/o02/", ".irsagen-"} {
		dir, after := setUpWideScenario(t)
		before := snapshot(t, dir)
		f := &faultFS{concurrent: true}
		f.fail = func(_ int, _, name string) bool {
			in := strings.HasPrefix(name, prefix)
			if prefix[0] == '/' {
				in = strings.Contains(name, prefix)
			}
			return len(f.failed) == 0 && in
		}
		if _, err := output.Write(dir, after, f.options()); !errors.Is(err, errInjected) {
			t.Fatalf("%s: err = %v, want the injected failure", prefix, err)
		}
		snap := snapshot(t, dir)
		assertSameTree(t, before, snap)
		assertNoBookkeepingFiles(t, snap)
	}
}
