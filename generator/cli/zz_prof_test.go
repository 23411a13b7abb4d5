package cli

import (
	"io"
	"os"
	"runtime/pprof"
	"testing"
)

func TestZZProf(t *testing.T) {
	out := t.TempDir() + "/out"
	Main([]string{"generate", "-c", "/tmp/syn/irsa-10000.yaml", "-o", out}, io.Discard, os.Stderr)
	f, _ := os.Create("/tmp/prof/cli-diff.cpu")
	pprof.StartCPUProfile(f)
	for range 3 {
		Main([]string{"diff", "-c", "/tmp/syn/irsa-10000.yaml", "-o", out}, io.Discard, os.Stderr)
	}
	pprof.StopCPUProfile()
	f.Close()
}
