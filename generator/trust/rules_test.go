package trust

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

const (
	ruleIssuer   = "oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
	ruleProvider = "arn:aws:iam::111122223333:oidc-provider/" + ruleIssuer
	otherIssuer  = "oidc.eks.us-east-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210"
)

// goodStatement is a fresh copy of the statement irsagen generates, for one test to bend.
func goodStatement() map[string]any {
	return map[string]any{
		"Effect":    "Allow",
		"Principal": map[string]any{"Federated": ruleProvider},
		"Action":    "sts:AssumeRoleWithWebIdentity",
		"Condition": map[string]any{
			"StringEquals": map[string]any{
				ruleIssuer + ":sub": "system:serviceaccount:poc:poc-sa",
				ruleIssuer + ":aud": "sts.amazonaws.com",
			},
		},
	}
}

// doc wraps statements, each produced by bending goodStatement, into a policy document.
func doc(bends ...func(st map[string]any)) any {
	if len(bends) == 0 {
		bends = append(bends, func(map[string]any) {})
	}
	var statements []any
	for _, bend := range bends {
		st := goodStatement()
		bend(st)
		statements = append(statements, st)
	}
	return map[string]any{"Version": "2012-10-17", "Statement": statements}
}

func stringEquals(st map[string]any) map[string]any {
	return st["Condition"].(map[string]any)["StringEquals"].(map[string]any)
}

func setCondition(operator, key string, value any) func(map[string]any) {
	return func(st map[string]any) {
		cond := st["Condition"].(map[string]any)
		block, ok := cond[operator].(map[string]any)
		if !ok {
			block = map[string]any{}
			cond[operator] = block
		}
		block[key] = value
	}
}

func deleteCondition(key string) func(map[string]any) {
	return func(st map[string]any) { delete(stringEquals(st), key) }
}

func put(element string, value any) func(map[string]any) {
	return func(st map[string]any) { st[element] = value }
}

func rename(from, to string) func(map[string]any) {
	return func(st map[string]any) { st[to] = st[from]; delete(st, from) }
}

func both(bends ...func(map[string]any)) func(map[string]any) {
	return func(st map[string]any) {
		for _, b := range bends {
			b(st)
		}
	}
}

