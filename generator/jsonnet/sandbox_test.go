package jsonnet

import (
	"errors"
	"testing"
	"time"
)

// The templates below are what a careless or hostile config could hold. Each must fail with a
// clear error naming its file, and leave nothing running: the worker is killed or exits.

func TestDeepRecursionHitsTheStackLimit(t *testing.T) {
	dir := configDir(t, map[string]string{
		"policies/deep.jsonnet": "local depth(n) = 1 + depth(n + 1);\n{Version: depth(0)}",
	})
	err := failOne(t, &Evaluator{Root: dir, MaxStack: 100}, Job{File: "policies/deep.jsonnet"})
	want := "policies/deep.jsonnet:1:22: the evaluation exceeded the Jsonnet stack limit; " +
		"look for a recursion that never reaches its base case"
	if got := err.Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if len(err.Trace) > maxTrace {
		t.Errorf("trace of %d frames, want at most %d", len(err.Trace), maxTrace)
	}
}

// TestEndlessLoopMeetsTheDeadline uses tailstrict, which keeps the stack flat, so that only the
// deadline can stop it. The job sorted after it is never evaluated; the one before it is.
func TestEndlessLoopMeetsTheDeadline(t *testing.T) {
	dir := configDir(t, map[string]string{
		"policies/a-before.jsonnet": "{Version: '2012-10-17'}",
		"policies/loop.jsonnet":     "local spin(n) = spin(n + 1) tailstrict;\nfunction() {Version: spin(0)}",
		"policies/z-after.jsonnet":  "error 'evaluated after the deadline'",
	})
	e := &Evaluator{Root: dir, Timeout: 300 * time.Millisecond}
	_, err := e.Evaluate([]Job{
		{File: "policies/z-after.jsonnet"},
		{File: "policies/loop.jsonnet"},
		{File: "policies/a-before.jsonnet"},
	})
	want := "policies/loop.jsonnet: the evaluation did not finish within 300ms; " +
		"look for a loop that never ends, such as a tailstrict recursion without a base case"
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
	var je *Error
	if !errors.As(err, &je) || je.File != "policies/loop.jsonnet" {
		t.Errorf("error %#v does not name the looping file", je)
	}

	// The evaluator is usable again: nothing of the killed worker remains.
	if _, err := e.Evaluate([]Job{{File: "policies/a-before.jsonnet"}}); err != nil {
		t.Errorf("evaluation after a deadline: %v", err)
	}
}

func TestRunawayAllocationMeetsTheMemoryCeiling(t *testing.T) {
	dir := configDir(t, map[string]string{
		// Doubles a list until memory runs out; tailstrict keeps the stack flat, so only the
		// memory guard can stop it before the deadline.
		"policies/grow.jsonnet":    "local grow(list) = grow(list + list) tailstrict;\n{Version: grow([1])}",
		"policies/z-after.jsonnet": "error 'evaluated after the worker stopped'",
	})
	e := &Evaluator{Root: dir, MaxMemory: 16 << 20, Timeout: time.Minute}
	// The job sorted after the runaway one is never evaluated, so it reports nothing.
	_, err := e.Evaluate([]Job{{File: "policies/z-after.jsonnet"}, {File: "policies/grow.jsonnet"}})
	want := "policies/grow.jsonnet: the evaluation used more than 16 MiB of memory; " +
		"look for a recursion or comprehension that builds ever larger values"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

// TestStoppedWorkerTruncatesEveryWorker runs the same jobs on one worker and on four: the
// errors must be the same, although with four workers the jobs after the endless one run, in
// other processes, before the deadline.
func TestStoppedWorkerTruncatesEveryWorker(t *testing.T) {
	dir := configDir(t, map[string]string{
		"a-error.jsonnet": "error 'a'",
		"b-ok.jsonnet":    "{}",
		"c-loop.jsonnet":  "local spin(n) = spin(n + 1) tailstrict;\nspin(0)",
		"d-error.jsonnet": "error 'd'",
		"e-error.jsonnet": "error 'e'",
		"f-ok.jsonnet":    "{}",
		"g-error.jsonnet": "error 'g'",
		"h-ok.jsonnet":    "{}",
	})
	var jobs []Job
	for _, f := range []string{"h-ok", "g-error", "f-ok", "e-error", "d-error", "c-loop", "b-ok", "a-error"} {
		jobs = append(jobs, Job{File: f + ".jsonnet"})
	}
	// Errors come in job order; the jobs are listed in reverse.
	want := "c-loop.jsonnet: the evaluation did not finish within 300ms; " +
		"look for a loop that never ends, such as a tailstrict recursion without a base case\n" +
		"a-error.jsonnet:1:1: a"
	for _, workers := range []int{1, 4} {
		_, err := (&Evaluator{Root: dir, Timeout: 300 * time.Millisecond, workers: workers}).Evaluate(jobs)
		if err == nil || err.Error() != want {
			t.Errorf("%d workers:\ngot  %v\nwant %s", workers, err, want)
		}
	}
}

// TestRunMeetsItsTotalDeadline gives several slow jobs, each within its own deadline, a run
// deadline they cannot all meet: the run stops at it, naming the job being evaluated then, with
// its index among the jobs.
func TestRunMeetsItsTotalDeadline(t *testing.T) {
	slow := "local spin(n) = if n == 0 then 0 else spin(n - 1) tailstrict;\n" +
		"function(n) {Version: '2012-10-17', Sid: std.toString(spin(4000000) + n)}"
	dir := configDir(t, map[string]string{"policies/slow.jsonnet": slow})
	var jobs []Job
	for i := range 8 {
		jobs = append(jobs, Job{File: "policies/slow.jsonnet", Args: map[string]any{"n": i}})
	}
	e := &Evaluator{Root: dir, Timeout: 30 * time.Second, TotalTimeout: 500 * time.Millisecond, workers: 1}
	start := time.Now()
	_, err := e.Evaluate(jobs)
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the run took %v, far past its deadline", took)
	}
	var je *Error
	if !errors.As(err, &je) || je.File != "policies/slow.jsonnet" || len(je.Jobs) != 1 {
		t.Fatalf("err = %v (%#v), want an *Error naming the slow template and its job", err, je)
	}
	wantContains(t, err.Error(), "did not finish within 500ms in all")
}

// TestOutputIsBounded makes a template return a document larger than MaxOutput: the job fails,
// and the error names the template and the job that used it.
func TestOutputIsBounded(t *testing.T) {
	dir := configDir(t, map[string]string{
		"policies/small.jsonnet": "{Version: '2012-10-17'}",
		"policies/huge.jsonnet":  "function(n) {Version: '2012-10-17', Sid: std.join('', ['x' for i in std.range(1, n)])}",
	})
	e := &Evaluator{Root: dir, MaxOutput: 1000}
	_, err := e.Evaluate([]Job{
		{File: "policies/small.jsonnet"},
		{File: "policies/huge.jsonnet", Args: map[string]any{"n": 500}},
		{File: "policies/huge.jsonnet", Args: map[string]any{"n": 5000}},
	})
	var je *Error
	if !errors.As(err, &je) || je.File != "policies/huge.jsonnet" || len(je.Jobs) != 1 || je.Jobs[0] != 2 {
		t.Fatalf("err = %v (%#v), want an *Error for job 2", err, je)
	}
	wantContains(t, err.Error(), "the template's output is 5045 bytes, more than the 1000 allowed")
}
