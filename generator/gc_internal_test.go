package generator

import (
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

func gcPercent() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}

func TestLoadGCPercent(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(77))

	during := 0
	withGCPercent(150, func() { during = gcPercent() })
	if during != 150 || gcPercent() != 77 {
		t.Errorf("withGCPercent(150): %d while running, %d after; want 150, then 77 back", during, gcPercent())
	}
	withGCPercent(0, func() { during = gcPercent() })
	if during != 77 {
		t.Errorf("withGCPercent(0) changed the percentage to %d", during)
	}

	// The rest of a run, from the plan on, is at the percentage set before.
	cfg := filepath.Join("..", "examples", "quickstart", "irsa.yaml")
	var atOutDir int
	_, err := Generate(Options{ConfigPath: cfg, LoadGCPercent: 150, OutDirKnown: func(string) { atOutDir = gcPercent() }})
	if err != nil {
		t.Fatal(err)
	}
	if atOutDir != 77 || gcPercent() != 77 {
		t.Errorf("after loading the percentage is %d, after Generate %d; want 77", atOutDir, gcPercent())
	}
}
