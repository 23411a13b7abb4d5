package trust

// IAM wildcards are not shell globs: only "*" (any run of characters, including none) and "?"
// (exactly one character) are special, there are no character classes, and "/" and ":" are
// ordinary characters. The matcher below is written out rather than borrowed from path.Match or
// regexp so that those differences cannot leak in.

import (
	"strings"
	"unicode/utf8"
)

// GlobMatch reports whether s matches an IAM pattern ("*" is any run of characters, "?" one
// character). foldCase makes the comparison case-insensitive, as
// IAM does for actions. It walks both strings in place, a character at a time.
func GlobMatch(pattern, s string, foldCase bool) bool {
	if foldCase {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	pi, ti := 0, 0
	star, mark := -1, 0 // where the last "*" is in pattern, and where in s it began matching
	for ti < len(s) {
		tr, tw := utf8.DecodeRuneInString(s[ti:])
		pr, pw := utf8.RuneError, 0
		if pi < len(pattern) {
			pr, pw = utf8.DecodeRuneInString(pattern[pi:])
		}
		switch {
		case pw > 0 && pr == '*': // before the literal case: a "*" in s is an ordinary character
			star, mark = pi, ti
			pi += pw
		case pw > 0 && (pr == '?' || pr == tr):
			pi += pw
			ti += tw
		case star >= 0:
			// Let the last "*" swallow one more character and retry from there.
			_, mw := utf8.DecodeRuneInString(s[mark:])
			mark += mw
			pi, ti = star+1, mark
		default:
			return false
		}
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}

// hasWildcard reports whether s contains an IAM wildcard character.
func hasWildcard(s string) bool {
	return strings.ContainsAny(s, "*?")
}
