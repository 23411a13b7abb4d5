//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package output

import (
	"errors"
	"os"
	"syscall"
)

// flock takes an advisory lock on f, waiting as long as another process holds one that
// conflicts. The kernel releases it when f is closed or the process ends, however it ends. On a
// filesystem that has no locks (some NFS mounts), runs are not serialized, as where flock does
// not exist, rather than refused.
func flock(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		switch {
		case errors.Is(err, syscall.ENOLCK), errors.Is(err, syscall.ENOTSUP), errors.Is(err, syscall.EOPNOTSUPP):
			return nil
		case !errors.Is(err, syscall.EINTR):
			return err
		}
	}
}
