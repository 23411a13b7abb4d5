package output_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/irsagen/irsagen/generator/output"
)

func sha(s string) string { return fmt.Sprintf("sha256:%x", sha256.Sum256([]byte(s))) }

func TestFirstWriteCreatesFilesAndManifest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "nested") // created on demand, parents too
	files := tree(
		"kubernetes/clusters/prod/kustomization.yaml", "kind: Kustomization\n",
		"cloudformation/stacks.json", "[]\n",
	)
	c := mustWrite(t, dir, files, output.Options{})

	want := output.Changes{
		Created:         []string{"cloudformation/stacks.json", "kubernetes/clusters/prod/kustomization.yaml"},
		ManifestChanged: true,
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("changes = %+v, want %+v", c, want)
	}
	for _, f := range files {
		if got := readFile(t, filepath.Join(dir, f.Path)); got != string(f.Data) {
			t.Errorf("%s = %q, want %q", f.Path, got, f.Data)
		}
	}
	wantManifest := `{
  "version": 1,
  "files": {
    "cloudformation/stacks.json": "` + sha("[]\n") + `",
    "kubernetes/clusters/prod/kustomization.yaml": "` + sha("kind: Kustomization\n") + `"
  }
}
`
	if got := readFile(t, filepath.Join(dir, output.ManifestName)); got != wantManifest {
		t.Errorf("manifest =\n%s\nwant\n%s", got, wantManifest)
	}
	assertNoBookkeepingFiles(t, snapshot(t, dir))
}

func TestManifestDoesNotDependOnInputOrder(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	mustWrite(t, a, tree("x/1", "1", "y", "2", "a/b/c", "3"), output.Options{})
	mustWrite(t, b, tree("a/b/c", "3", "y", "2", "x/1", "1"), output.Options{})
	if readFile(t, filepath.Join(a, output.ManifestName)) != readFile(t, filepath.Join(b, output.ManifestName)) {
		t.Error("manifest depends on the order of the files")
	}
}

func TestIdenticalWriteTouchesNothing(t *testing.T) {
	dir := t.TempDir()
	files := tree("a/one.yaml", "one\n", "two.yaml", "two\n")
	mustWrite(t, dir, files, output.Options{})

	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	for _, p := range []string{"a/one.yaml", "two.yaml", output.ManifestName, "a", "."} {
		if err := os.Chtimes(filepath.Join(dir, p), old, old); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, dir)

	c := mustWrite(t, dir, files, output.Options{})
	if !c.Empty() || !equalStrings(c.Unchanged, []string{"a/one.yaml", "two.yaml"}) {
		t.Errorf("changes = %+v, want only unchanged files", c)
	}
	assertSameTree(t, before, snapshot(t, dir))
	for _, p := range []string{"a/one.yaml", "two.yaml", output.ManifestName, "a", "."} {
		info, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if !info.ModTime().Equal(old) {
			t.Errorf("%s: mtime changed to %v", p, info.ModTime())
		}
	}
}

func TestUpdateRewritesOnlyChangedFiles(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, dir, tree("keep.yaml", "same\n", "change.yaml", "v1\n"), output.Options{})
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(dir, "keep.yaml"), old, old); err != nil {
		t.Fatal(err)
	}
	// A permission the user chose survives a rewrite.
	if err := os.Chmod(filepath.Join(dir, "change.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}

	c := mustWrite(t, dir, tree("keep.yaml", "same\n", "change.yaml", "v2\n"), output.Options{})
	want := output.Changes{Updated: []string{"change.yaml"}, Unchanged: []string{"keep.yaml"}, ManifestChanged: true}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("changes = %+v, want %+v", c, want)
	}
	if got := readFile(t, filepath.Join(dir, "change.yaml")); got != "v2\n" {
		t.Errorf("change.yaml = %q", got)
	}
	if !strings.Contains(readFile(t, filepath.Join(dir, output.ManifestName)), sha("v2\n")) {
		t.Error("manifest does not record the new hash")
	}
	info, _ := os.Stat(filepath.Join(dir, "change.yaml"))
	if info.Mode().Perm() != 0o600 {
		t.Errorf("change.yaml mode = %v, want 0600", info.Mode().Perm())
	}
	info, _ = os.Stat(filepath.Join(dir, "keep.yaml"))
	if !info.ModTime().Equal(old) {
		t.Error("keep.yaml was rewritten")
	}
	assertNoBookkeepingFiles(t, snapshot(t, dir))
}

