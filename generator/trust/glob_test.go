package trust

import "testing"

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
	}
	for _, tc := range tests {
		if got := GlobMatch(tc.pattern, tc.s, tc.fold); got != tc.want {
			t.Errorf("GlobMatch(%q, %q, %v) = %v, want %v", tc.pattern, tc.s, tc.fold, got, tc.want)
		}
	}
}
