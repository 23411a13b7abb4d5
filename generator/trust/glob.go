package trust

// IAM wildcards are not shell globs: only "*" (any run of characters, including none) and "?"
// (exactly one character) are special, there are no character classes, and "/" and ":" are
// ordinary characters. The matcher below is written out rather than borrowed from path.Match or
// regexp so that those differences cannot leak in.

import "strings"

// GlobMatch reports whether s matches an IAM pattern ("*" is any run of characters, "?" one
// character). foldCase makes the comparison case-insensitive, as
// IAM does for actions.
func GlobMatch(pattern, s string, foldCase bool) bool {
	if foldCase {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	p, t := []rune(pattern), []rune(s)
	pi, ti := 0, 0
	star, mark := -1, 0 // position of the last "*" in p, and where in t it began matching
	for ti < len(t) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case star >= 0:
			// Let the last "*" swallow one more character and retry from there.
			mark++
			pi, ti = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// hasWildcard reports whether s contains an IAM wildcard character.
func hasWildcard(s string) bool {
	return strings.ContainsAny(s, "*?")
}
