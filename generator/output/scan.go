package output

import (
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
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

// digest is a SHA-256 hash.
type digest = [sha256.Size]byte

// state is what one path holds on disk.
type state struct {
	kind kind
	// read is set once a regular file has been read; sum is then the SHA-256 of its content.
	read bool
	// kept is set when data holds the content. Only the content that a diff may show is kept
	// (see snapshot.keep): keeping every file would hold as much memory as the generated tree.
	kept bool
	mode fs.FileMode // permission bits, for regular files and directories
	sum  digest
	data []byte
}

// tree reads DIR through an FS and remembers everything it saw.
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

// close releases the FS; the tree's memory stays valid.
func (t *tree) close() {
	if t.fsys != nil {
		t.fsys.Close()
		t.fsys = nil
	}
}

// visit describes every path in paths and its parent directories, and reads each regular file
// among paths, unless it was seen before. keep decides, once a file's hash is known, whether its
// content is kept; nil keeps nothing.
//
// Directories are described first, one depth at a time, because a path's state depends on its
// parent's; the paths of one depth, and then the files, are handled by several goroutines when
// the FS allows. Nothing is recorded in seen while they run, so they only read it.
func (t *tree) visit(paths []string, keep func(p string, s *state) bool) error {
	var dirs, files []string
	isDir, isFile := map[string]bool{}, map[string]bool{}
	for _, p := range paths {
		if s, ok := t.seen[p]; (ok && (s.kind != regular || s.read)) || isFile[p] {
			continue
		}
		isFile[p] = true
		files = append(files, p)
		for d := path.Dir(p); d != "." && !isDir[d]; d = path.Dir(d) {
			if _, ok := t.seen[d]; ok {
				break // and so were its parents
			}
			isDir[d] = true
			dirs = append(dirs, d)
		}
	}
	if len(files) == 0 {
		return nil
	}
	slices.SortFunc(dirs, func(a, b string) int {
		return cmp.Or(cmp.Compare(strings.Count(a, "/"), strings.Count(b, "/")), strings.Compare(a, b))
	})

	workers := 1
	if t.fsys != nil {
		workers = workersFor(t.fsys)
	}
	for len(dirs) > 0 {
		depth := strings.Count(dirs[0], "/")
		n := 1
		for n < len(dirs) && strings.Count(dirs[n], "/") == depth {
			n++
		}
		level, states := dirs[:n], make([]*state, n)
		err := forEach(n, workers, func(i int) (err error) {
			states[i], err = t.lstat(level[i])
			return err
		})
		if err != nil {
			return err
		}
		for i, d := range level {
			t.seen[d] = states[i]
		}
		dirs = dirs[n:]
	}

	// Each worker reads into a buffer of its own, reused from file to file.
	states := make([]*state, len(files))
	bufs := make(chan []byte, workers)
	for range workers {
		bufs <- nil
	}
	err := forEach(len(files), workers, func(i int) error {
		p := files[i]
		s := t.seen[p] // set when p is also the directory of another path
		if s == nil {
			var err error
			if s, err = t.lstat(p); err != nil {
				return err
			}
		}
		states[i] = s
		if s.kind != regular || s.read {
			return nil
		}
		buf := <-bufs
		data, err := readFileInto(t.fsys, p, buf)
		if err != nil {
			bufs <- buf
			return fmt.Errorf("%s: %w", t.dir, err)
		}
		s.sum, s.read = sha256.Sum256(data), true
		if keep != nil && keep(p, s) {
			s.data, s.kept = slices.Clone(data), true
			if s.data == nil {
				s.data = []byte{}
			}
		}
		bufs <- data
		return nil
	})
	if err != nil {
		return err
	}
	for i, p := range files {
		t.seen[p] = states[i]
	}
	return nil
}

// readFileInto reads name through fsys, into buf if the FS can reuse memory.
func readFileInto(fsys FS, name string, buf []byte) ([]byte, error) {
	if r, ok := fsys.(interface {
		readFileInto(string, []byte) ([]byte, error)
	}); ok {
		return r.readFileInto(name, buf)
	}
	return fsys.ReadFile(name)
}

// lstat describes p from its parent's state, which must be in seen, so that no symbolic link
// anywhere on the way is followed: os.Root would follow a link that stays inside DIR, and even
// that is refused because renaming over a link replaces the link, not its target, and two names
// for one file would let a hand edit slip past the manifest.
func (t *tree) lstat(p string) (*state, error) {
	if parent := path.Dir(p); parent != "." {
		switch t.seen[parent].kind {
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

// leftovers lists, sorted, the temporary files and backups of interrupted writes in DIR and in
// every directory the tree looked at: the directories of the generated files and of the files
// the manifest lists, which are where a write puts them.
func (t *tree) leftovers() ([]string, error) {
	if t.fsys == nil {
		return nil, nil
	}
	dirs := []string{"."}
	for p, s := range t.seen {
		if s.kind == directory {
			dirs = append(dirs, p)
		}
	}
	slices.Sort(dirs) // a directory's subdirectories one after the other: see OpenRoot
	found := make([][]string, len(dirs))
	err := forEach(len(dirs), workersFor(t.fsys), func(i int) error {
		entries, err := t.fsys.ReadDir(dirs[i])
		if err != nil {
			return fmt.Errorf("%s: %w", t.dir, err)
		}
		for _, e := range entries {
			if name := e.Name(); strings.HasPrefix(name, tempPrefix) || strings.HasPrefix(name, backupPrefix) {
				found[i] = append(found[i], path.Join(dirs[i], name))
			}
		}
		return nil
	})
	return slices.Sorted(slices.Values(slices.Concat(found...))), err
}

// generated is the tree to write, with what is derived from it once.
type generated struct {
	want        []File   // sorted by path
	sums        []digest // SHA-256 of each want[i].Data
	newManifest []byte   // the manifest that describes want
	newSum      digest
}

func newGenerated(want []File) *generated {
	g := &generated{want: want, sums: make([]digest, len(want))}
	// Hashing 28 MB is worth both CPUs.
	const chunk = 256
	forEach((len(want)+chunk-1)/chunk, 2, func(c int) error {
		for i := c * chunk; i < min(len(want), (c+1)*chunk); i++ {
			g.sums[i] = sha256.Sum256(want[i].Data)
		}
		return nil
	})
	g.newManifest = encodeManifest(want, g.sums)
	g.newSum = sha256.Sum256(g.newManifest)
	return g
}

// index returns the position of p in want.
func (g *generated) index(p string) (int, bool) {
	return slices.BinarySearchFunc(g.want, p, func(f File, p string) int { return strings.Compare(f.Path, p) })
}

// wanted reports whether p is one of the generated files.
func (g *generated) wanted(p string) bool {
	_, found := g.index(p)
	return found
}

// snapshot is DIR as far as one generated tree is concerned: the files wanted, the files the
// manifest says irsagen owns, and what the disk holds at each of those paths. Paths that are
// neither wanted nor owned are never looked at.
type snapshot struct {
	*generated
	tree      *tree
	owned     map[string]digest // path → hash, from the manifest on disk
	manifest  *state            // the manifest on disk
	leftovers []string          // what interrupted writes left (tree.leftovers)
}

// keep says whether the content of a file is kept once read: only where it differs from what
// would be written, because only then may a diff show it.
func (s *snapshot) keep(p string, st *state) bool {
	if p == ManifestName {
		return st.sum != s.newSum
	}
	if i, ok := s.index(p); ok {
		return st.sum != s.sums[i]
	}
	return true // owned and no longer generated: deleted, or a conflict
}

// openFS opens DIR through opts.OpenFS, or OpenRoot.
func openFS(dir string, opts Options) (FS, error) {
	open := opts.OpenFS
	if open == nil {
		open = OpenRoot
	}
	return open(dir)
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
	return openFS(dir, opts)
}

// readManifest reads the manifest and every file it lists: all of DIR that can be read before
// the generated tree is known. Contents are hashed; keep decides which are kept.
func (s *snapshot) readManifest(keep func(p string, st *state) bool) error {
	t := s.tree
	if err := t.visit([]string{ManifestName}, func(string, *state) bool { return true }); err != nil {
		return err
	}
	m := t.seen[ManifestName]
	s.owned = map[string]digest{}
	switch m.kind {
	case absent:
	case regular:
		owned, err := decodeManifest(m.data)
		if err != nil {
			return fmt.Errorf("%s: invalid manifest: %v; irsagen cannot tell which files it owns. "+
				"Restore the file from git, or delete it: irsagen then keeps files whose content is "+
				"already right and reports the others as not written by irsagen", t.show(ManifestName), err)
		}
		s.owned = owned
		if keep == nil || !keep(ManifestName, m) {
			m.data, m.kept = nil, false
		}
	default:
		return fmt.Errorf("%s: is not a regular file; move it away so irsagen can record the files it owns",
			t.show(ManifestName))
	}
	s.manifest = m
	return t.visit(slices.Sorted(maps.Keys(s.owned)), keep)
}

// readWanted reads the generated files' paths that readManifest did not.
func (s *snapshot) readWanted(keep func(p string, st *state) bool) error {
	paths := make([]string, len(s.want))
	for i, f := range s.want {
		paths[i] = f.Path
	}
	return s.tree.visit(paths, keep)
}

// scan reads, through fsys, everything that deciding about g needs. It reads only. With
// keepDiffering, the content of every file that differs from what would be written is kept.
func scan(dir string, fsys FS, g *generated, keepDiffering bool) (*snapshot, error) {
	s := &snapshot{generated: g, tree: newTree(dir, fsys)}
	var keep func(string, *state) bool
	if keepDiffering {
		keep = s.keep
	}
	if err := s.readManifest(keep); err != nil {
		return nil, err
	}
	if err := s.readWanted(keep); err != nil {
		return nil, err
	}
	var err error
	s.leftovers, err = s.tree.leftovers()
	return s, err
}
