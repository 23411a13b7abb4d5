//go:build !linux

package hugepages

// Reserve does nothing outside Linux, and reports false.
func Reserve(size int) bool { return false }
