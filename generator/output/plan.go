package output

import (
	"cmp"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
)

// Options change how DIR is written.
type Options struct {
	// Force overwrites, or deletes, generated files that were edited by hand since irsagen wrote
	// them (conflicts EditedByHand and EditedNotGenerated). It never overwrites or deletes a file
	// irsagen did not write (NotOwned): without a manifest entry there is no evidence the file is
	// generated, and it may be the only copy of someone's work. Diff ignores Force.
	Force bool
	// OpenFS opens DIR; nil means OpenRoot. Tests use it to inject failures.
	OpenFS func(dir string) (FS, error)
}

// ConflictKind says why irsagen will not touch a path.
type ConflictKind int

const (
	// EditedByHand: a generated file was changed since irsagen wrote it, and the new generated
	// content differs from what is on disk. Force overwrites it.
	EditedByHand ConflictKind = iota + 1
	// NotOwned: a file irsagen did not write (not in the manifest) is where a generated file goes,
	// with different content. Force does not overwrite it.
	NotOwned
	// EditedNotGenerated: a file irsagen wrote is no longer generated but was changed since, so
	// deleting it would lose the change. Force deletes it.
	EditedNotGenerated
	// Obstructed: a directory or special file is where a generated file goes, or a file is where
	// one of its parent directories goes. Force does not remove it.
	Obstructed
)

func (k ConflictKind) String() string {
	switch k {
	case EditedByHand:
		return "edited by hand since irsagen wrote it"
	case NotOwned:
		return "not written by irsagen (not listed in " + ManifestName + ")"
	case EditedNotGenerated:
		return "no longer generated, but edited by hand since irsagen wrote it"
	case Obstructed:
		return "a directory or special file is in the way (at this path or one of its parents)"
	}
	return fmt.Sprintf("ConflictKind(%d)", int(k))
}

// Conflict is a path that irsagen will not write or delete.
type Conflict struct {
	Path string
	Kind ConflictKind
}

func (c Conflict) String() string { return c.Path + ": " + c.Kind.String() }

// ConflictError is returned by Write when there are conflicts; nothing was written.
type ConflictError struct {
	Dir       string
	Conflicts []Conflict
}

func (e *ConflictError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d conflicting file(s); nothing was written:", e.Dir, len(e.Conflicts))
	hints := map[ConflictKind]bool{}
	for _, c := range e.Conflicts {
		fmt.Fprintf(&b, "\n  %s", c)
		hints[c.Kind] = true
	}
	if hints[EditedByHand] || hints[EditedNotGenerated] {
		b.WriteString("\nMove hand edits into irsa.yaml, or run with --force to overwrite or delete hand-edited generated files.")
	}
	if hints[NotOwned] || hints[Obstructed] {
		b.WriteString("\nMove or delete the files irsagen did not write; --force never touches them.")
	}
	return b.String()
}

// Changes sorts the paths a write concerns by what happens to them. Every list is sorted. The
// manifest is not in the lists; ManifestChanged says whether it is written.
type Changes struct {
	Created   []string // generated files that do not exist yet
	Updated   []string // generated files whose content changes
	Deleted   []string // files irsagen wrote earlier, no longer generated, unchanged since
	Unchanged []string // generated files already as they should be; never rewritten
	// Forced lists the hand-edited generated files that Force overwrites or deletes; each is also
	// in Updated or Deleted.
	Forced []string
	// Conflicts are why nothing can be written; empty when the write can go ahead.
	Conflicts       []Conflict
	ManifestChanged bool
	// Leftovers are the temporary files and backups that an interrupted write left beside the
	// files it concerned; a write removes them first.
	Leftovers []string
}

// Empty reports whether the write has nothing to do, in which case it touches nothing.
func (c Changes) Empty() bool {
	return len(c.Created) == 0 && len(c.Updated) == 0 && len(c.Deleted) == 0 && !c.ManifestChanged &&
		len(c.Leftovers) == 0
}

// step is one file that Write writes or deletes.
type step struct {
	path string
	data []byte // new content; nil for a deletion
	del  bool
	old  *state // what is on disk now
}

// decide compares the wanted files with the disk and the manifest. It is the only place that
// applies the ownership rules.
func decide(s *snapshot, force bool) (Changes, []step) {
	var c Changes
	var steps []step
	conflict := func(p string, k ConflictKind) { c.Conflicts = append(c.Conflicts, Conflict{p, k}) }

	for i, f := range s.want {
		disk := s.tree.seen[f.Path]
		ownedHash, owned := s.owned[f.Path]
		switch {
		case disk.kind == absent:
			c.Created = append(c.Created, f.Path)
			steps = append(steps, step{path: f.Path, data: f.Data, old: disk})
		case disk.kind != regular:
			conflict(f.Path, Obstructed)
		case disk.sum == s.sums[i]:
			// Already right, whoever wrote it: nothing to write, and the manifest now records it,
			// which is how a tree whose manifest was lost is adopted again. Files are compared
			// by their SHA-256, as the manifest compares them: reading DIR keeps only the hashes
			// of the files that are right, not a second copy of the tree.
			c.Unchanged = append(c.Unchanged, f.Path)
		case !owned:
			conflict(f.Path, NotOwned)
		default:
			if disk.sum != ownedHash {
				if !force {
					conflict(f.Path, EditedByHand)
					continue
				}
				c.Forced = append(c.Forced, f.Path)
			}
			c.Updated = append(c.Updated, f.Path)
			steps = append(steps, step{path: f.Path, data: f.Data, old: disk})
		}
	}

	for _, p := range slices.Sorted(maps.Keys(s.owned)) {
		disk := s.tree.seen[p]
		if s.wanted(p) || disk.kind != regular {
			// Gone, or replaced by something irsagen did not write: not irsagen's to delete. It
			// drops out of the manifest either way.
			continue
		}
		if disk.sum != s.owned[p] {
			if !force {
				conflict(p, EditedNotGenerated)
				continue
			}
			c.Forced = append(c.Forced, p)
		}
		c.Deleted = append(c.Deleted, p)
		steps = append(steps, step{path: p, del: true, old: disk})
	}

	// The manifest is written only when its bytes change, and last, so that a run interrupted
	// before the end still has the old manifest, which describes the files it did not reach.
	if s.manifest.kind == absent || s.manifest.sum != s.newSum {
		c.ManifestChanged = true
	}
	slices.SortFunc(steps, func(a, b step) int { return strings.Compare(a.path, b.path) })
	if c.ManifestChanged {
		steps = append(steps, step{path: ManifestName, data: s.newManifest, old: s.manifest})
	}
	c.Leftovers = s.leftovers
	slices.Sort(c.Forced)
	slices.SortFunc(c.Conflicts, func(a, b Conflict) int { return cmp.Compare(a.Path, b.Path) })
	return c, steps
}

// pruneCandidates lists the directories that deleting files may leave empty, deepest first so a
// directory is considered after its subdirectories.
func pruneCandidates(steps []step) []string {
	set := map[string]bool{}
	for _, st := range steps {
		if !st.del {
			continue
		}
		for d := path.Dir(st.path); d != "."; d = path.Dir(d) {
			set[d] = true
		}
	}
	dirs := slices.Collect(maps.Keys(set))
	slices.SortFunc(dirs, func(a, b string) int {
		if c := cmp.Compare(strings.Count(b, "/"), strings.Count(a, "/")); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return dirs
}