// TestAuditRules gives each rule a document that breaks it and a close one that does not.
func TestAuditRules(t *testing.T) {
	sub, aud := ruleIssuer+":sub", ruleIssuer+":aud"
	tests := []struct {
		rule    string
		trips   any
		passes  any
		message string // substring of the tripping finding's message
	}{
		{RuleDuplicateKey,
			doc(setCondition("StringEquals", strings.ToUpper(sub), "system:serviceaccount:other:other-sa")),
			doc(setCondition("StringLike", strings.ToUpper(sub), "system:serviceaccount:poc:*")),
			"names one context key twice"},
		{RuleMalformed,
			doc(rename("Principal", "Principals")),
			doc(),
			`unknown element "Principals"`},
		{RuleEmpty,
			map[string]any{"Version": "2012-10-17", "Statement": []any{}},
			doc(),
			"no statements"},
		{RuleEffect,
			doc(func(map[string]any) {}, both(put("Effect", "Deny"), put("Principal", "*"))),
			doc(),
			`Effect is "Deny"`},
		{RulePrincipalWild,
			doc(put("Principal", "*")),
			doc(),
			`Principal is "*"`},
		{RulePrincipalWild,
			doc(put("Principal", map[string]any{"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/*"})),
			doc(),
			"contains a wildcard"},
		{RuleNotPrincipal,
			doc(rename("Principal", "NotPrincipal")),
			doc(func(map[string]any) {}, both(put("Effect", "Deny"), rename("Principal", "NotPrincipal"))),
			"NotPrincipal in an Allow statement"},
		{RuleNotAction,
			doc(both(put("NotAction", "sts:AssumeRole"), func(st map[string]any) { delete(st, "Action") })),
			doc(func(map[string]any) {}, both(put("Effect", "Deny"), rename("Action", "NotAction"))),
			"NotAction in an Allow statement"},
		{RuleActionWildcard,
			doc(put("Action", "sts:AssumeRoleWith*")),
			doc(put("Action", []any{"sts:AssumeRoleWithWebIdentity"})),
			`Action "sts:AssumeRoleWith*" contains a wildcard`},
		{RuleSetOperator,
			doc(setCondition("ForAllValues:StringEquals", ruleIssuer+":amr", "authenticated")),
			doc(setCondition("StringEquals", ruleIssuer+":amr", "authenticated")),
			"ForAllValues is true when the key is missing"},
		{RuleUnknownOperator,
			doc(setCondition("StringEqualz", "aws:SourceIp", "10.0.0.0/8")),
			doc(setCondition("StringNotEquals", "aws:SourceIp", "10.0.0.0/8")),
			`condition operator "StringEqualz" on "aws:SourceIp"`},
		{RuleNotFederated,
			doc(put("Principal", map[string]any{"AWS": "arn:aws:iam::111122223333:root"})),
			doc(put("Principal", map[string]any{"Federated": []any{ruleProvider}})),
			"must be the only principal"},
		{RuleNotFederated,
			doc(put("Principal", map[string]any{"Federated": ruleProvider, "Service": "ec2.amazonaws.com"})),
			doc(),
			"Principal also names Service"},
		{RuleMultipleProvider,
			doc(put("Principal", map[string]any{"Federated": []any{ruleProvider, "arn:aws:iam::111122223333:oidc-provider/" + otherIssuer}})),
			doc(put("Principal", map[string]any{"Federated": []any{ruleProvider}})),
			"lists 2 providers"},
		{RuleProviderARN,
			doc(put("Principal", map[string]any{"Federated": "cognito-identity.amazonaws.com"})),
			doc(),
			`Federated "cognito-identity.amazonaws.com" is not an IAM OIDC provider ARN`},
		{RuleProviderARN,
			doc(put("Principal", map[string]any{"Federated": "arn:aws:iam::1111:oidc-provider/" + ruleIssuer})),
			doc(put("Principal", map[string]any{"Federated": "arn:aws-us-gov:iam::111122223333:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/X"}),
				setCondition("StringEquals", "oidc.eks.us-gov-west-1.amazonaws.com/id/X:sub", "system:serviceaccount:poc:poc-sa")),
			"not an IAM OIDC provider ARN"},
		{RuleProviderARN,
			doc(put("Principal", map[string]any{"Federated": "arn:aws:iam::111122223333:oidc-provider/https://" + ruleIssuer})),
			doc(),
			"not an IAM OIDC provider ARN"},
		{RuleIssuerMismatch,
			doc(deleteCondition(sub), setCondition("StringEquals", otherIssuer+":sub", "system:serviceaccount:poc:poc-sa")),
			doc(deleteCondition(sub), setCondition("StringEquals", strings.ToUpper(ruleIssuer)+":sub", "system:serviceaccount:poc:poc-sa")),
			`names issuer "` + otherIssuer + `", but the principal is the provider of "` + ruleIssuer + `"`},
		{RuleSubMissing,
			doc(deleteCondition(sub)),
			doc(),
			`no StringEquals condition on "` + sub + `"`},
		{RuleSubMissing,
			doc(deleteCondition(sub), setCondition("StringLike", sub, "system:serviceaccount:poc:poc-sa")),
			doc(setCondition("StringLike", "aws:PrincipalTag/team", "poc-*")),
			"every ServiceAccount of the cluster"},
		{RuleSubMultiple,
			doc(setCondition("StringEquals", sub, []any{"system:serviceaccount:poc:a", "system:serviceaccount:poc:b"})),
			doc(setCondition("StringEquals", sub, []any{"system:serviceaccount:poc:a"})),
			"lists 2 values"},
		{RuleSubWildcard,
			doc(setCondition("StringEquals", sub, "system:serviceaccount:poc:*")),
			doc(),
			`value "system:serviceaccount:poc:*" contains a wildcard`},
		{RuleSubFormat,
			doc(setCondition("StringEquals", sub, "system:serviceaccount:Poc:poc-sa")),
			doc(setCondition("StringEquals", sub, "system:serviceaccount:poc:my.sa-1")),
			"is not system:serviceaccount:<namespace>:<name>"},
		{RuleSubFormat,
			doc(setCondition("StringEquals", sub, "poc-sa")),
			doc(),
			"is not system:serviceaccount"},
		{RuleSubFormat,
			doc(setCondition("StringEquals", sub, "system:serviceaccount:"+strings.Repeat("n", 64)+":poc-sa")),
			doc(setCondition("StringEquals", sub, "system:serviceaccount:"+strings.Repeat("n", 63)+":poc-sa")),
			"is not system:serviceaccount"},
		{RuleAudMissing,
			doc(deleteCondition(aud)),
			doc(),
			`no StringEquals condition on "` + aud + `"`},
		{RuleAudMultiple,
			doc(setCondition("StringEquals", aud, []any{"sts.amazonaws.com", "other"})),
			doc(setCondition("StringEquals", aud, []any{"sts.amazonaws.com"})),
			"lists 2 values"},
		{RuleAudWildcard,
			doc(setCondition("StringEquals", aud, "sts.*")),
			doc(setCondition("StringEquals", aud, "sts.amazonaws.com.cn")),
			`value "sts.*" contains a wildcard`},
		{RuleClaimOperator,
			doc(setCondition("StringLike", sub, "system:serviceaccount:poc:*")),
			doc(setCondition("StringLike", "aws:PrincipalTag/team", "poc-*")),
			`"` + sub + `" is checked with StringLike`},
		{RuleClaimOperator,
			doc(deleteCondition(aud), setCondition("StringEqualsIfExists", aud, "sts.amazonaws.com")),
			doc(),
			"is checked with StringEqualsIfExists"},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		covered[tc.rule] = true
		t.Run(tc.rule, func(t *testing.T) {
			tripped := Audit(tc.trips)
			f, ok := findRule(tripped, tc.rule)
			if !ok {
				t.Fatalf("Check did not report %s; findings: %v", tc.rule, tripped)
			}
			if !strings.Contains(f.Message, tc.message) {
				t.Errorf("message %q does not contain %q", f.Message, tc.message)
			}
			if passed := Audit(tc.passes); hasRule(passed, tc.rule) {
				t.Errorf("Check reported %s on the passing document: %v", tc.rule, passed)
			}
		})
	}
	for _, rule := range allRules {
		if !covered[rule] {
			t.Errorf("rule %s has no test case", rule)
		}
	}
}

