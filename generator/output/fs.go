package output

import "io/fs"

// FS is every filesystem operation this package performs on DIR. Names are slash-separated and
// relative to DIR ("." is DIR itself). OpenRoot's, on an os.Root, is the one irsagen uses.
//
// It is an interface so that tests can substitute an implementation that fails on a chosen call,
// and prove that a write which fails, or stops, at any step leaves every path of DIR holding its
// old or its new content. Such an FS is called from one goroutine at a time, in the order of the
// changes; OpenRoot's, which is safe for concurrent use, is called from several (see workersFor).
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
	// Rename replaces newname if it exists, atomically: a reader of newname sees the old file or
	// the new one, never neither.
	Rename(oldname, newname string) error
	// Link gives the file oldname a second name, newname, which must not exist.
	Link(oldname, newname string) error
	// Remove removes a file or an empty directory.
	Remove(name string) error
	// RemoveAll removes name and everything below it; a missing name is not an error.
	RemoveAll(name string) error
	Close() error
}
