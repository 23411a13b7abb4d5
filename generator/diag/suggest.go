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
	// A quarter of the name may differ: "prod-us1" suggests "prod-use1", but "write-assets" does
	// not suggest "read-assets".
	limit := max(len(name)/4, 1)
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

// distance is the optimal string alignment distance between a and b: insertions, deletions,
// substitutions and swaps of two neighbours each count one, so "naem" is one edit from "name".
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
