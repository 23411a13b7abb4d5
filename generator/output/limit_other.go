//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package output

// descriptorBudget is how many handles rootFS may hold for directories.
func descriptorBudget() int { return 512 }
