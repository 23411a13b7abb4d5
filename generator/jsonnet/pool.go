package jsonnet

import (
	"runtime"
	"sync"
	"time"
)

// minTasksPerWorker is the smallest share of tasks worth a process of its own: a worker costs a
// process start (milliseconds), a task that misses the memo a few hundred microseconds.
const minTasksPerWorker = 250

// workerCount is how many worker processes share n tasks: one per CPU, but not more than the
// tasks justify.
func workerCount(n int) int {
	return min(max(n/minTasksPerWorker, 1), runtime.GOMAXPROCS(0))
}

// runWorkers spreads req's tasks over workers processes, each taking a contiguous run of the
// sorted tasks (so that tasks likely to share a memo entry share a worker), and returns one
// response per task, nil for a task that was not evaluated.
//
// All of them stop when total has passed since the call (expired is closed then).
//
// When a task stops its worker (deadline, memory, crash), every response from that task on is
// dropped, in every worker. What remains is exactly what one worker running all tasks in order
// would have returned, so the errors a run reports do not depend on the number of CPUs.
func runWorkers(req request, timeout, total time.Duration, workers int) ([]*response, error) {
	expired := make(chan struct{})
	timer := time.AfterFunc(total, func() { close(expired) })
	defer timer.Stop()
	n := len(req.Tasks)
	workers = min(max(workers, 1), n)
	out := make([]*response, n)
	stopAt := make([]int, workers) // global index of the task that stopped each worker, or n
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		start, end := w*n/workers, (w+1)*n/workers
		wg.Go(func() {
			sub := req
			sub.Tasks = req.Tasks[start:end]
			rs, stopped, err := runWorker(sub, timeout, total, expired)
			stopAt[w] = n
			if err != nil {
				errs[w] = err
				return
			}
			if stopped {
				stopAt[w] = start + len(rs) - 1
			}
			for i, r := range rs {
				if r.Same != nil {
					same := *r.Same + start
					r.Same = &same
				}
				out[start+i] = &r
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err // workers that cannot start all fail for the same reason
		}
	}
	first := n
	for _, s := range stopAt {
		first = min(first, s)
	}
	for i := first + 1; i < n; i++ {
		out[i] = nil
	}
	return out, nil
}
