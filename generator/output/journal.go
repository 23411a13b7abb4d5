package output

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
)

// Names that a write gives its own files in DIR: the staging directory of a write in progress
// (type staging), and the backups an earlier irsagen kept beside the files. Whatever DIR holds
// under these names was left by an interrupted write.
const (
	tempPrefix   = reservedPrefix + "tmp-"
	backupPrefix = reservedPrefix + "bak-"
)

// journal performs filesystem changes and remembers, for each one done, how to undo it.
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
func (j *journal) each(n, workers int, do func(i int, sub *journal) error) error {
	subs := make([]journal, n)
	err := forEach(n, workers, func(i int) error {
		subs[i].fsys = j.fsys
		return do(i, &subs[i])
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

func (j *journal) mkdir(name string) error {
	if err := j.fsys.Mkdir(name, 0o755); err != nil {
		return err
	}
	j.push("remove directory "+name, func() error { return j.fsys.Remove(name) })
	return nil
}

// stage writes data to the new file tmp, in the staging directory. With exact, the file will replace another: it gets
// exactly perm, which keeps the permissions of the file it replaces, and it is flushed to disk,
// because the rename that publishes it must not reach the disk before its data, or a crash could
// leave an empty file where a good one was. A new file has nothing to lose and is not flushed: a
// crash can leave it empty at worst, which the next run reports, and flushing each of the 18,000
// files of a large fleet took most of a minute.
func (j *journal) stage(tmp string, data []byte, perm fs.FileMode, exact bool) error {
	// Registered before writing: a write that fails half way, on a full disk, may leave a
	// partial file.
	j.push("remove temporary file "+tmp, func() error { return removeIfExists(j.fsys, tmp) })
	createPerm := perm
	if exact {
		createPerm = 0o600 // writable, so that Sync can open it; Chmod then sets perm
	}
	err := j.fsys.WriteFile(tmp, data, createPerm)
	if err == nil && exact {
		err = j.fsys.Sync(tmp)
	}
	if err == nil && exact {
		err = j.fsys.Chmod(tmp, perm)
	}
	return err
}

// keep gives the file name, whose permissions are perm, the second name bak, so that the file
// survives name being replaced or removed, and undoing that is a rename back. Where the
// filesystem or the kernel refuses a hard link (some network and FAT filesystems, and Linux's
// protected_hardlinks for a file of another user), bak is a copy instead, flushed to disk like
// any file that may have to take the place of another.
func (j *journal) keep(name, bak string, perm fs.FileMode) error {
	err := j.fsys.Link(name, bak)
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EMLINK) ||
		errors.Is(err, errors.ErrUnsupported) {
		var data []byte
		if data, err = j.fsys.ReadFile(name); err == nil {
			return j.stage(bak, data, perm, true)
		}
	}
	if err != nil {
		return err
	}
	j.push("remove backup "+bak, func() error { return removeIfExists(j.fsys, bak) })
	return nil
}

// replace renames tmp over name in one step. Undoing it renames bak, the old file's second
// name, back over name, or removes name if there was no old file (bak is "").
func (j *journal) replace(tmp, name, bak string) error {
	if err := j.fsys.Rename(tmp, name); err != nil {
		return err
	}
	if bak == "" {
		j.push("remove "+name, func() error { return j.fsys.Remove(name) })
	} else {
		j.push("move "+bak+" back to "+name, func() error { return j.fsys.Rename(bak, name) })
	}
	return nil
}

// remove removes name, which keep gave the second name bak.
func (j *journal) remove(name, bak string) error {
	if err := j.fsys.Remove(name); err != nil {
		return err
	}
	j.push("move "+bak+" back to "+name, func() error { return j.fsys.Rename(bak, name) })
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
