package cli

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

func TestConfirm(t *testing.T) {
	for answer, want := range map[string]bool{"yes\n": true, "y\n": false, "\n": false, "": false, " yes \n": true} {
		if got := confirm(context.Background(), strings.NewReader(answer), io.Discard); got != want {
			t.Errorf("answer %q: %v, want %v", answer, got, want)
		}
	}
	// Ctrl-C while nothing is typed: a no, at once.
	stdin, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan bool)
	go func() { done <- confirm(ctx, stdin, io.Discard) }()
	cancel()
	select {
	case got := <-done:
		if got {
			t.Error("an interrupted prompt counts as yes")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the prompt ignores Ctrl-C")
	}
}
