package diag

import (
	"sort"
	"strings"
)

// Suggest returns the option closest to name when it is close enough to be a likely typo, else "".
// Comparison ignores case, so "Prod-Use1" suggests "prod-use1".
func Suggest(name string, options []string) string {
	best, bestDist := "", -1
	lower := strings.ToLower(name)
	for _, o := range options {
		d := distance(lower, strings.ToLower(o))
		if bestDist < 0 || d < bestDist || (d == bestDist && o < best) {
			best, bestDist = o, d
		}
	}
	limit := len(name)/3 + 1
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// DidYouMean formats "; did you mean X?" for a likely typo, or "; defined: a, b, c" otherwise.
// what names the kind of thing listed ("clusters", "keys").
func DidYouMean(name string, options []string, what string) string {
	if s := Suggest(name, options); s != "" {
		return "; did you mean \"" + s + "\"?"
	}
	if len(options) == 0 {
		return "; no " + what + " are defined"
	}
	sorted := append([]string(nil), options...)
	sort.Strings(sorted)
	const most = 12
	if len(sorted) > most {
		sorted = append(sorted[:most], "...")
	}
	return "; defined " + what + ": " + strings.Join(sorted, ", ")
}

// distance is the Levenshtein edit distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
