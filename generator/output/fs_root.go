package output

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
)

// OpenRoot returns the FS that irsagen uses by default: an os.Root at dir. os.Root refuses any
// name that resolves outside dir, through ".." or a symbolic link, even if the tree changes while
// irsagen runs; the explicit symlink checks elsewhere in this package exist to give a clear error
// first, os.Root is the guarantee.
//
// Each directory under dir is opened once, as an os.Root of its own beneath the first, and
// names are resolved from there: resolving every name from dir cost an open and a close per
// path element, which made a tree of 18,000 files take seconds to read or write. A directory
// opened this way is held as os.Root holds dir itself: if it is moved, even out of dir, later
// calls follow it, which only someone who may write at the destination can arrange.
//
// At most maxOpenDirs directories are held open at once, half of the descriptors the process may
// have: when more are, they are all closed between two calls, and opened again as needed. A
// tree of 50,000 ServiceAccounts can have more directories than a process may hold descriptors;
// the files are handled in path order, so that the directories in use are few at any time.
//
// It is safe for concurrent use, so that files are read and written by several goroutines.
func OpenRoot(dir string) (FS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return rootFS{root: root, gate: new(sync.RWMutex), mu: new(sync.Mutex), dirs: map[string]*subdir{}}, nil
}

// maxOpenDirs bounds the directories rootFS holds open.
var maxOpenDirs = descriptorBudget()

type rootFS struct {
	root *os.Root
	// gate is held shared by every call while it uses a directory's os.Root, and exclusively
	// to close them all.
	gate *sync.RWMutex
	mu   *sync.Mutex        // guards dirs
	dirs map[string]*subdir // the directories opened or being opened, by slash-separated path
}

// enter starts a call: it closes the open directories if there are too many, and holds the
// gate shared until the returned function is called.
func (r rootFS) enter() (leave func()) {
	r.mu.Lock()
	full := len(r.dirs) > maxOpenDirs
	r.mu.Unlock()
	if full {
		r.gate.Lock()
		r.mu.Lock()
		for _, sub := range r.dirs {
			if sub.root != nil {
				sub.root.Close()
			}
		}
		clear(r.dirs)
		r.mu.Unlock()
		r.gate.Unlock()
	}
	r.gate.RLock()
	return r.gate.RUnlock
}

// subdir is one directory's os.Root, opened on first use. Its own lock makes goroutines that
// need the same directory wait for one open rather than each open it.
type subdir struct {
	mu   sync.Mutex
	root *os.Root // nil until opened
}

// concurrent marks rootFS as safe for concurrent use (see workersFor).
func (rootFS) concurrent() {}

// at returns the os.Root of name's directory and name's last element; ok is false if the
// directory cannot be opened, and the caller then goes through the root to get its error.
func (r rootFS) at(name string) (d *os.Root, base string, ok bool) {
	dir, base := path.Split(name)
	if dir == "" {
		return r.root, name, true
	}
	dir = dir[:len(dir)-1]
	r.mu.Lock()
	sub := r.dirs[dir]
	if sub == nil {
		sub = &subdir{}
		r.dirs[dir] = sub
	}
	r.mu.Unlock()

	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.root != nil {
		return sub.root, base, true
	}
	// Opened from its parent, itself opened once, so that each directory costs one open. A
	// failure is not remembered: the directory may be created later in the same run.
	parent, elem, ok := r.at(dir)
	if !ok {
		return nil, "", false
	}
	d, err := parent.OpenRoot(elem)
	if err != nil {
		return nil, "", false
	}
	sub.root = d
	return d, base, true
}

// named puts the whole name back into an error about base from a directory's os.Root, so that
// messages read as they would from the root.
func named(err error, base, name string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == base {
		pe.Path = filepath.FromSlash(name)
	}
	return err
}

func (r rootFS) Lstat(name string) (fs.FileInfo, error) {
	defer r.enter()()
	d, base, ok := r.at(name)
	if !ok {
		return r.root.Lstat(filepath.FromSlash(name))
	}
	fi, err := d.Lstat(base)
	return fi, named(err, base, name)
}

