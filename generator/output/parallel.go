package output

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// ioWorkers is how many goroutines read or write DIR at once. Reading, hashing and creating
// files is mostly system calls, whose cost is CPU time in the kernel; a few calls in flight keep
// both CPUs of a small CI machine busy, and hide the latency of a disk that is not in the page
// cache. On 2 CPUs, 2 or 4 wrote a new tree of 18,000 files in about four fifths of the time one
// took; 8 were no faster.
const ioWorkers = 4

// concurrentFS is implemented by an FS whose methods may be called from several goroutines at
// once. OpenRoot's FS is one; any other FS, such as the tests' fault-injecting one, is used from
// one goroutine, in the order the changes are made.
type concurrentFS interface {
	FS
	concurrent()
}

// workersFor returns how many goroutines may use fsys at once.
func workersFor(fsys FS) int {
	if _, ok := fsys.(concurrentFS); ok {
		return ioWorkers
	}
	return 1
}

// forEach calls do(i) for every i in [0, n) on up to workers goroutines, lowest indexes first,
// and returns the first error. Once a call fails, no further index is started. With one worker
// the calls are made in order on the calling goroutine, so that a test's FS sees the changes in
// a fixed order.
func forEach(n, workers int, do func(i int) error) error {
	if workers <= 1 {
		for i := range n {
			if err := do(i); err != nil {
				return err
			}
		}
		return nil
	}
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(workers)
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error { return do(i) })
	}
	return g.Wait()
}
