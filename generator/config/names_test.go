package config

import (
	"regexp"
	"testing"
)

// TestTagChars checks tagChars against IAM's own expression for tag keys and values, on every
// string of up to three characters from an alphabet of the characters that matter: each class,
// its neighbours, separators, letters and numbers of other scripts, controls and a byte that is
// not UTF-8.
func TestTagChars(t *testing.T) {
	iam := regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	alphabet := []string{
		"a", "Z", "0", "_", ".", ":", "/", "=", "+", "-", "@", " ", "*", "`", "$", "!", ",", "\t", "\n", "\x00",
		"é", "Ж", "\u00a0", "\u2028", "\u3000", "٣", "Ⅻ", "²", "\ufffd", "\xff", "😀", "\u0301",
	}
	var all func(prefix string, n int)
	all = func(prefix string, n int) {
		if got, want := tagChars.MatchString(prefix), iam.MatchString(prefix); got != want {
			t.Fatalf("tagChars(%q) = %v, IAM's expression says %v", prefix, got, want)
		}
		if n > 0 {
			for _, c := range alphabet {
				all(prefix+c, n-1)
			}
		}
	}
	all("", 3)
}
