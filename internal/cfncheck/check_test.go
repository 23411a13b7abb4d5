package cfncheck

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

const validThumbprint = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"

// valid is a template with every resource type irsagen emits, written as irsagen writes them,
// with short-form and long-form intrinsic functions.
func valid(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// edit applies old/new replacements to the template and fails when old is not found, so a
// case cannot pass by changing nothing.
func edit(t *testing.T, src string, pairs ...string) string {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(src, pairs[i]) {
			t.Fatalf("template has no %q", pairs[i])
		}
		src = strings.ReplaceAll(src, pairs[i], pairs[i+1])
	}
	return src
}

func TestValidTemplatePasses(t *testing.T) {
	src := []byte(valid(t))
	for _, p := range Check(src) {
		t.Errorf("unexpected problem: %v", p)
	}
	if err := Validate(src); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestValidateJoinsProblems(t *testing.T) {
	src := edit(t, valid(t), "MaxSessionDuration: 3600", "MaxSessionDuration: 100", "Type: AWS::IAM::ManagedPolicy", "Type: AWS::IAM::ManagedPolicies")
	err := Validate([]byte(src))
	if err == nil {
		t.Fatal("Validate returned nil")
	}
	for _, want := range []string{"Resources.PolicyS3ReadAssets.Type: unknown resource type", "Resources.RolePocPocSa.Properties.MaxSessionDuration: 100 seconds"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

// TestIntrinsicFunctionsAreAccepted puts function calls where CloudFormation resolves them
// to a value of the property's type; none is a type error.
func TestIntrinsicFunctionsAreAccepted(t *testing.T) {
	src := edit(t, valid(t),
		`AWSTemplateFormatVersion: "2010-09-09"`,
		"AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  SessionSeconds:\n    Type: Number\n    Default: 3600\nConditions:\n  Tagged: !Equals [!Ref AWS::Region, us-east-1]",
		"RoleName: poc-s3-reader", "RoleName: !Sub ${AWS::Region}-poc-s3-reader",
		"MaxSessionDuration: 3600", "MaxSessionDuration: !Ref SessionSeconds",
		"      Tags:\n        - Key: owner\n          Value: platform\n",
		"      Tags:\n        - !If [Tagged, {Key: owner, Value: platform}, !Ref AWS::NoValue]\n",
		"        - !Ref PolicyS3ReadAssets", "        - Fn::GetAtt: [PolicyS3ReadAssets, PolicyArn]",
		"ThumbprintList:\n        - 9e99a48a9960b14926bb7f3b02e22da2b0ab7280",
		"ThumbprintList: !Split [',', !Join [',', [9e99a48a9960b14926bb7f3b02e22da2b0ab7280]]]",
		"      Url: https://", "      Url: !Sub https://",
	)
	for _, p := range Check([]byte(src)) {
		t.Errorf("unexpected problem: %v", p)
	}
}

func TestRejects(t *testing.T) {
	const (
		role            = "      RoleName: poc-s3-reader\n"
		sub             = "                oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub: system:serviceaccount:poc:poc-sa\n"
		aud             = "                oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud: sts.amazonaws.com\n"
		outputs         = "Outputs:\n"
		policy          = "      ManagedPolicyName: irsa-s3-read-assets\n"
		managedDocument = "      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Sid: ReadAssets\n            Effect: Allow\n            Action:\n              - s3:GetObject\n              - s3:ListBucket\n            Resource:\n              - arn:aws:s3:::assets\n              - arn:aws:s3:::assets/*\n"
		provider        = "      Url: https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF\n"
	)
	tags := func(n int) string {
		var b strings.Builder
		b.WriteString("      Tags:\n")
		for i := range n {
			fmt.Fprintf(&b, "        - Key: k%d\n          Value: v\n", i)
		}
		return b.String()
	}
	arns := func(n int) string {
		var b strings.Builder
		b.WriteString("      ManagedPolicyArns:\n")
		for i := range n {
			fmt.Fprintf(&b, "        - arn:aws:iam::111122223333:policy/p%d\n", i)
		}
		return b.String()
	}
	conditionKeys := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "                %s%d: v\n", strings.Repeat("k", 100), i)
		}
		return b.String()
	}
	bucketARNs := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "              - arn:aws:s3:::%s%d/*\n", strings.Repeat("b", 80), i)
		}
		return b.String()
	}
	roleTags := "      Tags:\n        - Key: owner\n          Value: platform\n        - Key: irsagen.io/service-account\n          Value: poc/poc-sa\n"
	roleArns := "      ManagedPolicyArns:\n        - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\n        - !Ref PolicyS3ReadAssets\n"

	cases := []struct {
		name  string
		edits []string
		want  []string // all in the one problem's Error()
	}{
		// The resource schema.
		{"unknown property", []string{policy, policy + "      Tags:\n        - Key: owner\n          Value: platform\n"},
			[]string{"Resources.PolicyS3ReadAssets.Properties.Tags", "unknown property Tags", "allowed: Description, Groups, ManagedPolicyName"}},
		{"missing required property", []string{managedDocument, ""},
			[]string{"Resources.PolicyS3ReadAssets.Properties", "required property PolicyDocument is missing"}},
		{"read-only property", []string{role, role + "      RoleId: AROA0123456789EXAMPLE\n"},
			[]string{"Resources.RolePocPocSa.Properties.RoleId", "RoleId is read-only"}},
		{"unknown resource type", []string{"Type: AWS::IAM::Role", "Type: AWS::IAM::Rol"},
			[]string{"Resources.RolePocPocSa.Type", "unknown resource type AWS::IAM::Rol; did you mean AWS::IAM::Role?"}},
		{"wrong property type", []string{"MaxSessionDuration: 3600", "MaxSessionDuration: [1]"},
			[]string{"Resources.RolePocPocSa.Properties.MaxSessionDuration", "got array, want integer"}},
		{"wrong type in a list", []string{"        - sts.amazonaws.com", "        - {audience: sts.amazonaws.com}"},
			[]string{"Resources.ProviderProdUse1.Properties.ClientIdList[0]", "got object, want string"}},
		{"unknown resource attribute", []string{"    Type: AWS::IAM::Role\n", "    Type: AWS::IAM::Role\n    UpdatePolicy: {}\n"},
			[]string{"Resources.RolePocPocSa.UpdatePolicy", "unknown property UpdatePolicy"}},

		// Template rules.
		{"bad logical ID", []string{"ProviderProdUse1", "Provider_ProdUse1"},
			[]string{"Resources.Provider_ProdUse1", `logical ID "Provider_ProdUse1" must be alphanumeric`}},
		{"duplicate logical ID", []string{outputs, "  RolePocPocSa:\n    Type: AWS::CloudFormation::WaitConditionHandle\n" + outputs},
			[]string{"Resources.RolePocPocSa", `duplicate key "RolePocPocSa"; first defined at line 33`}},
		{"parameter named like a resource", []string{"Resources:\n", "Parameters:\n  RolePocPocSa:\n    Type: String\nResources:\n"},
			[]string{"Resources.RolePocPocSa", "also a parameter"}},
		{"Ref to nothing", []string{"!Ref PolicyS3ReadAssets", "!Ref PolicyS3ReadAsset"},
			[]string{"Resources.RolePocPocSa.Properties.ManagedPolicyArns[1].Ref", "PolicyS3ReadAsset is neither a parameter, a resource nor a pseudo parameter"}},
		{"Fn::Sub of nothing", []string{"${AWS::StackName}-RolePocPocSaArn", "${Stack}-RolePocPocSaArn"},
			[]string{"Outputs.RolePocPocSaArn.Export.Name.Fn::Sub", "Stack is neither"}},
		{"unknown attribute", []string{"!GetAtt RolePocPocSa.Arn", "!GetAtt RolePocPocSa.Name"},
			[]string{"Outputs.RolePocPocSaArn.Value.Fn::GetAtt", "RolePocPocSa has no attribute Name; AWS::IAM::Role has Arn, RoleId"}},
		{"unsupported function", []string{"Fn::Sub: arn:", "Fn::Substitute: arn:"},
			[]string{"Resources.RolePocPocSa.Properties.Policies[0].PolicyDocument.Statement[0].Resource.Fn::Substitute", "unsupported intrinsic function Fn::Substitute"}},
		{"undeclared condition", []string{"Value: !GetAtt RolePocPocSa.Arn", "Value: !If [HasRole, !GetAtt RolePocPocSa.Arn, none]"},
			[]string{"Outputs.RolePocPocSaArn.Value.Fn::If", "condition HasRole is not declared in Conditions"}},
		{"circular dependency", []string{"          Value: prod-use1", "          Value: !GetAtt RolePocPocSa.RoleId"},
			[]string{"Resources.ProviderProdUse1", "circular dependency: ProviderProdUse1 -> RolePocPocSa -> ProviderProdUse1"}},
		{"intrinsic function beside other keys", []string{sub, "                Fn::Sub: ${AWS::Region}\n" + sub},
			[]string{`StringEquals.Fn::Sub`, "Fn::Sub must be the only key of its map; CloudFormation cannot take an intrinsic function as a map key"}},
		{"intrinsic function as the condition key", []string{sub + aud, "                Fn::Sub: ${AWS::Region}:sub\n"},
			[]string{"Resources.RolePocPocSa.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals.Fn::Sub", "stands where a condition key belongs"}},
		{"short-form intrinsic function as a key", []string{sub, "                !Sub '${AWS::Region}:sub': system:serviceaccount:poc:poc-sa\n"},
			[]string{"Resources.RolePocPocSa.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals", "intrinsic function !Sub used as a map key"}},

		// IAM rules for AWS::IAM::Role.
		{"role name too long", []string{role, "      RoleName: " + strings.Repeat("r", 65) + "\n"},
			[]string{"Resources.RolePocPocSa.Properties.RoleName", "is 65 characters; IAM allows 1 to 64"}},
		{"role name character", []string{role, "      RoleName: poc/s3\n"},
			[]string{"Resources.RolePocPocSa.Properties.RoleName", "may hold only letters, digits"}},
		{"bad path", []string{role + "      Path: /irsa/", role + "      Path: irsa/"},
			[]string{"Resources.RolePocPocSa.Properties.Path", `path "irsa/" must be / or begin and end with /`}},
		{"path too long", []string{role + "      Path: /irsa/", role + "      Path: /" + strings.Repeat("a/", 256)},
			[]string{"Resources.RolePocPocSa.Properties.Path", "path is 513 characters"}},
		{"session too short", []string{"MaxSessionDuration: 3600", "MaxSessionDuration: 100"},
			[]string{"Resources.RolePocPocSa.Properties.MaxSessionDuration", "100 seconds is out of range; IAM allows 3600 (1 hour) to 43200 (12 hours)"}},
		{"session too long", []string{"MaxSessionDuration: 3600", "MaxSessionDuration: 43201"},
			[]string{"Resources.RolePocPocSa.Properties.MaxSessionDuration", "43201 seconds is out of range"}},
		{"session not whole", []string{"MaxSessionDuration: 3600", "MaxSessionDuration: 3600.5"},
			[]string{"Resources.RolePocPocSa.Properties.MaxSessionDuration", "not a whole number"}},
		{"too many managed policies", []string{roleArns, arns(21)},
			[]string{"Resources.RolePocPocSa.Properties.ManagedPolicyArns", "21 managed policies; IAM attaches at most 20"}},
		{"not a policy ARN", []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "AmazonS3ReadOnlyAccess"},
			[]string{"Resources.RolePocPocSa.Properties.ManagedPolicyArns[0]", `"AmazonS3ReadOnlyAccess" is not a managed policy ARN`}},
		{"boundary not a policy ARN", []string{"policy/irsa-boundary", "role/irsa-boundary"},
			[]string{"Resources.RolePocPocSa.Properties.PermissionsBoundary", "is not a managed policy ARN"}},
		{"too many tags", []string{roleTags, tags(51)},
			[]string{"Resources.RolePocPocSa.Properties.Tags", "51 tags; IAM allows at most 50"}},
		{"tag key too long", []string{"Key: owner", "Key: " + strings.Repeat("k", 129)},
			[]string{"Resources.RolePocPocSa.Properties.Tags[0].Key", "is 129 characters; IAM allows 1 to 128"}},
		{"tag value too long", []string{"Value: platform", "Value: " + strings.Repeat("v", 257)},
			[]string{"Resources.RolePocPocSa.Properties.Tags[0].Value", "tag value is 257 characters; IAM allows at most 256"}},
		{"reserved tag key", []string{"Key: owner", "Key: aws:owner"},
			[]string{"Resources.RolePocPocSa.Properties.Tags[0].Key", "prefix aws:"}},
		{"duplicate tag key", []string{"Key: irsagen.io/service-account", "Key: owner"},
			[]string{"Resources.RolePocPocSa.Properties.Tags[1].Key", `duplicate tag key "owner"; first at Resources.RolePocPocSa.Properties.Tags[0]`}},
		{"trust policy without Version", []string{"      AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n", "      AssumeRolePolicyDocument:\n"},
			[]string{"Resources.RolePocPocSa.Properties.AssumeRolePolicyDocument", "policy document has no Version"}},
		{"unquoted Version", []string{"            Version: \"2012-10-17\"\n            Statement:\n              - Effect", "            Version: 2012-10-18\n            Statement:\n              - Effect"},
			[]string{"Resources.RolePocPocSa.Properties.Policies[0].PolicyDocument.Version", "Version 2012-10-18 is not a policy language version"}},
		{"policy without Statement", []string{managedDocument, "      PolicyDocument:\n        Version: \"2012-10-17\"\n"},
			[]string{"Resources.PolicyS3ReadAssets.Properties.PolicyDocument", "policy document has no Statement"}},
		{"policy document not a map", []string{managedDocument, "      PolicyDocument: [{}]\n"},
			[]string{"Resources.PolicyS3ReadAssets.Properties.PolicyDocument", "got array, want string or object"}},
		{"policy document a string without Version", []string{managedDocument, "      PolicyDocument: '{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}'\n"},
			[]string{"Resources.PolicyS3ReadAssets.Properties.PolicyDocument", "policy document has no Version"}},
		{"policy document a string not JSON", []string{managedDocument, "      PolicyDocument: 'Version: 2012-10-17'\n"},
			[]string{"Resources.PolicyS3ReadAssets.Properties.PolicyDocument", "policy document is a string that is not JSON"}},
		{"trust policy with Resource", []string{"            Action: sts:AssumeRoleWithWebIdentity\n", "            Action: sts:AssumeRoleWithWebIdentity\n            Resource: '*'\n"},
			[]string{"Resources.RolePocPocSa.Properties.AssumeRolePolicyDocument.Statement[0].Resource", "a trust policy cannot name a Resource"}},
		{"trust policy without Principal", []string{"            Principal:\n              Federated: !GetAtt ProviderProdUse1.Arn\n", ""},
			[]string{"Resources.RolePocPocSa.Properties.AssumeRolePolicyDocument.Statement[0]", "neither Principal nor NotPrincipal"}},
		{"identity policy with Principal", []string{"            Effect: Allow\n            Action:\n", "            Effect: Allow\n            Principal: '*'\n            Action:\n"},
			[]string{"Resources.PolicyS3ReadAssets.Properties.PolicyDocument.Statement[0].Principal", "an identity policy cannot name a Principal"}},
		{"bad Effect", []string{"- Effect: Allow\n            Principal", "- Effect: allow\n            Principal"},
			[]string{"Resources.RolePocPocSa.Properties.AssumeRolePolicyDocument.Statement[0].Effect", `Effect "allow" must be Allow or Deny`}},
		{"unknown condition operator", []string{"StringEquals:", "StringEqual:"},
			[]string{"Resources.RolePocPocSa.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEqual", "unknown condition operator StringEqual"}},
		{"bad Sid", []string{"Sid: ReadAssets", "Sid: read-assets"},
			[]string{"Resources.PolicyS3ReadAssets.Properties.PolicyDocument.Statement[0].Sid", "may hold only letters and digits"}},
		{"duplicate inline policy name", []string{"      Policies:\n        - PolicyName: send-mail\n", "      Policies:\n        - PolicyName: send-mail\n          PolicyDocument: {Version: '2012-10-17', Statement: {Effect: Allow, Action: 's3:*', Resource: '*'}}\n        - PolicyName: send-mail\n"},
			[]string{"Resources.RolePocPocSa.Properties.Policies[1].PolicyName", `duplicate policy name "send-mail"`}},
		{"trust policy too long", []string{sub, sub + conditionKeys(40)},
			[]string{"Resources.RolePocPocSa.Properties.AssumeRolePolicyDocument", "characters without white space; IAM allows at most 4096"}},

		// IAM rules for AWS::IAM::OIDCProvider.
		{"bad thumbprint", []string{validThumbprint, validThumbprint[:39]},
			[]string{"Resources.ProviderProdUse1.Properties.ThumbprintList[0]", "must be 40 hexadecimal characters"}},
		{"too many thumbprints", []string{"        - " + validThumbprint + "\n", strings.Repeat("        - "+validThumbprint+"\n", 6)},
			[]string{"Resources.ProviderProdUse1.Properties.ThumbprintList", "6 thumbprints; IAM takes 1 to 5"}},
		{"no thumbprint", []string{"ThumbprintList:\n        - " + validThumbprint, "ThumbprintList: []"},
			[]string{"Resources.ProviderProdUse1.Properties.ThumbprintList", "0 thumbprints"}},
		{"http issuer", []string{"Url: https://", "Url: http://"},
			[]string{"Resources.ProviderProdUse1.Properties.Url", "must be an https:// URL"}},
		{"issuer with query", []string{"0123456789ABCDEF0123456789ABCDEF\n      ClientIdList", "0123456789ABCDEF0123456789ABCDEF?x=1\n      ClientIdList"},
			[]string{"Resources.ProviderProdUse1.Properties.Url", "without user, query or fragment"}},
		{"no issuer", []string{provider, ""},
			[]string{"Resources.ProviderProdUse1.Properties", "required property Url is missing"}},
		{"client ID too long", []string{"        - sts.amazonaws.com", "        - " + strings.Repeat("c", 256)},
			[]string{"Resources.ProviderProdUse1.Properties.ClientIdList[0]", "client ID is 256 characters; IAM allows 1 to 255"}},

		// IAM rules for AWS::IAM::ManagedPolicy.
		{"policy name too long", []string{policy, "      ManagedPolicyName: " + strings.Repeat("p", 129) + "\n"},
			[]string{"Resources.PolicyS3ReadAssets.Properties.ManagedPolicyName", "is 129 characters; IAM allows 1 to 128"}},
		{"managed policy too long", []string{"              - arn:aws:s3:::assets/*\n", bucketARNs(70)},
			[]string{"Resources.PolicyS3ReadAssets.Properties.PolicyDocument", "characters without white space; IAM allows at most 6144"}},
		{"managed policy path", []string{policy + "      Path: /irsa/", policy + "      Path: /ir sa/"},
			[]string{"Resources.PolicyS3ReadAssets.Properties.Path", "must be / or begin and end with /"}},

		// YAML that CloudFormation reads differently, or not at all.
		{"alias", []string{"        - Key: owner\n          Value: platform\n", "        - &owner\n          Key: owner\n          Value: platform\n        - *owner\n"},
			[]string{"Resources.RolePocPocSa.Properties.Tags[1]", "CloudFormation does not support aliases"}},
		{"merge key", []string{"        - Key: owner\n          Value: platform\n", "        - <<: {Key: owner}\n          Value: platform\n"},
			[]string{"Resources.RolePocPocSa.Properties.Tags[0]", "does not support hash merges"}},
		{"YAML 1.1 boolean", []string{"Value: platform", "Value: yes"},
			[]string{"Resources.RolePocPocSa.Properties.Tags[0].Value", "plain yes is a boolean in YAML 1.1"}},
		{"unknown tag", []string{"!Ref PolicyS3ReadAssets", "!Reference PolicyS3ReadAssets"},
			[]string{"Resources.RolePocPocSa.Properties.ManagedPolicyArns[1]", "unknown YAML tag !Reference"}},
		{"second document", []string{outputs, "---\n" + outputs},
			[]string{"more than one YAML document"}},
		{"invalid YAML", []string{"    Type: AWS::IAM::Role\n", "    Type: AWS::IAM::Role\n   Bad: [\n"},
			[]string{"invalid YAML"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			problems := Check([]byte(edit(t, valid(t), c.edits...)))
			if len(problems) != 1 {
				t.Fatalf("want 1 problem, got %d:\n%s", len(problems), render(problems))
			}
			got := problems[0].Error()
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("problem %q\ndoes not contain %q", got, w)
				}
			}
		})
	}
}

