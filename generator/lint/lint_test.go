package lint_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/lint"
	"github.com/irsagen/irsagen/generator/plan"
)

// base has an account and a cluster in the aws partition and one of each in aws-cn.
const base = `apiVersion: irsagen/v1
kind: Config
accounts:
  - {name: platform, id: "111122223333", region: us-east-1}
  - {name: china, id: "210987654321", region: cn-north-1}
clusters:
  - {name: prod, account: platform, region: us-east-1, oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/AAAABBBBCCCCDDDDEEEEFFFF00001111"}
  - {name: cn, account: china, region: cn-north-1, oidcIssuer: "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/AAAABBBBCCCCDDDDEEEEFFFF00001111"}
`

// run loads src, checks its accept entries, builds the plan and lints it.
func run(t *testing.T, src string) lint.Result {
	t.Helper()
	cfg, err := config.Parse("irsa.yaml", []byte(src))
	if err != nil {
		t.Fatalf("parse:\n%v\n%s", err, src)
	}
	f := &config.File{Path: "irsa.yaml", Dir: ".", Config: cfg}
	if err := config.Validate(f); err != nil {
		t.Fatalf("validate:\n%v\n%s", err, src)
	}
	if err := lint.CheckAccepts(f); err != nil {
		t.Fatalf("accept:\n%v\n%s", err, src)
	}
	p, err := plan.Build(f, ".")
	if err != nil {
		t.Fatalf("plan:\n%v\n%s", err, src)
	}
	return lint.Run(f, p)
}

// inline is a config whose ServiceAccount web/app, bound to cluster (prod or cn), has an inline
// policy with one statement, written as a YAML flow mapping.
func inline(cluster, statement string) string {
	return base + fmt.Sprintf(`serviceAccounts:
  - name: app
    namespace: web
    clusters: [%s]
    inlinePolicy:
      Version: "2012-10-17"
      Statement:
        - %s
`, cluster, statement)
}

func rules(fs []lint.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func dump(fs []lint.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s: %s\n", f.Pos, f)
	}
	return b.String()
}

