package cfncheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// policyKind tells a role's trust policy, which names who may assume the role, from the
// identity policies (inline and managed), which grant actions on resources. IAM rejects a
// document with the other kind's elements as MalformedPolicyDocument.
type policyKind int

const (
	identityPolicy policyKind = iota
	trustPolicy
)

var (
	policyVersions  = []string{"2012-10-17", "2008-10-17"}
	documentKeys    = []string{"Id", "Statement", "Version"}
	statementKeys   = []string{"Action", "Condition", "Effect", "NotAction", "NotPrincipal", "NotResource", "Principal", "Resource", "Sid"}
	sid             = regexp.MustCompile(`^[A-Za-z0-9]*$`)
	conditionPrefix = `^(ForAllValues:|ForAnyValue:)?`
	// conditionOperator lists IAM's condition operators; Null takes no IfExists.
	conditionOperator = regexp.MustCompile(conditionPrefix + `(String(Not)?Equals(IgnoreCase)?|String(Not)?Like|` +
		`Numeric(Not)?Equals|Numeric(LessThan|GreaterThan)(Equals)?|Date(Not)?Equals|Date(LessThan|GreaterThan)(Equals)?|` +
		`Bool|BinaryEquals|(Not)?IpAddress|Arn(Not)?Equals|Arn(Not)?Like)(IfExists)?$|^Null$`)
)

// checkPolicyDocument checks a policy document written as a map, or as a string holding its
// JSON, which CloudFormation also takes. A call of an intrinsic function is resolved at deploy
// time, and a value of another type is the schema's to report.
func checkPolicyDocument(r *report, p path, v any, kind policyKind) {
	if text, ok := v.(string); ok {
		dec := json.NewDecoder(strings.NewReader(text))
		dec.UseNumber()
		var parsed any
		if err := dec.Decode(&parsed); err != nil {
			r.add(p, "policy document is a string that is not JSON (%v); write the document as a map", err)
			return
		}
		if _, isMap := parsed.(map[string]any); !isMap {
			r.add(p, "policy document is a string holding JSON %T, not a JSON object", parsed)
			return
		}
		v = parsed
	}
	doc, ok := v.(map[string]any)
	if _, _, call := intrinsic(v); !ok || call {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(doc)) {
		if !slices.Contains(documentKeys, k) && !isFunctionKey(k) {
			r.add(p.key(k), "unknown policy element %s; a policy document holds %s", k, strings.Join(documentKeys, ", "))
		}
	}
	switch version, present := doc["Version"]; {
	case !present:
		r.add(p, `policy document has no Version; write Version: "2012-10-17"`)
	default:
		if s, ok := version.(string); !ok || !slices.Contains(policyVersions, s) {
			if _, _, call := intrinsic(version); !call {
				r.add(p.key("Version"), `Version %v is not a policy language version; write "2012-10-17" (quoted)`, version)
			}
		}
	}

	q := p.key("Statement")
	sids := map[string]path{}
	switch x := doc["Statement"].(type) {
	case nil:
		r.add(p, "policy document has no Statement")
	case map[string]any:
		checkStatement(r, q, x, kind, sids)
	case []any:
		if len(x) == 0 {
			r.add(q, "Statement is empty; a policy needs at least one statement")
		}
		for i, item := range x {
			if st, ok := item.(map[string]any); ok {
				checkStatement(r, q.index(i), st, kind, sids)
			} else {
				r.add(q.index(i), "statement must be a map of Effect, Action, ...")
			}
		}
	default:
		r.add(q, "Statement must be a statement or a list of statements")
	}
}

