//go:build linux

package output

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// OpenRoot returns the FS that irsagen uses by default. It opens dir, following a symbolic link
// there (DIR is the user's choice), and then every directory beneath it from its parent's
// descriptor, one name at a time, with O_NOFOLLOW|O_DIRECTORY; every other name is looked up with
// openat, fstatat, mkdirat, renameat or unlinkat in its directory's descriptor, never following
// a symbolic link. A name never holds "/" or "..", so nothing outside dir can be reached, even if
// the tree changes while irsagen runs: this is what os.Root does for one name at a time. The
// explicit symlink checks elsewhere in this package exist to give a clear error first; this is
// the guarantee.
//
// Each directory is opened once and held: resolving every name from dir cost an open and a close
// per path element, which made a tree of 18,000 files take seconds to read or write. A directory
// held this way is followed if it is moved, even out of dir, which only someone who may write at
// the destination can arrange.
//
// It works on descriptors rather than through os.Root and os.File because each os.File costs
// five system calls more than the open itself (non-blocking mode is set and cleared, and the
// poller refuses the file), and os.Root's Rename an lstat more: reading or creating a file took
// ten system calls instead of four, and a third more CPU time. Other systems use os.Root
// (fs_root.go).
//
// It is safe for concurrent use, so that files are read and written by several goroutines.
func OpenRoot(dir string) (FS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	// DIR's descriptor, opened through the root so that both are the same directory.
	top, err := root.Open(".")
	if err != nil {
		root.Close()
		return nil, err
	}
	return &fdFS{root: root, top: top, topFD: int(top.Fd()), dirs: map[string]*dirFD{}}, nil
}

type fdFS struct {
	root  *os.Root // DIR, for the rare operation the descriptors cannot do alone (Chmod)
	top   *os.File // DIR, holding topFD open
	topFD int

	mu      sync.Mutex
	dirs    map[string]*dirFD // the directories opened or being opened, by slash-separated path
	retired []int             // descriptors of removed directories, closed with the FS
}

// dirFD is one directory's descriptor, opened on first use. Its own lock makes goroutines that
// need the same directory wait for one open rather than each open it.
type dirFD struct {
	mu sync.Mutex
	fd int // -1 until opened
}

// concurrent marks fdFS as safe for concurrent use (see workersFor).
func (*fdFS) concurrent() {}

// at returns the descriptor of name's directory and name's last element.
func (r *fdFS) at(name string) (int, string, error) {
	dir, base := path.Split(name)
	// The paths this package passes are clean and relative (checkPath); a ".." would reach
	// outside DIR, which os.Root would not let through either.
	if base == "" || base == ".." || base == "." && dir != "" {
		return -1, "", &fs.PathError{Op: "open", Path: filepath.FromSlash(name), Err: fs.ErrInvalid}
	}
	if dir == "" {
		return r.topFD, name, nil
	}
	dir = dir[:len(dir)-1]
	r.mu.Lock()
	d := r.dirs[dir]
	if d == nil {
		d = &dirFD{fd: -1}
		r.dirs[dir] = d
	}
	r.mu.Unlock()

	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fd >= 0 {
		return d.fd, base, nil
	}
	// Opened from its parent, itself opened once, so that each directory costs one open. A
	// failure is not remembered: the directory may be created later in the same run.
	parent, elem, err := r.at(dir)
	if err != nil {
		return -1, "", err
	}
	fd, err := openat(parent, elem, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return -1, "", &fs.PathError{Op: "open", Path: filepath.FromSlash(dir), Err: err}
	}
	d.fd = fd
	return fd, base, nil
}

// retry repeats a system call that a signal interrupted.
func retry(call func() error) error {
	for {
		if err := call(); err != unix.EINTR {
			return err
		}
	}
}

func openat(dir int, name string, flags int, perm uint32) (fd int, err error) {
	err = retry(func() error {
		fd, err = unix.Openat(dir, name, flags|unix.O_NOFOLLOW|unix.O_CLOEXEC, perm)
		return err
	})
	return fd, err
}

