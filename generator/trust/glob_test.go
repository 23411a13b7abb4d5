package trust

import (
	"regexp"
	"strings"
	"testing"
)

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		fold       bool
		want       bool
	}{
		{"", "", false, true},
		{"", "a", false, false},
		{"*", "", false, true},
		{"*", "anything:at/all", false, true},
		{"abc", "abc", false, true},
		{"abc", "abd", false, false},
		{"a?c", "abc", false, true},
		{"a?c", "ac", false, false},
		{"a?c", "abbc", false, false},
		{"a*c", "ac", false, true},
		{"a*c", "abbbc", false, true},
		{"a*c", "abbbd", false, false},
		{"*:sub", "oidc.example.com/id/X:sub", false, true},
		{"system:serviceaccount:poc:*", "system:serviceaccount:poc:poc-sa", false, true},
		{"system:serviceaccount:poc:*", "system:serviceaccount:other:poc-sa", false, false},
		{"a*b*c", "a-b-b-c", false, true},
		{"a*b*c", "a-c-b", false, false},
		{"**", "x", false, true},
		{"?", "é", false, true}, // one character, not one byte
		{"ABC", "abc", false, false},
		{"ABC", "abc", true, true},
		{"sts:Assume*", "STS:ASSUMEROLEWITHWEBIDENTITY", true, true},
		{"[a]", "a", false, false}, // no character classes
		{"a\\*", "a*", false, false},
		{"é*ü", "éaaü", false, true},
		{"*ü?", "ééüé", false, true},
		{"*?", "\xff", false, true}, // a byte that is not UTF-8 is one character
		{"a*", "a\xffb", false, true},
		{"*", "*", false, true},
		{"a*b", "a*b", false, true},
	}
	for _, tc := range tests {
		if got := GlobMatch(tc.pattern, tc.s, tc.fold); got != tc.want {
			t.Errorf("GlobMatch(%q, %q, %v) = %v, want %v", tc.pattern, tc.s, tc.fold, got, tc.want)
		}
	}
}

// TestGlobMatchAgreesWithRegexp compares GlobMatch with the regular expression each pattern
// stands for, on every short string over an alphabet that holds both wildcards, multi-byte
// characters and a byte that is not UTF-8.
func TestGlobMatchAgreesWithRegexp(t *testing.T) {
	alphabet := []string{"a", "b", "*", "?", "é", "\xff"}
	var all []string
	var grow func(prefix string, n int)
	grow = func(prefix string, n int) {
		all = append(all, prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			grow(prefix+c, n-1)
		}
	}
	grow("", 4)
	for _, pattern := range all {
		var re strings.Builder
		re.WriteString(`^(?s:`)
		for _, r := range pattern {
			switch r {
			case '*':
				re.WriteString(`.*`)
			case '?':
				re.WriteString(`.`)
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString(`)$`)
		want := regexp.MustCompile(re.String())
		for _, s := range all[:200] {
			if got := GlobMatch(pattern, s, false); got != want.MatchString(s) {
				t.Fatalf("GlobMatch(%q, %q) = %v, regexp %s says %v", pattern, s, got, want, !got)
			}
		}
	}
}