// TestStatementRules gives each rule statements that trip it and statements that do not.
func TestStatementRules(t *testing.T) {
	tests := []struct {
		rule    string
		cluster string // default prod
		trip    []string
		pass    []string
	}{
		{
			rule: lint.RuleAllowAll,
			trip: []string{
				`{Effect: Allow, Action: "*", Resource: "*"}`,
				`{Effect: Allow, Action: ["s3:GetObject", "*:*"], Resource: ["arn:aws:s3:::b/*", "*"]}`,
				`{Effect: Allow, Action: "*", NotResource: "arn:aws:s3:::secrets/*"}`,
			},
			pass: []string{
				`{Effect: Allow, Action: "*", Resource: "arn:aws:s3:::b/*"}`,
				`{Effect: Deny, Action: "*", Resource: "*"}`,
			},
		},
		{
			rule: lint.RuleAllowNotAction,
			trip: []string{`{Effect: Allow, NotAction: "iam:*", Resource: "*"}`},
			pass: []string{
				`{Effect: Deny, NotAction: "iam:*", Resource: "*"}`,
				`{Effect: Allow, NotAction: "s3:DeleteObject", Resource: "arn:aws:s3:::b/*"}`,
			},
		},
		{
			rule: lint.RuleServiceWildcard,
			trip: []string{
				`{Effect: Allow, Action: "s3:*", Resource: "*"}`,
				`{Effect: Allow, Action: ["s3:GetObject", "DynamoDB:*"], Resource: "*"}`,
			},
			pass: []string{
				`{Effect: Allow, Action: "s3:*", Resource: "arn:aws:s3:::b/*"}`,
				`{Effect: Allow, Action: "s3:Get*", Resource: "*"}`,
				`{Effect: Deny, Action: "s3:*", Resource: "*"}`,
			},
		},
		{
			rule: lint.RuleIAMWildcard,
			trip: []string{`{Effect: Allow, Action: "IAM:*", Resource: "*"}`},
			pass: []string{
				`{Effect: Allow, Action: "iam:Get*", Resource: "*"}`,
				`{Effect: Allow, Action: "iam:*", Resource: "arn:aws:iam::111122223333:user/ci"}`,
			},
		},
		{
			rule: lint.RulePassRoleWildcard,
			trip: []string{
				`{Effect: Allow, Action: iam:PassRole, Resource: "*", Condition: {StringEquals: {iam:PassedToService: ec2.amazonaws.com}}}`,
				`{Effect: Allow, Action: "iam:Pass*", Resource: "*", Condition: {StringEquals: {iam:PassedToService: ec2.amazonaws.com}}}`,
			},
			pass: []string{
				`{Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/app-*", Condition: {StringEquals: {iam:PassedToService: ec2.amazonaws.com}}}`,
				`{Effect: Allow, Action: "iam:Get*", Resource: "*"}`,
			},
		},
		{
			rule: lint.RulePassRoleUnscoped,
			trip: []string{
				`{Effect: Allow, Action: "iam:passrole", Resource: "arn:aws:iam::111122223333:role/worker"}`,
				`{Effect: Allow, Action: "iam:Pass*", Resource: "arn:aws:iam::111122223333:*"}`,
				`{Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/worker", Condition: {StringLike: {iam:PassedToService: "*"}}}`,
			},
			pass: []string{
				`{Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/worker", Condition: {StringEquals: {iam:PassedToService: [ec2.amazonaws.com]}}}`,
				// PassRole on an S3 ARN grants nothing.
				`{Effect: Allow, Action: "*", Resource: "arn:aws:s3:::b/*"}`,
			},
		},
		{
			rule: lint.RuleAssumeRoleWildcard,
			trip: []string{
				`{Effect: Allow, Action: sts:AssumeRole, Resource: "*"}`,
				`{Effect: Allow, Action: "sts:*", Resource: "*"}`,
				`{Effect: Allow, Action: "sts:Assume*", Resource: "*"}`,
			},
			pass: []string{
				`{Effect: Allow, Action: sts:AssumeRole, Resource: "arn:aws:iam::111122223333:role/reader"}`,
				`{Effect: Allow, Action: sts:GetCallerIdentity, Resource: "*"}`,
			},
		},
		{
			rule: lint.RuleARNMalformed,
			trip: []string{
				`{Effect: Allow, Action: s3:GetObject, Resource: "s3://bucket/*"}`,
				`{Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:bucket"}`,
				`{Effect: Allow, Action: s3:GetObject, Resource: "arn:amazon:s3:::b"}`,
				`{Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::"}`,
				`{Effect: Allow, Action: s3:GetObject, Resource: "ARN:aws:s3:::b"}`,
				`{Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:S3:::b"}`,
				`{Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b /*"}`,
				`{Effect: Allow, Action: iam:GetRole, Resource: "arn:aws:iam::11112222333:role/x"}`,
				`{Effect: Deny, Action: s3:DeleteObject, NotResource: "bucket"}`,
			},
			pass: []string{
				`{Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b/${aws:username}/*"}`,
				`{Effect: Allow, Action: iam:GetRole, Resource: "arn:aws:iam::${aws:PrincipalAccount}:role/x"}`,
				`{Effect: Allow, Action: s3:GetObject, Resource: "arn:*:s3:::b"}`,
				`{Effect: Allow, Action: logs:PutLogEvents, Resource: "arn:aws:logs:*:*:log-group:/app:*"}`,
				`{Effect: Allow, Action: dynamodb:GetItem, Resource: ["arn:aws:dynamodb:us-east-1:111122223333:table/t", "arn:aws:iam::aws:policy/x"]}`,
			},
		},
		{
			rule:    lint.RuleARNPartition,
			cluster: "cn",
			trip: []string{
				`{Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b/*"}`,
				`{Effect: Deny, Action: s3:DeleteObject, NotResource: ["arn:aws-cn:s3:::b/*", "arn:aws-us-gov:s3:::c"]}`,
			},
			pass: []string{
				`{Effect: Allow, Action: s3:GetObject, Resource: "arn:aws-cn:s3:::b/*"}`,
				`{Effect: Allow, Action: s3:GetObject, Resource: "arn:*:s3:::b/*"}`,
			},
		},
	}
	for _, tt := range tests {
		cluster := tt.cluster
		if cluster == "" {
			cluster = "prod"
		}
		for _, st := range tt.trip {
			t.Run(tt.rule+"/trips/"+st, func(t *testing.T) {
				res := run(t, inline(cluster, st))
				if got := rules(res.Findings); len(got) != 1 || got[0] != tt.rule {
					t.Fatalf("want exactly one %s finding, got:\n%s", tt.rule, dump(res.Findings))
				}
				f := res.Findings[0]
				if !strings.Contains(f.Message, "ServiceAccount web/app inlinePolicy Statement[0]") {
					t.Errorf("the message must name the ServiceAccount and the statement: %s", f.Message)
				}
				// Every statement is on line 16 of the config; the finding points into it.
				if f.Pos.Line != 16 {
					t.Errorf("finding at %s, want line 16", f.Pos)
				}
			})
		}
		for _, st := range tt.pass {
			t.Run(tt.rule+"/passes/"+st, func(t *testing.T) {
				res := run(t, inline(cluster, st))
				if len(res.Findings) != 0 {
					t.Fatalf("want no findings, got:\n%s", dump(res.Findings))
				}
			})
		}
	}
}

