package config

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelItems is the shortest list of ServiceAccounts that is validated on every CPU. A
// variable, so that tests can run short lists that way too.
var parallelItems = 512

// parallelBatch is how many items a goroutine takes at a time.
const parallelBatch = 64

// workersFor is how many goroutines forEach runs for n items: none for a short list, which is
// done on the caller's goroutine.
func workersFor(n int) int {
	procs := runtime.GOMAXPROCS(0)
	if n < parallelItems || procs == 1 {
		return 0
	}
	return min(procs, (n+parallelBatch-1)/parallelBatch)
}

// forEach calls each(w, i) for every i below n on workers goroutines, which take parallelBatch
// items at a time; w is the goroutine's number, for state of its own.
func forEach(workers, n int, each func(w, i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				lo := int(next.Add(parallelBatch)) - parallelBatch
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+parallelBatch, n); i++ {
					each(w, i)
				}
			}
		})
	}
	wg.Wait()
}
