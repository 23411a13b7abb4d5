package output_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/output"
)

// prefetched starts reading dir and waits until the reading is over, as it is when the tree
// takes longer to render than DIR to read.
func prefetched(dir string) *output.Prefetched {
	p := output.Prefetch(dir, output.Options{})
	output.WaitPrefetched(p)
	return p
}

// TestPrefetchedDiffIsTheSame compares Diff with and without a prefetch on trees that differ in
// every way a tree can.
func TestPrefetchedDiffIsTheSame(t *testing.T) {
	before := tree(
		"a.yaml", "one\ntwo\nthree\n",
		"same/b.yaml", "b\n",
		"gone/deep/c.yaml", "bye\n",
		"edited.yaml", "generated\n",
	)
	after := tree(
		"a.yaml", "one\n2\nthree\n",
		"same/b.yaml", "b\n",
		"new/dir/d.yaml", "hello\n",
		"edited.yaml", "generated\n",
	)
	for name, setUp := range map[string]func(t *testing.T, dir string){
		"up to date": func(t *testing.T, dir string) { mustWrite(t, dir, after, output.Options{}) },
		"stale": func(t *testing.T, dir string) {
			mustWrite(t, dir, before, output.Options{})
			writeFile(t, filepath.Join(dir, "edited.yaml"), "edited by hand\n")
			writeFile(t, filepath.Join(dir, "notes.txt"), "not generated\n")
		},
		"no manifest": func(t *testing.T, dir string) {
			mustWrite(t, dir, before, output.Options{})
			if err := os.Remove(filepath.Join(dir, output.ManifestName)); err != nil {
				t.Fatal(err)
			}
		},
		"empty":   func(t *testing.T, dir string) {},
		"missing": func(t *testing.T, dir string) { os.Remove(dir) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			setUp(t, dir)
			snap := snapshot(t, dir)
			want, err := output.Diff(dir, after, output.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := output.Diff(dir, after, output.Options{Prefetched: prefetched(dir)})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("prefetched diff =\n%+v\nwant\n%+v", got, want)
			}
			assertSameTree(t, snap, snapshot(t, dir))
		})
	}
}

func TestPrefetchedWriteIsTheSame(t *testing.T) {
	dir, plain := t.TempDir(), t.TempDir()
	for _, files := range [][]output.File{
		scenarioBefore,
		scenarioAfter,
		scenarioAfter, // up to date: nothing written
		nil,
	} {
		got, err := output.Write(dir, files, output.Options{Prefetched: prefetched(dir)})
		if err != nil {
			t.Fatal(err)
		}
		want := mustWrite(t, plain, files, output.Options{})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("prefetched write = %+v, want %+v", got, want)
		}
		assertSameTree(t, snapshot(t, plain), snapshot(t, dir))
	}
}

// TestPrefetchThenEditBeforeWrite edits a file after DIR was prefetched: the plan, decided from
// the prefetch, would overwrite it, and Apply's own reading must stop that.
func TestPrefetchThenEditBeforeWrite(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, dir, tree("a.yaml", "v1\n", "b.yaml", "b\n"), output.Options{})
	p := prefetched(dir)
	writeFile(t, filepath.Join(dir, "a.yaml"), "edited meanwhile\n")
	before := snapshot(t, dir)

	_, err := output.Write(dir, tree("a.yaml", "v2\n", "b.yaml", "b2\n"), output.Options{Prefetched: p})
	if err == nil || !strings.Contains(err.Error(), "changed since") {
		t.Fatalf("err = %v, want a changed-since error", err)
	}
	assertSameTree(t, before, snapshot(t, dir))

	// Read again, the edit is what it is: a conflict.
	c, err := output.Write(dir, tree("a.yaml", "v2\n", "b.yaml", "b2\n"), output.Options{Prefetched: prefetched(dir)})
	if want := []output.Conflict{{Path: "a.yaml", Kind: output.EditedByHand}}; !reflect.DeepEqual(c.Conflicts, want) {
		t.Errorf("conflicts = %v, err = %v; want %v", c.Conflicts, err, want)
	}
	assertSameTree(t, before, snapshot(t, dir))
}

