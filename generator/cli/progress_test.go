package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer that the progress timer may write to from its goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestProgressQuietWithoutTerminal(t *testing.T) {
	if p := newProgress(&bytes.Buffer{}); p != nil {
		t.Error("progress on a buffer")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if p := newProgress(f); p != nil {
		t.Error("progress on a regular file")
	}
	// A nil progress is silent and safe to use.
	var p *progress
	p.stage("anything")(func() string { t.Error("summary of a silent stage asked for"); return "" })
}

func TestProgressLongStage(t *testing.T) {
	var out syncBuffer
	p := &progress{w: &out, delay: 0}
	end := p.stage("rendering irsa.yaml")
	for deadline := time.Now().Add(10 * time.Second); out.String() == "" && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	end(func() string { return "rendered 3 files" })
	want := regexp.MustCompile(`^irsagen: rendering irsa.yaml\.\.\.\nirsagen: rendered 3 files \([0-9.]+s\)\n$`)
	if !want.MatchString(out.String()) {
		t.Errorf("progress wrote %q", out.String())
	}
}

func TestProgressShortStage(t *testing.T) {
	var out syncBuffer
	p := &progress{w: &out, delay: time.Hour}
	p.stage("rendering irsa.yaml")(func() string { return "rendered 3 files" })
	if out.String() != "" {
		t.Errorf("a stage shorter than the delay wrote %q", out.String())
	}
}
