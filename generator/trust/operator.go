package trust

// A condition operator name packs up to three things: a set prefix (ForAllValues:, ForAnyValue:),
// a base comparison, and an IfExists suffix. They change what a missing key means, so they are
// split apart once here and every later decision reads the parts, never the raw name.

import "strings"

// operator is a parsed condition operator name.
type operator struct {
	Set      string // "", "ForAllValues" or "ForAnyValue"
	Base     string // e.g. "StringEquals"
	IfExists bool
	Negated  bool
	// match compares one policy value with one request value.
	match func(policyValue, requestValue string) bool
	// Problem is set when the name is not an operator this evaluator knows; the condition then
	// never matches.
	Problem string
}

type comparison struct {
	negated bool
	match   func(policyValue, requestValue string) bool
}

func equal(p, r string) bool     { return p == r }
func like(p, r string) bool      { return GlobMatch(p, r, false) }
func boolEqual(p, r string) bool { return isBool(p) && strings.EqualFold(p, r) }

// arnMatch is IAM's ArnEquals and ArnLike, which behave alike: each of the six colon-separated
// parts is matched on its own, case-sensitively, with * and ? as wildcards.
func arnMatch(p, r string) bool {
	pp, rp := strings.SplitN(p, ":", 6), strings.SplitN(r, ":", 6)
	if len(pp) != 6 || len(rp) != 6 {
		return false
	}
	for i := range pp {
		if !GlobMatch(pp[i], rp[i], false) {
			return false
		}
	}
	return true
}

func isBool(s string) bool { return strings.EqualFold(s, "true") || strings.EqualFold(s, "false") }

// comparisons are the base operators this evaluator implements. Numeric, Date, IpAddress and
// Binary operators are absent on purpose: they never appear in a trust policy for pods, and an
// operator that is not here reports itself instead of matching. The Arn operators are here for
// aws:SourceArn, which service principals such as EKS Pod Identity's send.
var comparisons = map[string]comparison{
	"StringEquals":              {false, equal},
	"StringNotEquals":           {true, equal},
	"StringEqualsIgnoreCase":    {false, strings.EqualFold},
	"StringNotEqualsIgnoreCase": {true, strings.EqualFold},
	"StringLike":                {false, like},
	"StringNotLike":             {true, like},
	"ArnEquals":                 {false, arnMatch},
	"ArnNotEquals":              {true, arnMatch},
	"ArnLike":                   {false, arnMatch},
	"ArnNotLike":                {true, arnMatch},
	"Bool":                      {false, boolEqual},
	"Null":                      {false, nil}, // decided on presence, not on values
}

const (
	forAllValues = "ForAllValues"
	forAnyValue  = "ForAnyValue"
)

// parseOperator splits a condition operator name. Names are case-sensitive, as in IAM.
func parseOperator(name string) operator {
	var op operator
	rest := name
	if set, base, ok := strings.Cut(rest, ":"); ok {
		if set != forAllValues && set != forAnyValue {
			op.Problem = "unknown set operator \"" + set + ":\" (want ForAllValues: or ForAnyValue:)"
			return op
		}
		op.Set, rest = set, base
	}
	if _, known := comparisons[rest]; !known {
		if trimmed, ok := strings.CutSuffix(rest, "IfExists"); ok {
			op.IfExists, rest = true, trimmed
		}
	}
	cmp, known := comparisons[rest]
	switch {
	case !known:
		op.Problem = "unknown condition operator"
	case rest == "Null" && (op.IfExists || op.Set != ""):
		op.Problem = "Null takes neither IfExists nor a set prefix"
	}
	if op.Problem != "" {
		return op
	}
	op.Base, op.Negated, op.match = rest, cmp.negated, cmp.match
	return op
}
