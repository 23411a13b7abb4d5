package jsonnet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// startTimeout bounds a worker's start: exec, the runtime and package initialisation of the
// whole binary, reading the request. It is separate from the per-job deadline so that a loaded
// machine (or a race-instrumented test binary) does not charge its slow start to the first job.
const startTimeout = time.Minute

// runWorker runs req's tasks in a worker process and returns their responses in task order.
// When a task overruns timeout, the run overruns total (expired is closed), or the worker dies, the responses stop there, the last one is
// that task's error, and stopped is true; the worker is gone either way when runWorker returns.
// An error means the worker could not run at all.
func runWorker(req request, timeout, total time.Duration, expired <-chan struct{}) (responses []response, stopped bool, err error) {
	w, err := startWorker(req)
	if err != nil {
		return nil, false, err
	}
	select {
	case ok := <-w.ready:
		if !ok {
			err := w.wait()
			return nil, false, fmt.Errorf("policy templates: the Jsonnet worker did not start: %v%s", err, stderrSuffix(w.stderr.String()))
		}
	case <-time.After(startTimeout):
		w.kill()
		return nil, false, fmt.Errorf("policy templates: the Jsonnet worker did not start within %v", startTimeout)
	}

	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for len(responses) < len(req.Tasks) {
		running := req.Tasks[len(responses)].File
		select {
		case r, ok := <-w.responses:
			if !ok {
				err := w.wait()
				return append(responses, response{Err: workerDied(running, err, w.stderr.String())}), true, nil
			}
			responses = append(responses, r)
			if r.Last {
				_ = w.wait()
				return responses, true, nil
			}
			deadline.Reset(timeout)
		case <-expired:
			w.kill()
			return append(responses, response{Err: &Error{
				File: running,
				Message: fmt.Sprintf("the policy templates did not finish within %v in all; this one was being evaluated "+
					"when the time ran out; look for templates that each take long", total),
			}}), true, nil
		case <-deadline.C:
			w.kill()
			return append(responses, response{Err: &Error{
				File: running,
				Message: fmt.Sprintf("the evaluation did not finish within %v; "+
					"look for a loop that never ends, such as a tailstrict recursion without a base case", timeout),
			}}), true, nil
		}
	}
	// Every response arrived, so the results are complete whatever the exit status says (the
	// memory guard may fire between the last response and the exit).
	_ = w.wait()
	return responses, false, nil
}

// worker is a running worker process, seen from the parent.
type worker struct {
	cmd       *exec.Cmd
	stderr    *tail
	ready     chan bool     // receives true once the worker has read the request, false if it died first
	responses chan response // closed when the worker's stdout ends
}

func startWorker(req request) (*worker, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("policy templates: cannot find this program to run the Jsonnet worker: %w", err)
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("policy templates: %w", err)
	}
	w := &worker{
		cmd:    exec.Command(exe),
		stderr: &tail{},
		ready:  make(chan bool, 1),
		// Room for every response, so the reader never blocks on a parent that has stopped
		// listening.
		responses: make(chan response, len(req.Tasks)),
	}
	w.cmd.Env = append(os.Environ(), workerEnv+"="+protocolVersion)
	w.cmd.Stdin = bytes.NewReader(body)
	w.cmd.Stderr = w.stderr
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("policy templates: %w", err)
	}
	if err := w.cmd.Start(); err != nil {
		return nil, fmt.Errorf("policy templates: cannot start the Jsonnet worker: %w", err)
	}
	go func() {
		defer close(w.responses)
		dec := json.NewDecoder(stdout)
		var h hello
		started := dec.Decode(&h) == nil && h.Protocol == protocolVersion
		w.ready <- started
		if !started {
			return
		}
		for range req.Tasks {
			var r response
			if dec.Decode(&r) != nil {
				return
			}
			w.responses <- r
		}
	}()
	return w, nil
}

// wait waits for the worker to exit, after its stdout has been read to the end.
func (w *worker) wait() error {
	for range w.responses {
	}
	return w.cmd.Wait()
}

// kill stops the worker and waits for it, so that nothing of it outlives the call.
func (w *worker) kill() {
	_ = w.cmd.Process.Kill()
	_ = w.wait()
}

// workerDied explains a worker that stopped before answering: the last response it did not
// send belongs to file.
func workerDied(file string, waitErr error, stderr string) *Error {
	var msg string
	switch {
	case strings.Contains(stderr, "out of memory"):
		msg = "the evaluation ran out of memory; look for a recursion or comprehension that builds ever larger values"
	case strings.Contains(stderr, "stack exceeds"):
		msg = "the evaluation exceeded the Go stack limit, usually through deeply nested brackets or recursion"
	default:
		msg = fmt.Sprintf("the Jsonnet worker stopped (%v)%s", waitErr, stderrSuffix(stderr))
	}
	return &Error{File: file, Message: msg}
}

// stderrSuffix picks the line of a worker's stderr that says what went wrong: the worker's own
// message or the runtime's, which come before any goroutine dump.
func stderrSuffix(stderr string) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "jsonnet worker:") || strings.HasPrefix(l, "fatal error:") || strings.HasPrefix(l, "panic:") {
			return ": " + l
		}
	}
	if first := strings.TrimSpace(lines[0]); first != "" {
		return ": " + first
	}
	return ""
}

// tail keeps the start and the end of a worker's stderr, bounded however much a crashing runtime
// prints: the runtime says what went wrong ("fatal error: stack overflow") before its goroutine
// dump, and the worker's own last words come at the end.
type tail struct{ head, buf []byte }

const tailSize = 8 << 10

func (t *tail) Write(p []byte) (int, error) {
	if room := tailSize - len(t.head); room > 0 {
		n := min(room, len(p))
		t.head = append(t.head, p[:n]...)
		if n == len(p) {
			return len(p), nil
		}
		t.buf = append(t.buf, p[n:]...)
	} else {
		t.buf = append(t.buf, p...)
	}
	if len(t.buf) > tailSize {
		t.buf = t.buf[len(t.buf)-tailSize:]
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.head) + string(t.buf) }
