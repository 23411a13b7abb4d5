package output

import (
	"errors"
	"io/fs"
	"os"
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
	// content; the caller removes it.
	WriteFile(name string, data []byte, perm fs.FileMode) error
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
func OpenRoot(dir string) (FS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return rootFS{root}, nil
}

type rootFS struct{ root *os.Root }

func (r rootFS) Lstat(name string) (fs.FileInfo, error) {
	return r.root.Lstat(filepath.FromSlash(name))
}

func (r rootFS) ReadFile(name string) ([]byte, error) {
	return r.root.ReadFile(filepath.FromSlash(name))
}

func (r rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := r.root.Open(filepath.FromSlash(name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}

func (r rootFS) WriteFile(name string, data []byte, perm fs.FileMode) error {
	f, err := r.root.OpenFile(filepath.FromSlash(name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		// The rename that publishes this file must not be able to reach the disk before its data.
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

func (r rootFS) Mkdir(name string, perm fs.FileMode) error {
	return r.root.Mkdir(filepath.FromSlash(name), perm)
}

func (r rootFS) Chmod(name string, mode fs.FileMode) error {
	return r.root.Chmod(filepath.FromSlash(name), mode)
}

func (r rootFS) Rename(oldname, newname string) error {
	return r.root.Rename(filepath.FromSlash(oldname), filepath.FromSlash(newname))
}

func (r rootFS) Remove(name string) error { return r.root.Remove(filepath.FromSlash(name)) }

func (r rootFS) Close() error { return r.root.Close() }
