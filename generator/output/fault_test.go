package output_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/irsagen/irsagen/generator/output"
)

var errInjected = errors.New("injected failure")

// faultFS is the real FS with chosen changes failing. Reads never fail: they happen before the
// first write, where a failure cannot leave anything behind.
type faultFS struct {
	output.FS
	// fail decides whether the call-th change (counting from 1), op on name, fails.
	fail func(call int, op, name string) bool
	// concurrent lets output use f from several goroutines at once, as it uses OpenRoot's FS;
	// otherwise it makes the changes one at a time, in order.
	concurrent bool

	mu     sync.Mutex
	calls  int
	failed []string // the changes that failed, as "op name"
}

// options returns Options that open DIR through f.
func (f *faultFS) options() output.Options {
	return output.Options{OpenFS: func(dir string) (output.FS, error) {
		inner, err := output.OpenRoot(dir)
		if err != nil {
			return nil, err
		}
		f.FS = inner
		if f.concurrent {
			return output.Concurrent(f), nil
		}
		return f, nil
	}}
}

func (f *faultFS) check(op, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail(f.calls, op, name) {
		f.failed = append(f.failed, op+" "+name)
		return &fs.PathError{Op: op, Path: name, Err: errInjected}
	}
	return nil
}

func (f *faultFS) WriteFile(name string, data []byte, perm fs.FileMode) error {
	if err := f.check("write", name); err != nil {
		// Fail as a full disk does: after creating the file and writing part of it.
		_ = f.FS.WriteFile(name, data[:len(data)/2], perm)
		return err
	}
	return f.FS.WriteFile(name, data, perm)
}

func (f *faultFS) Mkdir(name string, perm fs.FileMode) error {
	if err := f.check("mkdir", name); err != nil {
		return err
	}
	return f.FS.Mkdir(name, perm)
}

func (f *faultFS) Chmod(name string, mode fs.FileMode) error {
	if err := f.check("chmod", name); err != nil {
		return err
	}
	return f.FS.Chmod(name, mode)
}

func (f *faultFS) Rename(oldname, newname string) error {
	if err := f.check("rename", oldname+" -> "+newname); err != nil {
		return err
	}
	return f.FS.Rename(oldname, newname)
}

func (f *faultFS) Remove(name string) error {
	if err := f.check("remove", name); err != nil {
		return err
	}
	return f.FS.Remove(name)
}

// The scenario changes every kind of thing a write can change: it creates directories and a file,
// updates a file whose permissions must be kept, deletes a file whose directories then go, keeps
// a file, and rewrites the manifest.
var (
	scenarioBefore = tree(
		"update.yaml", "version: 1\n",
		"same.yaml", "same\n",
		"old/deep/gone.yaml", "gone\n",
	)
	scenarioAfter = tree(
		"update.yaml", "version: 2\n",
		"same.yaml", "same\n",
		"new/dir/added.yaml", "added\n",
	)
)

