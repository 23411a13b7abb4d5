package parallel

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// For calls each index once, with a worker number below Workers, whatever the batch and the
// number of CPUs; one worker runs in order.
func TestFor(t *testing.T) {
	for _, procs := range []int{1, 2, 7} {
		old := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 5, 64, 65, 1000} {
			for _, batch := range []int{0, 1, 3, 64, 2000} {
				workers := Workers(n, batch)
				if workers < 1 || workers > procs {
					t.Errorf("Workers(%d, %d) = %d with %d CPUs", n, batch, workers, procs)
				}
				calls := make([]atomic.Int32, n)
				var order []int
				For(n, batch, func(w, i int) {
					if w < 0 || w >= workers {
						t.Errorf("worker %d of %d", w, workers)
					}
					calls[i].Add(1)
					if workers == 1 {
						order = append(order, i)
					}
				})
				for i := range calls {
					if c := calls[i].Load(); c != 1 {
						t.Errorf("n=%d batch=%d: index %d called %d times", n, batch, i, c)
					}
				}
				for i, got := range order {
					if got != i {
						t.Fatalf("one worker called %v, not in order", order)
					}
				}
			}
		}
		runtime.GOMAXPROCS(old)
	}
}
