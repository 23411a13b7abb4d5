package jsonnet

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// init makes any binary that links this package able to serve as its own Jsonnet worker (see
// the package comment). It runs before main and before TestMain, which is why neither the
// irsagen command nor a test binary needs a hook. The check costs one getenv in every other
// process.
func init() {
	if v, ok := os.LookupEnv(workerEnv); ok {
		os.Exit(serve(v, os.Stdin, os.Stdout, os.Stderr))
	}
}

// Exit statuses of a worker. Results and errors of templates travel on stdout; a non-zero status
// only says the worker itself could not finish, and stderr says why.
const (
	workerOK     = 0
	workerFailed = 3
)

// maxGoStack stops a pathologically nested file (go-jsonnet's parser recurses on nesting, below
// the Jsonnet stack limit) long before Go's default of 1 GB.
const maxGoStack = 256 << 20

func serve(version string, in io.Reader, out, errOut io.Writer) int {
	if version != protocolVersion {
		fmt.Fprintf(errOut, "jsonnet worker: protocol %q requested, this binary speaks %q\n", version, protocolVersion)
		return workerFailed
	}
	var req request
	if err := json.NewDecoder(in).Decode(&req); err != nil {
		fmt.Fprintf(errOut, "jsonnet worker: reading the request: %v\n", err)
		return workerFailed
	}
	root, err := os.OpenRoot(req.Root)
	if err != nil {
		fmt.Fprintf(errOut, "jsonnet worker: %v\n", err)
		return workerFailed
	}
	defer root.Close()

	debug.SetMaxStack(maxGoStack)
	r := newResponder(out, req.Tasks)
	if err := r.enc.Encode(hello{Protocol: protocolVersion}); err != nil {
		fmt.Fprintf(errOut, "jsonnet worker: writing to the parent: %v\n", err)
		return workerFailed
	}
	go guardMemory(req.MaxMemory, r)
	s := newSession(root, req.MaxStack)
	for i, t := range req.Tasks {
		resp := s.evaluate(i, t)
		if n := len(resp.Document); req.MaxOutput > 0 && n > req.MaxOutput {
			// Not sent: the parent keeps every document until the plan is built.
			resp = response{Err: &Error{File: t.File, Message: fmt.Sprintf("the template's output is %d bytes, "+
				"more than the %d allowed; an IAM policy document has at most 10,240 characters, "+
				"so look for a list or string built from the role's context that grows without bound", n, req.MaxOutput)}}
		}
		if err := r.send(resp); err != nil {
			fmt.Fprintf(errOut, "jsonnet worker: writing a response: %v\n", err)
			return workerFailed
		}
	}
	return workerOK
}

// responder writes responses in task order. The memory guard writes too, from another
// goroutine, so both go through one lock that also tracks which task is running.
type responder struct {
	mu    sync.Mutex
	enc   *json.Encoder
	tasks []task
	next  int // index of the task whose response comes next
}

func newResponder(out io.Writer, tasks []task) *responder {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	return &responder{enc: enc, tasks: tasks}
}

func (r *responder) send(resp response) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.next++
	return r.enc.Encode(resp)
}

// abort reports message as the running task's error and ends the process. It never releases
// the lock, so nothing can be written after it.
func (r *responder) abort(message string) {
	r.mu.Lock()
	if r.next < len(r.tasks) {
		_ = r.enc.Encode(response{Err: &Error{File: r.tasks[r.next].File, Message: message}, Last: true})
	}
	os.Exit(workerFailed)
}

// guardMemory ends the worker when its heap passes limit. The soft limit makes the garbage
// collector work harder as the heap nears it, so that only a template that really holds that
// much memory is stopped; the polling is what enforces it, since go-jsonnet cannot be told to
// stop.
func guardMemory(limit int64, r *responder) {
	debug.SetMemoryLimit(limit)
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		metrics.Read(sample)
		if sample[0].Value.Uint64() > uint64(limit) {
			r.abort(fmt.Sprintf("the evaluation used more than %d MiB of memory; "+
				"look for a recursion or comprehension that builds ever larger values", limit>>20))
		}
	}
}
