package output

// Concurrent marks fsys as safe for concurrent use, so that reads and writes go through it from
// several goroutines, as they go through OpenRoot's FS.
func Concurrent(fsys FS) FS { return concurrent{fsys} }

type concurrent struct{ FS }

func (concurrent) concurrent() {}

// MaxOpenDirs sets, for one test, how many directories OpenRoot's FS holds open.
func MaxOpenDirs(t interface{ Cleanup(func()) }, n int) {
	old := maxOpenDirs
	maxOpenDirs = n
	t.Cleanup(func() { maxOpenDirs = old })
}
