// Package parallel runs the iterations of a loop on every CPU. The pipeline's stages that do the
// same work for many independent items (validating ServiceAccounts, measuring and checking roles,
// rendering files) use it. Each item's result goes to a slot of its own, so which goroutine did
// an item never shows in what a stage returns.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Workers is how many goroutines For runs for n items taken batch at a time: one per CPU, and no
// more than there are batches.
func Workers(n, batch int) int {
	batch = max(batch, 1)
	return max(1, min(runtime.GOMAXPROCS(0), (n+batch-1)/batch))
}

// For calls each(w, i) for every i in [0, n) on Workers(n, batch) goroutines, which take batch
// indexes at a time; w, below Workers(n, batch), numbers the goroutine, for state of its own.
// With one worker the calls are made in order on the calling goroutine.
func For(n, batch int, each func(w, i int)) {
	batch = max(batch, 1)
	workers := Workers(n, batch)
	if workers == 1 {
		for i := range n {
			each(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				lo := int(next.Add(int64(batch))) - batch
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+batch, n); i++ {
					each(w, i)
				}
			}
		})
	}
	wg.Wait()
}
