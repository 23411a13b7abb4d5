package trust

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// mustJSON decodes a policy the way callers will: encoding/json into any.
func mustJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad test JSON: %v\n%s", err, s)
	}
	return v
}

func mustEvaluate(t *testing.T, doc any, req Request) Result {
	t.Helper()
	res, err := Evaluate(doc, req)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return res
}

const (
	testProvider = "arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/A"
	testIssuer   = "oidc.example.com/id/A"
)

func TestEvaluateStatements(t *testing.T) {
	federated := Principal{Type: Federated, ID: testProvider}
	role := Principal{Type: AWS, ID: "arn:aws:iam::111122223333:role/ci"}
	webIdentity := func(p Principal, ctx map[string][]string) Request {
		return Request{Principal: p, Action: ActionAssumeRoleWithWebIdentity, Context: ctx}
	}
	claims := map[string][]string{testIssuer + ":sub": {"system:serviceaccount:poc:poc-sa"}, testIssuer + ":aud": {"sts.amazonaws.com"}}

	tests := []struct {
		name     string
		policy   string
		req      Request
		want     Decision
		deciding []int
		reasons  []string // substrings expected among the reasons of the statements that did not apply
	}{
		{
			name:   "no statement applies",
			policy: `{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`,
			req:    webIdentity(federated, nil),
			want:   ImplicitDeny,
			reasons: []string{
				`principal Federated "` + testProvider + `" is not in Principal {Service: ["ec2.amazonaws.com"]}`,
				`action "sts:AssumeRoleWithWebIdentity" does not match Action ["sts:AssumeRole"]`,
			},
		},
		{
			name:     "principal star",
			policy:   `{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity"}`,
			req:      webIdentity(federated, nil),
			want:     Allow,
			deciding: []int{0},
		},
		{
			name:     "AWS star means everyone",
			policy:   `{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRoleWithWebIdentity"}`,
			req:      webIdentity(federated, nil),
			want:     Allow,
			deciding: []int{0},
		},
		{
			name:     "federated in a list",
			policy:   `{"Effect": "Allow", "Principal": {"Federated": ["arn:aws:iam::111122223333:oidc-provider/other", "` + testProvider + `"]}, "Action": "sts:AssumeRoleWithWebIdentity"}`,
			req:      webIdentity(federated, nil),
			want:     Allow,
			deciding: []int{0},
		},
		{
			name:    "principal type must match",
			policy:  `{"Effect": "Allow", "Principal": {"AWS": "` + testProvider + `"}, "Action": "sts:AssumeRoleWithWebIdentity"}`,
			req:     webIdentity(federated, nil),
			want:    ImplicitDeny,
			reasons: []string{"is not in Principal {AWS:"},
		},
		{
			name:     "service principal",
			policy:   `{"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]}, "Action": "sts:AssumeRole"}`,
			req:      Request{Principal: Principal{Type: Service, ID: "ec2.amazonaws.com"}, Action: "sts:AssumeRole"},
			want:     Allow,
			deciding: []int{0},
		},
		{
			name:     "account id stands for its principals",
			policy:   `{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}`,
			req:      Request{Principal: role, Action: "sts:AssumeRole"},
			want:     Allow,
			deciding: []int{0},
		},
		{
			name:     "root ARN stands for its account",
			policy:   `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}`,
			req:      Request{Principal: role, Action: "sts:AssumeRole"},
			want:     Allow,
			deciding: []int{0},
		},
		{
			name:    "root ARN of another account",
			policy:  `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"}`,
			req:     Request{Principal: role, Action: "sts:AssumeRole"},
			want:    ImplicitDeny,
			reasons: []string{"is not in Principal"},
		},
		{
			name:    "root ARN of another partition",
			policy:  `{"Effect": "Allow", "Principal": {"AWS": "arn:aws-cn:iam::111122223333:root"}, "Action": "sts:AssumeRole"}`,
			req:     Request{Principal: role, Action: "sts:AssumeRole"},
			want:    ImplicitDeny,
			reasons: []string{"is not in Principal"},
		},
		{
			name:     "action is case-insensitive",
			policy:   `{"Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "Action": "STS:assumerolewithwebidentity"}`,
			req:      webIdentity(federated, nil),
			want:     Allow,
			deciding: []int{0},
		},
		{
			name:     "action wildcards",
			policy:   `{"Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "Action": ["s3:*", "sts:AssumeRole?ith*"]}`,
			req:      webIdentity(federated, nil),
			want:     Allow,
			deciding: []int{0},
		},
		{
			name:    "action prefix is not a match",
			policy:  `{"Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "Action": "sts:AssumeRole"}`,
			req:     webIdentity(federated, nil),
			want:    ImplicitDeny,
			reasons: []string{`does not match Action ["sts:AssumeRole"]`},
		},
		{
			name:     "NotAction allows what it does not list",
			policy:   `{"Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "NotAction": "sts:AssumeRole"}`,
			req:      webIdentity(federated, nil),
			want:     Allow,
			deciding: []int{0},
		},
		{
			name:    "NotAction excludes what it lists",
			policy:  `{"Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "NotAction": "sts:*"}`,
			req:     webIdentity(federated, nil),
			want:    ImplicitDeny,
			reasons: []string{`action "sts:AssumeRoleWithWebIdentity" is excluded by NotAction ["sts:*"]`},
		},
		{
			name: "explicit deny wins",
			policy: `[
				{"Sid": "Pods", "Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "Action": "sts:AssumeRoleWithWebIdentity"},
				{"Sid": "NoPoc", "Effect": "Deny", "Principal": "*", "Action": "sts:*", "Condition": {"StringEquals": {"` + testIssuer + `:sub": "system:serviceaccount:poc:poc-sa"}}}
			]`,
			req:      webIdentity(federated, claims),
			want:     ExplicitDeny,
			deciding: []int{1},
		},
		{
			name: "deny that does not apply leaves the allow",
			policy: `[
				{"Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "Action": "sts:AssumeRoleWithWebIdentity"},
				{"Effect": "Deny", "Principal": "*", "Action": "sts:*", "Condition": {"StringEquals": {"` + testIssuer + `:sub": "system:serviceaccount:kube-system:default"}}}
			]`,
			req:      webIdentity(federated, claims),
			want:     Allow,
			deciding: []int{0},
			reasons:  []string{`value "system:serviceaccount:poc:poc-sa" is not in ["system:serviceaccount:kube-system:default"]`},
		},
		{
			name: "NotPrincipal deny spares the listed principal",
			policy: `[
				{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity"},
				{"Effect": "Deny", "NotPrincipal": {"Federated": "` + testProvider + `"}, "Action": "*"}
			]`,
			req:      webIdentity(federated, nil),
			want:     Allow,
			deciding: []int{0},
			reasons:  []string{"is excluded by NotPrincipal"},
		},
		{
			name: "NotPrincipal deny catches the others",
			policy: `[
				{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity"},
				{"Effect": "Deny", "NotPrincipal": {"Federated": "` + testProvider + `"}, "Action": "*"}
			]`,
			req:      webIdentity(Principal{Type: Federated, ID: "arn:aws:iam::111122223333:oidc-provider/other"}, nil),
			want:     ExplicitDeny,
			deciding: []int{1},
		},
		{
			name: "several statements allow",
			policy: `[
				{"Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"` + testIssuer + `:sub": "system:serviceaccount:poc:other"}}},
				{"Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"` + testIssuer + `:sub": "system:serviceaccount:poc:poc-sa"}}},
				{"Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "Action": "sts:AssumeRoleWithWebIdentity"}
			]`,
			req:      webIdentity(federated, claims),
			want:     Allow,
			deciding: []int{1, 2},
			reasons:  []string{`value "system:serviceaccount:poc:poc-sa" is not in ["system:serviceaccount:poc:other"]`},
		},
		{
			name: "keys under one operator are ANDed",
			policy: `{"Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "Action": "sts:AssumeRoleWithWebIdentity",
				"Condition": {"StringEquals": {"` + testIssuer + `:sub": "system:serviceaccount:poc:poc-sa", "` + testIssuer + `:aud": "other"}}}`,
			req:     webIdentity(federated, claims),
			want:    ImplicitDeny,
			reasons: []string{`condition StringEquals "` + testIssuer + `:aud": value "sts.amazonaws.com" is not in ["other"]`},
		},
		{
			name: "operators are ANDed",
			policy: `{"Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "Action": "sts:AssumeRoleWithWebIdentity",
				"Condition": {"StringEquals": {"` + testIssuer + `:aud": "sts.amazonaws.com"}, "StringLike": {"` + testIssuer + `:sub": "system:serviceaccount:prod:*"}}}`,
			req:     webIdentity(federated, claims),
			want:    ImplicitDeny,
			reasons: []string{`condition StringLike "` + testIssuer + `:sub": value "system:serviceaccount:poc:poc-sa" matches none of ["system:serviceaccount:prod:*"]`},
		},
		{
			name: "unknown operator does not allow",
			policy: `{"Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "Action": "sts:AssumeRoleWithWebIdentity",
				"Condition": {"StringEqualsAnything": {"` + testIssuer + `:sub": "system:serviceaccount:poc:poc-sa"}}}`,
			req:     webIdentity(federated, claims),
			want:    ImplicitDeny,
			reasons: []string{`condition StringEqualsAnything "` + testIssuer + `:sub": unknown condition operator; treated as not matching`},
		},
		{
			name: "unknown operator does not deny either",
			policy: `[
				{"Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "Action": "sts:AssumeRoleWithWebIdentity"},
				{"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}
			]`,
			req:      webIdentity(federated, map[string][]string{"aws:MultiFactorAuthAge": {"10"}}),
			want:     Allow,
			deciding: []int{0},
			reasons:  []string{"unknown condition operator"},
		},
		{
			name:     "resource is ignored when the request names none",
			policy:   `{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111122223333:role/x"}`,
			req:      Request{Principal: role, Action: "sts:AssumeRole"},
			want:     Allow,
			deciding: []int{0},
		},
		{
			name:    "resource is checked when the request names one",
			policy:  `{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111122223333:role/x*"}`,
			req:     Request{Principal: role, Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/y"},
			want:    ImplicitDeny,
			reasons: []string{`resource "arn:aws:iam::111122223333:role/y" does not match Resource ["arn:aws:iam::111122223333:role/x*"]`},
		},
		{
			name:    "NotResource excludes",
			policy:  `{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "NotResource": "arn:aws:iam::111122223333:role/*"}`,
			req:     Request{Principal: role, Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/y"},
			want:    ImplicitDeny,
			reasons: []string{"is excluded by NotResource"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := mustEvaluate(t, mustJSON(t, tc.policy), tc.req)
			if res.Decision != tc.want {
				t.Fatalf("Decision = %v, want %v\n%s", res.Decision, tc.want, res)
			}
			if !reflect.DeepEqual(res.Deciding, tc.deciding) {
				t.Errorf("Deciding = %v, want %v\n%s", res.Deciding, tc.deciding, res)
			}
			var all []string
			for _, s := range res.Statements {
				if s.Applies != (len(s.Reasons) == 0) {
					t.Errorf("%s: Applies = %v with reasons %q", s.Name(), s.Applies, s.Reasons)
				}
				all = append(all, s.Reasons...)
			}
			for _, want := range tc.reasons {
				if !containsSubstring(all, want) {
					t.Errorf("no reason contains %q; reasons:\n  %s", want, strings.Join(all, "\n  "))
				}
			}
		})
	}
}

func containsSubstring(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestEvaluateReportsEveryMismatch(t *testing.T) {
	doc := mustJSON(t, `{"Sid": "Irsa", "Effect": "Allow", "Principal": {"Federated": "`+testProvider+`"}, "Action": "sts:AssumeRoleWithWebIdentity",
		"Condition": {"StringEquals": {"`+testIssuer+`:sub": "system:serviceaccount:poc:poc-sa", "`+testIssuer+`:aud": "sts.amazonaws.com"}}}`)
	req := Request{
		Principal: Principal{Type: Federated, ID: "arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/B"},
		Action:    "sts:AssumeRole",
		Context:   map[string][]string{testIssuer + ":sub": {"system:serviceaccount:poc:other"}},
	}
	res := mustEvaluate(t, doc, req)
	want := []string{
		`principal Federated "arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/B" is not in Principal {Federated: ["` + testProvider + `"]}`,
		`action "sts:AssumeRole" does not match Action ["sts:AssumeRoleWithWebIdentity"]`,
		`condition StringEquals "` + testIssuer + `:aud": key is not in the request`,
		`condition StringEquals "` + testIssuer + `:sub": value "system:serviceaccount:poc:other" is not in ["system:serviceaccount:poc:poc-sa"]`,
	}
	if got := res.Statements[0].Reasons; !reflect.DeepEqual(got, want) {
		t.Errorf("Reasons =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if res.Statements[0].Sid != "Irsa" || res.Statements[0].Name() != "statement 0 (Irsa)" {
		t.Errorf("Sid/Name = %q/%q", res.Statements[0].Sid, res.Statements[0].Name())
	}
}

func TestResultString(t *testing.T) {
	doc := mustJSON(t, `[
		{"Sid": "Pods", "Effect": "Allow", "Principal": {"Federated": "`+testProvider+`"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"`+testIssuer+`:sub": "system:serviceaccount:poc:poc-sa"}}},
		{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}
	]`)
	res := mustEvaluate(t, doc, WebIdentityRequest(testProvider, "system:serviceaccount:poc:poc-sa", "sts.amazonaws.com"))
	want := `Allow
  statement 0 (Pods), Allow: applies
  statement 1, Deny: does not apply
    - action "sts:AssumeRoleWithWebIdentity" does not match Action ["sts:AssumeRole"]
`
	if got := res.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
}

func TestDecisionString(t *testing.T) {
	for d, want := range map[Decision]string{Allow: "Allow", ImplicitDeny: "ImplicitDeny", ExplicitDeny: "ExplicitDeny", Decision(7): "Decision(7)"} {
		if got := d.String(); got != want {
			t.Errorf("Decision(%d).String() = %q, want %q", int(d), got, want)
		}
	}
}

func TestEvaluateRejectsIncompleteRequests(t *testing.T) {
	doc := mustJSON(t, `{"Effect": "Allow", "Principal": "*", "Action": "*"}`)
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"no principal type", Request{Principal: Principal{ID: "x"}, Action: "a"}, `unknown principal type ""`},
		{"no principal id", Request{Principal: Principal{Type: AWS}, Action: "a"}, "principal has no id"},
		{"no action", Request{Principal: Principal{Type: AWS, ID: "x"}}, "no action"},
	}
	for _, tc := range tests {
		if _, err := Evaluate(doc, tc.req); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestWebIdentityRequest(t *testing.T) {
	got := WebIdentityRequest(testProvider, "system:serviceaccount:poc:poc-sa", "sts.amazonaws.com")
	want := Request{
		Principal: Principal{Type: Federated, ID: testProvider},
		Action:    "sts:AssumeRoleWithWebIdentity",
		Context: map[string][]string{
			testIssuer + ":sub": {"system:serviceaccount:poc:poc-sa"},
			testIssuer + ":aud": {"sts.amazonaws.com"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("WebIdentityRequest = %+v, want %+v", got, want)
	}
}
