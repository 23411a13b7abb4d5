//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package output

import "os"

// flock does nothing where flock(2) does not exist: runs into one directory are not serialized.
func flock(*os.File, bool) error { return nil }