func (r *fdFS) Lstat(name string) (fs.FileInfo, error) {
	dir, base, err := r.at(name)
	if err != nil {
		return nil, err
	}
	var st unix.Stat_t
	if err := retry(func() error { return unix.Fstatat(dir, base, &st, unix.AT_SYMLINK_NOFOLLOW) }); err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: filepath.FromSlash(name), Err: err}
	}
	return newFileInfo(base, &st), nil
}

func (r *fdFS) ReadFile(name string) ([]byte, error) { return r.readFileInto(name, nil) }

// readFileInto reads name into buf, reusing its memory when it is large enough, and returns
// the content. Hashing 18,000 files through ReadFile would allocate as much as the tree they
// hold, only to throw it away.
func (r *fdFS) readFileInto(name string, buf []byte) ([]byte, error) {
	dir, base, err := r.at(name)
	if err != nil {
		return nil, err
	}
	pathErr := func(op string, err error) error {
		return &fs.PathError{Op: op, Path: filepath.FromSlash(name), Err: err}
	}
	// Non-blocking, so that a FIFO put here after it was described cannot hang the read.
	fd, err := openat(dir, base, unix.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, pathErr("open", err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := retry(func() error { return unix.Fstat(fd, &st) }); err != nil {
		return nil, pathErr("stat", err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, pathErr("read", errors.New("not a regular file"))
	}
	// One byte more than the size, so that the first read normally reaches the end.
	if size := int(st.Size) + 1; cap(buf) < size {
		buf = make([]byte, 0, size)
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		var n int
		err := retry(func() (err error) {
			n, err = unix.Read(fd, buf[len(buf):cap(buf)])
			return err
		})
		if err != nil {
			return nil, pathErr("read", err)
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
		if int64(len(buf)) == st.Size && len(buf) < cap(buf) {
			// The read stopped short of the space it had at the size the file had: the end.
			// Asking again would only confirm it, at one system call per file.
			return buf, nil
		}
	}
}

func (r *fdFS) ReadDir(name string) ([]fs.DirEntry, error) {
	dir, base, err := r.at(name)
	if err != nil {
		return nil, err
	}
	fd, err := openat(dir, base, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: filepath.FromSlash(name), Err: err}
	}
	f := os.NewFile(uintptr(fd), filepath.FromSlash(name))
	defer f.Close()
	return f.ReadDir(-1)
}

func (r *fdFS) WriteFile(name string, data []byte, perm fs.FileMode) error {
	dir, base, err := r.at(name)
	if err != nil {
		return err
	}
	fd, err := openat(dir, base, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL, uint32(perm.Perm()))
	if err != nil {
		return &fs.PathError{Op: "open", Path: filepath.FromSlash(name), Err: err}
	}
	for len(data) > 0 && err == nil {
		var n int
		err = retry(func() (err error) {
			n, err = unix.Write(fd, data)
			return err
		})
		data = data[n:]
	}
	// Some filesystems report a failed write only when the file is closed.
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		return &fs.PathError{Op: "write", Path: filepath.FromSlash(name), Err: err}
	}
	return nil
}

func (r *fdFS) Sync(name string) error {
	dir, base, err := r.at(name)
	if err != nil {
		return err
	}
	fd, err := openat(dir, base, unix.O_RDWR, 0)
	if err == nil {
		err = retry(func() error { return unix.Fsync(fd) })
		if cerr := unix.Close(fd); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return &fs.PathError{Op: "sync", Path: filepath.FromSlash(name), Err: err}
	}
	return nil
}

func (r *fdFS) Mkdir(name string, perm fs.FileMode) error {
	dir, base, err := r.at(name)
	if err != nil {
		return err
	}
	if err := retry(func() error { return unix.Mkdirat(dir, base, uint32(perm.Perm())) }); err != nil {
		return &fs.PathError{Op: "mkdir", Path: filepath.FromSlash(name), Err: err}
	}
	return nil
}

func (r *fdFS) Chmod(name string, mode fs.FileMode) error {
	dir, base, err := r.at(name)
	if err != nil {
		return err
	}
	err = retry(func() error { return unix.Fchmodat(dir, base, uint32(mode.Perm()), unix.AT_SYMLINK_NOFOLLOW) })
	if err == unix.EOPNOTSUPP || err == unix.ENOSYS {
		// A kernel older than Linux 6.6 (no fchmodat2) cannot leave a symbolic link alone by
		// itself; os.Root knows how.
		return r.root.Chmod(filepath.FromSlash(name), mode)
	}
	if err != nil {
		return &fs.PathError{Op: "chmod", Path: filepath.FromSlash(name), Err: err}
	}
	return nil
}

func (r *fdFS) Rename(oldname, newname string) error {
	return r.rename(oldname, newname, 0)
}

// renameNoReplace renames oldname to newname, which must not exist (fs.ErrExist otherwise), in
// one call. It returns errors.ErrUnsupported where the filesystem cannot promise that (EINVAL).
func (r *fdFS) renameNoReplace(oldname, newname string) error {
	err := r.rename(oldname, newname, unix.RENAME_NOREPLACE)
	if errors.Is(err, unix.EINVAL) {
		return errors.ErrUnsupported
	}
	return err
}

func (r *fdFS) rename(oldname, newname string, flags uint) error {
	olddir, oldbase, err := r.at(oldname)
	if err == nil {
		var newdir int
		var newbase string
		if newdir, newbase, err = r.at(newname); err == nil {
			err = retry(func() error { return unix.Renameat2(olddir, oldbase, newdir, newbase, flags) })
		}
	}
	if err != nil {
		return &os.LinkError{Op: "rename", Old: filepath.FromSlash(oldname), New: filepath.FromSlash(newname), Err: err}
	}
	return nil
}

func (r *fdFS) Remove(name string) error {
	dir, base, err := r.at(name)
	if err != nil {
		return err
	}
	// As os.Remove: the system calls make us say whether it is a file or a directory, so try
	// both, and report the error that makes sense.
	err = retry(func() error { return unix.Unlinkat(dir, base, 0) })
	if err != nil {
		e1 := retry(func() error { return unix.Unlinkat(dir, base, unix.AT_REMOVEDIR) })
		if e1 == nil {
			err = nil
		} else if e1 != unix.ENOTDIR {
			err = e1
		}
	}
	if err != nil {
		return &fs.PathError{Op: "remove", Path: filepath.FromSlash(name), Err: err}
	}
	// A directory made again at this path is another directory. Its descriptor stays open until
	// Close, so that its number cannot be reused while another call may still hold it.
	r.mu.Lock()
	defer r.mu.Unlock()
	if d := r.dirs[name]; d != nil {
		delete(r.dirs, name)
		d.mu.Lock()
		if d.fd >= 0 {
			r.retired = append(r.retired, d.fd)
		}
		d.mu.Unlock()
	}
	return nil
}

func (r *fdFS) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	for _, d := range r.dirs {
		if d.fd >= 0 {
			errs = append(errs, unix.Close(d.fd))
		}
	}
	for _, fd := range r.retired {
		errs = append(errs, unix.Close(fd))
	}
	r.dirs, r.retired = nil, nil
	errs = append(errs, r.top.Close(), r.root.Close())
	return errors.Join(errs...)
}

// fileInfo is what Lstat returns.
type fileInfo struct {
	name string
	st   unix.Stat_t
}

func newFileInfo(name string, st *unix.Stat_t) *fileInfo { return &fileInfo{name: name, st: *st} }

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.st.Size }
func (fi *fileInfo) ModTime() time.Time { return time.Unix(fi.st.Mtim.Unix()) }
func (fi *fileInfo) IsDir() bool        { return fi.Mode().IsDir() }
func (fi *fileInfo) Sys() any           { return &fi.st }

// Mode converts the mode as os.Lstat does.
func (fi *fileInfo) Mode() fs.FileMode {
	m := fs.FileMode(fi.st.Mode & 0o777)
	switch fi.st.Mode & unix.S_IFMT {
	case unix.S_IFBLK:
		m |= fs.ModeDevice
	case unix.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFDIR:
		m |= fs.ModeDir
	case unix.S_IFIFO:
		m |= fs.ModeNamedPipe
	case unix.S_IFLNK:
		m |= fs.ModeSymlink
	case unix.S_IFSOCK:
		m |= fs.ModeSocket
	}
	if fi.st.Mode&unix.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if fi.st.Mode&unix.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if fi.st.Mode&unix.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}
