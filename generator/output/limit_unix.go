//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package output

import "syscall"

// descriptorBudget is how many descriptors rootFS may hold for directories: half of what the
// process may open (Go raises the soft limit to the hard one at start), so that the files it
// opens, and the rest of the program, have the other half.
func descriptorBudget() int {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil || l.Cur > 1<<20 {
		return 512
	}
	return max(int(l.Cur/2), 64)
}