func checkStatement(r *report, p path, st map[string]any, kind policyKind, sids map[string]path) {
	if _, _, call := intrinsic(st); call {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(st)) {
		if !slices.Contains(statementKeys, k) && !isFunctionKey(k) {
			r.add(p.key(k), "unknown statement element %s; a statement holds %s", k, strings.Join(statementKeys, ", "))
		}
	}
	if s, ok := literal(st["Sid"]); ok {
		if !sid.MatchString(s) {
			r.add(p.key("Sid"), "Sid %q may hold only letters and digits", s)
		}
		if first, dup := sids[s]; dup && s != "" {
			r.add(p.key("Sid"), "duplicate Sid %q; first at %s", s, first)
		} else {
			sids[s] = p
		}
	}
	switch effect, present := st["Effect"]; {
	case !present:
		r.add(p, "statement has no Effect; write Effect: Allow or Deny")
	default:
		if s, ok := literal(effect); ok && s != "Allow" && s != "Deny" {
			r.add(p.key("Effect"), "Effect %q must be Allow or Deny", s)
		}
	}
	exactlyOne(r, p, st, "Action", "NotAction")
	switch kind {
	case trustPolicy:
		exactlyOne(r, p, st, "Principal", "NotPrincipal")
		for _, k := range []string{"Resource", "NotResource"} {
			if _, ok := st[k]; ok {
				r.add(p.key(k), "a trust policy cannot name a %s; the role itself is the resource", k)
			}
		}
	case identityPolicy:
		for _, k := range []string{"Principal", "NotPrincipal"} {
			if _, ok := st[k]; ok {
				r.add(p.key(k), "an identity policy cannot name a %s; only trust and resource policies do", k)
			}
		}
		exactlyOne(r, p, st, "Resource", "NotResource")
	}
	if c, ok := st["Condition"]; ok {
		checkCondition(r, p.key("Condition"), c)
	}
}

func exactlyOne(r *report, p path, st map[string]any, a, b string) {
	_, hasA := st[a]
	_, hasB := st[b]
	switch {
	case !hasA && !hasB:
		r.add(p, "statement has neither %s nor %s", a, b)
	case hasA && hasB:
		r.add(p.key(b), "statement has both %s and %s; keep one", a, b)
	}
}

// checkCondition checks a statement's Condition: operators mapping condition keys to values.
// IRSA trust policies put the issuer in the condition keys (<issuer>:sub); CloudFormation
// never evaluates a key, so an intrinsic function standing where a key belongs reaches IAM
// as a literal "Fn::Sub", or replaces the whole map with its result.
func checkCondition(r *report, p path, v any) {
	block, ok := v.(map[string]any)
	if !ok {
		r.add(p, "Condition must be a map of condition operators")
		return
	}
	if misplacedCall(r, p, block, "a condition operator") {
		return
	}
	for _, op := range slices.Sorted(maps.Keys(block)) {
		q := p.key(op)
		if !conditionOperator.MatchString(op) {
			r.add(q, "unknown condition operator %s, such as StringEquals or StringLike", op)
			continue
		}
		keys, ok := block[op].(map[string]any)
		if !ok {
			r.add(q, "condition operator %s takes a map of condition keys to values", op)
			continue
		}
		misplacedCall(r, q, keys, "a condition key")
	}
}

// misplacedCall reports a map whose only key is an intrinsic function where a literal key
// belongs. Fn::If is exempt: it picks a whole map and is the way to vary one. Maps with more
// keys are reported by checkIntrinsics.
func misplacedCall(r *report, p path, m map[string]any, what string) bool {
	fn, _, call := intrinsic(m)
	if !call || fn == "Fn::If" {
		return call
	}
	r.add(p.key(fn), "intrinsic function %s stands where %s belongs; CloudFormation does not evaluate map keys, so write the key literally", fn, what)
	return true
}

// policySize measures a policy as IAM counts it, without white space. A call of an intrinsic
// function counts as an empty string, so with calls the size is a lower bound (exact is
// false): enough to tell that a policy is too large whatever the calls resolve to.
func policySize(v any) (n int, exact bool) {
	resolved, exact := withoutCalls(v)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resolved); err != nil {
		return 0, false
	}
	for _, c := range b.String() {
		if !unicode.IsSpace(c) {
			n++
		}
	}
	return n, exact
}

func withoutCalls(v any) (any, bool) {
	if _, _, call := intrinsic(v); call {
		return "", false
	}
	exact := true
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			var ok bool
			out[k], ok = withoutCalls(item)
			exact = exact && ok
		}
		return out, exact
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			var ok bool
			out[i], ok = withoutCalls(item)
			exact = exact && ok
		}
		return out, exact
	}
	return v, true
}

// sizeText renders a size from policySize for a message.
func sizeText(n int, exact bool) string {
	if exact {
		return fmt.Sprintf("%d characters", n)
	}
	return fmt.Sprintf("at least %d characters", n)
}
