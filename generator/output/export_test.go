package output

// Concurrent marks fsys as safe for concurrent use, so that reads and writes go through it from
// several goroutines, as they go through OpenRoot's FS.
func Concurrent(fsys FS) FS { return concurrent{fsys} }

type concurrent struct{ FS }

func (concurrent) concurrent() {}
