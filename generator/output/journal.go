package output

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
)

// Names of the files that exist only while a write is in progress. They sit beside their target
// so that every rename stays within one directory, hence one filesystem, where rename is atomic.
const (
	tempPrefix   = reservedPrefix + "tmp-"
	backupPrefix = reservedPrefix + "bak-"
)

// journal performs filesystem changes and remembers, for each one done, how to undo it. Every
// change a write makes goes through it, including removing the backups at the end: undoing that
// recreates the backup from the bytes read during the plan, so even a failure in the last step
// can be rolled back completely.
type journal struct {
	fsys FS
	undo []undoStep
}

type undoStep struct {
	what string
	do   func() error
}

func (j *journal) push(what string, do func() error) {
	j.undo = append(j.undo, undoStep{what, do})
}

// each runs do(i, sub) for every i in [0, n), each with a journal sub of its own, on up to
// workers goroutines (forEach), and then adds the subs' changes to j in the order of i, whatever
// order they were made in: rollback undoes the changes of one i in reverse, and the i in reverse.
// That is enough because the changes of different i are independent of one another.
//
// Consecutive i with the same dir(i) go to one goroutine, in order: the kernel locks a directory
// while it creates, renames or removes a name in it, so goroutines working in one directory
// would only wait for each other.
func (j *journal) each(n, workers int, dir func(i int) string, do func(i int, sub *journal) error) error {
	var starts []int
	for i := range n {
		if i == 0 || dir(i) != dir(i-1) {
			starts = append(starts, i)
		}
	}
	starts = append(starts, n)
	subs := make([]journal, n)
	err := forEach(len(starts)-1, workers, func(c int) error {
		for i := starts[c]; i < starts[c+1]; i++ {
			subs[i].fsys = j.fsys
			if err := do(i, &subs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	for i := range subs {
		j.undo = append(j.undo, subs[i].undo...)
	}
	return err
}

// rollback undoes every change in reverse order. It carries on past a failing undo so that as much
// as possible is restored, and reports every failure.
func (j *journal) rollback() error {
	var errs []error
	for i := len(j.undo) - 1; i >= 0; i-- {
		if err := j.undo[i].do(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", j.undo[i].what, err))
		}
	}
	j.undo = nil
	return errors.Join(errs...)
}

// mkdirTemp creates a new temporary directory in dir and returns its name.
func (j *journal) mkdirTemp(dir string) (string, error) {
	for range 10 {
		name := path.Join(dir, tempPrefix+rand.Text())
		err := j.mkdir(name)
		if !errors.Is(err, fs.ErrExist) {
			return name, err
		}
	}
	return "", fmt.Errorf("%s: could not find a free temporary directory name", dir)
}

// create writes a new file, in a directory that only this write knows of, with the permission
// of a new file before the umask. Like a staged new file, it is not flushed to disk.
func (j *journal) create(name string, data []byte) error {
	// Registered before writing: a write that fails half way may leave a partial file.
	j.push("remove "+name, func() error { return removeIfExists(j.fsys, name) })
	return j.fsys.WriteFile(name, data, newFilePerm)
}

func (j *journal) mkdir(name string) error {
	if err := j.fsys.Mkdir(name, 0o755); err != nil {
		return err
	}
	j.push("remove directory "+name, func() error { return j.fsys.Remove(name) })
	return nil
}

// stage writes data to a new temporary file in dir and returns its name. With exact, the file
// will replace another: it gets exactly perm, which keeps the permissions of the file it
// replaces, and it is flushed to disk, because the rename that publishes it must not reach the
// disk before its data, or a crash could leave an empty file where a good one was. A new file
// has nothing to lose and is not flushed: a crash can leave it empty at worst, which the next
// run reports, and flushing each of the 18,000 files of a large fleet took most of a minute.
func (j *journal) stage(dir string, data []byte, perm fs.FileMode, exact bool) (string, error) {
	createPerm := perm
	if exact {
		createPerm = 0o600 // writable, so that Sync can open it; Chmod then sets perm
	}
	for range 10 {
		name := path.Join(dir, tempPrefix+rand.Text())
		// Registered before writing: a write that fails half way may leave a partial file.
		j.push("remove temporary file "+name, func() error { return removeIfExists(j.fsys, name) })
		err := j.fsys.WriteFile(name, data, createPerm)
		if errors.Is(err, fs.ErrExist) {
			// Someone else's file: not ours to remove. Try another name.
			j.undo = j.undo[:len(j.undo)-1]
			continue
		}
		if err == nil && exact {
			err = j.fsys.Sync(name)
		}
		if err == nil && exact {
			err = j.fsys.Chmod(name, perm)
		}
		return name, err
	}
	return "", fmt.Errorf("%s: could not find a free temporary file name", dir)
}

// backupName returns a free name in dir to move a file aside to.
func (j *journal) backupName(dir string) (string, error) {
	for range 10 {
		name := path.Join(dir, backupPrefix+rand.Text())
		_, err := j.fsys.Lstat(name)
		if errors.Is(err, fs.ErrNotExist) {
			return name, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("%s: could not find a free backup file name", dir)
}

// publish moves a staged directory to its final name, which must still not exist: renaming a
// directory over an empty one replaces it without an error, where the mkdir that publishing
// replaces would have failed. fdFS refuses in the same call (RENAME_NOREPLACE); any other FS, or
// a filesystem without that flag, is asked about the name first.
func (j *journal) publish(staged, final string) error {
	err := errors.ErrUnsupported
	if r, ok := j.fsys.(interface{ renameNoReplace(string, string) error }); ok {
		err = r.renameNoReplace(staged, final)
	}
	if errors.Is(err, errors.ErrUnsupported) {
		if _, err = j.fsys.Lstat(final); err == nil {
			err = &os.LinkError{Op: "rename", Old: staged, New: final, Err: fs.ErrExist}
		} else if errors.Is(err, fs.ErrNotExist) {
			err = j.fsys.Rename(staged, final)
		}
	}
	if err != nil {
		return err
	}
	j.push("move "+final+" back to "+staged, func() error { return j.fsys.Rename(final, staged) })
	return nil
}

func (j *journal) rename(oldname, newname string) error {
	if err := j.fsys.Rename(oldname, newname); err != nil {
		return err
	}
	j.push("move "+newname+" back to "+oldname, func() error { return j.fsys.Rename(newname, oldname) })
	return nil
}

// removeFile removes a file whose content and permissions are known, so that undoing it can
// recreate the file.
func (j *journal) removeFile(name string, data []byte, perm fs.FileMode) error {
	if err := j.fsys.Remove(name); err != nil {
		return err
	}
	j.push("recreate "+name, func() error {
		if err := j.fsys.WriteFile(name, data, perm); err != nil {
			return err
		}
		return j.fsys.Chmod(name, perm)
	})
	return nil
}

// removeDir removes an empty directory.
func (j *journal) removeDir(name string, perm fs.FileMode) error {
	if err := j.fsys.Remove(name); err != nil {
		return err
	}
	j.push("recreate directory "+name, func() error {
		if err := j.fsys.Mkdir(name, perm); err != nil {
			return err
		}
		return j.fsys.Chmod(name, perm)
	})
	return nil
}

func removeIfExists(fsys FS, name string) error {
	err := fsys.Remove(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