// TestPrefetchThenNewFileBeforeWrite puts a file of the user's where a generated file goes, in a
// directory that did not exist when DIR was prefetched. The manifest does not list it, so it is
// read once the generated files are known, and found.
func TestPrefetchThenNewFileBeforeWrite(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, dir, tree("a.yaml", "a\n"), output.Options{})
	p := prefetched(dir)
	writeFile(t, filepath.Join(dir, "new", "b.yaml"), "mine\n")
	before := snapshot(t, dir)
	c, err := output.Write(dir, tree("a.yaml", "a\n", "new/b.yaml", "generated\n"), output.Options{Force: true, Prefetched: p})
	if want := []output.Conflict{{Path: "new/b.yaml", Kind: output.NotOwned}}; err == nil || !reflect.DeepEqual(c.Conflicts, want) {
		t.Errorf("conflicts = %v, err = %v; want %v", c.Conflicts, err, want)
	}
	assertSameTree(t, before, snapshot(t, dir))
}

func TestPrefetchOfMissingDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	files := tree("a/b.yaml", "b\n")

	d, err := output.Diff(dir, files, output.Options{Prefetched: prefetched(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.Added, []string{output.ManifestName, "a/b.yaml"}) {
		t.Errorf("diff = %+v", d)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Error("Prefetch or Diff created the output directory")
	}

	c := mustWrite(t, dir, files, output.Options{Prefetched: prefetched(dir)})
	if !equalStrings(c.Created, []string{"a/b.yaml"}) {
		t.Errorf("changes = %+v", c)
	}
	if got := readFile(t, filepath.Join(dir, "a/b.yaml")); got != "b\n" {
		t.Errorf("a/b.yaml = %q", got)
	}
}

// TestPrefetchOfMissingDirectoryThenCreated creates DIR, with a file of the user's where a
// generated file goes, after the prefetch found no DIR: the file is found all the same.
func TestPrefetchOfMissingDirectoryThenCreated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	p := prefetched(dir)
	writeFile(t, filepath.Join(dir, "a.yaml"), "mine\n")
	before := snapshot(t, dir)
	c, err := output.Write(dir, tree("a.yaml", "generated\n"), output.Options{Prefetched: p})
	if want := []output.Conflict{{Path: "a.yaml", Kind: output.NotOwned}}; err == nil || !reflect.DeepEqual(c.Conflicts, want) {
		t.Errorf("conflicts = %v, err = %v; want %v", c.Conflicts, err, want)
	}
	assertSameTree(t, before, snapshot(t, dir))
}

func TestPrefetchedHandEditIsReported(t *testing.T) {
	dir := t.TempDir()
	files := tree("role.yaml", "generated\n", "gone.yaml", "old\n")
	mustWrite(t, dir, files, output.Options{})
	writeFile(t, filepath.Join(dir, "role.yaml"), "edited\n")
	writeFile(t, filepath.Join(dir, "gone.yaml"), "edited too\n")
	before := snapshot(t, dir)
	next := tree("role.yaml", "generated v2\n")

	d, err := output.Diff(dir, next, output.Options{Prefetched: prefetched(dir)})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-edited\n+generated v2\n", "--- a/gone.yaml\n+++ /dev/null\n@@ -1 +0,0 @@\n-edited too\n"} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("diff does not show the hand edit %q:\n%s", want, d.Text)
		}
	}

	c, err := output.Write(dir, next, output.Options{Prefetched: prefetched(dir)})
	var ce *output.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a ConflictError", err)
	}
	want := []output.Conflict{{Path: "gone.yaml", Kind: output.EditedNotGenerated}, {Path: "role.yaml", Kind: output.EditedByHand}}
	if !reflect.DeepEqual(c.Conflicts, want) {
		t.Errorf("conflicts = %v, want %v", c.Conflicts, want)
	}
	assertSameTree(t, before, snapshot(t, dir))

	c = mustWrite(t, dir, next, output.Options{Force: true, Prefetched: prefetched(dir)})
	if !equalStrings(c.Forced, []string{"gone.yaml", "role.yaml"}) {
		t.Errorf("changes = %+v", c)
	}
	if got := readFile(t, filepath.Join(dir, "role.yaml")); got != "generated v2\n" {
		t.Errorf("role.yaml = %q", got)
	}
}