func (r rootFS) ReadFile(name string) ([]byte, error) {
	defer r.enter()()
	d, base, ok := r.at(name)
	if !ok {
		return r.root.ReadFile(filepath.FromSlash(name))
	}
	data, err := d.ReadFile(base)
	return data, named(err, base, name)
}

// readFileInto reads name into buf, reusing its memory when it is large enough, and returns
// the content. Hashing 18,000 files through ReadFile would allocate as much as the tree they
// hold, only to throw it away.
func (r rootFS) readFileInto(name string, buf []byte) ([]byte, error) {
	defer r.enter()()
	f, err := r.open(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := 0
	if fi, err := f.Stat(); err == nil {
		size = int(fi.Size())
	}
	// One byte more than the size, so that the first read normally reaches the end.
	if cap(buf) < size+1 {
		buf = make([]byte, 0, size+1)
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func (r rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	defer r.enter()()
	f, err := r.open(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}

func (r rootFS) open(name string, flag int, perm fs.FileMode) (*os.File, error) {
	d, base, ok := r.at(name)
	if !ok {
		return r.root.OpenFile(filepath.FromSlash(name), flag, perm)
	}
	f, err := d.OpenFile(base, flag, perm)
	return f, named(err, base, name)
}

func (r rootFS) WriteFile(name string, data []byte, perm fs.FileMode) error {
	defer r.enter()()
	f, err := r.open(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return errors.Join(err, f.Close())
}

func (r rootFS) Sync(name string) error {
	defer r.enter()()
	// Opened for writing: Windows flushes only a handle that may write.
	f, err := r.open(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

func (r rootFS) Mkdir(name string, perm fs.FileMode) error {
	defer r.enter()()
	d, base, ok := r.at(name)
	if !ok {
		return r.root.Mkdir(filepath.FromSlash(name), perm)
	}
	return named(d.Mkdir(base, perm), base, name)
}

func (r rootFS) Chmod(name string, mode fs.FileMode) error {
	defer r.enter()()
	d, base, ok := r.at(name)
	if !ok {
		return r.root.Chmod(filepath.FromSlash(name), mode)
	}
	return named(d.Chmod(base, mode), base, name)
}

func (r rootFS) Rename(oldname, newname string) error {
	defer r.enter()()
	d, base, ok := r.at(oldname)
	if !ok || path.Dir(oldname) != path.Dir(newname) {
		return r.root.Rename(filepath.FromSlash(oldname), filepath.FromSlash(newname))
	}
	err := d.Rename(base, path.Base(newname))
	var le *os.LinkError
	if errors.As(err, &le) {
		le.Old, le.New = filepath.FromSlash(oldname), filepath.FromSlash(newname)
	}
	return err
}

// Link makes newname a second name of the file oldname, in the same directory.
func (r rootFS) Link(oldname, newname string) error {
	defer r.enter()()
	d, base, ok := r.at(oldname)
	if !ok || path.Dir(oldname) != path.Dir(newname) {
		return r.root.Link(filepath.FromSlash(oldname), filepath.FromSlash(newname))
	}
	err := d.Link(base, path.Base(newname))
	var le *os.LinkError
	if errors.As(err, &le) {
		le.Old, le.New = filepath.FromSlash(oldname), filepath.FromSlash(newname)
	}
	return err
}

func (r rootFS) RemoveAll(name string) error {
	defer r.enter()()
	return r.root.RemoveAll(filepath.FromSlash(name))
}

func (r rootFS) Remove(name string) error {
	defer r.enter()()
	d, base, ok := r.at(name)
	if !ok {
		return r.root.Remove(filepath.FromSlash(name))
	}
	if err := d.Remove(base); err != nil {
		return named(err, base, name)
	}
	// A directory made again at this path is another directory.
	r.mu.Lock()
	sub := r.dirs[name]
	delete(r.dirs, name)
	r.mu.Unlock()
	if sub != nil {
		sub.mu.Lock()
		defer sub.mu.Unlock()
		if sub.root != nil {
			sub.root.Close()
		}
	}
	return nil
}

func (r rootFS) Close() error {
	errs := []error{r.root.Close()}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, sub := range r.dirs {
		if sub.root != nil {
			errs = append(errs, sub.root.Close())
		}
	}
	return errors.Join(errs...)
}