func TestRemovedFileIsDeletedWithItsEmptyDirectories(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, dir, tree(
		"kubernetes/clusters/old/sa.yaml", "old\n",
		"kubernetes/clusters/old/deep/x.yaml", "x\n",
		"kubernetes/clusters/shared/a.yaml", "a\n",
		"kubernetes/clusters/shared/b.yaml", "b\n",
	), output.Options{})

	c := mustWrite(t, dir, tree("kubernetes/clusters/shared/a.yaml", "a\n"), output.Options{})
	wantDeleted := []string{"kubernetes/clusters/old/deep/x.yaml", "kubernetes/clusters/old/sa.yaml", "kubernetes/clusters/shared/b.yaml"}
	if !equalStrings(c.Deleted, wantDeleted) {
		t.Errorf("deleted = %v, want %v", c.Deleted, wantDeleted)
	}
	snap := snapshot(t, dir)
	for _, gone := range []string{"kubernetes/clusters/old", "kubernetes/clusters/old/deep", "kubernetes/clusters/shared/b.yaml"} {
		if _, ok := snap[gone]; ok {
			t.Errorf("%s still exists", gone)
		}
	}
	if _, ok := snap["kubernetes/clusters/shared/a.yaml"]; !ok {
		t.Error("kept file was deleted")
	}

	// Deleting the last file removes every directory up to DIR, but not DIR.
	mustWrite(t, dir, nil, output.Options{})
	snap = snapshot(t, dir)
	wantSnap := []string{".", output.ManifestName}
	if len(snap) != len(wantSnap) {
		t.Errorf("after removing everything: %v", snap)
	}
}

func TestFilesIrsagenDidNotWriteAreNeverTouched(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "README.md"), "mine\n")
	mustWrite(t, dir, tree("k/gen.yaml", "gen\n"), output.Options{})
	writeFile(t, filepath.Join(dir, "k/notes.txt"), "mine too\n")

	// Pruning stops at a directory that still holds a user's file.
	mustWrite(t, dir, nil, output.Options{})
	if readFile(t, filepath.Join(dir, "README.md")) != "mine\n" || readFile(t, filepath.Join(dir, "k/notes.txt")) != "mine too\n" {
		t.Error("user files changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "k/gen.yaml")); !os.IsNotExist(err) {
		t.Error("generated file not deleted")
	}

	// A user's file where a generated file goes is a conflict, with or without Force.
	for _, force := range []bool{false, true} {
		before := snapshot(t, dir)
		c, err := output.Write(dir, tree("README.md", "generated\n", "new.yaml", "new\n"), output.Options{Force: force})
		var ce *output.ConflictError
		if !errors.As(err, &ce) {
			t.Fatalf("force=%v: err = %v, want a ConflictError", force, err)
		}
		want := []output.Conflict{{Path: "README.md", Kind: output.NotOwned}}
		if !reflect.DeepEqual(c.Conflicts, want) || !reflect.DeepEqual(ce.Conflicts, want) {
			t.Errorf("force=%v: conflicts = %v, want %v", force, c.Conflicts, want)
		}
		if !strings.Contains(err.Error(), "README.md: not written by irsagen") {
			t.Errorf("error does not name the file: %v", err)
		}
		assertSameTree(t, before, snapshot(t, dir))
	}
}

func TestIdenticalUnownedFileIsAdopted(t *testing.T) {
	// A tree whose manifest was lost comes back without conflicts when nothing else changed.
	dir := t.TempDir()
	files := tree("a.yaml", "a\n")
	mustWrite(t, dir, files, output.Options{})
	manifest := readFile(t, filepath.Join(dir, output.ManifestName))
	if err := os.Remove(filepath.Join(dir, output.ManifestName)); err != nil {
		t.Fatal(err)
	}
	c := mustWrite(t, dir, files, output.Options{})
	if !equalStrings(c.Unchanged, []string{"a.yaml"}) || !c.ManifestChanged {
		t.Errorf("changes = %+v", c)
	}
	if readFile(t, filepath.Join(dir, output.ManifestName)) != manifest {
		t.Error("manifest not restored")
	}
}

