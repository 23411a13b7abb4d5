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
	"syscall"
	"testing"

	"github.com/irsagen/irsagen/generator/output"
)

var errInjected = errors.New("injected failure")

// errKilled stands for the end of a process: from the call that meets it on, nothing happens.
var errKilled = errors.New("killed")

// faultFS is the real FS with chosen changes failing. Reads never fail: they happen before the
// first write, where a failure cannot leave anything behind.
type faultFS struct {
	output.FS
	// fail decides whether the call-th change (counting from 1), op on name, fails.
	fail func(call int, op, name string) bool
	// err is the error a failing change returns, wrapped in a *fs.PathError; nil means
	// errInjected. With errKilled every later call fails too, reads included, as if the process
	// had ended at that change: not even the rollback happens.
	err error
	// concurrent lets output use f from several goroutines at once, as it uses OpenRoot's FS;
	// otherwise it makes the changes one at a time, in order.
	concurrent bool

	mu     sync.Mutex
	calls  int
	killed bool
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
	if f.killed {
		return &fs.PathError{Op: op, Path: name, Err: errKilled}
	}
	f.calls++
	if f.fail(f.calls, op, name) {
		f.failed = append(f.failed, op+" "+name)
		err := f.err
		if err == nil {
			err = errInjected
		}
		f.killed = err == errKilled
		return &fs.PathError{Op: op, Path: name, Err: err}
	}
	return nil
}

// read fails only once the process is killed.
func (f *faultFS) read(op, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.killed {
		return &fs.PathError{Op: op, Path: name, Err: errKilled}
	}
	return nil
}

func (f *faultFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := f.read("readdir", name); err != nil {
		return nil, err
	}
	return f.FS.ReadDir(name)
}

func (f *faultFS) WriteFile(name string, data []byte, perm fs.FileMode) error {
	if err := f.check("write", name); err != nil {
		if !errors.Is(err, errKilled) {
			// Fail as a full disk does: after creating the file and writing part of it.
			_ = f.FS.WriteFile(name, data[:len(data)/2], perm)
		}
		return err
	}
	return f.FS.WriteFile(name, data, perm)
}

