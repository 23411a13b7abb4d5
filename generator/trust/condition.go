package trust

// What a condition does when its key is absent from the request is the part of IAM most often
// got wrong, and the part that decides whether a trust policy fails open:
//
//   - a plain operator is false, a negated one (StringNotEquals, StringNotLike, ...) is true;
//   - ...IfExists is true;
//   - ForAllValues: is true (vacuously), ForAnyValue: is false (unless IfExists);
//   - Null is the presence test itself.
//
// A key counts as absent when the request has no value for it. When a key has several values and
// no set prefix is written, a plain operator needs one value to match and a negated one needs no
// value to match, which is what the negated operator says: "the key is not any of these".
// Policy variables such as ${aws:username} are compared literally: irsagen never writes them, and
// a trust policy for a web identity has no use for them.

import (
	"fmt"
	"strings"
)

// requestContext holds the condition keys of a request. Keys are case-insensitive in IAM.
type requestContext map[string][]string

func newRequestContext(keys map[string][]string) requestContext {
	ctx := make(requestContext, len(keys))
	for k, v := range keys {
		lk := strings.ToLower(k)
		ctx[lk] = append(ctx[lk], v...)
	}
	return ctx
}

func (c requestContext) values(key string) []string { return c[strings.ToLower(key)] }

// evaluate reports whether the condition holds and, if not, why.
func (c condition) evaluate(ctx requestContext) (bool, string) {
	op := parseOperator(c.Operator)
	if op.Problem != "" {
		return false, fmt.Sprintf("condition %s %q: %s; treated as not matching", c.Operator, c.Key, op.Problem)
	}
	ok, why := c.test(op, ctx.values(c.Key))
	if ok {
		return true, ""
	}
	return false, fmt.Sprintf("condition %s %q: %s", c.Operator, c.Key, why)
}

func (c condition) test(op operator, got []string) (bool, string) {
	if op.Base == "Null" {
		return c.testNull(got)
	}
	if len(got) == 0 {
		switch {
		case op.IfExists:
			return true, ""
		case op.Set == forAllValues:
			return true, ""
		case op.Set == forAnyValue:
			return false, "key is not in the request (ForAnyValue needs at least one value)"
		case op.Negated:
			return true, ""
		}
		return false, "key is not in the request"
	}
	if op.Base == "Bool" {
		for _, v := range c.Values {
			if !isBool(v) {
				return false, fmt.Sprintf("policy value %q is not \"true\" or \"false\"", v)
			}
		}
	}
	// every: all request values must pass; otherwise one passing value is enough.
	every := op.Set == forAllValues || (op.Set == "" && op.Negated)
	var failures []string
	for _, v := range got {
		if c.passes(op, v) {
			if !every {
				return true, ""
			}
			continue
		}
		failures = append(failures, c.failure(op, v))
		if every {
			break
		}
	}
	if every && len(failures) == 0 {
		return true, ""
	}
	if len(got) > 1 && !every {
		return false, "no request value qualifies: " + strings.Join(failures, "; ")
	}
	return false, failures[0]
}

// passes applies the base comparison to one request value: a plain operator needs one policy
// value to match (OR), a negated one needs none to match (NOR).
func (c condition) passes(op operator, got string) bool {
	hit := false
	for _, want := range c.Values {
		if op.match(want, got) {
			hit = true
			break
		}
	}
	return hit != op.Negated
}

func (c condition) failure(op operator, got string) string {
	want := quoteList(c.Values)
	switch {
	case op.Negated && strings.HasSuffix(op.Base, "Like"):
		return fmt.Sprintf("value %q matches an excluded pattern in %s", got, want)
	case op.Negated:
		return fmt.Sprintf("value %q is in the excluded list %s", got, want)
	case op.Base == "StringLike":
		return fmt.Sprintf("value %q matches none of %s", got, want)
	case op.Base == "StringEquals" && c.matchesIgnoringCase(got):
		return fmt.Sprintf("value %q is not in %s (StringEquals is case-sensitive)", got, want)
	}
	return fmt.Sprintf("value %q is not in %s", got, want)
}

func (c condition) matchesIgnoringCase(got string) bool {
	for _, want := range c.Values {
		if strings.EqualFold(want, got) {
			return true
		}
	}
	return false
}

// testNull: "true" asks for the key to be absent, "false" for it to be present; several policy
// values are ORed like any others.
func (c condition) testNull(got []string) (bool, string) {
	present := len(got) > 0
	if len(c.Values) == 0 {
		return false, "Null needs a value, \"true\" or \"false\""
	}
	for _, v := range c.Values {
		if !isBool(v) {
			return false, fmt.Sprintf("policy value %q is not \"true\" or \"false\"", v)
		}
	}
	for _, v := range c.Values {
		if strings.EqualFold(v, "true") != present {
			return true, ""
		}
	}
	if present {
		return false, fmt.Sprintf("key is in the request (value %s) but the policy requires it to be absent", quoteList(got))
	}
	return false, "key is not in the request but the policy requires it to be present"
}