// TestEvasions: a grant is judged by what IAM would allow, so writing it another way, matching
// every resource with an ARN pattern, or adding a condition that does not narrow it changes
// nothing.
func TestEvasions(t *testing.T) {
	const scoped = `, Condition: {StringEquals: {iam:PassedToService: ec2.amazonaws.com}}`
	for _, c := range []struct {
		statement string
		want      string // the rules found, sorted; "" for none
	}{
		// Actions written another way.
		{`{Effect: Allow, Action: "*?:*", Resource: "*"}`, "allow-all"},
		{`{Effect: Allow, Action: "**", Resource: "*"}`, "allow-all"},
		{`{Effect: Allow, Action: "S3:*", Resource: "*"}`, "service-wildcard"},
		{`{Effect: Allow, Action: "s3:?*", Resource: "*"}`, "service-wildcard"},
		{`{Effect: Allow, Action: "s3*:*", Resource: "*"}`, "service-wildcard"},
		{`{Effect: Allow, Action: "s3:*Object", Resource: "*"}`, "service-wildcard"},
		{`{Effect: Allow, Action: "S3:GET*", Resource: "*"}`, ""},
		{`{Effect: Allow, Action: "I?M:*", Resource: "*"}`, "iam-wildcard"},
		{`{Effect: Allow, Action: "iam:P?ss*", Resource: "*"` + scoped + `}`, "pass-role-wildcard"},
		{`{Effect: Allow, Action: "IAM:PASSROLE", Resource: "arn:aws:iam::111122223333:role/worker"}`, "pass-role-unscoped"},
		{`{Effect: Allow, Action: "STS:ASSUME*", Resource: "*"}`, "assume-role-wildcard"},
		{`{Effect: Allow, Action: "sts:*Role", Resource: "*"}`, "assume-role-wildcard"},
		// NotAction grants what it does not name.
		{`{Effect: Allow, NotAction: "s3:*", Resource: "arn:aws:iam::*:role/*"}`, "assume-role-wildcard pass-role-unscoped pass-role-wildcard"},
		{`{Effect: Allow, NotAction: ["s3:*", "iam:*"], Resource: "arn:aws:iam::*:role/*"}`, "assume-role-wildcard"},
		{`{Effect: Allow, NotAction: "*", Resource: "*"}`, ""},
		{`{Effect: Allow, NotAction: "sts:*", Resource: "arn:aws:iam::111122223333:role/reader"}`, "pass-role-unscoped"},
		// ARN patterns that match every resource, or every role.
		{`{Effect: Allow, Action: "*", Resource: "arn:aws:*:*:*:*"}`, "allow-all"},
		{`{Effect: Allow, Action: "*", Resource: "arn:*:*:*:*:*"}`, "allow-all"},
		{`{Effect: Allow, Action: "s3:*", Resource: "arn:aws:s3:::*"}`, "service-wildcard"},
		{`{Effect: Allow, Action: "s3:*", Resource: "arn:aws:s3:::assets*"}`, ""},
		{`{Effect: Allow, Action: "*", Resource: "arn:aws:s3:::*"}`, "service-wildcard"},
		{`{Effect: Allow, NotAction: "s3:Delete*", Resource: "arn:aws:dynamodb:*:*:*"}`, "service-wildcard"},
		{`{Effect: Allow, Action: "*", Resource: "arn:aws:s3:::assets/*"}`, ""},
		{`{Effect: Allow, Action: sts:AssumeRole, Resource: "arn:*:iam::*:role/*"}`, "assume-role-wildcard"},
		{`{Effect: Allow, Action: sts:AssumeRole, Resource: "arn:aws:iam::*:role/*"}`, "assume-role-wildcard"},
		{`{Effect: Allow, Action: sts:AssumeRole, Resource: "arn:aws:iam::*:*"}`, "assume-role-wildcard"},
		{`{Effect: Allow, Action: sts:AssumeRole, NotResource: "arn:aws:iam::111122223333:role/admin"}`, "assume-role-wildcard"},
		{`{Effect: Allow, Action: sts:AssumeRole, Resource: "arn:aws:iam::111122223333:role/app-*"}`, ""},
		{`{Effect: Allow, Action: iam:PassRole, Resource: "arn:*:iam::*:role/*"` + scoped + `}`, "pass-role-wildcard"},
		{`{Effect: Allow, Action: "iam:*", Resource: "arn:aws:iam::*:*"}`, "iam-wildcard"},
		// Conditions that do not narrow iam:PassRole to named services.
		{`{Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/worker", Condition: {StringLike: {iam:PassedToService: "?*"}}}`, "pass-role-unscoped"},
		{`{Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/worker", Condition: {StringLike: {iam:PassedToService: ["ec2.amazonaws.com", "*.com"]}}}`, "pass-role-unscoped"},
		{`{Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/worker", Condition: {StringEqualsIfExists: {iam:PassedToService: ec2.amazonaws.com}}}`, "pass-role-unscoped"},
		{`{Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/worker", Condition: {Null: {iam:PassedToService: "false"}}}`, "pass-role-unscoped"},
		{`{Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/worker", Condition: {StringNotEquals: {iam:PassedToService: ec2.amazonaws.com}}}`, "pass-role-unscoped"},
		{`{Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/worker", Condition: {"ForAllValues:StringEquals": {iam:PassedToService: ec2.amazonaws.com}}}`, "pass-role-unscoped"},
		{`{Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/worker", Condition: {ArnLike: {iam:PassedToService: "*"}}}`, "pass-role-unscoped"},
		{`{Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/worker", Condition: {StringEquals: {aws:RequestedRegion: us-east-1}}}`, "pass-role-unscoped"},
		// Conditions that do.
		{`{Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/worker", Condition: {StringLike: {iam:PassedToService: "ec2.*"}}}`, ""},
		{`{Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/worker", Condition: {StringEqualsIgnoreCase: {IAM:PassedToService: EC2.amazonaws.com}}}`, ""},
		{`{Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/worker", Condition: {"ForAnyValue:StringEquals": {iam:PassedToService: ec2.amazonaws.com}}}`, ""},
	} {
		t.Run(c.statement, func(t *testing.T) {
			res := run(t, inline("prod", c.statement))
			got := rules(res.Findings)
			sort.Strings(got)
			if strings.Join(got, " ") != c.want {
				t.Errorf("rules %q, want %q:\n%s", strings.Join(got, " "), c.want, dump(res.Findings))
			}
		})
	}
}

