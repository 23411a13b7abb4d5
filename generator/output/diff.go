package output

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// DiffResult compares DIR with a generated tree.
type DiffResult struct {
	// Differs reports whether Write would change anything in DIR.
	Differs bool
	// Added, Changed and Deleted list paths relative to DIR, sorted. The manifest appears in them
	// like any other file, so a missing or stale manifest is a difference.
	Added, Changed, Deleted []string
	// Leftovers are the temporary files and backups that an interrupted write left, which Write
	// removes. They are not in Text.
	Leftovers []string
	// Text is a unified diff from DIR ("a/") to the generated tree ("b/"), files in path order;
	// empty when no file differs.
	Text string
}

// contextLines is the number of unchanged lines shown around each change, as in diff -u.
const contextLines = 3

// Diff compares the files that Write would write with what DIR holds, reading only. Deleted files
// are those the manifest says irsagen wrote and that are no longer generated. The manifest is
// compared with the one Write would write, so a tree Write has just written compares equal, and a
// tree with a missing or outdated manifest does not. Conflicts do not stop Diff: it shows what
// Write with Force would do to generated files. opts.Force is ignored. It holds DIR's lock shared
// while it reads, so that it never sees a write half done.
func Diff(dir string, files []File, opts Options) (*DiffResult, error) {
	want, err := checkFiles(files)
	if err != nil {
		return nil, err
	}
	g := newGenerated(want)
	if _, err := os.Stat(dir); err == nil {
		unlock, err := lockDir(dir, false)
		switch {
		case err == nil:
			defer unlock()
		case !errors.Is(err, errDirReplaced):
			return nil, err
		}
	}
	fsys, err := openDir(dir, opts)
	if err != nil {
		return nil, err
	}
	s, err := scan(dir, fsys, g, true)
	if err != nil {
		if fsys != nil {
			fsys.Close()
		}
		return nil, err
	}
	defer s.tree.close()
	return compare(s)
}

// compare renders the differences between a snapshot and its generated files.
func compare(s *snapshot) (*DiffResult, error) {
	type side struct {
		data   []byte
		exists bool
	}
	type fileDiff struct {
		path     string
		old, new side
		disk     *state
	}
	var diffs []fileDiff
	differs := func(p string, data []byte, sum digest) error {
		st := s.tree.seen[p]
		switch {
		case st.kind == regular && st.sum == sum:
			return nil
		case st.kind == absent || st.kind == regular:
			diffs = append(diffs, fileDiff{path: p, new: side{data, true}, disk: st})
			return nil
		}
		return fmt.Errorf("%s: %s; irsagen cannot write a file here", s.tree.show(p), Obstructed)
	}
	if err := differs(ManifestName, s.newManifest, s.newSum); err != nil {
		return nil, err
	}
	for i, f := range s.want {
		if err := differs(f.Path, f.Data, s.sums[i]); err != nil {
			return nil, err
		}
	}
	for p := range s.owned {
		if st := s.tree.seen[p]; !s.wanted(p) && st.kind == regular {
			diffs = append(diffs, fileDiff{path: p, disk: st})
		}
	}

	for i := range diffs {
		if d := &diffs[i]; d.disk.kind == regular {
			d.old = side{d.disk.data, true}
		}
	}

	r := &DiffResult{Leftovers: s.leftovers}
	var text strings.Builder
	slices.SortFunc(diffs, func(a, b fileDiff) int { return strings.Compare(a.path, b.path) })
	for _, d := range diffs {
		switch {
		case !d.old.exists:
			r.Added = append(r.Added, d.path)
		case !d.new.exists:
			r.Deleted = append(r.Deleted, d.path)
		default:
			r.Changed = append(r.Changed, d.path)
		}
		writeUnified(&text, d.path, d.old.data, d.new.data, d.old.exists, d.new.exists)
	}
	r.Differs = len(diffs) > 0 || len(r.Leftovers) > 0
	r.Text = text.String()
	return r, nil
}

// writeUnified writes one file's unified diff. It does its own line handling rather than use
// difflib's writer, which would show a file without a final newline as if it had one and an
// empty file as one blank line.
func writeUnified(w *strings.Builder, p string, old, new []byte, oldExists, newExists bool) {
	from, to := "a/"+p, "b/"+p
	if !oldExists {
		from = "/dev/null"
	}
	if !newExists {
		to = "/dev/null"
	}
	fmt.Fprintf(w, "--- %s\n+++ %s\n", from, to)

	a, b := splitLines(old), splitLines(new)
	if len(a) == 0 && len(b) == 0 {
		return
	}
	// No autojunk: generated YAML repeats lines often, and treating them as junk gives hunks
	// that are correct but needlessly large.
	m := difflib.NewMatcherWithJunk(a, b, false, nil)
	for _, group := range m.GetGroupedOpCodes(contextLines) {
		first, last := group[0], group[len(group)-1]
		fmt.Fprintf(w, "@@ -%s +%s @@\n", hunkRange(first.I1, last.I2), hunkRange(first.J1, last.J2))
		for _, op := range group {
			if op.Tag == 'e' {
				writeLines(w, ' ', a[op.I1:op.I2])
				continue
			}
			if op.Tag == 'r' || op.Tag == 'd' {
				writeLines(w, '-', a[op.I1:op.I2])
			}
			if op.Tag == 'r' || op.Tag == 'i' {
				writeLines(w, '+', b[op.J1:op.J2])
			}
		}
	}
}

// splitLines keeps each line's newline, so that a last line without one differs from the same
// line with one, as it does on disk.
func splitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func writeLines(w *strings.Builder, prefix byte, lines []string) {
	for _, l := range lines {
		w.WriteByte(prefix)
		w.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			w.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats a hunk's line range as diff -u does: 1-based start, length omitted when 1,
// and the line before the hunk when it is empty.
func hunkRange(start, stop int) string {
	length := stop - start
	switch length {
	case 1:
		return fmt.Sprintf("%d", start+1)
	case 0:
		return fmt.Sprintf("%d,0", start)
	}
	return fmt.Sprintf("%d,%d", start+1, length)
}
