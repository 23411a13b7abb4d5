package trust

// Check holds a trust policy to irsagen's promise, "nothing else can assume the role", which is
// stricter than what IAM accepts. Each rule has a short stable id so that `irsagen validate`
// output can be grepped and a rule can be documented in one place. The rules look at the policy
// text, not at a particular request: Evaluate answers "may this pod assume the role?", Check
// answers "could anyone unintended?".

import (
	"fmt"
	"strings"
)

// Rule ids. They are part of irsagen's output and must not change.
const (
	RuleMalformed        = "trust-malformed"          // the document is not a policy IAM accepts
	RuleEmpty            = "trust-empty"              // no statements
	RuleEffect           = "trust-effect"             // Effect other than Allow
	RulePrincipalWild    = "trust-principal-wildcard" // "*" or a wildcard in Principal
	RuleNotPrincipal     = "trust-not-principal"      // NotPrincipal in an Allow statement
	RuleNotAction        = "trust-not-action"         // NotAction in an Allow statement
	RuleActionWildcard   = "trust-action-wildcard"    // "*" or "?" in Action
	RuleSetOperator      = "trust-set-operator"       // ForAllValues: or ForAnyValue:
	RuleUnknownOperator  = "trust-unknown-operator"   // an operator IAM or this package does not know
	RuleDuplicateKey     = "trust-duplicate-key"      // one operator names a key twice, in two cases
	RuleNotFederated     = "trust-principal-not-federated"
	RuleMultipleProvider = "trust-principal-multiple"
	RuleProviderARN      = "trust-provider-arn"
	RuleIssuerMismatch   = "trust-issuer-mismatch"
	RuleSubMissing       = "trust-sub-missing"
	RuleSubMultiple      = "trust-sub-multiple"
	RuleSubWildcard      = "trust-sub-wildcard"
	RuleSubFormat        = "trust-sub-format"
	RuleAudMissing       = "trust-aud-missing"
	RuleAudMultiple      = "trust-aud-multiple"
	RuleAudWildcard      = "trust-aud-wildcard"
	RuleClaimOperator    = "trust-claim-operator" // sub or aud checked by anything but StringEquals
)

// Finding is one breach of a rule.
type Finding struct {
	Rule string
	// Statement is the index of the offending statement, or -1 for the whole document.
	Statement int
	Message   string
}

func (f Finding) String() string {
	if f.Statement < 0 {
		return fmt.Sprintf("%s: %s", f.Rule, f.Message)
	}
	return fmt.Sprintf("%s: Statement[%d]: %s", f.Rule, f.Statement, f.Message)
}

// Audit returns every rule the trust policy doc breaks, in statement order; none means the policy
// admits only the ServiceAccounts its statements name. doc is decoded JSON or YAML, in any of the
// shapes Evaluate accepts.
func Audit(doc any) []Finding {
	p, err := parsePolicy(doc)
	if err != nil {
		return []Finding{{Rule: RuleMalformed, Statement: -1, Message: err.Error()}}
	}
	if len(p.Statements) == 0 {
		return []Finding{{Rule: RuleEmpty, Statement: -1,
			Message: "the policy has no statements, so no ServiceAccount can assume the role"}}
	}
	var out []Finding
	for _, st := range p.Statements {
		c := checker{st: st}
		c.general()
		if st.Effect == "Allow" && st.Action != nil && anyGlob(st.Action, ActionAssumeRoleWithWebIdentity, true) {
			c.webIdentity()
		}
		if st.trustsPodIdentity() {
			c.podIdentity()
		}
		if st.trustsRoles() {
			c.chain()
		}
		out = append(out, c.findings...)
	}
	return out
}

// checker gathers the findings of one statement.
type checker struct {
	st       statement
	findings []Finding
}

func (c *checker) add(rule, format string, args ...any) {
	c.findings = append(c.findings, Finding{Rule: rule, Statement: c.st.Index, Message: fmt.Sprintf(format, args...)})
}

// general applies the rules that hold for every statement of a trust policy.
func (c *checker) general() {
	st := c.st
	if st.Effect != "Allow" {
		c.add(RuleEffect, "Effect is %q; irsagen trust policies only allow, and narrow access with conditions instead", st.Effect)
	}
	if p := st.Principal; p != nil {
		if p.Anyone {
			c.add(RulePrincipalWild, `Principal is "*", which lets any AWS principal or identity provider in; name the cluster's OIDC provider ARN under "Federated"`)
		}
		for _, typ := range sortedTypes(p) {
			for _, id := range p.IDs[typ] {
				if hasWildcard(id) {
					c.add(RulePrincipalWild, "Principal %s %q contains a wildcard; name one principal exactly", typ, id)
				}
			}
		}
	}
	if st.Effect == "Allow" && st.NotPrincipal != nil {
		c.add(RuleNotPrincipal, "NotPrincipal in an Allow statement admits every principal it does not list; use Principal")
	}
	if st.Effect == "Allow" && st.NotAction != nil {
		c.add(RuleNotAction, "NotAction in an Allow statement admits every action it does not list; use Action %q", ActionAssumeRoleWithWebIdentity)
	}
	for _, a := range st.Action {
		if hasWildcard(a) {
			c.add(RuleActionWildcard, "Action %q contains a wildcard; name %q exactly", a, ActionAssumeRoleWithWebIdentity)
		}
	}
	// Context key names are not case-sensitive in IAM, so "x:sub" and "X:SUB" under one
	// operator are one key named twice. IAM does not say whether both must hold, either may, or
	// one replaces the other, and this package takes both: a policy that relies on it could
	// admit in IAM a ServiceAccount it refuses here.
	named := map[string]string{}
	for _, cond := range st.Conditions {
		k := cond.Operator + "\x00" + strings.ToLower(cond.Key)
		if first, dup := named[k]; dup {
			c.add(RuleDuplicateKey, "condition %s names one context key twice, as %q and %q (key names ignore case), and IAM does not say which applies; name it once", cond.Operator, first, cond.Key)
			continue
		}
		named[k] = cond.Key
	}
	for _, cond := range st.Conditions {
		op := parseOperator(cond.Operator)
		switch {
		case op.Problem != "":
			c.add(RuleUnknownOperator, "condition operator %q on %q: %s; IAM will reject or ignore it", cond.Operator, cond.Key, op.Problem)
		case op.Set != "":
			c.add(RuleSetOperator, "condition %s on %q: set operators are for multivalued keys, and %s; use StringEquals",
				cond.Operator, cond.Key, setOperatorRisk(op.Set))
		}
	}
}

func setOperatorRisk(set string) string {
	if set == forAllValues {
		return "ForAllValues is true when the key is missing"
	}
	return "ForAnyValue is true when any one value matches"
}

func sortedTypes(p *principalSet) []string {
	var types []string
	for _, t := range []string{string(AWS), string(CanonicalUser), string(Federated), string(Service)} {
		if _, ok := p.IDs[t]; ok {
			types = append(types, t)
		}
	}
	return types
}