// TestBroadestRuleOnly: a grant of everything is one finding, not one per rule it implies, so
// accepting it takes one entry.
func TestBroadestRuleOnly(t *testing.T) {
	for statement, want := range map[string]string{
		`{Effect: Allow, Action: ["s3:GetObject", "iam:PassRole", "sts:AssumeRole", "iam:*", "*"], Resource: "*"}`: "allow-all",
		`{Effect: Allow, Action: ["iam:PassRole", "iam:*"], Resource: "*"}`:                                        "iam-wildcard",
		`{Effect: Allow, Action: ["sts:AssumeRole", "sts:*"], Resource: "*"}`:                                      "assume-role-wildcard",
		`{Effect: Allow, Action: ["s3:*", "iam:PassRole"], Resource: "*"}`:                                         "pass-role-unscoped pass-role-wildcard service-wildcard",
	} {
		res := run(t, inline("prod", statement))
		got := rules(res.Findings)
		sort.Strings(got)
		if strings.Join(got, " ") != want {
			t.Errorf("%s: rules %q, want %q:\n%s", statement, strings.Join(got, " "), want, dump(res.Findings))
		}
	}
}

func TestManagedAdmin(t *testing.T) {
	sa := func(managed string) string {
		return base + "serviceAccounts:\n  - {name: app, namespace: web, clusters: [prod], managedPolicies: " + managed + "}\n"
	}
	for _, trip := range []string{"[AdministratorAccess]", "[ReadOnlyAccess, arn:aws:iam::aws:policy/IAMFullAccess]", "[PowerUserAccess]"} {
		res := run(t, sa(trip))
		if got := rules(res.Findings); len(got) != 1 || got[0] != lint.RuleManagedAdmin {
			t.Errorf("%s: want one managed-admin finding, got:\n%s", trip, dump(res.Findings))
		} else if !strings.Contains(res.Findings[0].Message, "ServiceAccount web/app attaches the AWS-managed policy") {
			t.Errorf("message: %s", res.Findings[0].Message)
		}
	}
	// A customer policy of that name is the account's own; its document is not known here.
	for _, pass := range []string{"[ReadOnlyAccess, AmazonS3FullAccess]", "[arn:aws:iam::111122223333:policy/AdministratorAccess]"} {
		if res := run(t, sa(pass)); len(res.Findings) != 0 {
			t.Errorf("%s: want no findings, got:\n%s", pass, dump(res.Findings))
		}
	}
}