func setUpScenario(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mustWrite(t, dir, scenarioBefore, output.Options{})
	if err := os.Chmod(filepath.Join(dir, "update.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "notes.txt"), "not generated\n")
	return dir
}

// TestFailureAtEveryStep makes each change of a write fail in turn, and checks that the rollback
// leaves DIR byte-identical, without temporary or backup files.
func TestFailureAtEveryStep(t *testing.T) {
	t.Run("new directories staged whole", func(t *testing.T) { testFailureAtEveryStep(t) })
	t.Run("new files staged one by one, as on Windows", func(t *testing.T) {
		output.StageNewDirs(t, false)
		testFailureAtEveryStep(t)
	})
}

func testFailureAtEveryStep(t *testing.T) {
	failedOps := map[string]bool{}
	for n := 1; ; n++ {
		if n > 100 {
			t.Fatal("the write never completed")
		}
		dir := setUpScenario(t)
		before := snapshot(t, dir)
		f := &faultFS{fail: func(call int, _, _ string) bool { return call == n }}

		_, err := output.Write(dir, scenarioAfter, f.options())
		if len(f.failed) == 0 {
			// n is past the last change: the write must have succeeded.
			if err != nil {
				t.Fatalf("no failure injected, but Write failed: %v", err)
			}
			d, err := output.Diff(dir, scenarioAfter, output.Options{})
			if err != nil || d.Differs {
				t.Fatalf("after a successful write, Diff = %+v, %v", d, err)
			}
			assertNoBookkeepingFiles(t, snapshot(t, dir))
			t.Logf("made each of %d changes fail in turn", n-1)
			break
		}
		assertRolledBack(t, n, f, err, dir, before)
		failedOps[strings.Fields(f.failed[0])[0]] = true
	}
	assertEveryChangeKindFailed(t, failedOps)
}

// assertRolledBack checks that the n-th change failing made Write fail, say so, and leave DIR
// as it was before, with no staged or backup file behind.
func assertRolledBack(t *testing.T, n int, f *faultFS, err error, dir string, before map[string]node) {
	t.Helper()
	if err == nil {
		t.Fatalf("change %d (%s) failed but Write succeeded", n, f.failed[0])
	}
	if !errors.Is(err, errInjected) || !strings.Contains(err.Error(), "nothing was changed") {
		t.Errorf("change %d (%s): error %q does not report the failure and the rollback", n, f.failed[0], err)
	}
	after := snapshot(t, dir)
	assertSameTree(t, before, after)
	assertNoBookkeepingFiles(t, after)
}

// assertEveryChangeKindFailed checks that a scenario made each kind of change fail at least once.
func assertEveryChangeKindFailed(t *testing.T, failedOps map[string]bool) {
	t.Helper()
	for _, op := range []string{"mkdir", "write", "chmod", "rename", "remove"} {
		if !failedOps[op] {
			t.Errorf("no %s was made to fail; the scenario does not cover it", op)
		}
	}
}

// TestFailureInNewOutputDirectory checks that a failed first write removes the directory it
// created.
func TestFailureInNewOutputDirectory(t *testing.T) {
	for n := 1; ; n++ {
		parent := t.TempDir()
		dir := filepath.Join(parent, "out", "irsa")
		f := &faultFS{fail: func(call int, _, _ string) bool { return call == n }}
		_, err := output.Write(dir, scenarioAfter, f.options())
		if len(f.failed) == 0 {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
		if err == nil {
			t.Fatalf("change %d failed but Write succeeded", n)
		}
		if entries, _ := os.ReadDir(parent); len(entries) != 0 {
			t.Fatalf("change %d (%s): left %v behind", n, f.failed[0], snapshot(t, parent))
		}
	}
}

// TestUnwritableSubdirectory stands in for a directory without write permission, which a test
// running as root cannot create with chmod.
func TestUnwritableSubdirectory(t *testing.T) {
	dir := setUpScenario(t)
	before := snapshot(t, dir)
	f := &faultFS{fail: func(_ int, _, name string) bool { return strings.HasPrefix(name, "old/") }}
	_, err := output.Write(dir, scenarioAfter, f.options())
	if !errors.Is(err, errInjected) {
		t.Fatalf("err = %v, want the injected failure", err)
	}
	assertSameTree(t, before, snapshot(t, dir))
}

// TestFailedRollbackIsReported checks the one case where DIR cannot be restored: the undo fails
// too. The error must say so rather than claim nothing changed.
func TestFailedRollbackIsReported(t *testing.T) {
	dir := setUpScenario(t)
	f := &faultFS{fail: func(_ int, op, _ string) bool { return op == "rename" || op == "remove" }}
	_, err := output.Write(dir, scenarioAfter, f.options())
	if err == nil || !strings.Contains(err.Error(), "restore it from git") || strings.Contains(err.Error(), "nothing was changed") {
		t.Errorf("err = %v, want a report that the rollback failed", err)
	}
}

// TestChangeOrder pins the order of the changes, which is what makes rollback possible: all new
// content is staged before the first visible change, the manifest moves into place last, and old
// content is removed only once everything is in place.
func TestChangeOrder(t *testing.T) {
	dir := setUpScenario(t)
	var ops []string
	f := &faultFS{fail: func(_ int, op, name string) bool {
		ops = append(ops, op+" "+name)
		return false
	}}
	mustWrite(t, dir, scenarioAfter, f.options())

	var got []string
	random := regexp.MustCompile(`(\.irsagen-(tmp|bak)-)[A-Z2-7]+`)
	for _, op := range ops {
		// Temporary and backup names are random; keep their kind.
		got = append(got, random.ReplaceAllString(op, "${1}*"))
	}
	want := []string{
		"mkdir .irsagen-tmp-*",
		"mkdir .irsagen-tmp-*/dir",
		"write .irsagen-tmp-*/dir/added.yaml",
		"write .irsagen-tmp-*",
		"chmod .irsagen-tmp-*",
		"write .irsagen-tmp-*",
		"chmod .irsagen-tmp-*",
		"rename .irsagen-tmp-* -> new",
		"rename old/deep/gone.yaml -> old/deep/.irsagen-bak-*",
		"rename update.yaml -> .irsagen-bak-*",
		"rename .irsagen-tmp-* -> update.yaml",
		"rename .irsagen-manifest.json -> .irsagen-bak-*",
		"rename .irsagen-tmp-* -> .irsagen-manifest.json",
		"remove old/deep/.irsagen-bak-*",
		"remove .irsagen-bak-*",
		"remove .irsagen-bak-*",
		"remove old/deep",
		"remove old",
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
