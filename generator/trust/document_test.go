package trust

import (
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// TestEvaluateDocumentShapes feeds the same policy in every shape a decoder or a caller may
// produce; all must read alike.
func TestEvaluateDocumentShapes(t *testing.T) {
	const yamlDoc = `
Version: "2012-10-17"
Statement:
  - Effect: Allow
    Principal:
      Federated: arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/A
    Action: [sts:AssumeRoleWithWebIdentity]
    Condition:
      StringEquals:
        oidc.example.com/id/A:sub: system:serviceaccount:poc:poc-sa
        oidc.example.com/id/A:aud: sts.amazonaws.com
`
	statementJSON := `{"Effect": "Allow", "Principal": {"Federated": "` + testProvider + `"}, "Action": "sts:AssumeRoleWithWebIdentity",
		"Condition": {"StringEquals": {"` + testIssuer + `:sub": "system:serviceaccount:poc:poc-sa", "` + testIssuer + `:aud": "sts.amazonaws.com"}}}`
	var fromYAML any
	if err := yaml.Unmarshal([]byte(yamlDoc), &fromYAML); err != nil {
		t.Fatal(err)
	}
	shapes := map[string]any{
		"document with a statement list":   mustJSON(t, `{"Version": "2012-10-17", "Statement": [`+statementJSON+`]}`),
		"document with a single statement": mustJSON(t, `{"Version": "2012-10-17", "Statement": `+statementJSON+`}`),
		"bare statement":                   mustJSON(t, statementJSON),
		"bare statement list":              mustJSON(t, `[`+statementJSON+`]`),
		"yaml":                             fromYAML,
		"yaml v2 style maps and Go slices": map[any]any{
			"Statement": []any{map[any]any{
				"Effect":    "Allow",
				"Principal": map[any]any{"Federated": []string{testProvider}},
				"Action":    []string{ActionAssumeRoleWithWebIdentity},
				"Condition": map[any]any{"StringEquals": map[any]any{
					testIssuer + ":sub": "system:serviceaccount:poc:poc-sa",
					testIssuer + ":aud": []any{"sts.amazonaws.com"},
				}},
			}},
		},
	}
	for name, doc := range shapes {
		t.Run(name, func(t *testing.T) {
			ok := mustEvaluate(t, doc, WebIdentityRequest(testProvider, "system:serviceaccount:poc:poc-sa", "sts.amazonaws.com"))
			if ok.Decision != Allow {
				t.Errorf("bound ServiceAccount: %s", ok)
			}
			other := mustEvaluate(t, doc, WebIdentityRequest(testProvider, "system:serviceaccount:poc:other", "sts.amazonaws.com"))
			if other.Decision != ImplicitDeny {
				t.Errorf("other ServiceAccount: %s", other)
			}
		})
	}
}

func TestEvaluateScalarConditionValues(t *testing.T) {
	// JSON numbers and booleans are compared as IAM's strings "3600" and "true".
	doc := mustJSON(t, `{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
		"Condition": {"StringEquals": {"sts:DurationSeconds": 3600}, "Bool": {"aws:SecureTransport": true}}}`)
	req := Request{Principal: Principal{Type: AWS, ID: "111122223333"}, Action: "sts:AssumeRole",
		Context: map[string][]string{"sts:DurationSeconds": {"3600"}, "aws:SecureTransport": {"true"}}}
	if res := mustEvaluate(t, doc, req); res.Decision != Allow {
		t.Errorf("got %s", res)
	}
	var fromYAML any
	if err := yaml.Unmarshal([]byte("Effect: Allow\nPrincipal: '*'\nAction: sts:AssumeRole\nCondition: {StringEquals: {sts:DurationSeconds: 3600}}\n"), &fromYAML); err != nil {
		t.Fatal(err)
	}
	if res := mustEvaluate(t, fromYAML, req); res.Decision != Allow {
		t.Errorf("yaml int: got %s", res)
	}
}

func TestEvaluateRejectsMalformedPolicies(t *testing.T) {
	tests := []struct {
		name, policy, want string
	}{
		{"not a policy", `"sts:AssumeRole"`, "policy: want an object or a list of statements, got a scalar"},
		{"no statements", `{"Version": "2012-10-17"}`, "policy: Statement is missing"},
		{"statement not an object", `{"Statement": ["x"]}`, "Statement[0]: want an object, got a scalar"},
		{"unknown document element", `{"Statements": [], "Statement": []}`, `policy: unknown element "Statements"`},
		{"unknown statement element", `{"Effect": "Allow", "Principal": "*", "Action": "a", "effect": "Deny"}`, `Statement[0]: unknown element "effect" (element names are case-sensitive)`},
		{"missing effect", `{"Principal": "*", "Action": "a"}`, `Statement[0]: Effect is missing`},
		{"bad effect", `{"Effect": "allow", "Principal": "*", "Action": "a"}`, `Statement[0].Effect: want "Allow" or "Deny", got "allow"`},
		{"no principal", `{"Effect": "Allow", "Action": "a"}`, "has neither Principal nor NotPrincipal"},
		{"both principals", `{"Effect": "Allow", "Principal": "*", "NotPrincipal": "*", "Action": "a"}`, "has both Principal and NotPrincipal"},
		{"principal string", `{"Effect": "Allow", "Principal": "arn:aws:iam::111122223333:root", "Action": "a"}`, `Statement[0].Principal: the only string allowed is "*"`},
		{"principal type", `{"Effect": "Allow", "Principal": {"OIDC": "x"}, "Action": "a"}`, `unknown principal type "OIDC"`},
		{"empty principal", `{"Effect": "Allow", "Principal": {}, "Action": "a"}`, `Statement[0].Principal: want "*" or an object`},
		{"empty principal list", `{"Effect": "Allow", "Principal": {"Federated": []}, "Action": "a"}`, "Statement[0].Principal.Federated: must not be empty"},
		{"no action", `{"Effect": "Allow", "Principal": "*"}`, "has neither Action nor NotAction"},
		{"both actions", `{"Effect": "Allow", "Principal": "*", "Action": "a", "NotAction": "b"}`, "has both Action and NotAction"},
		{"action object", `{"Effect": "Allow", "Principal": "*", "Action": {"a": 1}}`, "Statement[0].Action: want a string or a list of strings, got an object"},
		{"action list item", `[{"Effect": "Allow", "Principal": "*", "Action": "a"}, {"Effect": "Allow", "Principal": "*", "Action": ["a", {}]}]`, "Statement[1].Action[1]: want a string, got an object"},
		{"condition not an object", `{"Effect": "Allow", "Principal": "*", "Action": "a", "Condition": []}`, "Statement[0].Condition: want an object of condition operators"},
		{"condition keys not an object", `{"Effect": "Allow", "Principal": "*", "Action": "a", "Condition": {"StringEquals": "x"}}`, "Statement[0].Condition.StringEquals: want an object of condition keys"},
		{"condition value", `{"Effect": "Allow", "Principal": "*", "Action": "a", "Condition": {"StringEquals": {"k": {"x": 1}}}}`, `Statement[0].Condition.StringEquals["k"]: want a string or a list of strings`},
		{"empty condition operator", `{"Effect": "Allow", "Principal": "*", "Action": "a", "Condition": {"StringEqualz": {}}}`, "Statement[0].Condition.StringEqualz: has no condition keys"},
		{"empty condition values", `{"Effect": "Allow", "Principal": "*", "Action": "a", "Condition": {"StringNotEquals": {"k": []}}}`, `Statement[0].Condition.StringNotEquals["k"]: must not be empty`},
		{"sid", `{"Sid": ["a"], "Effect": "Allow", "Principal": "*", "Action": "a"}`, "Statement[0].Sid: want a string"},
		// Every level a message can name, spelled out in full.
		{"principal type path", `[{"Effect": "Allow", "Principal": "*", "Action": "a"}, {"Effect": "Allow", "Principal": {"OIDC": "x"}, "Action": "a"}]`, `Statement[1].Principal: unknown principal type "OIDC"`},
		{"not principal list", `{"Effect": "Deny", "NotPrincipal": {"AWS": []}, "Action": "a"}`, "Statement[0].NotPrincipal.AWS: must not be empty"},
		{"both actions path", `{"Effect": "Allow", "Principal": "*", "Action": "a", "NotAction": "b"}`, "Statement[0]: has both Action and NotAction; use one"},
		{"not action item", `{"Effect": "Allow", "Principal": "*", "NotAction": ["a", 1, null]}`, "Statement[0].NotAction[2]: want a string, got null"},
		{"empty resource", `{"Effect": "Allow", "Principal": "*", "Action": "a", "Resource": []}`, "Statement[0].Resource: must not be empty"},
		{"not resource item", `{"Effect": "Allow", "Principal": "*", "Action": "a", "NotResource": ["a", ["b"]]}`, "Statement[0].NotResource[1]: want a string, got a list"},
		{"condition value item", `{"Effect": "Allow", "Principal": "*", "Action": "a", "Condition": {"StringLike": {"k": ["a", {}]}}}`, `Statement[0].Condition.StringLike["k"][1]: want a string, got an object`},
		{"condition key quoted", `{"Effect": "Allow", "Principal": "*", "Action": "a", "Condition": {"StringEquals": {"a\"b": []}}}`, `Statement[0].Condition.StringEquals["a\"b"]: must not be empty`},
		{"statement ten", "[" + strings.Repeat(`{"Effect": "Allow", "Principal": "*", "Action": "a"}, `, 10) + `{"Effect": "Allow", "Principal": "*", "Action": "a", "Resource": []}]`, "Statement[10].Resource: must not be empty"},
	}
	req := Request{Principal: Principal{Type: AWS, ID: "111122223333"}, Action: "a"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Evaluate(mustJSON(t, tc.policy), req)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
