package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/diag"
)

const testFile = "irsa.yaml"

// at is the 1-based line and column where the n-th (0-based) occurrence of needle starts in src.
// Tests name positions by the text written there, so that editing a fixture cannot leave a stale
// line number behind.
func at(t *testing.T, src, needle string, n int) diag.Pos {
	t.Helper()
	off := 0
	for i := 0; ; i++ {
		j := strings.Index(src[off:], needle)
		if j < 0 {
			t.Fatalf("fixture does not contain %q %d times", needle, n+1)
		}
		if i == n {
			off += j
			break
		}
		off += j + len(needle)
	}
	line := 1 + strings.Count(src[:off], "\n")
	col := off - strings.LastIndex(src[:off], "\n")
	return diag.Pos{Line: line, Col: col}
}

// diags returns err as a diag.List, failing the test when it is anything else.
func diags(t *testing.T, err error) diag.List {
	t.Helper()
	if err == nil {
		return nil
	}
	var l diag.List
	if !errors.As(err, &l) {
		t.Fatalf("error is a %T, not a diag.List: %v", err, err)
	}
	return l
}

// load parses and validates src as irsa.yaml and returns every diagnostic of the first stage
// that fails.
func load(t *testing.T, src string) (*Config, diag.List) {
	t.Helper()
	cfg, err := Parse(testFile, []byte(src))
	if err != nil {
		return nil, diags(t, err)
	}
	return cfg, diags(t, Validate(&File{Path: testFile, Config: cfg}))
}

// find returns the diagnostic whose message contains msg.
func find(l diag.List, msg string) (diag.Diagnostic, bool) {
	for _, d := range l {
		if strings.Contains(d.Message, msg) {
			return d, true
		}
	}
	return diag.Diagnostic{}, false
}

func dump(l diag.List) string {
	if len(l) == 0 {
		return "(no diagnostics)"
	}
	return fmt.Sprint(l.Error())
}
