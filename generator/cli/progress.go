package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progressDelay is how long a stage runs before its progress line appears: a run that finishes
// sooner prints nothing, so small configs stay as quiet as they were.
const progressDelay = 500 * time.Millisecond

// progress tells a person at a terminal what a long run is doing, one line per stage on stderr.
// It is nil, and silent, when stderr is not a terminal: in CI, in scripts and in tests.
type progress struct {
	w     io.Writer
	delay time.Duration
	mu    sync.Mutex
}

// newProgress returns a progress for stderr, or nil if stderr is not a terminal.
func newProgress(stderr io.Writer) *progress {
	f, ok := stderr.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return &progress{w: stderr, delay: progressDelay}
}

// stage announces what, if it is still running after the delay. The returned function ends the
// stage: if the announcement was made, it prints the result that summary returns (nothing if
// it returns "") with the stage's duration.
func (p *progress) stage(what string) (end func(summary func() string)) {
	if p == nil {
		return func(func() string) {}
	}
	start := time.Now()
	var announced, ended bool
	timer := time.AfterFunc(p.delay, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if !ended {
			fmt.Fprintf(p.w, "irsagen: %s...\n", what)
			announced = true
		}
	})
	return func(summary func() string) {
		timer.Stop()
		p.mu.Lock()
		defer p.mu.Unlock()
		ended = true
		if !announced {
			return
		}
		if s := summary(); s != "" {
			fmt.Fprintf(p.w, "irsagen: %s (%.1fs)\n", s, time.Since(start).Seconds())
		}
	}
}