var allRules = []string{
	RuleMalformed, RuleEmpty, RuleEffect, RulePrincipalWild, RuleNotPrincipal, RuleNotAction,
	RuleActionWildcard, RuleSetOperator, RuleUnknownOperator, RuleDuplicateKey, RuleNotFederated, RuleMultipleProvider,
	RuleProviderARN, RuleIssuerMismatch, RuleSubMissing, RuleSubMultiple, RuleSubWildcard, RuleSubFormat,
	RuleAudMissing, RuleAudMultiple, RuleAudWildcard, RuleClaimOperator,
}

func findRule(fs []Finding, rule string) (Finding, bool) {
	for _, f := range fs {
		if f.Rule == rule {
			return f, true
		}
	}
	return Finding{}, false
}

func hasRule(fs []Finding, rule string) bool {
	_, ok := findRule(fs, rule)
	return ok
}

func TestRuleIDsAreUniqueAndShort(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range allRules {
		if seen[r] {
			t.Errorf("duplicate rule id %s", r)
		}
		seen[r] = true
		if !strings.HasPrefix(r, "trust-") || len(r) > 32 {
			t.Errorf("rule id %q: want a short trust-* id", r)
		}
	}
}

func TestCheckGoodPolicyHasNoFindings(t *testing.T) {
	if fs := Audit(doc()); len(fs) != 0 {
		t.Errorf("Audit(good) = %v", fs)
	}
	// A single statement and a bare list are policies too.
	if fs := Audit(goodStatement()); len(fs) != 0 {
		t.Errorf("Check(statement) = %v", fs)
	}
}

