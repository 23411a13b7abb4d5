package config

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestRulesMatchTheirExpressions checks each rule's matcher against its regular expression on
// every string of up to four characters from an alphabet of the characters that matter (each
// class, its neighbours, separators, non-ASCII letters, spaces and digits, a byte that is not
// UTF-8), and on longer random strings from the same alphabet.
func TestRulesMatchTheirExpressions(t *testing.T) {
	rules := map[string]*rule{
		"dnsLabel": &dnsLabel, "dnsSubdomain": &dnsSubdomain, "iamName": &iamName,
		"managedName": &managedName, "labelName": &labelName, "tagChars": &tagChars,
	}
	alphabet := []string{
		"a", "z", "A", "Z", "0", "9", "-", ".", "_", "/", " ", "@", "+", "=", ",", ":", "*", "`",
		"é", "\u00a0", "\u2028", "٣", "Ⅻ", "\ufffd", "\xff", "\n", "$",
	}
	check := func(s string) {
		for name, r := range rules {
			if got, want := r.MatchString(s), r.re.MatchString(s); got != want {
				t.Fatalf("%s(%q) = %v, but the expression says %v", name, s, got, want)
			}
		}
	}
	var all func(prefix string, n int)
	all = func(prefix string, n int) {
		check(prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			all(prefix+c, n-1)
		}
	}
	all("", 4)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range 5 + rng.IntN(60) {
			// Mostly characters that keep a name valid, so that long valid names are tried too.
			if rng.IntN(10) == 0 {
				b.WriteString(alphabet[rng.IntN(len(alphabet))])
			} else {
				b.WriteString(alphabet[rng.IntN(7)])
			}
		}
		check(b.String())
	}
}