func TestTooManyResources(t *testing.T) {
	var b strings.Builder
	b.WriteString("Resources:\n")
	for i := range 501 {
		fmt.Fprintf(&b, "  H%d:\n    Type: Custom::Filler\n    Properties: {ServiceToken: t}\n", i)
	}
	problems := Check([]byte(b.String()))
	if len(problems) != 1 || problems[0].Path != "Resources" || !strings.Contains(problems[0].Message, "501 resources; CloudFormation allows at most 500") {
		t.Fatalf("want one problem about 501 resources, got:\n%s", render(problems))
	}
	if problems[0].Line != 1 {
		t.Errorf("problem at line %d, want 1 (the Resources key)", problems[0].Line)
	}
}

func TestTemplateTooLarge(t *testing.T) {
	src := valid(t) + strings.Repeat("# "+strings.Repeat("x", 98)+"\n", 500)
	problems := Check([]byte(src))
	if len(problems) != 1 || problems[0].Path != "" || problems[0].Message != fmt.Sprintf("template is %d bytes; CloudFormation takes at most 51200 bytes in a request, so split the stack", len(src)) {
		t.Fatalf("want one problem about the size, got:\n%s", render(problems))
	}
}

func TestProblemsAreInDocumentOrder(t *testing.T) {
	src := []byte(edit(t, valid(t),
		"MaxSessionDuration: 3600", "MaxSessionDuration: 100",
		"Type: AWS::IAM::ManagedPolicy", "Type: AWS::IAM::ManagedPolicies",
		validThumbprint, validThumbprint[:10],
	))
	first := Check(src)
	if len(first) != 3 {
		t.Fatalf("want 3 problems, got:\n%s", render(first))
	}
	if !slices.IsSortedFunc(first, func(a, b Problem) int { return a.Line - b.Line }) {
		t.Errorf("problems not in line order:\n%s", render(first))
	}
	for range 5 {
		if again := Check(src); !slices.Equal(first, again) {
			t.Fatalf("problems differ between runs:\n%s\n---\n%s", render(first), render(again))
		}
	}
}

func TestProblemError(t *testing.T) {
	p := Problem{Path: "Resources.R.Properties.RoleName", Line: 12, Column: 7, Message: "too long"}
	if got, want := p.Error(), "12:7: Resources.R.Properties.RoleName: too long"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := (Problem{Message: "too big"}).Error(), "too big"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func render(problems []Problem) string {
	var b strings.Builder
	for _, p := range problems {
		b.WriteString(p.Error() + "\n")
	}
	return b.String()
}
