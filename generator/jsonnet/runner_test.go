package jsonnet

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// A worker that dies is explained from the runtime's last words, which a test cannot provoke
// cheaply: these are the messages Go prints.
func TestWorkerDied(t *testing.T) {
	exit := errors.New("exit status 2")
	tests := []struct{ stderr, want string }{
		{"fatal error: runtime: out of memory\n\ngoroutine 1 [running]:\n...",
			"p.jsonnet: the evaluation ran out of memory; look for a recursion or comprehension that builds ever larger values"},
		{"runtime: goroutine stack exceeds 268435456-byte limit\nfatal error: stack overflow\n...",
			"p.jsonnet: the evaluation exceeded the Go stack limit, usually through deeply nested brackets or recursion"},
		{"some noise\npanic: boom\n\ngoroutine 1 [running]:",
			"p.jsonnet: the Jsonnet worker stopped (exit status 2): panic: boom"},
		{"", "p.jsonnet: the Jsonnet worker stopped (exit status 2)"},
	}
	for _, tt := range tests {
		if got := workerDied("p.jsonnet", exit, tt.stderr).Error(); got != tt.want {
			t.Errorf("stderr %q:\ngot  %s\nwant %s", tt.stderr, got, tt.want)
		}
	}
}

func TestTailKeepsTheStartAndTheEnd(t *testing.T) {
	var tl tail
	tl.Write([]byte("fatal error: stack overflow\n"))
	for range 10 {
		tl.Write(bytes.Repeat([]byte("x"), tailSize))
	}
	tl.Write([]byte("the end"))
	got := tl.String()
	if len(got) != 2*tailSize || !strings.HasPrefix(got, "fatal error: stack overflow") || !strings.HasSuffix(got, "the end") {
		t.Errorf("tail kept %d bytes, %q ... %q", len(got), got[:30], got[len(got)-10:])
	}
	if msg := workerDied("p.jsonnet", nil, got).Message; !strings.Contains(msg, "Go stack limit") && !strings.Contains(msg, "stack overflow") {
		t.Errorf("a stack overflow before a long dump reads %q", msg)
	}
}

// A worker refuses a parent of another build rather than misreading its request.
func TestWorkerChecksTheProtocol(t *testing.T) {
	var out, errOut bytes.Buffer
	if status := serve("0", strings.NewReader("{}"), &out, &errOut); status != workerFailed {
		t.Errorf("status %d, want %d", status, workerFailed)
	}
	if out.Len() != 0 || !strings.Contains(errOut.String(), `protocol "0" requested`) {
		t.Errorf("stdout %q, stderr %q", out.String(), errOut.String())
	}
}
