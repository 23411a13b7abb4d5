package output_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/irsagen/irsagen/generator/output"
)

func TestDiffOfFreshlyWrittenTreeIsEmpty(t *testing.T) {
	dir := t.TempDir()
	files := tree("a/b.yaml", "b\n", "c.yaml", "c\n")
	mustWrite(t, dir, files, output.Options{})
	d, err := output.Diff(dir, files, output.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Differs || d.Text != "" || d.Added != nil || d.Changed != nil || d.Deleted != nil {
		t.Errorf("diff = %+v, want none", d)
	}
}

func TestDiffShowsAddedChangedAndDeletedFiles(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, dir, tree(
		"a.yaml", "one\ntwo\nthree\n",
		"gone.yaml", "bye\n",
	), output.Options{})
	writeFile(t, filepath.Join(dir, "notes.txt"), "not generated, not compared\n")
	before := snapshot(t, dir)

	next := tree(
		"new.yaml", "hello\n",
		"a.yaml", "one\n2\nthree\n",
	)
	d, err := output.Diff(dir, next, output.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := &output.DiffResult{
		Differs: true,
		Added:   []string{"new.yaml"},
		Changed: []string{output.ManifestName, "a.yaml"},
		Deleted: []string{"gone.yaml"},
		Text: `--- a/.irsagen-manifest.json
+++ b/.irsagen-manifest.json
@@ -1,7 +1,7 @@
 {
   "version": 1,
   "files": {
-    "a.yaml": "` + sha("one\ntwo\nthree\n") + `",
-    "gone.yaml": "` + sha("bye\n") + `"
+    "a.yaml": "` + sha("one\n2\nthree\n") + `",
+    "new.yaml": "` + sha("hello\n") + `"
   }
 }
--- a/a.yaml
+++ b/a.yaml
@@ -1,3 +1,3 @@
 one
-two
+2
 three
--- a/gone.yaml
+++ /dev/null
@@ -1 +0,0 @@
-bye
--- /dev/null
+++ b/new.yaml
@@ -0,0 +1 @@
+hello
`,
	}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("diff =\n%+v\n%s\nwant\n%+v\n%s", d, d.Text, want, want.Text)
	}
	assertSameTree(t, before, snapshot(t, dir)) // Diff reads only
}

func TestDiffHunksAndMissingNewline(t *testing.T) {
	dir := t.TempDir()
	var long, changed string
	for i := range 20 {
		line := string(rune('a'+i)) + "\n"
		long += line
		if i == 2 || i == 17 {
			line = "X\n"
		}
		changed += line
	}
	mustWrite(t, dir, tree("long", long, "nl", "a"), output.Options{})
	d, err := output.Diff(dir, tree("long", changed, "nl", "a\nb\n"), output.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := `--- a/long
+++ b/long
@@ -1,6 +1,6 @@
 a
 b
-c
+X
 d
 e
 f
@@ -15,6 +15,6 @@
 o
 p
 q
-r
+X
 s
 t
--- a/nl
+++ b/nl
@@ -1 +1,2 @@
-a
\ No newline at end of file
+a
+b
`
	got := d.Text[len(d.Text)-len(want):] // after the manifest's diff
	if got != want {
		t.Errorf("diff =\n%s\nwant\n%s", d.Text, want)
	}
}

func TestDiffCountsAMissingManifest(t *testing.T) {
	dir := t.TempDir()
	files := tree("a.yaml", "a\n")
	mustWrite(t, dir, files, output.Options{})
	if err := os.Remove(filepath.Join(dir, output.ManifestName)); err != nil {
		t.Fatal(err)
	}
	d, err := output.Diff(dir, files, output.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Differs || !reflect.DeepEqual(d.Added, []string{output.ManifestName}) || d.Changed != nil {
		t.Errorf("diff = %+v, want only the manifest added", d)
	}
}

func TestDiffOfMissingDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	d, err := output.Diff(dir, tree("a.yaml", "a\n"), output.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Differs || !reflect.DeepEqual(d.Added, []string{output.ManifestName, "a.yaml"}) {
		t.Errorf("diff = %+v", d)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Error("Diff created the output directory")
	}
}

func TestDiffShowsHandEditsThatWriteWouldReport(t *testing.T) {
	dir := t.TempDir()
	files := tree("a.yaml", "generated\n")
	mustWrite(t, dir, files, output.Options{})
	writeFile(t, filepath.Join(dir, "a.yaml"), "edited\n")
	d, err := output.Diff(dir, files, output.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "--- a/a.yaml\n+++ b/a.yaml\n@@ -1 +1 @@\n-edited\n+generated\n"
	if d.Text != want || !reflect.DeepEqual(d.Changed, []string{"a.yaml"}) {
		t.Errorf("diff = %+v, want\n%s", d, want)
	}
}
