package jsonnet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Defaults for the Evaluator fields left zero.
const (
	// DefaultTimeout is the time one job may take. Policy templates evaluate in milliseconds;
	// the margin is for slow CI machines, not for slow templates.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxStack is go-jsonnet's own default: deep enough for recursion over hundreds of
	// items, shallow enough to fail fast.
	DefaultMaxStack = 500
	// DefaultMaxMemory bounds the heap of a worker process. A policy document is a few
	// kilobytes; a template that needs a gigabyte is broken.
	DefaultMaxMemory = 1 << 30
	// DefaultMaxOutput bounds one job's document, as JSON. IAM allows 10,240 characters for
	// all of a role's inline policies; the margin is for whitespace and for the quota checks,
	// which say which quota a document breaks. The parent keeps every document until the plan
	// is built, so without a bound, templates whose large output depends on the role could
	// exhaust its memory.
	DefaultMaxOutput = 256 << 10
	// DefaultTotalTimeout bounds a whole Evaluate call, however many jobs each stay within
	// Timeout.
	DefaultTotalTimeout = time.Minute
)

// Job is one template to evaluate into a policy document.
type Job struct {
	// File is the template's path relative to the config directory, with '/' separators, as
	// written in irsa.yaml ("policies/send-mail.jsonnet"), or a library path
	// ("irsagen/external-dns.libsonnet").
	File string
	// Args are the template's top-level arguments, passed when the file's value is a function.
	// Values are those of decoded JSON or YAML: string, bool, json.Number, float64, int,
	// []any and map[string]any; they reach Jsonnet with their types.
	Args map[string]any
	// Context is the role the document is rendered for, std.extVar('irsagen') in the template:
	// accountId, partition, region (the account's), clusters, regions and clusterRegions (the
	// clusters'), namespace, serviceAccount, roleName.
	Context map[string]any
}

// Evaluator evaluates policy templates under one config directory. The zero value of each limit
// means its default.
type Evaluator struct {
	Root         string        // the config's directory; templates cannot read outside it
	Timeout      time.Duration // per job; a job's clock starts when the previous one finishes
	TotalTimeout time.Duration // for all the jobs of one Evaluate call
	MaxStack     int           // Jsonnet stack frames
	MaxMemory    int64         // bytes of heap for each worker process
	MaxOutput    int           // bytes of one job's document, as JSON

	workers int // worker processes; 0 lets workerCount decide (tests set it)
}

// Evaluate evaluates jobs and returns their documents in job order, each an IAM policy document
// decoded from JSON with numbers as json.Number.
//
// It returns no documents if any job fails. The error then joins (errors.Join) the *Error of
// each failed job, in job order, each distinct error once, with the jobs that failed with it
// (Error.Jobs). A job that overruns its deadline, the run's TotalTimeout or the memory
// ceiling stops the evaluation: the jobs evaluated after it (in an order that does not
// depend on the order of jobs) report nothing. Any other error (an unreadable Root, a worker that
// cannot start) is not an *Error.
//
// Jobs are evaluated in child processes (see the package comment), started once per call, so
// callers should pass all their jobs in one call.
func (e *Evaluator) Evaluate(jobs []Job) ([]map[string]any, error) {
	if len(jobs) == 0 {
		return []map[string]any{}, nil
	}
	root, err := e.root()
	if err != nil {
		return nil, err
	}
	tasks, taskOf, err := encodeJobs(jobs)
	if err != nil {
		return nil, err
	}
	req := request{
		Root:      root,
		MaxStack:  orDefault(e.MaxStack, DefaultMaxStack),
		MaxMemory: orDefault(e.MaxMemory, DefaultMaxMemory),
		MaxOutput: orDefault(e.MaxOutput, DefaultMaxOutput),
		Tasks:     tasks,
	}
	workers := e.workers
	if workers == 0 {
		workers = workerCount(len(tasks))
	}
	responses, err := runWorkers(req, orDefault(e.Timeout, DefaultTimeout), orDefault(e.TotalTimeout, DefaultTotalTimeout), workers)
	if err != nil {
		return nil, err
	}

	return assemble(jobs, taskOf, responses)
}