func (f *faultFS) Sync(name string) error {
	if err := f.check("sync", name); err != nil {
		return err
	}
	return f.FS.Sync(name)
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

func (f *faultFS) Link(oldname, newname string) error {
	if err := f.check("link", oldname+" -> "+newname); err != nil {
		return err
	}
	return f.FS.Link(oldname, newname)
}

func (f *faultFS) Remove(name string) error {
	if err := f.check("remove", name); err != nil {
		return err
	}
	return f.FS.Remove(name)
}

func (f *faultFS) RemoveAll(name string) error {
	if err := f.check("removeall", name); err != nil {
		return err
	}
	return f.FS.RemoveAll(name)
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

// The errors of a full disk, a failing disk and a read-only filesystem.
var faults = []syscall.Errno{syscall.ENOSPC, syscall.EIO, syscall.EROFS}

// TestFailureAtEveryStep makes each change of a write fail in turn, with each of the errors a
// disk gives, and checks that the write says so and leaves DIR byte-identical, without staged or
// backup files; or, if the failure came after the new tree was complete, that it says so and
// the next write removes what is left.
func TestFailureAtEveryStep(t *testing.T) {
	for _, errno := range faults {
		t.Run(errno.Error(), func(t *testing.T) {
			failedOps := map[string]bool{}
			for n := 1; ; n++ {
				if n > 100 {
					t.Fatal("the write never completed")
				}
				dir := setUpScenario(t)
				before := snapshot(t, dir)
				f := &faultFS{fail: func(call int, _, _ string) bool { return call == n }, err: errno}

				_, err := output.Write(dir, scenarioAfter, f.options())
				if len(f.failed) == 0 {
					// n is past the last change: the write must have succeeded.
					if err != nil {
						t.Fatalf("no failure injected, but Write failed: %v", err)
					}
					assertWritten(t, dir, scenarioAfter)
					t.Logf("made each of %d changes fail in turn", n-1)
					break
				}
				if !errors.Is(err, errno) {
					t.Fatalf("change %d (%s) failed with %v, but Write returned %v", n, f.failed[0], errno, err)
				}
				assertFailedCleanly(t, n, f, err, dir, before, scenarioAfter)
				failedOps[strings.Fields(f.failed[0])[0]] = true
			}
			assertEveryChangeKindFailed(t, failedOps)
		})
	}
}

// assertWritten checks that DIR holds files, as Diff sees it, without irsagen's own files.
func assertWritten(t *testing.T, dir string, files []output.File) {
	t.Helper()
	d, err := output.Diff(dir, files, output.Options{})
	if err != nil || d.Differs {
		t.Fatalf("after a successful write, Diff = %+v, %v", d, err)
	}
	assertNoBookkeepingFiles(t, snapshot(t, dir))
}

// assertFailedCleanly checks what the n-th change failing did. Either the write was undone,
// said so, and DIR is as it was before, with nothing staged left behind; or the failure came
// once every file was in place, the write said that, diff reports what was left, and the next
// write removes it.
func assertFailedCleanly(t *testing.T, n int, f *faultFS, err error, dir string, before map[string]node, after []output.File) {
	t.Helper()
	if err == nil {
		t.Fatalf("change %d (%s) failed but Write succeeded", n, f.failed[0])
	}
	if strings.Contains(err.Error(), "every file was written") {
		d, derr := output.Diff(dir, after, output.Options{})
		if derr != nil || len(d.Added)+len(d.Changed)+len(d.Deleted) > 0 || len(d.Leftovers) == 0 {
			t.Fatalf("change %d (%s): after %q, Diff = %+v, %v; want only leftovers", n, f.failed[0], err, d, derr)
		}
		mustWrite(t, dir, after, output.Options{})
		assertWritten(t, dir, after)
		return
	}
	if !strings.Contains(err.Error(), "nothing was changed") || strings.Contains(err.Error(), "restore") {
		t.Errorf("change %d (%s): error %q does not report the failure and the rollback", n, f.failed[0], err)
	}
	after2 := snapshot(t, dir)
	assertSameTree(t, before, after2)
	assertNoBookkeepingFiles(t, after2)
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
	for _, op := range []string{"mkdir", "write", "sync", "chmod", "link", "rename", "remove", "removeall"} {
		if !failedOps[op] {
			t.Errorf("no %s was made to fail; the scenario does not cover it", op)
		}
	}
}

// TestKillAtEveryStep stops a write at each of its changes, as kill -9 would: neither that
// change nor any later one happens, not even the rollback. At every such point each path must
// hold its old file or its new one, never neither; the manifest must not be newer than the
// files; diff must report what the write left; and the next write must complete and remove it.
func TestKillAtEveryStep(t *testing.T) {
	oldData, newData := map[string]string{}, map[string]string{}
	for _, f := range scenarioBefore {
		oldData[f.Path] = string(f.Data)
	}
	for _, f := range scenarioAfter {
		newData[f.Path] = string(f.Data)
	}
	for n := 1; ; n++ {
		if n > 100 {
			t.Fatal("the write never completed")
		}
		dir := setUpScenario(t)
		oldManifest := readFile(t, filepath.Join(dir, output.ManifestName))
		f := &faultFS{fail: func(call int, _, _ string) bool { return call == n }, err: errKilled}
		_, err := output.Write(dir, scenarioAfter, f.options())
		if len(f.failed) == 0 {
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("stopped the write at each of its %d changes", n-1)
			break
		}
		if err == nil {
			t.Fatalf("killed at change %d (%s), yet Write succeeded", n, f.failed[0])
		}

		snap := snapshot(t, dir)
		newFiles := 0
		for _, p := range []string{"update.yaml", "same.yaml", "old/deep/gone.yaml", "new/dir/added.yaml"} {
			got, ok := snap[p]
			old, hadOld := oldData[p]
			nw, hasNew := newData[p]
			switch {
			case ok && hasNew && got.data == nw && (!hadOld || old != nw), !ok && !hasNew:
				newFiles++ // as the new tree has it
			case ok && hadOld && got.data == old, !ok && !hadOld:
				// as the old tree has it
			default:
				t.Errorf("killed at change %d (%s): %s is %+v (present %v), neither its old nor its new state",
					n, f.failed[0], p, got, ok)
			}
		}
		if m := snap[output.ManifestName].data; m != oldManifest && newFiles < 3 {
			t.Errorf("killed at change %d (%s): the new manifest is in place before every file", n, f.failed[0])
		}
		if snap["notes.txt"].data != "not generated\n" {
			t.Errorf("killed at change %d: notes.txt changed", n)
		}

		d, err := output.Diff(dir, scenarioAfter, output.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if left := bookkeeping(snap); len(left) > 0 && len(d.Leftovers) == 0 {
			t.Errorf("killed at change %d (%s): Diff does not report %v", n, f.failed[0], left)
		}
		if !d.Differs {
			t.Errorf("killed at change %d (%s): Diff finds nothing to do", n, f.failed[0])
		}
		mustWrite(t, dir, scenarioAfter, output.Options{})
		assertWritten(t, dir, scenarioAfter)
	}
}

// bookkeeping lists the names of irsagen's own files, other than the manifest, in a snapshot.
func bookkeeping(snap map[string]node) []string {
	var names []string
	for p := range snap {
		if base := filepath.Base(p); strings.HasPrefix(base, ".irsagen-") && base != output.ManifestName {
			names = append(names, p)
		}
	}
	slices.Sort(names)
	return names
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
		if strings.Contains(err.Error(), "every file was written") {
			continue // what is left is removed by the next write (TestFailureAtEveryStep)
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
	f := &faultFS{fail: func(_ int, op, name string) bool {
		return op == "rename" && strings.HasSuffix(name, "update.yaml") || op == "remove" || op == "rename" && strings.Contains(name, ".irsagen-manifest.json")
	}}
	_, err := output.Write(dir, scenarioAfter, f.options())
	if err == nil || !strings.Contains(err.Error(), "undoing the write failed too") || strings.Contains(err.Error(), "nothing was changed") {
		t.Errorf("err = %v, want a report that the rollback failed", err)
	}
}

// TestChangeOrder pins the order of the changes, which is what makes rollback possible: all new
// content is staged before the first visible change, each replaced or deleted file keeps a
// second name until the write is complete, the manifest moves into place last, and the staging
// directory goes once everything is in place.
func TestChangeOrder(t *testing.T) {
	dir := setUpScenario(t)
	var ops []string
	f := &faultFS{fail: func(_ int, op, name string) bool {
		ops = append(ops, op+" "+name)
		return false
	}}
	mustWrite(t, dir, scenarioAfter, f.options())

	var got []string
	random := regexp.MustCompile(`\.irsagen-tmp-[A-Z2-7]+`)
	for _, op := range ops {
		got = append(got, random.ReplaceAllString(op, "T"))
	}
	want := []string{
		"mkdir T",
		"mkdir new",
		"mkdir new/dir",
		"write T/new-0",
		"write T/new-2",
		"sync T/new-2",
		"chmod T/new-2",
		"write T/new-3",
		"sync T/new-3",
		"chmod T/new-3",
		"rename T/new-0 -> new/dir/added.yaml",
		"link old/deep/gone.yaml -> T/old-1",
		"remove old/deep/gone.yaml",
		"link update.yaml -> T/old-2",
		"rename T/new-2 -> update.yaml",
		"remove old/deep",
		"remove old",
		"link .irsagen-manifest.json -> T/old-3",
		"rename T/new-3 -> .irsagen-manifest.json",
		"removeall T",
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestNoHardLinks checks a filesystem that refuses hard links, as some network and FAT
// filesystems do: the files replaced or deleted are kept as copies instead, the write succeeds,
// and a failure after them is still undone.
func TestNoHardLinks(t *testing.T) {
	noLinks := func(f *faultFS) output.Options {
		opts := f.options()
		open := opts.OpenFS
		opts.OpenFS = func(dir string) (output.FS, error) {
			fsys, err := open(dir)
			return linklessFS{fsys}, err
		}
		return opts
	}
	dir := setUpScenario(t)
	mustWrite(t, dir, scenarioAfter, noLinks(&faultFS{fail: func(int, string, string) bool { return false }}))
	assertWritten(t, dir, scenarioAfter)
	if m := snapshot(t, dir)["update.yaml"].mode.Perm(); m != 0o600 {
		t.Errorf("update.yaml mode = %v, want 0600 kept", m)
	}

	dir = setUpScenario(t)
	before := snapshot(t, dir)
	f := &faultFS{fail: func(_ int, op, name string) bool {
		return op == "rename" && strings.HasSuffix(name, output.ManifestName)
	}}
	_, err := output.Write(dir, scenarioAfter, noLinks(f))
	assertRolledBack(t, 0, f, err, dir, before)
}

// linklessFS refuses hard links as a filesystem without them does.
type linklessFS struct{ output.FS }

func (linklessFS) Link(oldname, newname string) error {
	return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: syscall.EPERM}
}