func TestHandEditedFileIsReportedAndForceOverwrites(t *testing.T) {
	dir := t.TempDir()
	files := tree("role.yaml", "generated\n", "other.yaml", "v1\n")
	mustWrite(t, dir, files, output.Options{})
	writeFile(t, filepath.Join(dir, "role.yaml"), "edited\n")
	before := snapshot(t, dir)

	next := tree("role.yaml", "generated\n", "other.yaml", "v2\n")
	c, err := output.Write(dir, next, output.Options{})
	var ce *output.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a ConflictError", err)
	}
	if want := []output.Conflict{{Path: "role.yaml", Kind: output.EditedByHand}}; !reflect.DeepEqual(c.Conflicts, want) {
		t.Errorf("conflicts = %v, want %v", c.Conflicts, want)
	}
	if !strings.Contains(err.Error(), "--force") {
		t.Errorf("error does not say what to do: %v", err)
	}
	// Nothing at all is written, not even the file without a conflict.
	assertSameTree(t, before, snapshot(t, dir))

	c = mustWrite(t, dir, next, output.Options{Force: true})
	if !equalStrings(c.Updated, []string{"other.yaml", "role.yaml"}) || !equalStrings(c.Forced, []string{"role.yaml"}) {
		t.Errorf("changes = %+v", c)
	}
	if got := readFile(t, filepath.Join(dir, "role.yaml")); got != "generated\n" {
		t.Errorf("role.yaml = %q", got)
	}
}

func TestHandEditToTheNewContentIsNotAConflict(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, dir, tree("a", "v1\n"), output.Options{})
	writeFile(t, filepath.Join(dir, "a"), "v2\n")
	c := mustWrite(t, dir, tree("a", "v2\n"), output.Options{})
	if !equalStrings(c.Unchanged, []string{"a"}) || !c.ManifestChanged {
		t.Errorf("changes = %+v", c)
	}
}

func TestHandEditedFileNoLongerGenerated(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, dir, tree("gone/old.yaml", "generated\n", "keep", "k\n"), output.Options{})
	writeFile(t, filepath.Join(dir, "gone/old.yaml"), "edited\n")
	before := snapshot(t, dir)

	c, err := output.Write(dir, tree("keep", "k\n"), output.Options{})
	if want := []output.Conflict{{Path: "gone/old.yaml", Kind: output.EditedNotGenerated}}; err == nil || !reflect.DeepEqual(c.Conflicts, want) {
		t.Fatalf("conflicts = %v, err = %v; want %v", c.Conflicts, err, want)
	}
	assertSameTree(t, before, snapshot(t, dir))

	c = mustWrite(t, dir, tree("keep", "k\n"), output.Options{Force: true})
	if !equalStrings(c.Deleted, []string{"gone/old.yaml"}) || !equalStrings(c.Forced, []string{"gone/old.yaml"}) {
		t.Errorf("changes = %+v", c)
	}
	if _, err := os.Stat(filepath.Join(dir, "gone")); !os.IsNotExist(err) {
		t.Error("emptied directory not removed")
	}
}

func TestOwnedFileDeletedByHandIsRecreated(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, dir, tree("a/b.yaml", "b\n"), output.Options{})
	if err := os.RemoveAll(filepath.Join(dir, "a")); err != nil {
		t.Fatal(err)
	}
	c := mustWrite(t, dir, tree("a/b.yaml", "b\n"), output.Options{})
	if !equalStrings(c.Created, []string{"a/b.yaml"}) || c.ManifestChanged {
		t.Errorf("changes = %+v", c)
	}
}

func TestDirectoryInTheWayIsAConflict(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.yaml/inside"), "x")
	writeFile(t, filepath.Join(dir, "file"), "x")
	before := snapshot(t, dir)
	c, err := output.Write(dir, tree("a.yaml", "a\n", "file/child", "c\n"), output.Options{Force: true})
	want := []output.Conflict{{Path: "a.yaml", Kind: output.Obstructed}, {Path: "file/child", Kind: output.Obstructed}}
	if err == nil || !reflect.DeepEqual(c.Conflicts, want) {
		t.Fatalf("conflicts = %v, err = %v; want %v", c.Conflicts, err, want)
	}
	assertSameTree(t, before, snapshot(t, dir))
}