// assemble maps the responses back to the jobs. A document is decoded once per evaluation and
// copied for every further job that shares it, so that each job gets maps of its own that a
// caller may modify.
func assemble(jobs []Job, taskOf []int, responses []*response) ([]map[string]any, error) {
	docs := make([]map[string]any, len(jobs))
	decoded := map[int]map[string]any{}
	var errs []error
	reported := map[string]*Error{} // jobs that share a template often share its error
	for i, job := range jobs {
		t := taskOf[i]
		if responses[t] == nil {
			continue // after a job that stopped the evaluation
		}
		if same := responses[t].Same; same != nil {
			t = *same
		}
		r := *responses[t]
		if r.Err == nil {
			if doc, ok := decoded[t]; ok {
				docs[i] = deepCopy(doc).(map[string]any)
				continue
			}
			docs[i], r.Err = decodeDocument(job.File, r.Document)
			decoded[t] = docs[i]
		}
		if r.Err == nil {
			continue
		}
		first, seen := reported[r.Err.Error()]
		if !seen {
			// A copy: responses are shared by the jobs of one task.
			e := *r.Err
			e.Jobs = nil
			first = &e
			reported[r.Err.Error()] = first
			errs = append(errs, first)
		}
		first.Jobs = append(first.Jobs, i)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return docs, nil
}

func (e *Evaluator) root() (string, error) {
	root, err := filepath.Abs(e.Root)
	if err != nil {
		return "", fmt.Errorf("policy templates: %w", err)
	}
	st, err := os.Stat(root)
	if err != nil {
		return "", fmt.Errorf("policy templates: %w", err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("policy templates: %s is not a directory", e.Root)
	}
	return root, nil
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// encodeJobs turns jobs into the tasks a worker runs: values encoded as JSON, identical jobs
// merged, and tasks sorted. The order makes the evaluation independent of the order of jobs,
// down to which job a deadline stops. taskOf maps each job to its task.
func encodeJobs(jobs []Job) (tasks []task, taskOf []int, err error) {
	type keyed struct {
		key  string
		task task
	}
	byKey := map[string]int{}
	var unique []keyed
	jobKeys := make([]string, len(jobs))
	for i, job := range jobs {
		t, err := encodeJob(job)
		if err != nil {
			err.Jobs = []int{i}
			return nil, nil, err
		}
		key := t.File + "\x00" + string(t.Args) + "\x00" + string(t.Context)
		jobKeys[i] = key
		if _, ok := byKey[key]; !ok {
			byKey[key] = len(unique)
			unique = append(unique, keyed{key, t})
		}
	}
	sort.Slice(unique, func(a, b int) bool { return unique[a].key < unique[b].key })
	tasks = make([]task, len(unique))
	for i, u := range unique {
		tasks[i] = u.task
		byKey[u.key] = i
	}
	taskOf = make([]int, len(jobs))
	for i, key := range jobKeys {
		taskOf[i] = byKey[key]
	}
	return tasks, taskOf, nil
}

func encodeJob(job Job) (task, *Error) {
	args, err := json.Marshal(job.Args) // map keys come out sorted, here and in nested maps
	if err != nil {
		// Name the argument, which json's message does not.
		for name, v := range job.Args {
			if _, err := json.Marshal(v); err != nil {
				return task{}, &Error{File: job.File, Message: fmt.Sprintf("argument %q cannot be passed to Jsonnet: %v", name, err)}
			}
		}
		return task{}, &Error{File: job.File, Message: fmt.Sprintf("the arguments cannot be passed to Jsonnet: %v", err)}
	}
	ctx, err := json.Marshal(job.Context)
	if err != nil {
		return task{}, &Error{File: job.File, Message: fmt.Sprintf("the context cannot be passed to Jsonnet: %v", err)}
	}
	return task{File: job.File, Args: args, Context: ctx}, nil
}

// decodeDocument decodes one evaluation's result, which must be an object.
func decodeDocument(file string, raw json.RawMessage) (map[string]any, *Error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &Error{File: file, Message: fmt.Sprintf("the evaluation returned invalid JSON: %v", err)}
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{File: file, Message: fmt.Sprintf(
			"the template evaluates to %s, not an object; a policy template must evaluate to an IAM policy document "+
				"such as {Version: '2012-10-17', Statement: [...]}", kindOf(v))}
	}
	return doc, nil
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}

// deepCopy copies a decoded JSON value.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, e := range v {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}
