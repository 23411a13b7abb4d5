package output

import (
	"errors"
	"fmt"
	"os"
)

// errDirReplaced says that DIR was removed or replaced while irsagen waited for its lock.
var errDirReplaced = errors.New("the output directory was removed or replaced while irsagen waited for it")

// lockDir locks the directory dir against other irsagen runs: exclusively for a write, shared
// for a reading, so that a diff never sees a write half done and two writes into one directory
// happen one after the other. It waits for a run that holds a conflicting lock. The lock is on
// the directory itself, so it leaves no file behind, and the kernel releases it when the process
// ends, however it ends.
//
// If dir was removed or replaced while the lock was awaited (a run that failed removes the
// output directory it created), it returns errDirReplaced.
func lockDir(dir string, exclusive bool) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := flock(f, exclusive); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: locking the output directory: %w", dir, err)
	}
	locked, err1 := f.Stat()
	now, err2 := os.Stat(dir)
	if err1 != nil || err2 != nil || !os.SameFile(locked, now) {
		f.Close()
		return nil, errDirReplaced
	}
	return func() { f.Close() }, nil
}
