package output

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// FS is every filesystem operation this package performs on DIR. Names are slash-separated and
// relative to DIR ("." is DIR itself).
//
// It is an interface so that tests can substitute an implementation that fails on a chosen call,
// and prove that a write which fails at any step leaves DIR as it was.
type FS interface {
	// Lstat describes name without following a final symbolic link.
	Lstat(name string) (fs.FileInfo, error)
	ReadFile(name string) ([]byte, error)
	ReadDir(name string) ([]fs.DirEntry, error)
	// WriteFile creates name, which must not exist (fs.ErrExist otherwise), with the permission
	// bits perm before the umask. If it fails after creating name, name may remain with partial
	// content; the caller removes it. It does not wait for the data to reach the disk.
	WriteFile(name string, data []byte, perm fs.FileMode) error
	// Sync waits until the content of name, a file irsagen wrote and may write, is on disk.
	Sync(name string) error
	Mkdir(name string, perm fs.FileMode) error
	// Chmod sets the permission bits exactly, regardless of the umask.
	Chmod(name string, mode fs.FileMode) error
	// Rename replaces newname if it exists.
	Rename(oldname, newname string) error
	// Remove removes a file or an empty directory.
	Remove(name string) error
	Close() error
}

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
func OpenRoot(dir string) (FS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return rootFS{root: root, dirs: map[string]*os.Root{}}, nil
}

type rootFS struct {
	root *os.Root
	dirs map[string]*os.Root // the directories opened so far, by slash-separated path
}

// at returns the os.Root of name's directory and name's last element; ok is false if the
// directory cannot be opened, and the caller then goes through the root to get its error.
func (r rootFS) at(name string) (d *os.Root, base string, ok bool) {
	dir, base := path.Split(name)
	if dir == "" {
		return r.root, name, true
	}
	dir = dir[:len(dir)-1]
	if d, ok := r.dirs[dir]; ok {
		return d, base, true
	}
	// Opened from its parent, itself opened once, so that each directory costs one open.
	parent, elem, ok := r.at(dir)
	if !ok {
		return nil, "", false
	}
	d, err := parent.OpenRoot(elem)
	if err != nil {
		return nil, "", false
	}
	r.dirs[dir] = d
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
	d, base, ok := r.at(name)
	if !ok {
		return r.root.Lstat(filepath.FromSlash(name))
	}
	fi, err := d.Lstat(base)
	return fi, named(err, base, name)
}

func (r rootFS) ReadFile(name string) ([]byte, error) {
	d, base, ok := r.at(name)
	if !ok {
		return r.root.ReadFile(filepath.FromSlash(name))
	}
	data, err := d.ReadFile(base)
	return data, named(err, base, name)
}

func (r rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
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
	f, err := r.open(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return errors.Join(err, f.Close())
}

func (r rootFS) Sync(name string) error {
	// Opened for writing: Windows flushes only a handle that may write.
	f, err := r.open(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

func (r rootFS) Mkdir(name string, perm fs.FileMode) error {
	d, base, ok := r.at(name)
	if !ok {
		return r.root.Mkdir(filepath.FromSlash(name), perm)
	}
	return named(d.Mkdir(base, perm), base, name)
}

func (r rootFS) Chmod(name string, mode fs.FileMode) error {
	d, base, ok := r.at(name)
	if !ok {
		return r.root.Chmod(filepath.FromSlash(name), mode)
	}
	return named(d.Chmod(base, mode), base, name)
}

func (r rootFS) Rename(oldname, newname string) error {
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

func (r rootFS) Remove(name string) error {
	d, base, ok := r.at(name)
	if !ok {
		return r.root.Remove(filepath.FromSlash(name))
	}
	if err := d.Remove(base); err != nil {
		return named(err, base, name)
	}
	// A directory made again at this path is another directory.
	if sub, ok := r.dirs[name]; ok {
		delete(r.dirs, name)
		sub.Close()
	}
	return nil
}

func (r rootFS) Close() error {
	errs := []error{r.root.Close()}
	for _, d := range r.dirs {
		errs = append(errs, d.Close())
	}
	return errors.Join(errs...)
}
