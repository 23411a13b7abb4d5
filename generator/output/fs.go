package output

import "io/fs"

// FS is every filesystem operation this package performs on DIR. Names are slash-separated and
// relative to DIR ("." is DIR itself).
//
// It is an interface so that tests can substitute an implementation that fails on a chosen call,
// and prove that a write which fails at any step leaves DIR as it was. Such an FS is called from
// one goroutine at a time, in the order of the changes; OpenRoot's, which is safe for concurrent
// use, is called from several (see workersFor).
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
