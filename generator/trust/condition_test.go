package trust

import (
	"strings"
	"testing"
)

// TestConditionOperators pins one condition at a time against a request context, including the
// missing-key behaviour that differs between plain, negated, IfExists, Null and set operators.
func TestConditionOperators(t *testing.T) {
	const key = "example.com:claim"
	missing := map[string][]string{}
	has := func(values ...string) map[string][]string { return map[string][]string{key: values} }

	tests := []struct {
		name     string
		operator string
		key      string // defaults to key
		values   []string
		ctx      map[string][]string
		want     bool
		reason   string // substring of the reason when want is false
	}{
		// StringEquals: exact, case-sensitive values, OR over policy values.
		{"equals match", "StringEquals", "", []string{"a"}, has("a"), true, ""},
		{"equals other value", "StringEquals", "", []string{"a"}, has("b"), false, `value "b" is not in ["a"]`},
		{"equals value case differs", "StringEquals", "", []string{"poc"}, has("POC"), false, "StringEquals is case-sensitive"},
		{"equals key case-insensitive", "StringEquals", "EXAMPLE.com:Claim", []string{"a"}, has("a"), true, ""},
		{"equals several values OR", "StringEquals", "", []string{"a", "b"}, has("b"), true, ""},
		{"equals missing key", "StringEquals", "", []string{"a"}, missing, false, "key is not in the request"},
		{"equals key with no values is missing", "StringEquals", "", []string{"a"}, has(), false, "key is not in the request"},
		{"equals any request value", "StringEquals", "", []string{"a"}, has("x", "a"), true, ""},
		{"equals no request value", "StringEquals", "", []string{"a"}, has("x", "y"), false, "no request value qualifies"},

		// StringNotEquals: NOR over policy values, true when the key is missing.
		{"not equals other value", "StringNotEquals", "", []string{"a", "b"}, has("c"), true, ""},
		{"not equals listed value", "StringNotEquals", "", []string{"a", "b"}, has("b"), false, `value "b" is in the excluded list ["a", "b"]`},
		{"not equals case differs", "StringNotEquals", "", []string{"a"}, has("A"), true, ""},
		{"not equals missing key", "StringNotEquals", "", []string{"a"}, missing, true, ""},
		{"not equals one of several request values listed", "StringNotEquals", "", []string{"a"}, has("x", "a"), false, "excluded"},

		// IgnoreCase variants.
		{"equals ignore case", "StringEqualsIgnoreCase", "", []string{"PoC"}, has("poc"), true, ""},
		{"equals ignore case other", "StringEqualsIgnoreCase", "", []string{"poc"}, has("prod"), false, `value "prod" is not in ["poc"]`},
		{"equals ignore case missing", "StringEqualsIgnoreCase", "", []string{"poc"}, missing, false, "key is not in the request"},
		{"not equals ignore case same", "StringNotEqualsIgnoreCase", "", []string{"PoC"}, has("poc"), false, "excluded"},
		{"not equals ignore case other", "StringNotEqualsIgnoreCase", "", []string{"poc"}, has("prod"), true, ""},
		{"not equals ignore case missing", "StringNotEqualsIgnoreCase", "", []string{"poc"}, missing, true, ""},

		// StringLike and StringNotLike: * and ?, case-sensitive.
		{"like star", "StringLike", "", []string{"system:serviceaccount:poc:*"}, has("system:serviceaccount:poc:x"), true, ""},
		{"like question mark", "StringLike", "", []string{"a?c"}, has("abc"), true, ""},
		{"like question mark needs one char", "StringLike", "", []string{"a?c"}, has("ac"), false, `value "ac" matches none of ["a?c"]`},
		{"like is case-sensitive", "StringLike", "", []string{"A*"}, has("abc"), false, "matches none"},
		{"like missing key", "StringLike", "", []string{"*"}, missing, false, "key is not in the request"},
		{"not like matching", "StringNotLike", "", []string{"prod-*"}, has("prod-1"), false, "matches an excluded pattern"},
		{"not like other", "StringNotLike", "", []string{"prod-*"}, has("dev-1"), true, ""},
		{"not like missing key", "StringNotLike", "", []string{"prod-*"}, missing, true, ""},

		// Bool.
		{"bool true", "Bool", "aws:SecureTransport", []string{"true"}, map[string][]string{"aws:securetransport": {"true"}}, true, ""},
		{"bool request value case", "Bool", "", []string{"true"}, has("TRUE"), true, ""},
		{"bool mismatch", "Bool", "", []string{"true"}, has("false"), false, `value "false" is not in ["true"]`},
		{"bool missing key", "Bool", "", []string{"false"}, missing, false, "key is not in the request"},
		{"bool bad policy value", "Bool", "", []string{"yes"}, has("yes"), false, `policy value "yes" is not "true" or "false"`},

		// Null: presence test.
		{"null true and missing", "Null", "", []string{"true"}, missing, true, ""},
		{"null true and present", "Null", "", []string{"true"}, has("a"), false, "requires it to be absent"},
		{"null false and present", "Null", "", []string{"false"}, has("a"), true, ""},
		{"null false and missing", "Null", "", []string{"false"}, missing, false, "requires it to be present"},
		{"null either", "Null", "", []string{"true", "false"}, missing, true, ""},
		{"null bad value", "Null", "", []string{"maybe"}, missing, false, `policy value "maybe"`},

		// ...IfExists: true when the key is missing, otherwise the base operator.
		{"equals if exists missing", "StringEqualsIfExists", "", []string{"a"}, missing, true, ""},
		{"equals if exists match", "StringEqualsIfExists", "", []string{"a"}, has("a"), true, ""},
		{"equals if exists mismatch", "StringEqualsIfExists", "", []string{"a"}, has("b"), false, `value "b" is not in ["a"]`},
		{"not equals if exists missing", "StringNotEqualsIfExists", "", []string{"a"}, missing, true, ""},
		{"not equals if exists listed", "StringNotEqualsIfExists", "", []string{"a"}, has("a"), false, "excluded"},
		{"like if exists missing", "StringLikeIfExists", "", []string{"a*"}, missing, true, ""},
		{"bool if exists missing", "BoolIfExists", "", []string{"true"}, missing, true, ""},
		{"bool if exists mismatch", "BoolIfExists", "", []string{"true"}, has("false"), false, "is not in"},

		// ForAllValues: every request value must match; vacuously true when missing.
		{"for all missing", "ForAllValues:StringEquals", "", []string{"a", "b"}, missing, true, ""},
		{"for all empty", "ForAllValues:StringEquals", "", []string{"a", "b"}, has(), true, ""},
		{"for all subset", "ForAllValues:StringEquals", "", []string{"a", "b"}, has("a", "b"), true, ""},
		{"for all one outside", "ForAllValues:StringEquals", "", []string{"a", "b"}, has("a", "c"), false, `value "c" is not in ["a", "b"]`},
		{"for all like", "ForAllValues:StringLike", "aws:TagKeys", []string{"Created*"}, map[string][]string{"aws:TagKeys": {"CreatedBy", "CreatedAt"}}, true, ""},
		{"for all not like listed", "ForAllValues:StringNotLike", "", []string{"key1*"}, has("key1:legal"), false, "excluded pattern"},
		{"for all not like other", "ForAllValues:StringNotLike", "", []string{"key1*"}, has("key2:audit"), true, ""},
		{"for all not like missing", "ForAllValues:StringNotLike", "", []string{"key1*"}, missing, true, ""},
		{"for all if exists missing", "ForAllValues:StringEqualsIfExists", "", []string{"a"}, missing, true, ""},

		// ForAnyValue: one request value must match; false when missing unless IfExists.
		{"for any missing", "ForAnyValue:StringEquals", "", []string{"a"}, missing, false, "ForAnyValue needs at least one value"},
		{"for any one matches", "ForAnyValue:StringEquals", "", []string{"a"}, has("x", "a"), true, ""},
		{"for any none matches", "ForAnyValue:StringEquals", "", []string{"a"}, has("x", "y"), false, `no request value qualifies: value "x" is not in ["a"]; value "y" is not in ["a"]`},
		{"for any not equals one outside", "ForAnyValue:StringNotEquals", "", []string{"a"}, has("a", "x"), true, ""},
		{"for any not equals all listed", "ForAnyValue:StringNotEquals", "", []string{"a"}, has("a"), false, "excluded"},
		{"for any not equals missing", "ForAnyValue:StringNotEquals", "", []string{"a"}, missing, false, "key is not in the request"},
		{"for any if exists missing", "ForAnyValue:StringEqualsIfExists", "", []string{"a"}, missing, true, ""},

		// Operators this evaluator does not know never match.
		{"unknown operator", "StringEqualz", "", []string{"a"}, has("a"), false, `unknown condition operator; treated as not matching`},
		{"operator names are case-sensitive", "stringEquals", "", []string{"a"}, has("a"), false, "unknown condition operator"},
		{"unsupported operator family", "NumericEquals", "", []string{"1"}, has("1"), false, "unknown condition operator"},
		{"unknown set prefix", "ForSomeValues:StringEquals", "", []string{"a"}, has("a"), false, `unknown set operator "ForSomeValues:"`},
		{"set prefix is case-sensitive", "forallvalues:StringEquals", "", []string{"a"}, missing, false, "unknown set operator"},
		{"null if exists", "NullIfExists", "", []string{"true"}, missing, false, "Null takes neither IfExists nor a set prefix"},
		{"null with set prefix", "ForAllValues:Null", "", []string{"true"}, missing, false, "Null takes neither"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := tc.key
			if k == "" {
				k = key
			}
			c := condition{Operator: tc.operator, Key: k, Values: tc.values}
			got, why := c.evaluate(newRequestContext(tc.ctx))
			if got != tc.want {
				t.Fatalf("%s %q %v with %v = %v (%s), want %v", tc.operator, k, tc.values, tc.ctx, got, why, tc.want)
			}
			if tc.want && why != "" {
				t.Errorf("matched but gave a reason: %q", why)
			}
			if !tc.want {
				if !strings.Contains(why, tc.reason) {
					t.Errorf("reason %q does not contain %q", why, tc.reason)
				}
				if prefix := "condition " + tc.operator + " "; !strings.HasPrefix(why, prefix) {
					t.Errorf("reason %q does not start with %q", why, prefix)
				}
			}
		})
	}
}

func TestRequestContextMergesKeysThatDifferOnlyInCase(t *testing.T) {
	ctx := newRequestContext(map[string][]string{"aws:TagKeys": {"a"}, "AWS:tagkeys": {"b"}})
	got := ctx.values("Aws:TagKeys")
	if len(got) != 2 {
		t.Fatalf("values = %v, want both a and b", got)
	}
}
