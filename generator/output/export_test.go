package output

// WaitPrefetched waits until p's reading is over, so that a benchmark can time what is left
// after a prefetch that had all the time it needed.
func WaitPrefetched(p *Prefetched) { <-p.done }

// Concurrent marks fsys as safe for concurrent use, so that reads and writes go through it from
// several goroutines, as they go through OpenRoot's FS.
func Concurrent(fsys FS) FS { return concurrent{fsys} }

type concurrent struct{ FS }

func (concurrent) concurrent() {}

// StageNewDirs sets, for one test, whether new directories are staged whole (stageNewDirs).
func StageNewDirs(t interface{ Cleanup(func()) }, on bool) {
	old := stageNewDirs
	stageNewDirs = on
	t.Cleanup(func() { stageNewDirs = old })
}
