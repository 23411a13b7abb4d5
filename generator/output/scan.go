package output

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
)

// ErrSymlink is wrapped by the error for a symbolic link found on a path irsagen would read,
// write or delete under DIR.
var ErrSymlink = errors.New("is a symbolic link")

type kind uint8

const (
	absent kind = iota
	regular
	directory
	// other is anything else in the way of a file: a device, a socket, or a path whose parent is
	// not a directory.
	other
)

// state is what one path holds on disk.
type state struct {
	kind kind
	mode fs.FileMode // permission bits, for regular files and directories
	data []byte      // regular files, once read
	read bool
}

// tree reads DIR through an FS and remembers everything it saw. Apply reads DIR again and compares
// the two memories, so a plan is never carried out on a tree it did not see.
type tree struct {
	dir  string
	fsys FS // nil when DIR does not exist yet: every path is absent
	seen map[string]*state
}

func newTree(dir string, fsys FS) *tree {
	return &tree{dir: dir, fsys: fsys, seen: map[string]*state{}}
}

// show names a path the way the user typed DIR, for error messages.
func (t *tree) show(p string) string { return filepath.Join(t.dir, filepath.FromSlash(p)) }

// lstat describes p, checking its parents first so that no symbolic link anywhere on the way is
// followed: os.Root would follow a link that stays inside DIR, and even that is refused because
// renaming over a link replaces the link, not its target, and two names for one file would let a
// hand edit slip past the manifest.
func (t *tree) lstat(p string) (*state, error) {
	if s, ok := t.seen[p]; ok {
		return s, nil
	}
	s, err := t.lstatUncached(p)
	if err != nil {
		return nil, err
	}
	t.seen[p] = s
	return s, nil
}

func (t *tree) lstatUncached(p string) (*state, error) {
	if parent := path.Dir(p); parent != "." {
		ps, err := t.lstat(parent)
		if err != nil {
			return nil, err
		}
		switch ps.kind {
		case absent:
			return &state{kind: absent}, nil
		case directory:
		default:
			return &state{kind: other}, nil
		}
	}
	if t.fsys == nil {
		return &state{kind: absent}, nil
	}
	fi, err := t.fsys.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return &state{kind: absent}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.dir, err)
	}
	switch mode := fi.Mode(); {
	case mode&fs.ModeSymlink != 0:
		return nil, fmt.Errorf("%s: %w; irsagen does not follow symbolic links inside its output directory, "+
			"so that it never reads, writes or deletes anything outside it; replace the link with a real directory or file",
			t.show(p), ErrSymlink)
	case mode.IsRegular():
		return &state{kind: regular, mode: mode.Perm()}, nil
	case mode.IsDir():
		return &state{kind: directory, mode: mode.Perm()}, nil
	default:
		return &state{kind: other}, nil
	}
}

// file describes p and, if it is a regular file, reads it.
func (t *tree) file(p string) (*state, error) {
	s, err := t.lstat(p)
	if err != nil || s.kind != regular || s.read {
		return s, err
	}
	data, err := t.fsys.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.dir, err)
	}
	s.data, s.read = data, true
	return s, nil
}

// fingerprint summarises everything the tree saw.
func (t *tree) fingerprint() map[string]string {
	fp := make(map[string]string, len(t.seen))
	for p, s := range t.seen {
		fp[p] = fmt.Sprintf("%d %o %t %x", s.kind, s.mode, s.read, sha256.Sum256(s.data))
	}
	return fp
}

// snapshot is DIR as far as one generated tree is concerned: the files wanted, the files the
// manifest says irsagen owns, and what the disk holds at each of those paths. Paths that are
// neither wanted nor owned are never looked at.
type snapshot struct {
	tree        *tree
	want        []File            // sorted by path
	owned       map[string]string // path → hash, from the manifest on disk
	manifest    *state            // the manifest on disk
	newManifest []byte            // the manifest that describes want
}

// openDir opens DIR, or returns a nil FS if DIR does not exist yet, which reads as an empty tree.
func openDir(dir string, opts Options) (FS, error) {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s: output directory is not a directory", dir)
	}
	open := opts.OpenFS
	if open == nil {
		open = OpenRoot
	}
	return open(dir)
}

// scan reads, through fsys, everything that deciding about want needs. It reads only.
func scan(dir string, fsys FS, want []File) (*snapshot, error) {
	t := newTree(dir, fsys)
	s := &snapshot{tree: t, want: want, owned: map[string]string{}, newManifest: encodeManifest(want)}

	m, err := t.file(ManifestName)
	if err != nil {
		return nil, err
	}
	switch m.kind {
	case absent:
	case regular:
		owned, err := decodeManifest(m.data)
		if err != nil {
			return nil, fmt.Errorf("%s: invalid manifest: %v; irsagen cannot tell which files it owns. "+
				"Restore the file from git, or delete it: irsagen then keeps files whose content is "+
				"already right and reports the others as not written by irsagen", t.show(ManifestName), err)
		}
		s.owned = owned
	default:
		return nil, fmt.Errorf("%s: is not a regular file; move it away so irsagen can record the files it owns",
			t.show(ManifestName))
	}
	s.manifest = m

	for _, f := range want {
		if _, err := t.file(f.Path); err != nil {
			return nil, err
		}
	}
	for _, p := range slices.Sorted(maps.Keys(s.owned)) {
		if _, err := t.file(p); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// wanted reports whether p is one of the generated files.
func (s *snapshot) wanted(p string) bool {
	_, found := slices.BinarySearchFunc(s.want, p, func(f File, p string) int {
		switch {
		case f.Path < p:
			return -1
		case f.Path > p:
			return 1
		}
		return 0
	})
	return found
}

// read checks the files to write and takes a snapshot of what DIR holds for them: the first step
// of both Write and Diff.
func read(dir string, files []File, opts Options) ([]File, *snapshot, error) {
	want, err := checkFiles(files)
	if err != nil {
		return nil, nil, err
	}
	fsys, err := openDir(dir, opts)
	if err != nil {
		return nil, nil, err
	}
	if fsys != nil {
		defer fsys.Close()
	}
	s, err := scan(dir, fsys, want)
	if err != nil {
		return nil, nil, err
	}
	return want, s, nil
}
