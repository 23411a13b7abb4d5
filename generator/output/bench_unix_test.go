//go:build unix

package output_test

import "syscall"

// flushDisk writes every dirty page to disk, so that a benchmark starts from a quiet disk.
func flushDisk() { syscall.Sync() }
