package jsonnet

import (
	"errors"
	"reflect"
	"testing"
)

// TestErrorJobs: each error names the jobs that failed with it, in job order, so that a caller
// can report it where each job came from; jobs that share an error share one *Error.
func TestErrorJobs(t *testing.T) {
	dir := configDir(t, map[string]string{
		"fail.jsonnet": "function(zone) if zone == 'bad' then error 'bad zone' else {Version: '2012-10-17', Statement: []}",
		"odd.jsonnet":  "error 'always'",
	})
	jobs := []Job{
		{File: "fail.jsonnet", Args: map[string]any{"zone": "bad"}, Context: map[string]any{"roleName": "a"}},
		{File: "fail.jsonnet", Args: map[string]any{"zone": "good"}},
		{File: "odd.jsonnet"},
		{File: "fail.jsonnet", Args: map[string]any{"zone": "bad"}, Context: map[string]any{"roleName": "b"}},
		{File: "fail.jsonnet", Args: map[string]any{"zone": "bad"}, Context: map[string]any{"roleName": "a"}},
	}
	_, err := (&Evaluator{Root: dir}).Evaluate(jobs)
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("Evaluate: %v, want joined errors", err)
	}
	got := map[string][]int{}
	for _, e := range joined.Unwrap() {
		var je *Error
		if !errors.As(e, &je) {
			t.Fatalf("%v is not an *Error", e)
		}
		got[je.Message] = je.Jobs
	}
	want := map[string][]int{"bad zone": {0, 3, 4}, "always": {2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("jobs by error = %v, want %v", got, want)
	}
}