// TestPrefetchedDiffShowsTheFileAsItIsNow edits, after the prefetch, a file that differs from
// the generated one: the diff must show the edit, not what the prefetch hashed.
func TestPrefetchedDiffShowsTheFileAsItIsNow(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, dir, tree("a.yaml", "v1\n", "b.yaml", "b\n"), output.Options{})
	p := prefetched(dir)
	writeFile(t, filepath.Join(dir, "a.yaml"), "edited meanwhile\n")
	next := tree("a.yaml", "v2\n", "b.yaml", "b\n")

	d, err := output.Diff(dir, next, output.Options{Prefetched: p})
	if err != nil {
		t.Fatal(err)
	}
	want, err := output.Diff(dir, next, output.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, want) || !strings.Contains(d.Text, "-edited meanwhile\n+v2\n") {
		t.Errorf("diff =\n%s\nwant\n%s", d.Text, want.Text)
	}
}

func TestPrefetchErrorsAreReportedAsWithout(t *testing.T) {
	for name, setUp := range map[string]func(t *testing.T, dir string){
		"symbolic link": func(t *testing.T, dir string) {
			mustWrite(t, dir, tree("gen/a.yaml", "a\n"), output.Options{})
			if err := os.RemoveAll(filepath.Join(dir, "gen")); err != nil {
				t.Fatal(err)
			}
			symlink(t, outsideDir(t), filepath.Join(dir, "gen"))
		},
		"invalid manifest": func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, output.ManifestName), "not json")
		},
		"manifest is a directory": func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, output.ManifestName, "x"), "x")
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			setUp(t, dir)
			before := snapshot(t, dir)
			files := tree("gen/a.yaml", "b\n")
			_, want := output.Diff(dir, files, output.Options{})
			if want == nil {
				t.Fatal("Diff: no error")
			}
			if _, err := output.Diff(dir, files, output.Options{Prefetched: prefetched(dir)}); err == nil || err.Error() != want.Error() {
				t.Errorf("prefetched Diff: err = %v, want %v", err, want)
			}
			if _, err := output.Write(dir, files, output.Options{Force: true, Prefetched: prefetched(dir)}); err == nil || err.Error() != want.Error() {
				t.Errorf("prefetched Write: err = %v, want %v", err, want)
			}
			assertSameTree(t, before, snapshot(t, dir))
		})
	}
}

// TestPrefetchIsUsedOnceAndForItsDirectory passes one prefetch to several calls, and to calls
// for another directory: each must see its own DIR as it is.
func TestPrefetchIsUsedOnceAndForItsDirectory(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	mustWrite(t, a, tree("x.yaml", "a\n"), output.Options{})
	mustWrite(t, b, tree("x.yaml", "b\n"), output.Options{})
	p := prefetched(a)
	defer p.Close()

	for _, dir := range []string{b, a, a} {
		d, err := output.Diff(dir, tree("x.yaml", "a\n"), output.Options{Prefetched: p})
		if err != nil {
			t.Fatal(err)
		}
		if d.Differs != (dir == b) {
			t.Errorf("%s: differs = %v", dir, d.Differs)
		}
	}
	// Used up: a write after a change goes by DIR as it is.
	writeFile(t, filepath.Join(a, "x.yaml"), "edited\n")
	c, err := output.Write(a, tree("x.yaml", "a2\n"), output.Options{Prefetched: p})
	if want := []output.Conflict{{Path: "x.yaml", Kind: output.EditedByHand}}; !reflect.DeepEqual(c.Conflicts, want) {
		t.Errorf("conflicts = %v, err = %v; want %v", c.Conflicts, err, want)
	}
}

func TestClosedPrefetchIsNotUsed(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, dir, tree("x.yaml", "v1\n"), output.Options{})
	p := output.Prefetch(dir, output.Options{})
	p.Close()
	p.Close()
	writeFile(t, filepath.Join(dir, "x.yaml"), "edited\n")
	d, err := output.Diff(dir, tree("x.yaml", "v1\n"), output.Options{Prefetched: p})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Text, "-edited\n+v1\n") {
		t.Errorf("diff =\n%s", d.Text)
	}
	var nilPrefetch *output.Prefetched
	nilPrefetch.Close()
}
