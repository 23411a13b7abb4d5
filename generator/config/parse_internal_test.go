package config

import "testing"

// TestMayStartToken checks the guess that keeps files with anchors or tags from being cut: it
// must say yes wherever yaml.v3 could start an anchor, and may say no inside words.
func TestMayStartToken(t *testing.T) {
	for src, want := range map[string]bool{
		"&a x":           true,
		"k: &a x":        true,
		"k:\n  &a x: y":  true,
		"- &a x":         true,
		"[&a x]":         true,
		"{a: 1,&b 2}":    true,
		"k: {&a x: y}":   true,
		"k: R&D":         false,
		"k: \"a&b\"":     false,
		"k: x\n":         false,
		"k: 'x &'":       true, // a guess on the safe side
		"arn:aws:s3:::*": false,
		"k: [a,b]\nc: &": true,
	} {
		if got := mayStartToken([]byte(src), '&'); got != want {
			t.Errorf("mayStartToken(%q, '&') = %v, want %v", src, got, want)
		}
	}
}