func TestInvalidPathsAreRejected(t *testing.T) {
	for _, files := range [][]output.File{
		tree("/etc/passwd", ""),
		tree("../escape", ""),
		tree("a/../../escape", ""),
		tree("a//b", ""),
		tree("./a", ""),
		tree("a/", ""),
		tree("", ""),
		tree(".", ""),
		tree(`a\b`, ""),
		tree(output.ManifestName, ""),
		tree("a/.irsagen-tmp-x", ""),
		tree("a", "1", "a", "2"),
		tree("a", "1", "a/b", "2"),
	} {
		dir := t.TempDir()
		if _, err := output.Write(dir, files, output.Options{}); err == nil {
			t.Errorf("Write(%q): no error", files[0].Path)
		}
		if _, err := output.Diff(dir, files, output.Options{}); err == nil {
			t.Errorf("Diff(%q): no error", files[0].Path)
		}
		if snap := snapshot(t, dir); len(snap) != 1 {
			t.Errorf("Write(%q) wrote %v", files[0].Path, snap)
		}
	}
}

func TestInvalidManifestIsAnError(t *testing.T) {
	for _, manifest := range []string{
		"not json",
		`{"version": 2, "files": {}}`,
		`{"version": 1, "files": {"../x": "` + sha("") + `"}}`,
		`{"version": 1, "files": {"x": "md5:00"}}`,
		`{"version": 1, "files": {}, "extra": true}`,
	} {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, output.ManifestName), manifest)
		before := snapshot(t, dir)
		_, err := output.Write(dir, tree("x", "x\n"), output.Options{Force: true})
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, output.ManifestName)) {
			t.Errorf("manifest %q: err = %v, want an error naming the manifest", manifest, err)
		}
		assertSameTree(t, before, snapshot(t, dir))
	}
}

func TestOutputPathThatIsAFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	writeFile(t, dir, "x")
	if _, err := output.Write(dir, tree("a", "a"), output.Options{}); err == nil {
		t.Error("no error")
	}
}

func TestUnwritableDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions; TestFailureAtEveryStep covers failing writes")
	}
	dir := t.TempDir()
	mustWrite(t, dir, tree("ro/a.yaml", "1\n", "rw/b.yaml", "1\n"), output.Options{})
	if err := os.Chmod(filepath.Join(dir, "ro"), 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "ro"), 0o755) })
	before := snapshot(t, dir)
	if _, err := output.Write(dir, tree("ro/a.yaml", "2\n", "rw/b.yaml", "2\n"), output.Options{}); err == nil {
		t.Fatal("no error")
	}
	assertSameTree(t, before, snapshot(t, dir))
}

// TestLeftoversAreReportedThenRemoved checks that what interrupted writes left, a staging
// directory in DIR or temporary and backup files beside the files (as irsagen wrote them before
// it staged in one directory), is reported by Diff and removed by the next write, even one that
// has nothing else to do.
func TestLeftoversAreReportedThenRemoved(t *testing.T) {
	dir := t.TempDir()
	files := []output.File{{Path: "kubernetes/a.yaml", Data: []byte("a\n")}}
	mustWrite(t, dir, files, output.Options{})
	left := []string{".irsagen-tmp-OLDDIR/new-0", ".irsagen-tmp-OLDFILE", ".irsagen-bak-OLD", "kubernetes/.irsagen-tmp-X"}
	for _, p := range left {
		writeFile(t, filepath.Join(dir, p), "stale\n")
	}
	writeFile(t, filepath.Join(dir, "elsewhere/.irsagen-tmp-KEPT"), "not where irsagen writes\n")

	d, err := output.Diff(dir, files, output.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".irsagen-bak-OLD", ".irsagen-tmp-OLDDIR", ".irsagen-tmp-OLDFILE", "kubernetes/.irsagen-tmp-X"}
	if !d.Differs || !slices.Equal(d.Leftovers, want) || d.Text != "" {
		t.Errorf("Diff = %+v, want leftovers %v and no file differences", d, want)
	}

	c := mustWrite(t, dir, files, output.Options{})
	if !slices.Equal(c.Leftovers, want) || len(c.Created)+len(c.Updated)+len(c.Deleted) > 0 {
		t.Errorf("changes = %+v, want only the leftovers removed", c)
	}
	snap := snapshot(t, dir)
	for _, gone := range want {
		if _, ok := snap[gone]; ok {
			t.Errorf("%s is still there", gone)
		}
	}
	for _, kept := range []string{"elsewhere/.irsagen-tmp-KEPT", "kubernetes/a.yaml"} {
		if _, ok := snap[kept]; !ok {
			t.Errorf("%s was removed", kept)
		}
	}
	if d, err := output.Diff(dir, files, output.Options{}); err != nil || d.Differs {
		t.Errorf("after the write, Diff = %+v, %v", d, err)
	}
}
