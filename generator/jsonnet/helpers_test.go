package jsonnet

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// configDir writes files (slash paths relative to the directory) into a fresh directory that
// plays the config directory.
func configDir(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// evaluateOne evaluates one job and returns its document as compact JSON, so that tests compare
// whole documents as text.
func evaluateOne(t *testing.T, e *Evaluator, job Job) string {
	t.Helper()
	docs, err := e.Evaluate([]Job{job})
	if err != nil {
		t.Fatalf("Evaluate(%s): %v", job.File, err)
	}
	out, err := json.Marshal(docs[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// failOne evaluates one job that must fail and returns its *Error.
func failOne(t *testing.T, e *Evaluator, job Job) *Error {
	t.Helper()
	docs, err := e.Evaluate([]Job{job})
	if err == nil {
		t.Fatalf("Evaluate(%s) = %v, want an error", job.File, docs)
	}
	var je *Error
	if !errors.As(err, &je) {
		t.Fatalf("Evaluate(%s) error %v (%T) is not an *Error", job.File, err, err)
	}
	return je
}

func wantContains(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%q\ndoes not contain %q", got, w)
		}
	}
}