// An issuer may be a single DNS label: its sub and aud keys have neither a dot nor a slash, and
// are claim keys all the same because they carry the principal's own issuer.
func TestCheckSingleLabelIssuer(t *testing.T) {
	policy := func(issuer string, keep ...string) map[string]any {
		conds := map[string]any{}
		for _, claim := range keep {
			conds[issuer+":"+claim] = map[string]string{"sub": "system:serviceaccount:0:0", "aud": "sts.amazonaws.com"}[claim]
		}
		return map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Federated": "arn:aws:iam::111122223333:oidc-provider/" + issuer},
			"Action":    "sts:AssumeRoleWithWebIdentity",
			"Condition": map[string]any{"StringEquals": conds},
		}
	}
	for _, issuer := range []string{"0", "issuer", "Issuer"} {
		if fs := Audit(policy(issuer, "sub", "aud")); len(fs) != 0 {
			t.Errorf("issuer %q: Audit(good) = %v", issuer, fs)
		}
		fs := Audit(policy(issuer, "aud"))
		if len(fs) != 1 || fs[0].Rule != RuleSubMissing {
			t.Errorf("issuer %q without sub: Check = %v, want only %s", issuer, fs, RuleSubMissing)
		}
	}
	// Another bare prefix is still a service's key, not a claim of this issuer.
	st := policy("issuer", "sub", "aud")
	st["Condition"].(map[string]any)["StringEquals"].(map[string]any)["other:sub"] = "x"
	if fs := Audit(st); len(fs) != 0 {
		t.Errorf("Check with other:sub = %v", fs)
	}
}

func TestCheckReportsEveryFindingInStatementOrder(t *testing.T) {
	bad := doc(
		func(map[string]any) {},
		both(put("Principal", "*"), put("Action", "sts:*"), deleteCondition(ruleIssuer+":sub")),
		both(deleteCondition(ruleIssuer+":aud"), setCondition("ForAnyValue:StringEquals", ruleIssuer+":sub", "x")),
	)
	got := Audit(bad)
	var ids []string
	var statements []int
	for _, f := range got {
		ids = append(ids, f.Rule)
		statements = append(statements, f.Statement)
	}
	// Statement 1 trusts "*", so its claim keys cannot be tied to an issuer and aud is found under
	// any issuer; statement 2 still has its StringEquals sub beside the set operator.
	wantIDs := []string{RulePrincipalWild, RuleActionWildcard, RuleSubMissing, RuleSetOperator, RuleAudMissing}
	wantStatements := []int{1, 1, 1, 2, 2}
	if !reflect.DeepEqual(ids, wantIDs) || !reflect.DeepEqual(statements, wantStatements) {
		t.Errorf("findings:\n%v\nwant rules %v in statements %v", got, wantIDs, wantStatements)
	}
	if !sort.SliceIsSorted(statements, func(i, j int) bool { return statements[i] < statements[j] }) {
		t.Errorf("findings out of statement order: %v", statements)
	}
	// The same document must give the same findings, whatever order its maps iterate in.
	for range 20 {
		if again := Audit(bad); !reflect.DeepEqual(again, got) {
			t.Fatalf("Check is not deterministic:\n%v\n%v", got, again)
		}
	}
}

func TestFindingString(t *testing.T) {
	f := Finding{Rule: RuleSubMissing, Statement: 2, Message: "m"}
	if got, want := f.String(), "trust-sub-missing: Statement[2]: m"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	f = Finding{Rule: RuleEmpty, Statement: -1, Message: "m"}
	if got, want := f.String(), "trust-empty: m"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
