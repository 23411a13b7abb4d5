package jsonnet

import "encoding/json"

// workerEnv names the environment variable that turns a process into a worker (worker.go). Its
// value is protocolVersion, so that a worker and its parent are always the same build.
const (
	workerEnv       = "IRSAGEN_JSONNET_WORKER"
	protocolVersion = "2"
)

// request is what the parent writes to a worker's stdin: every task of one Evaluate call.
type request struct {
	Root      string // absolute path of the config directory
	MaxStack  int
	MaxMemory int64
	MaxOutput int // bytes of one task's document
	Tasks     []task
}

// hello is the first thing a worker writes, once it has read the request: the parent starts the
// first job's deadline then, and knows it is talking to a worker of its own build.
type hello struct {
	Protocol string
}

// task is a Job with its values encoded as JSON objects: the parent encodes them, so that a
// value Jsonnet cannot represent is reported before any process starts, and the worker passes
// them to go-jsonnet as they are. Keys are sorted, so equal values have equal encodings.
type task struct {
	File    string
	Args    json.RawMessage
	Context json.RawMessage
}

// response is what a worker writes to stdout for each task, in task order, as soon as the task
// is done. Streaming them is what lets the parent give each task its own deadline and name the
// task that was running when the worker was stopped.
//
// Same, when set, says the response is that of an earlier task (see memo.go); it spares encoding,
// sending and decoding the same document thousands of times in a fleet. Last says the worker
// stops after this response, which is then the error of a task it could not finish.
type response struct {
	Document json.RawMessage `json:",omitempty"`
	Err      *Error          `json:",omitempty"`
	Same     *int            `json:",omitempty"`
	Last     bool            `json:",omitempty"`
}