// TestNamedPolicy: findings in a named policy point at its document and name the policy; the
// partition of a named policy is that of every account that renders it.
func TestNamedPolicy(t *testing.T) {
	src := base + `policies:
  - name: assets
    document:
      Version: "2012-10-17"
      Statement:
        - Sid: Read
          Effect: Allow
          Action: s3:*
          Resource: "*"
        - Effect: Allow
          Action: s3:GetObject
          Resource: arn:aws:s3:::assets/*
serviceAccounts:
  - {name: app, namespace: web, clusters: [prod], policies: [assets]}
  - {name: app, namespace: cn-web, clusters: [cn], policies: [assets]}
`
	res := run(t, src)
	want := []string{
		`16:19: [service-wildcard] policy "assets" Statement[0] (Sid Read) allows every s3 action (Action "s3:*") on every resource (Resource "*"); list the s3 actions the workload calls, or name the resources`,
		`20:21: [arn-partition] policy "assets" Statement[1]: Resource "arn:aws:s3:::assets/*" is in partition aws, but the policy is used in account "china" (partition aws-cn), where it never matches; write "arn:aws-cn:s3:::assets/*"`,
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%s: %s", f.Pos, f))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAccept(t *testing.T) {
	src := base + `policies:
  - name: ops
    document:
      Version: "2012-10-17"
      Statement: {Effect: Allow, Action: "*", Resource: "*"}
    accept:
      - {rule: allow-all, reason: "break-glass role, reviewed by security"}
serviceAccounts:
  - name: app
    namespace: web
    clusters: [prod]
    policies: [ops]
    managedPolicies: [AdministratorAccess]
    inlinePolicy:
      Version: "2012-10-17"
      Statement: {Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/worker"}
    accept:
      - rule: managed-admin
        reason: the operator installs arbitrary add-ons
      - rule: pass-role-unscoped
        reason: passes its worker role to EC2 and Lambda
`
	res := run(t, src)
	if len(res.Findings) != 0 {
		t.Fatalf("every finding is accepted, got:\n%s", dump(res.Findings))
	}
	if got := strings.Join(rules(res.Accepted), " "); got != "allow-all managed-admin pass-role-unscoped" {
		t.Fatalf("accepted %q", got)
	}
	// Each acceptance covers its own object only: the ServiceAccount's acceptances do not cover
	// another ServiceAccount's inline policy, nor the policy's theirs.
	src = strings.Replace(src, "    policies: [ops]\n", "", 1) + `  - name: other
    namespace: web
    clusters: [prod]
    managedPolicies: [AdministratorAccess]
`
	res = run(t, src)
	if got := rules(res.Findings); len(got) != 1 || got[0] != lint.RuleManagedAdmin || !strings.Contains(res.Findings[0].Message, "web/other") {
		t.Fatalf("want the other ServiceAccount's managed-admin finding, got:\n%s", dump(res.Findings))
	}
}

// TestAcceptStale: an acceptance that matches no finding is itself reported, at its rule.
func TestAcceptStale(t *testing.T) {
	src := base + `serviceAccounts:
  - name: app
    namespace: web
    clusters: [prod]
    inlinePolicy:
      Version: "2012-10-17"
      Statement: {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b/*"}
    accept:
      - {rule: allow-all, reason: was admin once}
`
	res := run(t, src)
	if len(res.Findings) != 1 {
		t.Fatalf("want one stale acceptance, got:\n%s", dump(res.Findings))
	}
	f := res.Findings[0]
	want := `[accept-stale] ServiceAccount web/app accepts allow-all, but nothing in it breaks that rule any more; remove the accept entry`
	if f.String() != want || f.Pos != (diag.Pos{Line: 17, Col: 16}) {
		t.Fatalf("got %s: %s\nwant 17:16: %s", f.Pos, f, want)
	}
	// The diagnostics carry the file and the rule id.
	if d := res.Diagnostics(); len(d) != 1 || d[0].String() != "irsa.yaml:17:16: "+want {
		t.Fatalf("diagnostics: %v", d)
	}
}

func TestCheckAccepts(t *testing.T) {
	src := base + `policies:
  - name: ops
    document: {Version: "2012-10-17", Statement: {Effect: Allow, Action: "*", Resource: "*"}}
    accept:
      - {rule: alow-all, reason: typo}
      - {rule: managed-admin, reason: wrong place}
serviceAccounts:
  - name: app
    namespace: web
    clusters: [prod]
    accept:
      - {rule: allow-all, reason: "  "}
      - {rule: allow-all, reason: twice}
      - {rule: accept-stale, reason: no}
      - {reason: no rule}
      - {rule: zzz, reason: far from anything}
`
	cfg, err := config.Parse("irsa.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	f := &config.File{Path: "irsa.yaml", Config: cfg}
	if err := config.Validate(f); err != nil {
		t.Fatal(err)
	}
	var got diag.List
	if !errors.As(lint.CheckAccepts(f), &got) {
		t.Fatal("want a diag.List")
	}
	want := []string{
		`irsa.yaml:13:16: policy "ops": unknown lint rule "alow-all"; did you mean "allow-all"?`,
		`irsa.yaml:14:16: policy "ops": managed-admin concerns the managedPolicies of a ServiceAccount, never a named policy; accept it on the ServiceAccount`,
		`irsa.yaml:20:35: ServiceAccount web/app: accepting allow-all needs a reason: say why the finding is intended, for the next reviewer`,
		`irsa.yaml:21:16: ServiceAccount web/app accepts allow-all twice (first at line 20); keep one entry`,
		`irsa.yaml:22:16: ServiceAccount web/app: accept-stale cannot be accepted; remove the accept entry that matches nothing instead`,
		`irsa.yaml:23:9: ServiceAccount web/app: an accept entry needs rule: one of ` + strings.Join(lint.Acceptable(), ", "),
		`irsa.yaml:24:16: ServiceAccount web/app: unknown lint rule "zzz"; defined rules: ` + strings.Join(lint.Acceptable(), ", "),
	}
	var lines []string
	for _, d := range got {
		lines = append(lines, d.String())
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestEveryRuleDocumented keeps docs/lint.md and the rule list in step.
func TestEveryRuleDocumented(t *testing.T) {
	doc := readDoc(t)
	for id := range lint.Summaries {
		if !strings.Contains(doc, "### `"+id+"`") {
			t.Errorf("docs/lint.md has no section ### `%s`", id)
		}
	}
}

func readDoc(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../docs/lint.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestRenderedDocuments: policies rendered from Jsonnet, once per account or once per role, and
// add-on policies of the built-in library are linted as the roles get them, with findings at
// the jsonnet or wellKnown entry that produced them.
func TestRenderedDocuments(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("admin.jsonnet", `function() {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: '*', Resource: '*'}]}`)
	write("per-role.jsonnet", `local ctx = std.extVar('irsagen');
function() {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 's3:*',
  Resource: if ctx.namespace == 'web' then '*' else 'arn:aws:s3:::b/' + ctx.namespace + '/*'}]}`)
	src := base + `policies:
  - {name: admin, jsonnet: admin.jsonnet}
  - {name: per-role, jsonnet: per-role.jsonnet}
serviceAccounts:
  - {name: app, namespace: web, clusters: [prod], policies: [admin, per-role]}
  - {name: app, namespace: api, clusters: [prod], policies: [per-role]}
  - name: dns
    namespace: cn-web
    clusters: [cn]
    policies: [per-role]
    wellKnown:
      - {name: external-dns, args: {hostedZones: [Z0123456789ABC]}}
`
	cfg, err := config.Parse("irsa.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	f := &config.File{Path: "irsa.yaml", Dir: dir, Config: cfg}
	if err := config.Validate(f); err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(f, ".")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range lint.Run(f, p).Findings {
		got = append(got, fmt.Sprintf("%s: %s", f.Pos, f))
	}
	want := []string{
		// Once per account: a managed policy.
		`10:28: [allow-all] policy "admin" Statement[0] allows every action (Action "*") on every resource (Resource "*"): administrator access; grant the actions the workload calls on the ARNs it uses`,
		// The only role of account china that uses it: a managed policy there.
		`11:31: [arn-partition] policy "per-role" Statement[0]: Resource "arn:aws:s3:::b/cn-web/*" is in partition aws, but the policy is used in account "china" (partition aws-cn), where it never matches; write "arn:aws-cn:s3:::b/cn-web/*"`,
		// Different for web_app and api_app in one account: embedded in each role.
		`11:31: [service-wildcard] policy "per-role" (as rendered for role web_app) Statement[0] allows every s3 action (Action "s3:*") on every resource (Resource "*"); list the s3 actions the workload calls, or name the resources`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestBuiltInAddOnsAreClean: every add-on policy of the built-in library, with the example
// arguments of its index, passes the lint; a user who attaches one never has to accept anything.
func TestBuiltInAddOnsAreClean(t *testing.T) {
	data, err := os.ReadFile("../../templates/irsagen/addons/index.json")
	if err != nil {
		t.Fatal(err)
	}
	var index []struct {
		Name string
		Args []struct {
			Name    string
			Example any
		}
	}
	if err := json.Unmarshal(data, &index); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(base + "serviceAccounts:\n")
	for i, addon := range index {
		args := map[string]any{}
		for _, a := range addon.Args {
			args[a.Name] = a.Example
		}
		js, err := json.Marshal(args)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "  - {name: addon%d, namespace: aws, clusters: [prod], wellKnown: [{name: %s, args: %s}]}\n", i, addon.Name, js)
		// In aws-cn, with the examples' ARNs moved there: the add-on must write its own ARNs in
		// the role's partition.
		cn := strings.ReplaceAll(string(js), "arn:aws:", "arn:aws-cn:")
		fmt.Fprintf(&b, "  - {name: addon%d, namespace: aws-cn, clusters: [cn], wellKnown: [{name: %s, args: %s}]}\n", i, addon.Name, cn)
	}
	res := run(t, b.String())
	if len(res.Findings) != 0 {
		t.Fatalf("built-in add-ons trip the lint:\n%s", dump(res.Findings))
	}
}

// TestWellKnown: an add-on's document is the ServiceAccount's; its findings point at the
// wellKnown entry and are accepted on the ServiceAccount.
func TestWellKnown(t *testing.T) {
	src := base + `serviceAccounts:
  - name: ebs-csi-controller-sa
    namespace: kube-system
    clusters: [cn]
    wellKnown:
      - name: ebs-csi-driver
        args: {kmsKeyArns: ["arn:aws:kms:cn-north-1:210987654321:key/k"]}
`
	res := run(t, src)
	if len(res.Findings) == 0 {
		t.Fatal("want arn-partition findings for the aws KMS key in aws-cn")
	}
	for _, f := range res.Findings {
		if f.Rule != lint.RuleARNPartition || f.Pos != (diag.Pos{Line: 14, Col: 9}) ||
			!strings.HasPrefix(f.Message, "ServiceAccount kube-system/ebs-csi-controller-sa wellKnown ebs-csi-driver Statement[") {
			t.Errorf("%s: %s", f.Pos, f)
		}
	}
	res = run(t, src+"    accept: [{rule: arn-partition, reason: checked}]\n")
	if len(res.Findings) != 0 || len(res.Accepted) == 0 {
		t.Fatalf("accepted on the ServiceAccount, got:\n%s", dump(res.Findings))
	}
}
